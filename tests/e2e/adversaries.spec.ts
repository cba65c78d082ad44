/**
 * The worthy-adversaries story: five participants with spread stances (1, 2, 4, 6, 7) place
 * themselves on a statement — one with the keyboard only — and the facilitator pairs them by
 * largest disagreement (one pair and one trio). Each pair steelmans in the order the server
 * enforces by clicking the buttons on their phones (one restatement is sent back for another try);
 * everyone notes what they learned and re-rates; three move. At the results the display shows the
 * before and after side by side, how many moved, and that every pair completed both steelmans.
 */
import { expect, test, type Page } from '@playwright/test';
import { Devices, LAPTOP, PHONE, PROJECTOR, SCREENSHOTS, joinRoom } from './support';

/** name → department, stance before and after on the first statement (1 strongly disagree … 7 strongly agree) */
const PEOPLE = {
  Ana: { department: 'Sales', before: 1, after: 2 },
  Ben: { department: 'Finance', before: 7, after: 7 },
  Chloé: { department: 'Product', before: 2, after: 3 },
  Dev: { department: 'Engineering', before: 6, after: 5 },
  Eun: { department: 'Operations', before: 4, after: 4 },
} as const;
type Name = keyof typeof PEOPLE;
const NAMES = Object.keys(PEOPLE) as Name[];
const SCALE = ['Strongly disagree', 'Disagree', 'Somewhat disagree', 'Undecided', 'Somewhat agree', 'Agree', 'Strongly agree'];
const STATEMENT = 'To get ahead, you have to make sure people know which results were yours.';

/** The turns of a pair or trio, in the server's order: [A, B] → A→B, B→A; [hub, partner, joiner] → H→P, P→H, J→H, H→J. */
function turnsOf(members: string[]): Array<[string, string]> {
  const [a, b, c] = members as [string, string, string | undefined];
  const turns: Array<[string, string]> = [
    [a, b],
    [b, a],
  ];
  if (c !== undefined) turns.push([c, a], [a, c]);
  return turns;
}

const stepButton = (page: Page, name: string) => page.getByTestId('steelman').getByRole('button', { name, exact: true });

test('worthy adversaries: paired by disagreement, both steelmanned, the room sees how it moved', async ({ browser }) => {
  const devices = new Devices(browser);
  try {
    const console_ = await devices.open(LAPTOP);
    let displayLink = '';
    let joinLink = '';

    await test.step('the facilitator adds a "Worthy adversaries" step (2 minutes per turn) and opens the room', async () => {
      await console_.goto('/new');
      await console_.getByRole('button', { name: 'Short example (about 20 minutes)' }).click();
      await console_.getByLabel('Workshop title').fill('Adversaries at Northwind');
      await console_.getByRole('button', { name: 'Add a step' }).click();
      await console_.getByRole('combobox', { name: 'Type of step 5' }).selectOption('adversaries');
      await console_.getByLabel('Step 5 title').fill('Worthy adversaries');
      // two statements to start with; add a third and remove it again
      await expect(console_.getByLabel('Statement 1 for step 5')).toHaveValue(STATEMENT);
      await expect(console_.getByLabel('Statement 2 for step 5')).not.toHaveValue('');
      await console_.getByRole('button', { name: 'Add a statement' }).click();
      await expect(console_.getByLabel('Statement 3 for step 5')).toBeFocused();
      await console_.keyboard.type('Disagreement is a sign that people care.');
      await console_.getByRole('button', { name: 'Remove statement 3 of step 5' }).click();
      await expect(console_.getByLabel('Statement 3 for step 5')).toHaveCount(0);
      await expect(console_.getByRole('checkbox', { name: 'Avoid pairs from the same department in step 5' })).toBeChecked();
      await console_.getByRole('spinbutton', { name: 'Minutes per turn for step 5' }).fill('2');
      await console_.getByRole('button', { name: 'Open the room' }).click();
      await expect(console_).toHaveURL(/\/c\/[A-Za-z0-9_-]+#t=/);
      displayLink = await console_.getByTestId('display-link').inputValue();
      joinLink = await console_.getByTestId('join-link').inputValue();
    });

    const display = await devices.open(PROJECTOR);
    await display.goto(displayLink);
    await expect(display.getByTestId('display-lobby')).toBeVisible();

    const phones = {} as Record<Name, Page>;
    const errors: string[] = [];
    for (const name of NAMES) {
      phones[name] = await devices.open(PHONE);
      phones[name].on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
    }
    console_.on('pageerror', (e) => errors.push(`console: ${e.message}`));
    display.on('pageerror', (e) => errors.push(`display: ${e.message}`));

    await test.step('five people join on their phones, each from another department', async () => {
      for (const name of NAMES) await joinRoom(phones[name], joinLink, name, PEOPLE[name].department);
      await expect(console_.getByTestId('joined-count')).toHaveText('5');
    });

    await test.step('the facilitator starts the step: phones show the 7-point scale, the display the progress', async () => {
      await console_.getByTestId('agenda-item').filter({ hasText: 'Worthy adversaries' }).click();
      await expect(console_.getByTestId('step-title')).toHaveText('Worthy adversaries');
      await expect(console_.getByRole('button', { name: 'Stance' })).toHaveAttribute('aria-pressed', 'true');
      for (const name of NAMES) await expect(phones[name].getByTestId('stance-s1').getByRole('radio')).toHaveCount(7);
      await expect(display.getByTestId('adv-display')).toHaveAttribute('data-phase', 'stance');
      await expect(display.getByTestId('adv-placed')).toHaveText('0 of 5 placed');
    });

    await test.step('Eun places herself with the keyboard only; the others tap', async () => {
      const eun = phones.Eun;
      const first = eun.getByTestId('stance-s1').getByRole('radio', { name: SCALE[0], exact: true });
      await eun.keyboard.press('Tab');
      for (let i = 0; i < 20 && !(await first.evaluate((el) => el === document.activeElement)); i++) await eun.keyboard.press('Tab');
      await expect(first).toBeFocused();
      await eun.keyboard.press('Space');
      await expect(first).toBeChecked();
      for (let i = 1; i < PEOPLE.Eun.before; i++) await eun.keyboard.press('ArrowRight');
      await expect(eun.getByTestId('stance-s1').getByRole('radio', { name: SCALE[PEOPLE.Eun.before - 1], exact: true })).toBeChecked();
      await expect(eun.getByTestId('save-status')).toHaveText('Saved');

      for (const name of NAMES.filter((n) => n !== 'Eun')) {
        const radio = phones[name].getByTestId('stance-s1').getByRole('radio', { name: SCALE[PEOPLE[name].before - 1], exact: true });
        await radio.tap();
        await expect(radio).toBeChecked();
        await expect(phones[name].getByTestId('save-status')).toHaveText('Saved');
      }
      await phones.Ana.getByTestId('stance-s1').scrollIntoViewIfNeeded();
      await phones.Ana.screenshot({ path: `${SCREENSHOTS}adversaries-stance.png` });

      // the console and the projector show the live, anonymous distribution
      await expect(console_.getByTestId('adv-placed')).toHaveText('5');
      for (const [bin, n] of [1, 1, 0, 1, 0, 1, 1].entries()) await expect(console_.getByTestId(`console-bars-s1-before-${bin + 1}`)).toHaveText(String(n));
      await expect(display.getByTestId('adv-placed')).toHaveText('5 of 5 placed');
      for (const [bin, n] of [1, 1, 0, 1, 0, 1, 1].entries()) await expect(display.getByTestId(`display-bars-before-${bin + 1}`)).toHaveText(String(n));
    });

    let pairs: string[][] = [];
    await test.step('the facilitator closes the stances and pairs the room on statement 1: one pair and one trio', async () => {
      await console_.getByRole('button', { name: 'Pairing' }).click();
      await expect(console_.getByRole('button', { name: 'Pairing' })).toHaveAttribute('aria-pressed', 'true');
      await expect(phones.Ana.getByTestId('waiting-pairs')).toBeVisible();
      await console_.getByRole('button', { name: 'Pair on statement 1' }).click();
      const rows = console_.getByTestId('adv-pair');
      await expect(rows).toHaveCount(2);
      pairs = await rows.evaluateAll((els) => els.map((el) => (el.getAttribute('data-members') ?? '').split(',')));
      expect(pairs.map((p) => p.length).sort()).toEqual([2, 3]);
      expect(pairs.flat().sort()).toEqual([...NAMES].sort());
      await expect(display.getByTestId('display-pair')).toHaveCount(2);
      // the largest disagreement there is: 13 points across the pair's and the trio's conversations
      await expect(console_.getByTestId('adv-pairs')).toContainText('total disagreement 13');
      // everyone sees their partner(s), with department and stance
      for (const p of pairs) {
        for (const name of p as Name[]) {
          const others = p.filter((n) => n !== name);
          await expect(phones[name].getByTestId('partner-name')).toHaveText(others);
          await expect(phones[name].getByTestId('my-stance')).toContainText(`(${PEOPLE[name].before})`);
        }
      }
      const [a, b] = pairs.find((p) => p.length === 2) as [Name, Name];
      await expect(phones[a].getByTestId('partner')).toContainText(PEOPLE[b].department);
      await expect(phones[a].getByTestId('partner-stance')).toHaveText(`${SCALE[PEOPLE[b].before - 1]} (${PEOPLE[b].before})`);
    });

    await test.step('the facilitator opens the steelman; every pair goes through its turns on their phones', async () => {
      await console_.getByRole('button', { name: 'Steelman' }).click();
      await expect(console_.getByRole('button', { name: 'Steelman' })).toHaveAttribute('aria-pressed', 'true');
      await expect(display.getByTestId('adv-done')).toContainText('0 of 2 pairs done');
      let sentBack = false;
      for (const p of pairs) {
        const turns = turnsOf(p);
        for (const [t, [speaker, listener]] of turns.entries()) {
          const s = phones[speaker as Name];
          const l = phones[listener as Name];
          await expect(s.getByTestId('turn-count')).toHaveText(`Turn ${t + 1} of ${turns.length}`);
          await expect(s.getByTestId('steelman-prompt')).toContainText(`Your turn: tell ${listener}`);
          await expect(stepButton(l, 'I’ve stated my view')).toHaveCount(0);
          await stepButton(s, 'I’ve stated my view').click();
          await expect(l.getByTestId('steelman-prompt')).toContainText(`Restate ${speaker}’s view`);
          if (!sentBack) {
            await l.getByTestId('steelman').scrollIntoViewIfNeeded();
            await l.screenshot({ path: `${SCREENSHOTS}adversaries-steelman.png` });
          }
          await stepButton(l, 'I’ve restated it').click();
          await expect(stepButton(s, 'Yes, that’s my view')).toBeVisible();
          if (!sentBack) {
            // the first speaker is not convinced yet: another try
            await stepButton(s, 'Not quite — try again').click();
            await expect(l.getByTestId('steelman-prompt')).toContainText('they asked you to try again');
            await stepButton(l, 'I’ve restated it').click();
            sentBack = true;
          }
          await stepButton(s, 'Yes, that’s my view').click();
        }
        for (const name of p as Name[]) await expect(phones[name].getByTestId('steelman')).toHaveAttribute('data-status', 'done');
      }
      await expect(console_.getByTestId('pairs-done')).toHaveText('2 of 2 done');
      await expect(console_.getByTestId('pair-status')).toHaveText(['Both done', 'Both done']);
      await expect(display.getByTestId('adv-done')).toContainText('2 of 2 pairs done');
    });

    await test.step('everyone notes what they learned and re-rates; three people move', async () => {
      const [a, b] = pairs.find((p) => p.length === 2) as [Name, Name];
      await phones[a].getByLabel(/What I learned from/).fill(`${b} cares about fairness more than credit.`);
      await phones[a].getByRole('button', { name: 'Save note' }).click();
      await expect(phones[a].getByTestId('learned-status')).toHaveText('Saved');
      await expect(phones[b].getByText(`${a} learned:`)).toBeVisible();
      for (const name of NAMES) {
        const radio = phones[name].getByTestId('rerate-scale').getByRole('radio', { name: SCALE[PEOPLE[name].after - 1], exact: true });
        await radio.click();
        await expect(radio).toBeChecked();
        await expect(phones[name].getByTestId('save-status')).toHaveText('Saved');
        const { before, after } = PEOPLE[name];
        await expect(phones[name].getByTestId('my-move')).toHaveText(
          before === after ? `You stayed at ${SCALE[after - 1]} (${after}).` : `You moved 1 point: ${before} → ${after}.`,
        );
      }
      await expect(console_.getByTestId('adv-statement').first()).toContainText('3 of 5 moved');
    });

    await test.step('the facilitator moves to the results: the display shows the before and after side by side', async () => {
      await console_.getByRole('button', { name: 'Results' }).click();
      await expect(display.getByTestId('adv-display')).toHaveAttribute('data-phase', 'results');
      await expect(display.getByTestId('adv-moved')).toHaveText('3 of 5 moved');
      // the average is over the three who moved (one point each), not over everyone
      await expect(display.getByTestId('adv-shift')).toContainText('those who moved: by 1 point on average');
      await expect(display.getByTestId('adv-completed')).toHaveText('100% of pairs completed both steelmans');
      const before = [1, 1, 0, 1, 0, 1, 1];
      const after = [0, 1, 1, 1, 1, 0, 1];
      for (let i = 0; i < 7; i++) {
        await expect(display.getByTestId(`results-bars-before-${i + 1}`)).toHaveText(String(before[i]));
        await expect(display.getByTestId(`results-bars-after-${i + 1}`)).toHaveText(String(after[i]));
      }
      await display.screenshot({ path: `${SCREENSHOTS}adversaries-results.png` });
      // phones see the room too
      await expect(phones.Eun.getByTestId('room-results')).toContainText('3 of 5');
      await expect(phones.Eun.getByTestId('room-bars-after-3')).toHaveText('1');
      expect(errors).toEqual([]);
    });
  } finally {
    await devices.closeAll();
  }
});
