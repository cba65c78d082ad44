/**
 * The room's questions (issue #18, acceptance 1 and 3): the facilitator plans a workshop with
 * anonymous questions on; during a step Ana asks a question from her phone and Ben and Chloé upvote
 * it; Ben asks much the same, Chloé posts an advert. On the console the facilitator hides the advert,
 * merges Ben's question into Ana's (their votes combined, each person once) and pins it: the
 * projector shows it large with its votes. Marked answered, it is in the downloaded report — the
 * PDF read back with pdftotext, and the JSON. Nobody's phone shows who asked; every screen is axe-clean.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import type { SessionData } from '@canopy/core';
import { axeProblems } from './a11y';
import { Devices, joinRoom, LAPTOP, PHONE, PROJECTOR, SCREENSHOTS } from './support';

const run = promisify(execFile);

const ANAS = 'How do I find an ally in another department?';
const BENS = 'How can I find allies outside my own department?';
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
const row = (text: string) => moderated(consolePage!, text);
let consolePage: Page | undefined;

const question = (phone: Page, text: string) => phone.getByTestId('question').filter({ hasText: text });

async function download(page: Page, testId: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return file.path();
}

test('a question is asked on a phone, upvoted, moderated on the console, pinned to the display and kept in the report', async ({ browser }) => {
  const devices = new Devices(browser);
  const problems: string[] = [];
  try {
    const console_ = await devices.open({ ...LAPTOP, acceptDownloads: true });
    consolePage = console_;
    await test.step('the facilitator plans a short workshop with anonymous questions on and opens the room', async () => {
      await console_.goto('/new');
      await console_.getByRole('button', { name: 'Short example (about 20 minutes)' }).click();
      await console_.getByLabel('Workshop title').fill('Allies at Northwind');
      await console_.getByLabel(/Open anonymous questions from the start/).check();
      await console_.getByRole('button', { name: 'Open the room' }).click();
      await expect(console_).toHaveURL(/\/c\/[A-Za-z0-9_-]+#t=/);
      await expect(console_.getByTestId('questions-on')).toBeChecked();
    });
    const joinLink = await console_.getByTestId('join-link').inputValue();
    const displayLink = await console_.getByTestId('display-link').inputValue();
    const display = await devices.open(PROJECTOR);
    await display.goto(displayLink);

    const [ana, ben, chloe] = [await devices.open(PHONE), await devices.open(PHONE), await devices.open(PHONE)] as [Page, Page, Page];
    await test.step('three people join on their phones; the first step starts', async () => {
      await joinRoom(ana, joinLink, 'Ana', 'Sales');
      await joinRoom(ben, joinLink, 'Ben', 'Finance');
      await joinRoom(chloe, joinLink, 'Chloé', 'Sales');
      await console_.getByRole('button', { name: /^Start: / }).click();
      await expect(ana.getByTestId('lobby')).toBeHidden();
    });

    await test.step('Ana asks from her phone; Ben and Chloé upvote her question; Ben asks much the same, Chloé posts an advert', async () => {
      await openQuestions(ana);
      await ask(ana, ANAS);
      problems.push(...(await axeProblems(ana, 'phone questions')));
      for (const phone of [ben, chloe]) {
        await openQuestions(phone);
        const upvote = question(phone, ANAS).getByTestId('upvote');
        await upvote.click();
        await expect(upvote).toHaveAttribute('aria-pressed', 'true');
      }
      await ask(ben, BENS);
      await ask(chloe, ADVERT);
      // Ana upvotes Ben's: after the merge she still counts once
      await question(ana, BENS).getByTestId('upvote').click();
      await expect(question(ana, ANAS).getByTestId('votes')).toHaveText('2');
      // Ana's own question is marked hers (she may withdraw it); on the others' phones it is nobody's
      await expect(question(ana, ANAS).getByTestId('withdraw')).toBeVisible();
      await expect(question(ben, ANAS).getByTestId('withdraw')).toHaveCount(0);
      await expect(ben.getByRole('dialog', { name: 'Questions' })).not.toContainText('Ana');
    });

    await test.step('on the console the facilitator hides the advert, merges Ben’s question into Ana’s, and pins it to the display', async () => {
      const card = console_.getByTestId('questions-card');
      await expect(card.getByTestId('moderate-question')).toHaveCount(3);
      await row(ADVERT).getByTestId('hide-question').click();
      await expect(row(ADVERT)).toContainText('Hidden');
      await row(BENS).getByTestId('merge-into').selectOption({ label: ANAS });
      await row(BENS).getByTestId('merge-question').click();
      await expect(card.getByTestId('moderate-question')).toHaveCount(2);
      // Ben, Chloé and Ana: three people, each once
      await expect(row(ANAS).getByTestId('moderate-votes')).toHaveText('3');
      await row(ANAS).getByTestId('pin-question').click();
      await expect(row(ANAS)).toContainText('On the display');
      problems.push(...(await axeProblems(console_, 'console questions card')));
    });

    await test.step('the projector shows the pinned question large, with its votes, over the step; phones no longer show the advert', async () => {
      await expect(display.getByTestId('pinned-text')).toHaveText(ANAS);
      await expect(display.getByTestId('pinned-votes')).toHaveText('3');
      await expect(display.getByTestId('step-title')).toHaveText('Welcome');
      problems.push(...(await axeProblems(display, 'display pinned question')));
      await display.screenshot({ path: `${SCREENSHOTS}display-question.png` });
      await expect(chloe.getByTestId('question-list')).not.toContainText(ADVERT);
      await expect(question(ben, ANAS).getByTestId('votes')).toHaveText('3');
      // Ben's vote for his own question now counts for Ana's: his phone shows it pressed
      await expect(question(ben, ANAS).getByTestId('upvote')).toHaveAttribute('aria-pressed', 'true');
    });

    await test.step('answered and unpinned: the display lets go; the report lists the question with its votes, not the advert', async () => {
      const row = moderated(console_, ANAS);
      await row.getByTestId('answer-question').click();
      await expect(row).toContainText('Answered');
      await row.getByTestId('pin-question').click();
      await expect(display.getByTestId('pinned-question')).toHaveCount(0);
      await expect(question(ana, ANAS).getByTestId('answered')).toBeVisible();

      const pdf = await download(console_, 'download-report-pdf');
      const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', pdf, '-']);
      const text = stdout.replace(/\s+/g, ' ');
      expect(text).toContain('Questions');
      expect(text).toContain(ANAS);
      expect(text).not.toContain(ADVERT);
      expect(text).not.toContain(BENS);

      const data = JSON.parse(await readFile(await download(console_, 'download-data-json'), 'utf8')) as SessionData;
      expect(data.questions?.tables[0]?.rows).toEqual([[ANAS, 3, 1]]);
    });
    expect(problems).toEqual([]);
  } finally {
    await devices.closeAll();
  }
});
