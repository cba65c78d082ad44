/**
 * The workshop story: a facilitator plans from the "Building allies" template (the default start),
 * trims the self-assessment, adds an open prompt, reorders steps and saves the plan as a template
 * file. In a new browser session she loads the file, opens the room and runs three steps with three
 * people on their phones — Chloé uses only the keyboard:
 *
 * - the self-assessment: the projector's anonymous bars fill in live; at the results every phone
 *   shows its own answers against the room's;
 * - the open prompt: answers, a merged duplicate, a moment hidden from the projector, a removed
 *   advert its author sees removed, votes within a budget, and the ranked result with a word cloud;
 * - commitments: whom stays sealed on the phone (never sent in clear), the room sees only counts,
 *   and Ana takes hers home as a calendar file with the names, repeat rules and reminders in it.
 */
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import ICAL from 'ical.js';
import { Devices, LAPTOP, PHONE, PROJECTOR, SCREENSHOTS, joinRoom, tabTo } from './support';

const SCALE = ['Rarely', 'Sometimes', 'Often', 'Usually', 'Almost always'];
/** the four statements kept (the template's first four), and how each person rates them */
const STATEMENTS = ['their-goals', 'their-world', 'genuine', 'listen-closely'] as const;
const RATINGS = {
  Ana: [4, 5, 3, 2],
  Ben: [5, 4, 2, 3],
  Chloé: [3, 4, 4, 1],
} as const;

const ORDER = [
  'Welcome',
  'Map your allies',
  'Where you stand today',
  'What the room’s map tells us',
  'Partnership meetings',
  'Worthy adversaries',
  'Your commitments',
  'What makes an ally?',
  'Wrap-up',
];
const QUESTION = 'What makes someone a real ally at work?';
const ADVERT = 'Buy my course on networking! Link in bio';

/** The titles in the agenda editor, in order. */
async function expectOrder(page: Page, titles: string[]) {
  await expect(page.getByTestId('agenda-step')).toHaveCount(titles.length);
  for (const [i, t] of titles.entries()) await expect(page.getByLabel(`Step ${i + 1} title`)).toHaveValue(t);
}

/** A YYYY-MM-DD day some days from today (the form does not take past days). */
function dayFromNow(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Everything a page sends to the server (HTTP bodies and WebSocket frames), to prove what never leaves it. */
function recordSent(page: Page): string[] {
  const sent: string[] = [];
  page.on('request', (r) => sent.push(r.postData() ?? ''));
  page.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8'))));
  return sent;
}

test('a facilitator runs the self-assessment, an open prompt with votes and commitments with three people', async ({ browser }) => {
  test.slow(); // the longest story: three phones, three steps and the planner's edits of a 21-statement self-assessment
  const devices = new Devices(browser);
  const errors: string[] = [];
  try {
    const planner = await devices.open({ ...LAPTOP, acceptDownloads: true });
    planner.on('pageerror', (e) => errors.push(`planner: ${e.message}`));
    let savedText = '';

    await test.step('the facilitator starts from "Building allies", the default, leaves out the 3 a.m. question and keeps four statements of the self-assessment', async () => {
      await planner.goto('/new');
      await expect(planner.getByRole('button', { name: 'Building allies (about 90 minutes)' })).toHaveAttribute('aria-pressed', 'true');
      await expectOrder(planner, [
        'Welcome',
        'An ally you would call at 3 a.m.',
        'Where you stand today',
        'Map your allies',
        'What the room’s map tells us',
        'Partnership meetings',
        'Worthy adversaries',
        'Your commitments',
        'Wrap-up',
      ]);
      await planner.getByLabel('Workshop title').fill('Allies at Northwind');
      await planner.getByRole('button', { name: 'Remove step 2' }).click();
      await expect(planner.getByTestId('agenda-step')).toHaveCount(8);

      // the template's settings fill the form
      await planner.getByRole('button', { name: 'Self-assessment settings for step 2' }).click();
      await expect(planner.getByLabel('Statement 1 for step 2')).toHaveValue(/what the people I work with are trying to achieve/);
      await expect(planner.getByLabel('Statement 19 for step 2')).toHaveValue(/disagrees with me/);
      await expect(planner.getByLabel('Label of point 5 for step 2')).toHaveValue('Almost always');
      for (let i = 0; i < 17; i++) await planner.getByRole('button', { name: 'Remove statement 5 of step 2' }).click();
      await expect(planner.getByLabel('Statement 5 for step 2')).toHaveCount(0);
      await expect(planner.getByLabel('Statement 4 for step 2')).toHaveValue(/listen closely/);
      await planner.getByRole('button', { name: 'Self-assessment settings for step 2' }).click();
    });

    await test.step('she adds an open prompt (three votes each) and reorders two steps', async () => {
      await planner.getByLabel('New step type').selectOption('open-prompt');
      await planner.getByRole('button', { name: 'Add a step' }).click();
      await expect(planner.getByLabel('Step 9 title')).toBeFocused();
      await planner.keyboard.type('What makes an ally?');
      await planner.getByRole('textbox', { name: 'Question for step 9' }).fill(QUESTION);
      await expect(planner.getByRole('spinbutton', { name: 'Votes per person for step 9' })).toHaveValue('3');
      await planner.getByRole('button', { name: 'Move step 9 up' }).click();
      await expect(planner.getByLabel('Step 8 title')).toHaveValue('What makes an ally?');

      // "Map your allies" goes before the self-assessment, with the keyboard
      await planner.getByRole('button', { name: 'Reorder step 3: Map your allies' }).focus();
      await planner.keyboard.press('Space');
      await planner.keyboard.press('ArrowUp');
      await planner.keyboard.press('Space');
      await expect(planner.getByTestId('agenda-status')).toHaveText('Moved Map your allies to position 2 of 9');
      await expectOrder(planner, ORDER);
    });

    await test.step('she saves the plan as a template file', async () => {
      const downloading = planner.waitForEvent('download');
      await planner.getByRole('button', { name: 'Save as template' }).click();
      const download = await downloading;
      savedText = await readFile((await download.path())!, 'utf8');
      const saved = JSON.parse(savedText) as { agenda: Array<{ title: string; type: string; config: Record<string, unknown> }> };
      expect(saved.agenda.map((s) => s.title)).toEqual(ORDER);
      const sa = saved.agenda.find((s) => s.type === 'self-assessment')!;
      expect((sa.config.statements as Array<{ id: string }>).map((s) => s.id)).toEqual([...STATEMENTS]);
      expect(saved.agenda.find((s) => s.type === 'open-prompt')?.config).toMatchObject({ question: QUESTION, votes: 3 });
    });

    // --- a new session: another browser, nothing of the planner's in it -------------------------
    const console_ = await devices.open(LAPTOP);
    console_.on('pageerror', (e) => errors.push(`console: ${e.message}`));
    let joinLink = '';
    let displayLink = '';

    await test.step('in a new browser session she loads the file: same order, same settings, and opens the room', async () => {
      await console_.goto('/new');
      await console_
        .getByLabel('Load a template file')
        .setInputFiles({ name: 'Allies at Northwind.canopy-agenda.json', mimeType: 'application/json', buffer: Buffer.from(savedText) });
      await expect(console_.getByLabel('Workshop title')).toHaveValue('Allies at Northwind');
      await expectOrder(console_, ORDER);
      await console_.getByRole('button', { name: 'Self-assessment settings for step 3' }).click();
      await expect(console_.getByLabel('Statement 4 for step 3')).toHaveValue(/listen closely/);
      await expect(console_.getByLabel('Statement 5 for step 3')).toHaveCount(0);
      await console_.getByRole('button', { name: 'Open prompt with votes settings for step 8' }).click();
      await expect(console_.getByRole('textbox', { name: 'Question for step 8' })).toHaveValue(QUESTION);

      await console_.getByRole('button', { name: 'Open the room' }).click();
      await expect(console_).toHaveURL(/\/c\/[A-Za-z0-9_-]+#t=/);
      joinLink = await console_.getByTestId('join-link').inputValue();
      displayLink = await console_.getByTestId('display-link').inputValue();
    });

    const display = await devices.open(PROJECTOR);
    display.on('pageerror', (e) => errors.push(`display: ${e.message}`));
    await display.goto(displayLink);
    await expect(display.getByTestId('display-lobby')).toBeVisible();

    // Ana's phone keeps Berlin time: her timed reminder is written in that zone
    const ana = await devices.open({ ...PHONE, acceptDownloads: true, timezoneId: 'Europe/Berlin' });
    const ben = await devices.open(PHONE);
    const chloe = await devices.open(PHONE);
    const phones = { Ana: ana, Ben: ben, Chloé: chloe };
    for (const [name, page] of Object.entries(phones)) page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
    const sentByAna = recordSent(ana);

    await test.step('three people join on their phones; Chloé with the keyboard only', async () => {
      await joinRoom(ana, joinLink, 'Ana', 'Finance');
      await joinRoom(ben, joinLink, 'Ben', 'Engineering');
      await chloe.goto(joinLink);
      await tabTo(chloe, chloe.getByLabel('Your nickname'));
      await chloe.keyboard.type('Chloé');
      await tabTo(chloe, chloe.getByLabel('Department or team'));
      await chloe.keyboard.type('Sales');
      await chloe.keyboard.press('Enter');
      await expect(chloe.getByTestId('lobby')).toContainText('You’re in, Chloé!');
      await expect(console_.getByTestId('joined-count')).toHaveText('3');
    });

    // --- the self-assessment ----------------------------------------------------------------------
    await test.step('the self-assessment: Ana and Ben tap, Chloé uses Tab, Space and the arrow keys', async () => {
      await console_.getByTestId('agenda-item').filter({ hasText: 'Where you stand today' }).click();
      await expect(console_.getByRole('button', { name: 'Answer', exact: true })).toHaveAttribute('aria-pressed', 'true');
      for (const page of Object.values(phones)) await expect(page.getByTestId('statement')).toHaveCount(4);
      await expect(display.getByTestId('sa-answered')).toHaveText('0 of 3 answered');

      for (const name of ['Ana', 'Ben'] as const) {
        const page = phones[name];
        for (const [i, id] of STATEMENTS.entries())
          await page
            .getByTestId(`rate-${id}`)
            .getByRole('radio', { name: SCALE[RATINGS[name][i]! - 1], exact: true })
            .tap();
        await expect(page.getByTestId('answered')).toHaveText('4 of 4 answered');
        await expect(page.getByTestId('save-status')).toHaveText('Saved');
      }

      for (const [i, id] of STATEMENTS.entries()) {
        const first = chloe.getByTestId(`rate-${id}`).getByRole('radio', { name: SCALE[0], exact: true });
        await tabTo(chloe, first);
        await chloe.keyboard.press('Space');
        for (let k = 1; k < RATINGS.Chloé[i]!; k++) await chloe.keyboard.press('ArrowRight');
        await expect(chloe.getByTestId(`rate-${id}`).getByRole('radio', { name: SCALE[RATINGS.Chloé[i]! - 1], exact: true })).toBeChecked();
      }
      await expect(chloe.getByTestId('all-done')).toBeVisible();
      await expect(chloe.getByTestId('save-status')).toHaveText('Saved');
    });

    await test.step('the console and the projector show the room’s answers live and without names', async () => {
      await expect(console_.getByTestId('sa-answered-all')).toHaveText('3');
      await expect(display.getByTestId('sa-answered')).toHaveText('3 of 3 answered');
      // statement 1: one "Often", one "Usually", one "Almost always"; statement 4: one "Rarely", one "Sometimes", one "Often"
      const row = (page: Page, id: string) => page.getByTestId('likert-row').and(page.locator(`[data-statement="${id}"]`));
      for (const page of [display, console_]) {
        await expect(row(page, 'their-goals').getByTestId('seg-3')).toHaveText('1');
        await expect(row(page, 'their-goals').getByTestId('seg-4')).toHaveText('1');
        await expect(row(page, 'their-goals').getByTestId('seg-5')).toHaveText('1');
        await expect(row(page, 'their-world').getByTestId('seg-4')).toHaveText('2');
        await expect(row(page, 'listen-closely').getByTestId('seg-1')).toHaveText('1');
        await expect(row(page, 'listen-closely').getByTestId('seg-2')).toHaveText('1');
      }
      await display.screenshot({ path: `${SCREENSHOTS}self-assessment-chart.png`, animations: 'disabled' });
    });

    await test.step('at the results every phone shows its own answers against the room’s', async () => {
      await console_.getByRole('button', { name: 'Results', exact: true }).click();
      for (const page of Object.values(phones)) {
        await expect(page.getByTestId('room-results')).toBeVisible();
        await expect(page.getByTestId('room-bars').getByTestId('likert-row')).toHaveCount(4);
        await expect(page.getByTestId('room-bars').getByTestId('my-mark')).toHaveCount(4);
      }
      await expect(ana.getByTestId('room-bars').getByTestId('likert-row').first().getByRole('img')).toHaveAttribute('aria-label', /Your answer: Usually$/);
      await expect(chloe.getByTestId('room-bars').getByTestId('likert-row').first().getByRole('img')).toHaveAttribute('aria-label', /Your answer: Often$/);
      await ana.getByTestId('room-results').scrollIntoViewIfNeeded();
      await ana.screenshot({ path: `${SCREENSHOTS}self-assessment-participant.png`, animations: 'disabled' });
    });

    // --- the open prompt -------------------------------------------------------------------------
    await test.step('the open prompt: everyone posts short answers; the length counter keeps Chloé under the cap', async () => {
      await console_.getByTestId('agenda-item').filter({ hasText: 'What makes an ally?' }).click();
      await expect(display.getByTestId('op-display')).toHaveAttribute('data-phase', 'answer');
      await expect(ana.getByTestId('question')).toHaveText(QUESTION);

      const post = async (page: Page, text: string) => {
        await page.getByRole('textbox', { name: 'Your answer', exact: true }).fill(text);
        await page.getByRole('button', { name: 'Post', exact: true }).click();
        await expect(page.getByTestId('my-answer').filter({ hasText: text })).toBeVisible();
      };
      await post(ana, 'Shares credit openly');
      await post(ana, 'Keeps confidences');
      await post(ana, 'Asks about my goals');
      await expect(ana.getByRole('textbox', { name: 'Your answer', exact: true })).toBeDisabled();
      await post(ben, 'Gives credit openly in public');
      await post(ben, 'Follows through on promises');

      // Chloé, keyboard only
      await tabTo(chloe, chloe.getByRole('textbox', { name: 'Your answer', exact: true }));
      await chloe.keyboard.type('Offers help before being asked');
      await expect(chloe.getByTestId('length-counter')).toHaveText('30 / 140');
      await tabTo(chloe, chloe.getByRole('button', { name: 'Post', exact: true }));
      await chloe.keyboard.press('Enter');
      await expect(chloe.getByTestId('my-answer').filter({ hasText: 'Offers help before being asked' })).toBeVisible();
      await tabTo(chloe, chloe.getByRole('textbox', { name: 'Your answer', exact: true }));
      await chloe.keyboard.type('Listens to understand my goals');
      await chloe.keyboard.press('Tab');
      await chloe.keyboard.press('Enter');
      await tabTo(chloe, chloe.getByRole('textbox', { name: 'Your answer', exact: true }));
      await chloe.keyboard.type(ADVERT);
      await tabTo(chloe, chloe.getByRole('button', { name: 'Post', exact: true }));
      await chloe.keyboard.press('Enter');
      await expect(chloe.getByTestId('my-answer')).toHaveCount(3);
      await expect(chloe.getByTestId('save-status')).toHaveText('Saved');

      await expect(console_.getByTestId('op-entry')).toHaveCount(8);
      await expect(display.getByTestId('op-count')).toHaveText('8 answers');
      await expect(display.getByTestId('cloud-word').filter({ hasText: /^credit/ })).toHaveAttribute('data-count', '2');
    });

    await test.step('the facilitator merges a duplicate, hides the projector for a moment, and removes an advert', async () => {
      // an entry by its own text (every entry's "merge into" list names the others)
      const entry = (text: string) => console_.getByTestId('op-entry').filter({ has: console_.getByTestId('op-entry-text').getByText(text, { exact: true }) });
      await console_.getByLabel('Merge “Gives credit openly in public” into').selectOption({ label: 'Shares credit openly' });
      await entry('Gives credit openly in public').getByRole('button', { name: 'Merge “Gives credit openly in public”' }).click();
      await expect(entry('Gives credit openly in public')).toHaveAttribute('data-status', 'merged');
      await expect(entry('Gives credit openly in public')).toContainText('Merged into “Shares credit openly”');
      await expect(ben.getByTestId('answer-merged')).toBeVisible();

      await console_.getByRole('button', { name: 'Hide answers from the display' }).click();
      await expect(display.getByTestId('op-hidden')).toBeVisible();
      await expect(display.getByTestId('cloud-word')).toHaveCount(0);
      await console_.getByRole('button', { name: 'Show answers on the display' }).click();
      await expect(display.getByTestId('op-hidden')).toHaveCount(0);

      await entry(ADVERT)
        .getByRole('button', { name: /^Remove/ })
        .click();
      await expect(entry(ADVERT)).toHaveAttribute('data-status', 'removed');
      await expect(chloe.getByTestId('my-answer').filter({ hasText: 'Buy my course' }).getByTestId('answer-removed')).toHaveText('Removed by the facilitator');
      await expect(display.getByTestId('op-count')).toHaveText('6 answers');
      await expect(display.getByText('Buy my course')).toHaveCount(0);
      await expect(display.getByTestId('display-answer')).toHaveCount(6);
      await display.screenshot({ path: `${SCREENSHOTS}word-cloud.png`, animations: 'disabled' });
    });

    await test.step('the vote: three votes each, never for your own answer; Chloé spends hers with the keyboard', async () => {
      await console_.getByRole('button', { name: 'Vote', exact: true }).click();
      for (const page of Object.values(phones)) await expect(page.getByTestId('ballot-entry')).toHaveCount(6);
      await expect(ana.getByTestId('votes-left')).toHaveText('3 of 3 votes left');
      const ballot = (page: Page, text: string) => page.getByTestId('ballot-entry').filter({ hasText: text });
      // Ana's own answers are on her ballot but cannot be chosen
      await expect(ballot(ana, 'Shares credit openly')).toBeDisabled();
      await ballot(ana, 'Offers help before being asked').tap();
      await expect(ballot(ana, 'Offers help before being asked')).toHaveAttribute('aria-pressed', 'true');
      await expect(ana.getByTestId('votes-left')).toHaveText('2 of 3 votes left');

      await ballot(ben, 'Shares credit openly').tap();
      await ballot(ben, 'Listens to understand my goals').tap();
      // a vote changes its mind
      await ballot(ben, 'Keeps confidences').tap();
      await ballot(ben, 'Keeps confidences').tap();
      await expect(ballot(ben, 'Keeps confidences')).toHaveAttribute('aria-pressed', 'false');
      await expect(ben.getByTestId('votes-left')).toHaveText('1 of 3 votes left');

      for (const text of ['Shares credit openly', 'Keeps confidences', 'Follows through on promises']) {
        await tabTo(chloe, ballot(chloe, text));
        await chloe.keyboard.press('Enter');
        await expect(ballot(chloe, text)).toHaveAttribute('aria-pressed', 'true');
      }
      await expect(chloe.getByTestId('votes-left')).toHaveText('0 of 3 votes left');
      // the budget is spent: the other answers cannot take another vote
      await expect(ballot(chloe, 'Asks about my goals')).toBeDisabled();
      await expect(chloe.getByTestId('save-status')).toHaveText('Saved');
      await expect(console_.getByTestId('op-voted')).toHaveText('3');
    });

    await test.step('the ranked result and the word cloud on the projector', async () => {
      await console_.getByRole('button', { name: 'Results', exact: true }).click();
      await expect(display.getByTestId('op-display')).toHaveAttribute('data-phase', 'results');
      const ranked = display.getByTestId('ranked-entry');
      await expect(ranked).toHaveCount(6);
      await expect(ranked.first()).toContainText('Shares credit openly');
      await expect(ranked.first().getByTestId('entry-votes')).toHaveText('2 votes');
      await expect(ranked.nth(5).getByTestId('entry-votes')).toHaveText('0 votes');
      // the console's ranking agrees, the merged duplicate counted with the answer it repeats
      await expect(console_.getByTestId('op-entry').first().getByTestId('op-entry-text')).toHaveText('Shares credit openly');
      await expect(console_.getByTestId('op-entry').first().getByTestId('op-entry-votes')).toHaveText('2 votes');
      await expect(display.getByTestId('display-cloud').getByTestId('cloud-word').first()).toBeVisible();
      await display.screenshot({ path: `${SCREENSHOTS}open-prompt-ranking.png`, animations: 'disabled' });
    });

    // --- commitments -----------------------------------------------------------------------------
    const firstDay = dayFromNow(7);
    await test.step('commitments: Ana writes two follow-ups, edits one; whom and what are sealed before they leave her phone', async () => {
      await console_.getByTestId('agenda-item').filter({ hasText: 'Your commitments' }).click();
      await expect(ana.getByTestId('commitments')).toBeVisible();

      await ana.getByLabel('Whom').fill('Maria (Finance)');
      await ana.getByLabel('What you will do').fill('Ask how the budget review went');
      await ana.getByLabel('First date').fill(firstDay);
      await ana.getByLabel('Time (optional)').fill('09:30');
      await ana.getByText('Every two weeks', { exact: true }).tap();
      await ana.getByRole('button', { name: 'Add commitment' }).click();
      await expect(ana.getByTestId('commitment')).toHaveCount(1);

      await ana.getByLabel('Whom').fill('J.K.');
      await ana.getByLabel('What you will do').fill('Share the roadmap draft');
      await ana.getByLabel('First date').fill(firstDay);
      await ana.getByText('Every month', { exact: true }).tap();
      await ana.getByRole('button', { name: 'Add commitment' }).click();
      await expect(ana.getByTestId('commitment')).toHaveCount(2);

      await ana.getByRole('button', { name: 'Edit the commitment to J.K.' }).click();
      await expect(ana.getByLabel('Whom')).toHaveValue('J.K.');
      await ana.getByLabel('What you will do').fill('Share the roadmap draft before it is final');
      await ana.getByRole('button', { name: 'Save changes' }).click();
      await expect(ana.getByTestId('commitment').filter({ hasText: 'J.K.' })).toContainText('before it is final');
      await expect(ana.getByTestId('save-status')).toHaveText('Saved');
      await ana.getByTestId('commitment').first().scrollIntoViewIfNeeded();
      await ana.screenshot({ path: `${SCREENSHOTS}commitments-participant.png`, animations: 'disabled' });
    });

    await test.step('Ben adds two and removes one; Chloé adds hers with the keyboard', async () => {
      for (const [whom, cadence] of [
        ['Sam', 'Every week'],
        ['Lee', 'Once'],
      ] as const) {
        await ben.getByLabel('Whom').fill(whom);
        await ben.getByLabel('What you will do').fill('Ask what they are working on');
        await ben.getByText(cadence, { exact: true }).tap();
        await ben.getByRole('button', { name: 'Add commitment' }).click();
      }
      await expect(ben.getByTestId('commitment')).toHaveCount(2);
      await ben.getByRole('button', { name: 'Remove the commitment to Lee' }).click();
      await expect(ben.getByTestId('commitment')).toHaveCount(1);

      await tabTo(chloe, chloe.getByLabel('Whom'));
      await chloe.keyboard.type('Priya');
      await chloe.keyboard.press('Tab');
      await chloe.keyboard.type('Thank her for the introduction');
      // the cadence radios: one Tab stop, the arrow keys choose
      await tabTo(chloe, chloe.getByRole('radio', { name: 'Every month' }));
      await chloe.keyboard.press('ArrowRight');
      await expect(chloe.getByRole('radio', { name: 'Every three months' })).toBeChecked();
      await tabTo(chloe, chloe.getByRole('button', { name: 'Add commitment' }));
      await chloe.keyboard.press('Enter');
      await expect(chloe.getByTestId('commitment')).toHaveCount(1);
      await expect(chloe.getByTestId('commitment-whom')).toHaveText('Priya');
    });

    await test.step('the console and the projector see only counts and cadences', async () => {
      await expect(console_.getByTestId('cm-count')).toHaveText('4');
      await expect(display.getByTestId('cm-items')).toHaveText('4 commitments');
      await expect(display.getByTestId('cm-people')).toHaveText('from 3 of 3 people');
      for (const [cadence, n] of Object.entries({ once: 0, weekly: 1, biweekly: 1, monthly: 1, quarterly: 1 })) {
        await expect(display.getByTestId('display-cadences').getByTestId(`cadence-${cadence}`)).toHaveAttribute('data-count', String(n));
        await expect(console_.getByTestId('console-cadences').getByTestId(`cadence-${cadence}`)).toHaveAttribute('data-count', String(n));
      }
      for (const page of [console_, display])
        for (const name of [/Maria/, /J\.K\./, /\bSam\b/, /Priya/, /roadmap/]) await expect(page.getByText(name)).toHaveCount(0);
      // nothing Ana typed as a name ever left her phone in clear
      const sent = sentByAna.join('\n');
      expect(sent).toContain('biweekly'); // her commitments were sent (the rhythm is what the room counts)…
      for (const typed of ['Maria', 'J.K.', 'budget review', 'roadmap draft']) expect(sent).not.toContain(typed); // …whom and what sealed
    });

    await test.step('Ana downloads her calendar file: one event per commitment, with its rhythm and a reminder', async () => {
      await console_.getByRole('button', { name: 'Review', exact: true }).click();
      const downloading = ana.waitForEvent('download');
      await ana.getByRole('button', { name: 'Download to my calendar (.ics)' }).click();
      const download = await downloading;
      expect(download.suggestedFilename()).toBe('my-commitments.ics');
      const text = await readFile((await download.path())!, 'utf8');
      const cal = new ICAL.Component(ICAL.parse(text));
      const events = cal.getAllSubcomponents('vevent').map((v) => ({ v, e: new ICAL.Event(v) }));
      expect(events).toHaveLength(2);
      const maria = events.find((x) => x.e.summary.includes('Maria (Finance)'))!;
      const jk = events.find((x) => x.e.summary.includes('J.K.'))!;
      expect(maria.e.summary).toBe('Reach out to Maria (Finance): Ask how the budget review went');
      expect(jk.e.summary).toBe('Reach out to J.K.: Share the roadmap draft before it is final');
      expect(maria.e.description).toContain('Allies at Northwind');

      const rule = (v: ICAL.Component) => (v.getFirstPropertyValue('rrule') as ICAL.Recur).toString();
      expect(rule(maria.v)).toBe('FREQ=WEEKLY;INTERVAL=2');
      expect(rule(jk.v)).toBe('FREQ=MONTHLY');
      // Maria's at 09:30 on the first day; J.K.'s an all-day item
      expect(maria.e.startDate.toString()).toBe(`${firstDay}T09:30:00`);
      expect(maria.v.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('Europe/Berlin');
      expect(jk.e.startDate.isDate).toBe(true);
      expect(jk.e.startDate.toString()).toBe(firstDay);
      for (const { v } of [maria, jk]) {
        const alarms = v.getAllSubcomponents('valarm');
        expect(alarms).toHaveLength(1);
        expect(alarms[0]!.getFirstPropertyValue('action')).toBe('DISPLAY');
      }
      expect(String(maria.v.getAllSubcomponents('valarm')[0]!.getFirstPropertyValue('trigger'))).toBe('-PT15M');
    });

    expect(errors).toEqual([]);
  } finally {
    await devices.closeAll();
  }
});
