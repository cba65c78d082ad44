/**
 * After the room (issue #16, acceptance 1 and 3): a workshop with every activity ends with
 * check-ins at 2, 6 and 12 weeks, on a server of the story's own whose clock the story moves (an
 * injected clock: a test-only server, never a production switch). At the first check-in three
 * people open only their personal link in a fresh browser — one with the keyboard alone, one on a
 * phone — and check in: a commitment marked, a note, a person moved closer, someone new, the
 * self-assessment rated again, the partnership met again. The store holds none of what they
 * typed. The facilitator's follow-up card shows the figures with a small-group figure hidden; the
 * impact report (PDF, CSV, JSON against its schema) holds no name and no note; the plan page's
 * calendar file holds the check-ins with the link (ical.js). After the last check-in plus the
 * retention time the room's keys are gone.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'csv-parse/sync';
import ICAL from 'ical.js';
import { MemoryRoomStore } from '@canopy/store';
import type { CanopyServer } from '../../apps/server/src/index';
import { startClockedServer } from './clocked-server';
import { PEOPLE, runEveryActivitySession, type EveryActivitySession } from '../../apps/server/test/every-activity';
import { Devices, LAPTOP, PHONE, SCREENSHOTS, tabTo, unzip } from './support';

const run = promisify(execFile);
const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** What the three type after the session: none of it may reach the server in clear. */
const NOTES = ['Lunch with Hélène went well, she will intro me to Ops', 'Kwame is on leave until May', 'Sent Tomás the roadmap draft'];
const NEW_NAMES = ['Sigrún Þórsdóttir', 'Bartholomew Ng', 'Anaïs Lefèvre-Okafor'];

async function downloadFrom(page: Page, target: Locator): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), target.click()]);
  return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
}

test('over twelve weeks: three people check in with their link alone, the facilitator sees the effect, then the room goes', async ({ browser }) => {
  let now = Date.now();
  const server: CanopyServer = await startClockedServer(() => now);
  const devices = new Devices(browser);
  const url = server.url;
  let session!: EveryActivitySession;
  try {
    await test.step('a workshop with map, self-assessment, partnership and commitments ends; check-ins at 2, 6 and 12 weeks', async () => {
      session = await runEveryActivitySession(url, { followUp: { weeks: [2, 6, 12] } });
      session.close();
    });
    const ended = (await server.store.getRoom(session.roomId))!.closedAt!;
    const link = (i: number) => `${url}/p/${session.roomId}#t=${session.participantTokens[i]}&k=${session.sealKeys[i]}`;

    await test.step('before the first check-in the plan says when it opens', async () => {
      const page = await devices.open(LAPTOP);
      await page.goto(link(0));
      await expect(page.getByTestId('plan-title')).toHaveText(/Allies day/);
      await expect(page.getByTestId('next-check-in')).toBeVisible();
      await expect(page.getByTestId('check-in')).toHaveCount(0);
      await expect(page.getByTestId('link-warning')).toContainText('Anyone with this page’s link can open your plan');
      await page.context().close();
    });

    now = ended + 2 * WEEK + 3_600_000;

    /** Check in as person i; `how` says by keyboard alone, on a phone, or with the mouse. */
    async function checkIn(i: number, how: 'keyboard' | 'phone' | 'mouse') {
      const page = await devices.open(how === 'phone' ? PHONE : LAPTOP);
      await page.goto(link(i));
      const form = page.getByTestId('check-in');
      await expect(form).toBeVisible();
      await expect(page.getByTestId('timeline-1')).toContainText('open now');
      const commitment = form.getByTestId('ci-commitment').first();
      const state = i < 2 ? 'Kept' : 'Not yet';
      const person = form.getByTestId('ci-person').first();
      if (how === 'keyboard') {
        // the radios of one commitment are one Tab stop (on the one chosen: "Not yet" at first); arrow keys choose
        await tabTo(page, commitment.getByRole('radio', { name: 'Not yet' }));
        if (state === 'Kept') await page.keyboard.press('ArrowLeft');
        await expect(commitment.getByRole('radio', { name: state })).toBeChecked();
        await page.keyboard.press('Tab');
        await page.keyboard.type(NOTES[i]!);
        await tabTo(page, person.getByTestId('ci-ring'));
        await page.keyboard.press('ArrowDown'); // one ring closer
        await tabTo(page, form.getByTestId('ci-new-name'));
        await page.keyboard.type(NEW_NAMES[i]!);
        await tabTo(page, form.getByTestId('ci-add'));
        await page.keyboard.press('Enter');
        await expect(form.getByTestId('ci-added')).toContainText(NEW_NAMES[i]!);
        await tabTo(page, form.getByTestId('ci-rate-help').getByRole('radio').first(), 60);
        await page.keyboard.press('Space');
        await page.keyboard.press('ArrowLeft'); // from the first point round to the top of the scale
        await expect(form.getByTestId('ci-rate-help').getByRole('radio').last()).toBeChecked();
        await tabTo(page, form.getByTestId('ci-partnership').getByRole('radio').first(), 60);
        await page.keyboard.press('Space');
        await tabTo(page, form.getByTestId('check-in-save'), 60);
        await page.keyboard.press('Enter');
      } else {
        await commitment.getByRole('radio', { name: state }).check();
        await commitment.getByTestId('ci-note').fill(NOTES[i]!);
        await person.getByTestId('ci-ring').selectOption('core');
        await form.getByTestId('ci-new-name').fill(NEW_NAMES[i]!);
        await form.getByTestId('ci-new-sector').selectOption('outside');
        await form.getByTestId('ci-add').click();
        await form.getByTestId('ci-rate-help').getByRole('radio').last().check();
        await form.getByTestId('ci-partnership').getByRole('radio', { name: 'Yes' }).check();
        if (how === 'phone') await page.screenshot({ path: `${SCREENSHOTS}follow-up-check-in-phone.png`, fullPage: false });
        await form.getByTestId('check-in-save').click();
      }
      await expect(page.getByTestId('timeline-1')).toContainText('done');
      await expect(page.getByTestId('plan-commitment').first()).toContainText(`Check-in 1: ${state}`);
      await expect(page.getByTestId('plan-note').first()).toContainText(NOTES[i]!);
      await expect(page.getByTestId('plan-person').filter({ hasText: NEW_NAMES[i]! })).toBeVisible();
      // the store holds none of it in clear: every record of the room, read back
      const everything = JSON.stringify(await Promise.all(['~follow-up', 'map', 'commit'].map((step) => server.store.listRecords(session.roomId, step))));
      for (const t of [...NOTES.slice(0, i + 1), ...NEW_NAMES.slice(0, i + 1)]) expect(everything).not.toContain(t);
      return page;
    }

    let plan!: Page;
    await test.step('week 2: three people check in with their personal link alone (one by keyboard, one on a phone)', async () => {
      plan = await checkIn(0, 'keyboard');
      await checkIn(1, 'phone');
      await checkIn(2, 'mouse');
      await plan.reload();
      await expect(plan.getByTestId('timeline-1')).toContainText('done');
      await plan.screenshot({ path: `${SCREENSHOTS}follow-up-plan.png`, fullPage: false });
    });

    await test.step('the plan page’s calendar file holds the commitments and the check-ins with the link', async () => {
      const { name, bytes } = await downloadFrom(plan, plan.getByTestId('plan-calendar'));
      expect(name).toBe('my-ally-plan.ics');
      const cal = new ICAL.Component(ICAL.parse(bytes.toString('utf8')));
      const events = cal.getAllSubcomponents('vevent');
      const checkIns = events.filter((e) => String(e.getFirstPropertyValue('uid')).startsWith('check-in-'));
      expect(checkIns).toHaveLength(3);
      for (const e of checkIns) expect(String(e.getFirstPropertyValue('url'))).toContain(`/p/${session.roomId}#t=${session.participantTokens[0]}`);
      const commitment = events.find((e) => String(e.getFirstPropertyValue('uid')).startsWith('commitment-'))!;
      expect(commitment.getFirstPropertyValue('rrule')).not.toBeNull();
      expect(commitment.getAllSubcomponents('valarm')).toHaveLength(1);
    });

    await test.step('the facilitator’s follow-up card: three checked in, commitments kept by two hidden; the impact report holds no name or note', async () => {
      const console_ = await devices.open(LAPTOP);
      await console_.goto(`${url}/c/${session.roomId}#t=${session.facilitatorToken}`);
      const card = console_.getByTestId('follow-up');
      await expect(card.getByTestId('follow-up-row-1')).toContainText('3');
      const row = card.getByTestId('follow-up-row-1').getByRole('cell');
      await expect(row).toHaveText(['3', '–', '–', '0']);
      await expect(card.getByTestId('impact-cohort')).toContainText('3 of 4 checked in');
      await card.scrollIntoViewIfNeeded();
      await card.screenshot({ path: `${SCREENSHOTS}follow-up-console.png` });

      const downloads = console_.getByTestId('impact-downloads');
      const json = await downloadFrom(console_, downloads.getByTestId('download-impact-json'));
      const pdf = await downloadFrom(console_, downloads.getByTestId('download-impact-pdf'));
      const zip = await downloadFrom(console_, downloads.getByTestId('download-impact-csv'));
      const schema = (await (await fetch(`${url}/api/schema/impact.json`)).json()) as object;
      const ajv = new Ajv2020({ allErrors: true, strict: false });
      addFormats.default(ajv);
      const data = JSON.parse(json.bytes.toString('utf8')) as { checkIns: Array<{ checkedIn: number | null }> };
      expect(ajv.validate(schema, data), JSON.stringify(ajv.errors)).toBe(true);
      expect(data.checkIns.map((c) => c.checkedIn)).toEqual([3, 0, 0]);
      const dir = await mkdtemp(join(tmpdir(), 'canopy-impact-'));
      await writeFile(join(dir, 'impact.pdf'), pdf.bytes);
      const { stdout: pdfText } = await run('pdftotext', ['-enc', 'UTF-8', join(dir, 'impact.pdf'), '-'], { encoding: 'utf8' });
      await rm(dir, { recursive: true, force: true });
      expect(pdfText).toContain('Impact report');
      const files = unzip(zip.bytes);
      const rows = parse(files.get('check_ins.csv')!, { bom: true, columns: true }) as Array<Record<string, string>>;
      expect(rows[0]).toMatchObject({ check_in: '1', checked_in: '3', commitments_kept: '' });
      const texts = [json.bytes.toString('utf8'), pdfText, ...[...files.values()].map((b) => b.toString('utf8'))];
      for (const t of texts)
        for (const secret of [...NOTES, ...NEW_NAMES, ...session.secrets, ...PEOPLE.map((p) => p.nickname)]) expect(t).not.toContain(secret);
    });

    await test.step('after the last check-in plus the retention time, every key of the room is gone', async () => {
      const store = server.store as MemoryRoomStore;
      now = ended + 12 * WEEK + 29 * DAY;
      expect(store.debugKeys().some((k) => k.includes(session.roomId))).toBe(true);
      now = ended + 12 * WEEK + 30 * DAY + 1000;
      expect(await server.store.getRoom(session.roomId)).toBeNull();
      expect(store.debugKeys().filter((k) => k.includes(session.roomId))).toEqual([]);
    });
  } finally {
    await devices.closeAll();
    await server.close();
  }
});
