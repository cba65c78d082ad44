/**
 * The outcomes story, facilitator's half (issue #8, acceptance 4): after a workshop with every
 * activity — four people with accented, Chinese and emoji nicknames, run through the real server
 * by real clients, and Léa on a real phone browser who maps one person on the ally map (the name
 * sealed in her browser) — the facilitator opens the console and downloads the report (PDF, Markdown)
 * and the data (CSV, JSON) from the Downloads card. Each file arrives as a browser download with
 * a file name made of the room's title and date, and is opened with independent tools: poppler's
 * pdftotext, fflate's unzip and csv-parse, ajv against the published schema. None holds a name from a map
 * or a commitment.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'csv-parse/sync';
import { EVERY_ACTIVITY_AGENDA, runEveryActivitySession, SHARED_TEXTS, type EveryActivitySession } from '../../apps/server/test/every-activity';
import { Devices, joinRoom, LAPTOP, mapPerson, PHONE, SCREENSHOTS, unzip } from './support';

/** whom Léa puts on her ally map, on her phone */
const LEAS_ALLY = 'Marguerite Okonjo (CFO)';

const run = promisify(execFile);

/** Click a download button on the console; resolve with the browser's file name and the saved file. */
async function downloadFrom(page: Page, testId: string): Promise<{ name: string; path: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const path = await download.path();
  await expect(page.getByTestId('download-status')).toContainText('saved as');
  return { name: download.suggestedFilename(), path, bytes: await readFile(path) };
}

test('after a workshop with every activity, the facilitator downloads the report and the data from the console', async ({ browser, baseURL }) => {
  const devices = new Devices(browser);
  let session: EveryActivitySession | null = null;
  try {
    const lea = await devices.open(PHONE);
    await test.step('four people and Léa (on her phone) go through every activity; the session ends', async () => {
      session = await runEveryActivitySession(baseURL!, {
        lobby: ({ code }) => joinRoom(lea, `/j/${code}`, 'Léa', 'Marketing'),
        async step(id) {
          if (id !== 'map') return;
          await expect(lea.getByTestId('ally-map')).toBeVisible();
          const form = lea.getByTestId('add-form');
          await lea.getByLabel('Name, initials or role').fill(LEAS_ALLY);
          await form.getByText('Across', { exact: true }).tap();
          await form.getByText('Ally', { exact: true }).tap();
          await form.getByRole('button', { name: 'Add to map' }).tap();
          await expect(mapPerson(lea, `${LEAS_ALLY} — Across, Ally`)).toBeVisible();
          await expect(lea.getByTestId('save-status')).toHaveText('Saved');
        },
      });
    });
    const s = session!;
    const console_ = await devices.open({ ...LAPTOP, acceptDownloads: true });
    const errors: string[] = [];
    console_.on('pageerror', (e) => errors.push(e.message));
    const texts: string[] = [];

    await test.step('the facilitator opens the console: the Downloads card is there after the session', async () => {
      await console_.goto(`/c/${s.roomId}#t=${s.facilitatorToken}`);
      await expect(console_.getByTestId('ended-note')).toBeVisible();
      const card = console_.getByTestId('downloads');
      await expect(card.getByRole('heading', { name: 'Downloads' })).toBeVisible();
      for (const name of ['Report (PDF)', 'Report (Markdown)', 'Data (CSV)', 'Data (JSON)'])
        await expect(card.getByRole('button', { name, exact: true })).toBeVisible();
      await card.scrollIntoViewIfNeeded();
      await console_.screenshot({ path: `${SCREENSHOTS}outcomes-console-downloads.png` });
    });

    await test.step('the PDF report: every activity’s section, read back with pdftotext', async () => {
      const { name, path } = await downloadFrom(console_, 'download-report-pdf');
      expect(name).toMatch(/^Allies-day-—-Zoë’s-team-🌱-\d{4}-\d\d-\d\d-report\.pdf$/);
      const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', path, '-']);
      const text = stdout.replace(/\s+/g, ' ');
      for (const step of EVERY_ACTIVITY_AGENDA) expect(text).toContain(step.title);
      expect(text).toContain('Zoë Ångström (Sales)');
      expect(text).toContain('Top-voted answers');
      expect(text).toContain(`Agreed action: ${SHARED_TEXTS.action} (1)`);
      expect(text).toContain(`${SHARED_TEXTS.learned} (0)`);
      expect(text).toContain('5 of 5 people placed someone on their map');
      expect(text).toContain('4 of 5 people wrote 4 commitments');
      texts.push(stdout);
    });

    await test.step('the Markdown report keeps every nickname exactly as typed', async () => {
      const { name, bytes } = await downloadFrom(console_, 'download-report-md');
      expect(name).toMatch(/-report\.md$/);
      const md = bytes.toString('utf8');
      expect(md).toContain('# Allies day — Zoë’s team 🌱');
      expect(md).toContain('陈静 (Product)');
      texts.push(md);
    });

    await test.step('the CSV data: a zip of one table per file, each with a BOM and the expected rows', async () => {
      const { name, bytes } = await downloadFrom(console_, 'download-data-csv');
      expect(name).toMatch(/-data-csv\.zip$/);
      const files = unzip(bytes);
      expect(files.size).toBe(10);
      for (const buf of files.values()) {
        expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
        texts.push(buf.toString('utf8'));
      }
      const rows = parse(files.get('03-self-self_assessment.csv')!, { bom: true, columns: true }) as Array<Record<string, string>>;
      expect(rows.map((r) => [r.statement_id, r.answered])).toEqual([
        ['help', '4'],
        ['thanks', '4'],
      ]);
      const actions = parse(files.get('05-meet-partnership_actions.csv')!, { bom: true, columns: true }) as Array<Record<string, string>>;
      expect(actions).toHaveLength(2);
    });

    await test.step('the JSON data validates against the schema the server publishes', async () => {
      const { name, bytes } = await downloadFrom(console_, 'download-data-json');
      expect(name).toMatch(/-data\.json$/);
      const schema = (await (await console_.request.get('/api/schema/data.json')).json()) as object;
      const ajv = new Ajv2020({ strict: false });
      addFormats.default(ajv);
      const data = JSON.parse(bytes.toString('utf8')) as { schemaVersion: number; steps: unknown[] };
      expect(ajv.validate(schema, data), JSON.stringify(ajv.errors)).toBe(true);
      expect(data.schemaVersion).toBe(1);
      expect(data.steps).toHaveLength(EVERY_ACTIVITY_AGENDA.length);
      texts.push(bytes.toString('utf8'));
    });

    await test.step('nothing private: no name from a map or a commitment, nor its ciphertext, in any file', async () => {
      expect(texts.length).toBeGreaterThan(10);
      for (const t of texts) for (const secret of [...s.secrets, LEAS_ALLY]) expect(t).not.toContain(secret);
      expect(errors).toEqual([]);
    });
  } finally {
    (session as EveryActivitySession | null)?.close();
    await devices.closeAll();
  }
});
