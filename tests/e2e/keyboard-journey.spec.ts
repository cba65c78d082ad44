/**
 * The whole built-in workshop by keyboard alone: Kai takes part on his phone with Tab, the arrow
 * keys, Space, Enter and Escape only, and the facilitator plans and runs the session from her
 * console the same way (→ for the next step, Tab to a phase button and Enter). Lea, from another
 * team, taps on her phone so that Kai has someone to meet and disagree with.
 *
 * Every step of "Building allies" in order: the welcome slide, the 3 a.m. question with its vote,
 * the self-assessment's statements, the ally map (his level, three people, one moved closer), the
 * map talk slide, a partnership meeting (a note and an agreed action), the worthy adversaries
 * (a stance on every statement, the steelman turns, what he learned, a re-rating), his commitments
 * and the wrap-up; then the session ends and he opens "My outcomes" and closes it with Escape.
 * At each step the story also checks that the focus is on something the keyboard can use — never
 * lost on the page's body after a live update.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { Devices, LAPTOP, PHONE, joinRoom, tabTo } from './support';

const WAIT = 20_000;

/** Tab to a control and press a key on it, as a keyboard user does. */
async function press(page: Page, target: Locator, key = 'Enter', maxTabs = 150) {
  await tabTo(page, target, maxTabs);
  await page.keyboard.press(key);
}

/** The focus is on an element of the page, not lost on its body. */
async function focusKept(page: Page) {
  const where = await page.evaluate(() => document.activeElement?.tagName ?? 'none');
  expect(where, 'the focus fell back to the page').not.toBe('BODY');
}

test('the whole built-in workshop by keyboard only, for a participant and for the facilitator', async ({ browser }) => {
  test.setTimeout(900_000);
  const devices = new Devices(browser);
  const errors: string[] = [];
  try {
    const console_ = await devices.open(LAPTOP);
    const kai = await devices.open(PHONE);
    const lea = await devices.open(PHONE);
    for (const [who, p] of [
      ['console', console_],
      ['Kai', kai],
      ['Lea', lea],
    ] as const)
      p.on('pageerror', (e) => errors.push(`${who}: ${e.message}`));

    /** The console's step title after the facilitator presses → (not while typing). */
    const next = async (title: string) => {
      await console_.keyboard.press('ArrowRight');
      await expect(console_.getByTestId('step-title')).toHaveText(title, { timeout: WAIT });
      await expect(kai.getByTestId('step-title').first()).toHaveText(title, { timeout: WAIT });
    };
    const phase = (name: string) => press(console_, console_.getByRole('button', { name, exact: true }));

    let joinLink = '';
    await test.step('the facilitator plans from the built-in workshop and opens the room by keyboard', async () => {
      await console_.goto('/new');
      await expect(console_.getByLabel('Workshop title')).toHaveValue('Building allies');
      await press(console_, console_.getByRole('button', { name: 'Open the room' }));
      await expect(console_.getByTestId('step-title')).toHaveText('Lobby', { timeout: WAIT });
      joinLink = await console_.getByTestId('join-link').inputValue();
    });

    await test.step('Kai joins by keyboard; Lea taps', async () => {
      await kai.goto(joinLink);
      await expect(kai.getByLabel('Your nickname')).toBeFocused();
      await kai.keyboard.type('Kai');
      await tabTo(kai, kai.getByLabel('Department or team'));
      await kai.keyboard.type('Sales');
      await kai.keyboard.press('Enter');
      await expect(kai.getByTestId('lobby')).toContainText('You’re in, Kai!');
      await joinRoom(lea, joinLink, 'Lea', 'Finance');
      await expect(console_.getByTestId('joined-count')).toHaveText('2');
      // the console's shortcuts work from wherever its focus is (not in a field)
      await console_.locator('main').click({ position: { x: 2, y: 2 } });
    });

    await test.step('the welcome slide', async () => {
      await next('Welcome');
      await expect(kai.getByTestId('step-news')).toContainText('Step 1 of 9');
    });

    await test.step('the 3 a.m. question: Kai posts with Enter and votes with Enter', async () => {
      await next('An ally you would call at 3 a.m.');
      const answer = kai.getByRole('textbox', { name: 'Your answer', exact: true });
      await tabTo(kai, answer);
      await kai.keyboard.type('Picks up the phone, no questions asked');
      await kai.keyboard.press('Enter');
      await expect(kai.getByTestId('my-answer')).toHaveCount(1);
      await expect(answer).toBeFocused();
      await lea.getByRole('textbox', { name: 'Your answer', exact: true }).fill('Tells me the truth kindly');
      await lea.getByRole('button', { name: 'Post', exact: true }).click();
      await expect(console_.getByTestId('op-entry')).toHaveCount(2);

      await phase('Vote');
      const ballot = kai.getByTestId('ballot-entry').filter({ hasText: 'Tells me the truth kindly' });
      await press(kai, ballot);
      await expect(ballot).toHaveAttribute('aria-pressed', 'true');
      await expect(kai.getByTestId('save-status')).toHaveText('Saved');
      await phase('Results');
      await expect(kai.getByTestId('step-title').first()).toHaveText('An ally you would call at 3 a.m.');
      await focusKept(console_);
    });

    await test.step('the self-assessment: Space and the arrow keys on every statement', async () => {
      await next('Where you stand today');
      const statements = kai.getByTestId('statement');
      const count = await statements.count();
      expect(count).toBeGreaterThan(5);
      for (let i = 0; i < count; i++) {
        const first = statements.nth(i).getByRole('radio').first();
        await tabTo(kai, first);
        await kai.keyboard.press('Space');
        for (let k = 0; k < (i % 4) + 1; k++) await kai.keyboard.press('ArrowRight');
        await expect(
          statements
            .nth(i)
            .getByRole('radio')
            .nth((i % 4) + 1),
        ).toBeChecked();
      }
      await expect(kai.getByTestId('all-done')).toBeVisible();
      await expect(kai.getByTestId('save-status')).toHaveText('Saved');
      await phase('Results');
      await expect(kai.getByTestId('room-results')).toBeVisible();
      await focusKept(kai);
    });

    await test.step('the ally map: his level, three people, one moved closer with ↑', async () => {
      await next('Map your allies');
      const level = kai.getByRole('radio', { name: 'New here or early in my career' });
      if (await level.count()) {
        await tabTo(kai, level);
        await kai.keyboard.press('Space');
        await expect(level).toBeChecked();
      }
      const name = kai.getByLabel('Name, initials or role');
      // after the name, Tab reaches the direction, then the closeness: one Tab stop each, the arrows choose
      // (the pickers keep the last choice for the next person)
      for (const [who, direction, closeness, shown] of [
        ['Maria Lopez', ['ArrowRight'], ['ArrowRight'], 'Across, Colleague'],
        ['Ops director', ['ArrowLeft'], [], 'Above, Colleague'],
        ['Jo', ['ArrowRight'], [], 'Across, Colleague'],
      ] as const) {
        await tabTo(kai, name);
        await kai.keyboard.type(who);
        await kai.keyboard.press('Tab');
        for (const key of direction) await kai.keyboard.press(key);
        await kai.keyboard.press('Tab');
        for (const key of closeness) await kai.keyboard.press(key);
        await press(kai, kai.getByRole('button', { name: 'Add to map' }));
        await expect(kai.getByRole('button', { name: new RegExp(`^${who} — ${shown}`) })).toBeVisible();
      }
      await expect(kai.getByTestId('map-count')).toHaveText('3');
      // on the map itself: ↑ moves Jo one ring closer
      await tabTo(kai, kai.getByRole('button', { name: /^Jo — Across, Colleague/ }));
      await kai.keyboard.press('ArrowUp');
      await expect(kai.getByRole('button', { name: /^Jo — Across, Ally/ })).toBeFocused();
      await kai.keyboard.press('Escape');
      await expect(kai.getByTestId('save-status')).toHaveText('Saved');
      await phase('Reveal');
      await focusKept(kai);
    });

    await test.step('the map talk slide', async () => {
      await next('What the room’s map tells us');
    });

    await test.step('a partnership meeting: a note posted with Enter, an action recorded by keyboard', async () => {
      await next('Partnership meetings');
      await phase('Start round 1');
      const note = kai.getByLabel(/^A note on/);
      await expect(note).toBeVisible({ timeout: WAIT });
      await tabTo(kai, note);
      await kai.keyboard.type('We both wait on the same forecast');
      await kai.keyboard.press('Enter');
      await expect(kai.getByTestId('pm-note-text')).toHaveText('We both wait on the same forecast');
      await expect(lea.getByTestId('pm-note-text')).toHaveText('We both wait on the same forecast');
      await tabTo(kai, kai.getByLabel('Action', { exact: true }));
      await kai.keyboard.type('Share the forecast draft every Monday');
      await press(kai, kai.getByRole('button', { name: 'Record action' }));
      await expect(lea.getByTestId('pm-actions')).toContainText('Share the forecast draft every Monday');
      await phase('Wrap-up');
      await focusKept(kai);
    });

    await test.step('worthy adversaries: a stance on every statement, the steelman turns, what he learned, a re-rating', async () => {
      await next('Worthy adversaries');
      const scales = kai.locator('[data-testid^="stance-"]');
      const n = await scales.count();
      expect(n).toBeGreaterThan(1);
      for (let i = 0; i < n; i++) {
        await tabTo(kai, scales.nth(i).getByRole('radio').first());
        await kai.keyboard.press('Space');
        await expect(scales.nth(i).getByRole('radio').first()).toBeChecked();
        // Lea stands at the other end of every statement
        await lea.locator('[data-testid^="stance-"]').nth(i).getByRole('radio').last().tap();
      }
      await expect(kai.getByTestId('save-status')).toHaveText('Saved');
      await expect(lea.getByTestId('save-status')).toHaveText('Saved');
      await phase('Pairing');
      await phase('Pair on statement 1');
      await expect(kai.getByTestId('partner-name')).toHaveText(['Lea']);
      await phase('Steelman');

      const steps = ['I’ve stated my view', 'I’ve restated it', 'Yes, that’s my view'];
      const button = (page: Page, name: string) => page.getByTestId('steelman').getByRole('button', { name, exact: true });
      for (let turn = 0; turn < 12; turn++) {
        if ((await kai.getByTestId('steelman').getAttribute('data-status')) === 'done') break;
        let moved = false;
        for (const name of steps) {
          if (await button(kai, name).isVisible()) {
            await press(kai, button(kai, name));
            // the turn moved on once the button went (until the answer is back it may still show)
            await expect(button(kai, name)).toBeHidden({ timeout: WAIT });
            moved = true;
            break;
          }
          if (await button(lea, name).isVisible()) {
            await button(lea, name).click();
            await expect(button(lea, name)).toBeHidden({ timeout: WAIT });
            moved = true;
            break;
          }
        }
        if (!moved) await kai.waitForTimeout(200);
      }
      await expect(kai.getByTestId('steelman')).toHaveAttribute('data-status', 'done');

      const learned = kai.getByLabel(/What I learned from/);
      await tabTo(kai, learned);
      await kai.keyboard.type('Lea wants credit shared, not taken.');
      await press(kai, kai.getByRole('button', { name: 'Save note' }));
      await expect(kai.getByTestId('learned-status')).toHaveText('Saved');
      const rerate = kai.getByTestId('rerate-scale').getByRole('radio');
      await tabTo(kai, rerate.first());
      await kai.keyboard.press('Space');
      await kai.keyboard.press('ArrowRight');
      await expect(rerate.nth(1)).toBeChecked();
      await expect(kai.getByTestId('my-move')).toContainText('1 → 2');
      await phase('Results');
      await focusKept(kai);
    });

    await test.step('his commitments: whom, what and a rhythm, by keyboard', async () => {
      await next('Your commitments');
      await tabTo(kai, kai.getByLabel('Whom'));
      await kai.keyboard.type('Maria Lopez');
      await tabTo(kai, kai.getByLabel('What you will do'));
      await kai.keyboard.type('Ask how her quarter is going');
      await tabTo(kai, kai.getByRole('radio', { name: 'Every month' }));
      await kai.keyboard.press('ArrowLeft');
      await expect(kai.getByRole('radio', { name: 'Every two weeks' })).toBeChecked();
      await press(kai, kai.getByRole('button', { name: 'Add commitment' }));
      await expect(kai.getByTestId('commitment')).toHaveCount(1);
      await expect(kai.getByTestId('save-status')).toHaveText('Saved');
      await phase('Review');
    });

    await test.step('the wrap-up; the facilitator ends the session by keyboard', async () => {
      await next('Wrap-up');
      await press(console_, console_.getByRole('button', { name: 'End session' }));
      await press(console_, console_.getByRole('button', { name: 'Yes, end it' }));
      await expect(console_.getByTestId('room-status')).toHaveText('Ended');
      await expect(kai.getByTestId('ended-screen')).toBeVisible();
    });

    await test.step('Kai opens "My outcomes" with Enter and closes it with Escape; the focus comes back', async () => {
      const open = kai.getByTestId('open-outcomes');
      await press(kai, open);
      const dialog = kai.getByRole('dialog');
      await expect(dialog).toBeVisible();
      await expect(dialog.getByRole('heading', { name: 'My outcomes' })).toBeVisible();
      await kai.keyboard.press('Escape');
      await expect(dialog).toHaveCount(0);
      await expect(open).toBeFocused();
    });

    expect(errors).toEqual([]);
  } finally {
    await devices.closeAll();
  }
});
