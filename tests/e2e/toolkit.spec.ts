/**
 * The facilitator's live toolkit, as a facilitator tells it: she reads her notes for the step on
 * the console (the projector and the phones never show them); four people tap "I'm done" and two
 * raise their hands, and the console shows who, and the hands in the order they went up, the
 * moment it happens, while the projector only counts; she lowers them all. Then a short timer runs
 * out: the projector shows the end and plays its chime, the phones buzz (navigator.vibrate,
 * recorded) and say "Time is up"; muted from the console, the next end is shown but not played.
 * The room's anonymous questions are on: Ada asks from her phone and Bo and Cy upvote it; Bo asks
 * much the same, Cy posts an advert. On the console she hides the advert, merges Bo's question into
 * Ada's (their votes combined, each person once) and pins it: the projector shows it large with its
 * votes. Marked answered, it is in the downloaded report — the PDF read back with pdftotext, and the
 * JSON. Nobody's phone shows who asked; every screen is axe-clean.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import type { SessionData } from '@canopy/core';
import { axeProblems } from './a11y';
import { Devices, LAPTOP, PHONE, PROJECTOR, SCREENSHOTS, joinRoom } from './support';

const NAMES = ['Ada', 'Bo', 'Cy', 'Di'] as const;
const NOTES = 'Introduce yourself and the plan for the session.';

/** Recorded on every screen before the app loads: chimes played and vibrations asked for. */
function recordSignals() {
  const w = window as unknown as { __canopyTest: { chimes: number[]; vibrations: unknown[] } };
  w.__canopyTest = { chimes: [], vibrations: [] };
  Object.defineProperty(navigator, 'vibrate', {
    configurable: true,
    value: (pattern: unknown) => {
      w.__canopyTest.vibrations.push(pattern);
      return true;
    },
  });
}
const run = promisify(execFile);

const ADAS = 'How do I find an ally in another department?';
const BOS = 'How can I find allies outside my own department?';
const ADVERT = 'Buy my leadership course, link in bio';

/** Open the Questions dialog on a phone from the keyboard, as any step allows. */
async function openQuestions(phone: Page) {
  const button = phone.getByTestId('open-questions');
  await button.focus();
  await phone.keyboard.press('Enter');
  await expect(phone.getByRole('dialog', { name: 'Questions' })).toBeVisible();
}

async function ask(phone: Page, text: string) {
  const dialog = phone.getByRole('dialog', { name: 'Questions' });
  await dialog.getByLabel('Your question').fill(text);
  await dialog.getByRole('button', { name: 'Ask', exact: true }).click();
  await expect(dialog.getByTestId('question-text-shown').filter({ hasText: text })).toBeVisible();
}

/** A question's row on the console's questions card, by its text (the merge menus list the others' texts too). */
const moderated = (console_: Page, text: string) =>
  console_
    .getByTestId('questions-card')
    .getByTestId('moderate-question')
    .filter({ has: console_.getByTestId('moderate-text').getByText(text, { exact: true }) });

const question = (phone: Page, text: string) => phone.getByTestId('question').filter({ hasText: text });

async function download(page: Page, testId: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return file.path();
}

const recorded = (page: Page) => page.evaluate(() => (window as unknown as { __canopyTest: { chimes: number[]; vibrations: unknown[] } }).__canopyTest);

test('live toolkit: notes on the console only, "I\'m done" and hands live, the timer speaks up, questions asked, moderated, pinned and in the report', async ({
  browser,
}) => {
  const devices = new Devices(browser);
  try {
    const console_ = await devices.open({ ...LAPTOP, acceptDownloads: true });
    let displayLink = '';
    let joinLink = '';
    await test.step('the facilitator opens a room from the short example, the chime left on, anonymous questions on', async () => {
      await console_.goto('/new');
      await console_.getByRole('button', { name: 'Short example (about 20 minutes)' }).click();
      await console_.getByLabel('Workshop title').fill('Allies at Northwind');
      await expect(console_.getByTestId('chime-off')).not.toBeChecked();
      await console_.getByLabel(/Open anonymous questions from the start/).check();
      await console_.getByRole('button', { name: 'Open the room' }).click();
      await expect(console_).toHaveURL(/\/c\/[A-Za-z0-9_-]+#t=/);
      await expect(console_.getByTestId('questions-on')).toBeChecked();
      displayLink = await console_.getByTestId('display-link').inputValue();
      joinLink = await console_.getByTestId('join-link').inputValue();
    });

    const display = await devices.open(PROJECTOR);
    await display.addInitScript(recordSignals);
    await display.goto(displayLink);
    await expect(display.getByTestId('display-lobby')).toBeVisible();

    const phones: Record<string, Page> = {};
    const errors: string[] = [];
    for (const name of NAMES) {
      phones[name] = await devices.open(PHONE);
      await phones[name].addInitScript(recordSignals);
      phones[name].on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
      await joinRoom(phones[name], joinLink, name, 'Sales');
    }
    console_.on('pageerror', (e) => errors.push(`console: ${e.message}`));
    display.on('pageerror', (e) => errors.push(`display: ${e.message}`));
    await expect(console_.getByTestId('people-count')).toHaveText('4');

    await test.step('the facilitator starts the welcome and reads her notes on the console; the projector and the phones do not show them', async () => {
      await console_.getByTestId('agenda-item').filter({ hasText: 'Welcome' }).click();
      await expect(console_.getByTestId('step-title')).toHaveText('Welcome');
      await expect(console_.getByTestId('step-notes')).toContainText(NOTES);
      await expect(display.getByTestId('step-title')).toHaveText('Welcome');
      await expect(display.getByText(NOTES)).toHaveCount(0);
      await expect(display.getByTestId('step-notes')).toHaveCount(0);
      for (const name of NAMES) {
        await expect(phones[name]!.getByTestId('step-title')).toHaveText('Welcome');
        await expect(phones[name]!.getByText(NOTES)).toHaveCount(0);
        await expect(phones[name]!.getByTestId('step-notes')).toHaveCount(0);
      }
      await expect(console_.getByTestId('done-count')).toHaveText('0 of 4 done');
    });

    await test.step('four phones say "I\'m done"; Cy then Ada raise their hands: the console sees it live, names and order; the projector counts', async () => {
      for (const name of NAMES) {
        const done = phones[name]!.getByTestId('signal-done');
        await done.tap();
        await expect(done).toHaveAttribute('aria-pressed', 'true');
      }
      await expect(phones.Ada!.getByTestId('signal-news')).toHaveText('Marked as done with this step');
      await expect(console_.getByTestId('done-count')).toHaveText('4 of 4 done');
      await expect(console_.getByTestId('done-name')).toHaveText([...NAMES]);
      await expect(display.getByTestId('display-done')).toHaveText('4 of 4 done');
      // no names on the projector
      for (const name of NAMES) await expect(display.getByText(name, { exact: true })).toHaveCount(0);

      await phones.Cy!.getByTestId('signal-hand').tap();
      await expect(console_.getByTestId('hand-name')).toHaveText(['Cy']);
      await phones.Ada!.getByTestId('signal-hand').tap();
      await expect(phones.Ada!.getByTestId('signal-hand')).toHaveAttribute('aria-pressed', 'true');
      await expect(console_.getByTestId('hand-name')).toHaveText(['Cy', 'Ada']);
      await expect(console_.getByTestId('signals-news')).toContainText('Ada raised a hand');
      await expect(display.getByTestId('display-hands')).toContainText('2');
      await console_.getByTestId('signals-card').scrollIntoViewIfNeeded();
      await console_.screenshot({ path: `${SCREENSHOTS}console-notes-hands.png` });
    });

    await test.step('the screens pass the accessibility check with the signals on them', async () => {
      const problems = [
        ...(await axeProblems(console_, 'console with hands')),
        ...(await axeProblems(display, 'display with counts')),
        ...(await axeProblems(phones.Ada!, 'phone with a hand up')),
      ];
      expect(problems).toEqual([]);
    });

    await test.step('she lowers all hands: the console and the phones follow', async () => {
      await console_.getByTestId('lower-all').click();
      await expect(console_.getByTestId('hand-row')).toHaveCount(0);
      await expect(phones.Ada!.getByTestId('signal-hand')).toHaveAttribute('aria-pressed', 'false');
      await expect(phones.Cy!.getByTestId('signal-hand')).toHaveAttribute('aria-pressed', 'false');
      await expect(display.getByTestId('display-hands')).toHaveCount(0);
      await expect(console_.getByTestId('done-count')).toHaveText('4 of 4 done');
    });

    const runShortTimer = async () => {
      await console_.getByLabel('Timer length in minutes').fill('0.05'); // 3 seconds
      await console_.getByRole('button', { name: 'Start timer' }).click();
      await expect(display.getByTestId('time-up')).toBeVisible({ timeout: 15_000 });
    };

    await test.step('a 3-second timer runs out: the projector shows and plays the end, the phones buzz and say it', async () => {
      await runShortTimer();
      await expect(display.getByTestId('time-up')).toHaveText('Time is up');
      await expect(display.getByTestId('time-up-news')).toHaveText('Time is up');
      expect((await recorded(display)).chimes).toHaveLength(1);
      for (const name of NAMES) {
        await expect(phones[name]!.getByTestId('time-up')).toBeVisible();
        await expect(phones[name]!.getByTestId('time-up-news')).toHaveText('Time is up');
        expect((await recorded(phones[name]!)).vibrations.length).toBeGreaterThan(0);
        // the phone's countdown flashes and leaves the saying to the page: "Time is up" is said once
        await expect(phones[name]!.getByText('Time is up', { exact: true })).toHaveCount(2); // the banner and its one live region
      }
      expect(errors).toEqual([]);
    });

    await test.step('muted from the console, the next end is shown on the projector but not played', async () => {
      await console_.getByRole('button', { name: 'Reset' }).click();
      await expect(display.getByTestId('time-up')).toHaveCount(0);
      await console_.getByTestId('chime-toggle').uncheck();
      await expect(console_.getByTestId('chime-toggle')).not.toBeChecked();
      await runShortTimer();
      await expect(display.getByTestId('time-up-news')).toHaveText('Time is up');
      expect((await recorded(display)).chimes).toHaveLength(1);
      expect(errors).toEqual([]);
    });

    const qaProblems: string[] = [];
    await test.step('Ada asks from her phone; Bo and Cy upvote her question; Bo asks much the same, Cy posts an advert', async () => {
      await console_.getByRole('button', { name: 'Reset' }).click();
      await expect(display.getByTestId('time-up')).toHaveCount(0);
      await openQuestions(phones.Ada!);
      await ask(phones.Ada!, ADAS);
      qaProblems.push(...(await axeProblems(phones.Ada!, 'phone questions')));
      for (const phone of [phones.Bo!, phones.Cy!]) {
        await openQuestions(phone);
        const upvote = question(phone, ADAS).getByTestId('upvote');
        await upvote.click();
        await expect(upvote).toHaveAttribute('aria-pressed', 'true');
      }
      await ask(phones.Bo!, BOS);
      await ask(phones.Cy!, ADVERT);
      // Ada upvotes Bo's: after the merge she still counts once
      await question(phones.Ada!, BOS).getByTestId('upvote').click();
      await expect(question(phones.Ada!, ADAS).getByTestId('votes')).toHaveText('2');
      // Ada's own question is marked hers (she may withdraw it); on the others' phones it is nobody's
      await expect(question(phones.Ada!, ADAS).getByTestId('withdraw')).toBeVisible();
      await expect(question(phones.Bo!, ADAS).getByTestId('withdraw')).toHaveCount(0);
      await expect(phones.Bo!.getByRole('dialog', { name: 'Questions' })).not.toContainText('Ada');
    });

    await test.step('on the console the facilitator hides the advert, merges Bo’s question into Ada’s, and pins it to the display', async () => {
      const card = console_.getByTestId('questions-card');
      await expect(card.getByTestId('moderate-question')).toHaveCount(3);
      await moderated(console_, ADVERT).getByTestId('hide-question').click();
      await expect(moderated(console_, ADVERT)).toContainText('Hidden');
      await moderated(console_, BOS).getByTestId('merge-into').selectOption({ label: ADAS });
      await moderated(console_, BOS).getByTestId('merge-question').click();
      await expect(card.getByTestId('moderate-question')).toHaveCount(2);
      // Bo, Cy and Ada: three people, each once
      await expect(moderated(console_, ADAS).getByTestId('moderate-votes')).toHaveText('3');
      await moderated(console_, ADAS).getByTestId('pin-question').click();
      await expect(moderated(console_, ADAS)).toContainText('On the display');
      qaProblems.push(...(await axeProblems(console_, 'console questions card')));
    });

    await test.step('the projector shows the pinned question large, with its votes, over the step; phones no longer show the advert', async () => {
      await expect(display.getByTestId('pinned-text')).toHaveText(ADAS);
      await expect(display.getByTestId('pinned-votes')).toHaveText('3');
      await expect(display.getByTestId('step-title')).toHaveText('Welcome');
      qaProblems.push(...(await axeProblems(display, 'display pinned question')));
      await display.screenshot({ path: `${SCREENSHOTS}display-question.png` });
      await expect(phones.Cy!.getByTestId('question-list')).not.toContainText(ADVERT);
      await expect(question(phones.Bo!, ADAS).getByTestId('votes')).toHaveText('3');
      // Bo's vote for his own question now counts for Ada's: his phone shows it pressed
      await expect(question(phones.Bo!, ADAS).getByTestId('upvote')).toHaveAttribute('aria-pressed', 'true');
    });

    await test.step('answered and unpinned: the display lets go; the report lists the question with its votes, not the advert', async () => {
      const answeredRow = moderated(console_, ADAS);
      await answeredRow.getByTestId('answer-question').click();
      await expect(answeredRow).toContainText('Answered');
      await answeredRow.getByTestId('pin-question').click();
      await expect(display.getByTestId('pinned-question')).toHaveCount(0);
      await expect(question(phones.Ada!, ADAS).getByTestId('answered')).toBeVisible();

      const pdf = await download(console_, 'download-report-pdf');
      const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', pdf, '-']);
      const text = stdout.replace(/\s+/g, ' ');
      expect(text).toContain('Questions');
      expect(text).toContain(ADAS);
      expect(text).not.toContain(ADVERT);
      expect(text).not.toContain(BOS);

      const data = JSON.parse(await readFile(await download(console_, 'download-data-json'), 'utf8')) as SessionData;
      expect(data.questions?.tables[0]?.rows).toEqual([[ADAS, 3, 1]]);
    });
    expect(qaProblems).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    await devices.closeAll();
  }
});
