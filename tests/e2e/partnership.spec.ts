/**
 * The partnership-meetings story: six people from three departments meet in pairs for two rounds.
 * The facilitator plans one partnership step (pairs, two rounds, two short questions) and starts
 * round 1; everyone sees their partner with their department; notes typed on one phone appear on
 * the partner's; an agreed action with an owner and a date reaches both; a nudge reaches the
 * phones; round 2 brings everyone a new partner (no pair meets twice).
 */
import { expect, test, type Page } from '@playwright/test';
import { Devices, LAPTOP, PHONE, PROJECTOR, SCREENSHOTS, joinRoom } from './support';

const PEOPLE = [
  ['Ana', 'Sales'],
  ['Ben', 'Sales'],
  ['Chloé', 'Finance'],
  ['Dev', 'Finance'],
  ['Eun', 'Product'],
  ['Farid', 'Product'],
] as const;
type Name = (typeof PEOPLE)[number][0];
const DEPARTMENT = Object.fromEntries(PEOPLE) as Record<Name, string>;

/** Fail the story on any uncaught error in a page. */
function watchErrors(page: Page, who: string, errors: string[]) {
  page.on('pageerror', (e) => errors.push(`${who}: ${e.message}`));
}

/** The names in the group a participant's phone shows, once it shows a group of two for `round`. */
async function groupOf(page: Page, round: number): Promise<string[]> {
  await expect(page.getByTestId('pm-round')).toHaveText(String(round));
  const members = page.getByTestId('pm-member');
  await expect(members).toHaveCount(2);
  return members.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.member ?? ''));
}

/** Everyone's partner in a round, checked from every phone: each pair agrees on the other. */
async function pairsOf(phones: Record<Name, Page>, round: number): Promise<Set<string>> {
  const pairs = new Set<string>();
  for (const [name, page] of Object.entries(phones) as Array<[Name, Page]>) {
    const group = await groupOf(page, round);
    expect(group).toContain(name);
    const mate = group.find((n) => n !== name) as Name;
    expect(DEPARTMENT[mate], `${name} meets someone from another department`).not.toBe(DEPARTMENT[name]);
    await expect(page.getByTestId('pm-group')).toContainText(DEPARTMENT[mate]);
    pairs.add([name, mate].sort().join(' + '));
  }
  expect(pairs.size).toBe(3);
  return pairs;
}

test('partnership meetings: pairs across departments take notes together and meet someone new in round 2', async ({ browser }) => {
  const devices = new Devices(browser);
  try {
    const console_ = await devices.open(LAPTOP);
    const errors: string[] = [];
    watchErrors(console_, 'console', errors);
    let displayLink = '';
    let joinLink = '';

    await test.step('the facilitator plans one partnership step (pairs, 2 rounds, 2 short questions), asking for department', async () => {
      await console_.goto('/new');
      await console_.getByRole('button', { name: 'Short example (about 20 minutes)' }).click();
      await console_.getByLabel('Workshop title').fill('Partners at Northwind');
      for (const i of [4, 3, 2]) await console_.getByRole('button', { name: `Remove step ${i}` }).click();
      await expect(console_.getByTestId('agenda-step')).toHaveCount(1);
      await console_.getByRole('combobox', { name: 'Type of step 1' }).selectOption('partnership');
      await console_.getByLabel('Step 1 title').fill('Partnership meetings');
      await expect(console_.getByRole('combobox', { name: 'People per group for step 1' })).toHaveValue('2');
      await console_.getByRole('spinbutton', { name: 'Rounds for step 1' }).fill('2');
      // The module's five default questions are prefilled; keep the first two, at 2 minutes each.
      await expect(console_.getByTestId('prompt-draft')).toHaveCount(5);
      await expect(console_.getByRole('textbox', { name: 'Question 1 of step 1', exact: true })).toHaveValue('Why we are talking');
      for (const q of [5, 4, 3]) await console_.getByRole('button', { name: `Remove question ${q} of step 1` }).click();
      await expect(console_.getByTestId('prompt-draft')).toHaveCount(2);
      // Reorder by buttons, then back.
      await console_.getByRole('button', { name: 'Move question 2 of step 1 up' }).click();
      await expect(console_.getByRole('textbox', { name: 'Question 1 of step 1', exact: true })).toHaveValue('What already works');
      await console_.getByRole('button', { name: 'Move question 1 of step 1 down' }).click();
      await expect(console_.getByRole('textbox', { name: 'Question 1 of step 1', exact: true })).toHaveValue('Why we are talking');
      for (const q of [1, 2]) await console_.getByRole('spinbutton', { name: `Minutes for question ${q} of step 1` }).fill('2');

      await expect(console_.getByLabel('Ask for department or team')).toBeChecked();
      await console_.getByLabel('Suggestions').fill('Sales, Finance, Product');
      await console_.getByRole('button', { name: 'Open the room' }).click();
      await expect(console_).toHaveURL(/\/c\/[A-Za-z0-9_-]+#t=/);
      await expect(console_.getByTestId('step-title')).toHaveText('Lobby');
      displayLink = await console_.getByTestId('display-link').inputValue();
      joinLink = await console_.getByTestId('join-link').inputValue();
    });

    const display = await devices.open(PROJECTOR);
    watchErrors(display, 'display', errors);
    await display.goto(displayLink);
    await expect(display.getByTestId('display-lobby')).toBeVisible();

    const phones = {} as Record<Name, Page>;
    await test.step('six people from Sales, Finance and Product join on their phones', async () => {
      for (const [name, dept] of PEOPLE) {
        const page = await devices.open(PHONE);
        watchErrors(page, name, errors);
        await joinRoom(page, joinLink, name, dept);
        phones[name] = page;
      }
      await expect(console_.getByTestId('joined-count')).toHaveText('6');
    });

    const start1 = console_.getByRole('button', { name: 'Start round 1' });
    await test.step('the facilitator opens the step: phones show the intro and wait for their group', async () => {
      await console_.getByTestId('agenda-item').filter({ hasText: 'Partnership meetings' }).click();
      await expect(console_.getByTestId('step-title')).toHaveText('Partnership meetings');
      await expect(console_.getByTestId('pm-round-status')).toContainText('No round yet');
      for (const page of Object.values(phones)) await expect(page.getByTestId('pm-waiting')).toContainText('Waiting for your group');
      await expect(phones.Ana.getByTestId('pm-intro')).toContainText('You will meet colleagues from other teams');
      await expect(display.getByTestId('pm-display')).toContainText('groups appear here when the first round starts');
      await expect(start1).toBeEnabled();
    });

    let round1 = new Set<string>();
    await test.step('round 1: every phone shows its pair, from two different departments; the display shows all pairs', async () => {
      await start1.click();
      await expect(console_.getByTestId('pm-round-status')).toContainText('Round 1 of 2');
      round1 = await pairsOf(phones, 1);
      await expect(phones.Ana.getByTestId('pm-prompt-title')).toHaveText('Why we are talking');
      await expect(phones.Ana.getByTestId('countdown')).toHaveText(/^[12]:\d\d$/);
      await expect(display.getByTestId('pm-display-group')).toHaveCount(3);
      await expect(display.getByTestId('pm-display-prompt')).toContainText('Why we are talking');
      for (const [name, dept] of PEOPLE) await expect(display.getByTestId('pm-display-groups')).toContainText(`${name}${dept}`);
      await expect(console_.getByTestId('pm-console-group')).toHaveCount(3);
      await expect(console_.getByTestId('pm-mix')).toHaveText('no repeated pairs · 3 of 3 pairs cross departments');
      await display.screenshot({ path: `${SCREENSHOTS}partnership-display.png` });
    });

    const anaPair = [...round1].find((p) => p.split(' + ').includes('Ana'))!;
    const mateName = anaPair.split(' + ').find((n) => n !== 'Ana') as Name;
    const ana = phones.Ana;
    const mate = phones[mateName];

    await test.step('Ana and her partner write notes; each appears on the other’s phone without a reload', async () => {
      await ana.getByRole('textbox', { name: 'A note on Why we are talking' }).fill('We both want fewer surprises at quarter end');
      await ana.getByRole('button', { name: 'Add note' }).click();
      await expect(mate.getByTestId('pm-note-text')).toHaveText(['We both want fewer surprises at quarter end']);
      await mate.getByRole('textbox', { name: 'A note on Why we are talking' }).fill('Forecasts reach us too late');
      await mate.getByRole('button', { name: 'Add note' }).click();
      await expect(ana.getByTestId('pm-note-text')).toHaveText(['We both want fewer surprises at quarter end', 'Forecasts reach us too late']);
      // The partner rewords Ana's note; the change reaches Ana.
      await mate.getByRole('button', { name: 'Edit note: We both want fewer surprises at quarter end' }).click();
      await mate.getByRole('textbox', { name: 'Reword the note' }).fill('We both want fewer surprises at the quarter close');
      await mate.getByRole('button', { name: 'Save', exact: true }).click();
      await expect(ana.getByTestId('pm-note-text').first()).toHaveText('We both want fewer surprises at the quarter close');
      await expect(ana.getByTestId('pm-note').first()).toContainText('edited');
      await expect(ana.getByTestId('save-status')).toHaveText('Saved');
      // Another pair sees none of it.
      const other = Object.entries(phones).find(([n]) => !anaPair.includes(n))![1];
      await expect(other.getByTestId('pm-note')).toHaveCount(0);
      await expect(console_.getByTestId('pm-totals')).toContainText('2 notes');
    });

    await test.step('Ana records an agreed action owned by her partner, due next week; the partner sees it', async () => {
      await ana.getByLabel('Action').fill('Share the monthly forecast with Sales');
      await ana.getByLabel('Owner').selectOption({ label: mateName });
      const due = await ana.getByLabel('Due').inputValue();
      expect(due).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      await ana.getByRole('button', { name: 'Record action' }).click();
      const action = mate.getByTestId('pm-action');
      await expect(action).toHaveCount(1);
      await expect(action).toContainText('Share the monthly forecast with Sales');
      await expect(action).toContainText(mateName);
      await expect(ana.getByTestId('save-status')).toHaveText('Saved');
      await expect(console_.getByTestId('pm-totals')).toContainText('1 action ·');
      await ana.evaluate(() => window.scrollTo(0, 0));
      await ana.screenshot({ path: `${SCREENSHOTS}partnership-participant.png` });
    });

    await test.step('the facilitator nudges: "2 minutes left" shows on the phones', async () => {
      await console_.getByRole('button', { name: 'Send “2 minutes left”' }).click();
      await expect(mate.getByTestId('pm-nudge')).toContainText('2 minutes left');
      await expect(ana.getByTestId('pm-nudge')).toContainText('2 minutes left');
      await console_.getByRole('button', { name: 'Next question →' }).click();
      await expect(ana.getByTestId('pm-prompt-title')).toHaveText('What already works');
      await expect(ana.getByTestId('pm-nudge')).toHaveCount(0);
    });

    await test.step('round 2: everyone meets someone new — no pair repeats — and round 3 cannot start', async () => {
      await console_.getByRole('button', { name: 'Start round 2' }).click();
      await expect(console_.getByTestId('pm-round-status')).toContainText('Round 2 of 2');
      const round2 = await pairsOf(phones, 2);
      for (const pair of round2) expect(round1.has(pair), `${pair} met in round 1 already`).toBe(false);
      await expect(console_.getByTestId('pm-mix')).toContainText('no repeated pairs');
      await expect(console_.getByTestId('pm-start-reason')).toHaveText('All 2 rounds have been played.');
      // Round 2 starts with a clean page; round 1's action is kept under "Earlier rounds".
      await expect(ana.getByTestId('pm-note')).toHaveCount(0);
      await expect(ana.getByText('Earlier rounds')).toBeVisible();
      await expect(ana.getByTestId('pm-prompt-title')).toHaveText('Why we are talking');
    });

    await test.step('Ana has to leave mid-round: her partner joins another group; the third group is not disturbed', async () => {
      const members = async (page: Page) => page.getByTestId('pm-member').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.member ?? '').sort());
      const mate = (await members(ana)).find((n) => n !== 'Ana') as Name;
      const others = (Object.keys(phones) as Name[]).filter((n) => n !== 'Ana' && n !== mate);
      const before = new Map(await Promise.all(others.map(async (n) => [n, await members(phones[n])] as const)));
      await console_.getByRole('button', { name: 'Ana has left the meeting: regroup' }).click();
      await expect(console_.getByTestId('pm-away')).toHaveText('Marked away: Ana');
      await expect(console_.getByTestId('pm-console-group')).toHaveCount(2);
      await expect(phones[mate].getByTestId('pm-member')).toHaveCount(3);
      const trio = await members(phones[mate]);
      expect(trio).not.toContain('Ana');
      // exactly one of the other pairs took the partner in; the remaining pair is as it was
      const untouched = others.filter((n) => !trio.includes(n));
      expect(untouched).toHaveLength(2);
      for (const n of untouched) await expect.poll(() => members(phones[n])).toEqual(before.get(n));
      for (const n of trio.filter((x) => x !== mate) as Name[]) await expect(phones[n].getByTestId('pm-member')).toHaveCount(3);
    });

    expect(errors).toEqual([]);
  } finally {
    await devices.closeAll();
  }
});
