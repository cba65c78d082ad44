/**
 * The facilitator's downloads after a whole workshop (issue #8, acceptance 1 and 2): four people
 * go through every activity with real clients; then the facilitator downloads the report (PDF,
 * Markdown) and the data (CSV, JSON). Each file is opened with an independent tool — poppler's
 * `pdftotext`, csv-parse, fflate's unzip, ajv — and none holds a name from anyone's ally map or
 * commitments, nor the ciphertext the server stored for them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'csv-parse/sync';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '@canopy/client';
import { startRedisServer, type RedisServer } from '@canopy/store/testing';
import type { SessionData } from '@canopy/core';
import { startServer, type CanopyServer } from '../src/index.js';
import {
  EVERY_ACTIVITY_AGENDA,
  EVERY_ACTIVITY_TITLE,
  PEOPLE,
  PRIVATE_WHAT,
  runEveryActivitySession,
  SHARED_TEXTS,
  type EveryActivitySession,
} from './every-activity.js';
import { testConfig } from './support.js';

const run = promisify(execFile);

let server: CanopyServer;
let session: EveryActivitySession;
let dir: string;
let redis: RedisServer | null = null;

const download = (path: string, token: string | null = session.facilitatorToken) =>
  fetch(`${session.url}/api/rooms/${session.roomId}/${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

async function bytes(path: string, token?: string): Promise<{ res: Response; body: Buffer }> {
  const res = await download(path, token);
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

async function pdfText(pdf: Buffer): Promise<string> {
  const file = join(dir, `report-${Math.random().toString(36).slice(2)}.pdf`);
  await writeFile(file, pdf);
  const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
  return stdout;
}

function unzip(zip: Buffer): Map<string, Buffer> {
  return new Map(Object.entries(unzipSync(zip)).map(([name, bytes]) => [name, Buffer.from(bytes)]));
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const csvRows = (buf: Buffer) => parse(buf, { bom: true, columns: true, cast: false }) as Array<Record<string, string>>;

// The same story on the embedded store and on a real Redis (a redis-server of this test's own).
describe.each(['memory', 'redis'] as const)('the facilitator downloads the session’s outcomes (%s store)', (store) => {
  beforeAll(async () => {
    if (store === 'redis') redis = await startRedisServer();
    server = await startServer(testConfig({ DOWNLOAD_RATE_PER_MIN: 1000, ...(redis ? { REDIS_URL: redis.url } : {}) }));
    session = await runEveryActivitySession(server.url);
    dir = await mkdtemp(join(tmpdir(), 'canopy-outcomes-'));
  }, 60_000);

  afterAll(async () => {
    session?.close();
    await server?.close();
    await redis?.stop();
    redis = null;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the PDF report holds the title, agenda, participation and every activity’s section', async () => {
    const { res, body } = await bytes('report.pdf');
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="allies-day-zoes-team-\d{4}-\d\d-\d\d-report\.pdf"; filename\*=UTF-8''/);
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(body);
    expect(text).toContain('Allies day — Zoë’s team');
    expect(text).toContain('Agenda');
    for (const s of EVERY_ACTIVITY_AGENDA) expect(text).toContain(s.title);
    expect(text).toContain('4 people joined');
    // every activity's section, by what it shows
    expect(text).toContain('Why allies matter, and how today works.'); // slide
    expect(text).not.toContain('Facilitator only'); // the slide's notes stay on the console
    expect(text).toMatch(/4 of 4 people placed someone on their map/); // ally map
    expect(text).toMatch(/Core circle/);
    expect(text).toMatch(/I offer help before I am asked\./); // self-assessment
    expect(text).toContain('Top-voted answers'); // open prompt
    expect(text).toContain(SHARED_TEXTS.answers[1]);
    expect(text.replace(/\s+/g, ' ')).toContain(`${SHARED_TEXTS.note} (0)`); // partnership notes
    expect(text.replace(/\s+/g, ' ')).toContain(`Agreed action: ${SHARED_TEXTS.action} (1)`);
    expect(text).toContain('What people learned from their worthy adversary'); // adversaries
    expect(text.replace(/\s+/g, ' ')).toContain(`${SHARED_TEXTS.learned} (2)`);
    expect(text).toMatch(/4 of 4 people wrote 4 commitments/); // commitments
    // nicknames come through as typed, in every script (emoji drawn in one colour)
    expect(text).toContain('Zoë Ångström (Sales)');
    expect(text).toContain('José Núñez (Finance)');
    expect(text).toContain('陈静 (Product)');
    expect(text).toContain('Priya 🌱 (Operations)');
  });

  it('the Markdown report has the same sections, with the text exactly as typed', async () => {
    const { res, body } = await bytes('report.md');
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    const md = body.toString('utf8');
    expect(md.startsWith('# Allies day — Zoë’s team 🌱\n')).toBe(true);
    for (const s of EVERY_ACTIVITY_AGENDA) expect(md).toContain(s.title);
    expect(md).toContain('陈静 (Product)');
    expect(md).toContain('Priya 🌱 (Operations)');
    expect(md).toContain('| Your ally map | 4 |');
  });

  it('the CSV data: one file per table in a zip, each with a BOM, a header and the expected rows', async () => {
    const { res, body } = await bytes('data.zip');
    expect(res.headers.get('content-type')).toBe('application/zip');
    const files = unzip(body);
    expect([...files.keys()].sort()).toEqual([
      '02-map-ally_map_cells.csv',
      '02-map-ally_map_directions.csv',
      '03-self-self_assessment.csv',
      '04-ideas-open_prompt_answers.csv',
      '05-meet-partnership_actions.csv',
      '05-meet-partnership_groups.csv',
      '05-meet-partnership_notes.csv',
      '06-adv-adversaries_learnings.csv',
      '06-adv-adversaries_stances.csv',
      '07-commit-commitments_by_cadence.csv',
    ]);
    for (const [name, buf] of files) expect(buf.subarray(0, 3).equals(BOM), name).toBe(true);

    const cells = csvRows(files.get('02-map-ally_map_cells.csv')!);
    expect(cells).toHaveLength(16);
    expect(cells.find((r) => r.sector === 'across' && r.ring === 'ally')).toEqual({ sector: 'across', ring: 'ally', people_placed: '4' });
    expect(cells.find((r) => r.sector === 'above' && r.ring === 'core')).toEqual({ sector: 'above', ring: 'core', people_placed: '' }); // one person: hidden

    const self = csvRows(files.get('03-self-self_assessment.csv')!);
    expect(self.map((r) => [r.statement_id, r.answered])).toEqual([
      ['help', '4'],
      ['thanks', '4'],
    ]);
    expect(self[0]).toMatchObject({ count_3: '2', count_4: '1', count_5: '1' });

    const answers = csvRows(files.get('04-ideas-open_prompt_answers.csv')!);
    expect(Object.keys(answers[0]!)).toEqual(['rank', 'answer', 'votes', 'status', 'merged_into_rank']);
    expect(answers).toHaveLength(4);
    expect(answers.map((r) => [r.rank, r.answer, r.votes, r.status])).toEqual([
      ['1', SHARED_TEXTS.answers[1], '3', 'visible'],
      ['2', SHARED_TEXTS.answers[3], '2', 'visible'],
      ['3', SHARED_TEXTS.answers[2], '2', 'visible'],
      ['4', SHARED_TEXTS.answers[0], '1', 'visible'],
    ]);

    expect(csvRows(files.get('05-meet-partnership_groups.csv')!)).toHaveLength(2);
    expect(
      csvRows(files.get('05-meet-partnership_notes.csv')!)
        .map((r) => r.note)
        .sort(),
    ).toEqual([`${SHARED_TEXTS.note} (0)`, `${SHARED_TEXTS.note} (2)`]);
    const actions = csvRows(files.get('05-meet-partnership_actions.csv')!);
    expect(actions.map((r) => r.owner).sort()).toEqual(['José Núñez', 'Priya 🌱']);

    const stances = csvRows(files.get('06-adv-adversaries_stances.csv')!);
    expect(stances.map((r) => [r.when, r.answered, r.moved])).toEqual([
      ['before', '4', ''],
      ['after', '4', '3'],
    ]);
    expect(csvRows(files.get('06-adv-adversaries_learnings.csv')!)).toHaveLength(4);
    expect(csvRows(files.get('07-commit-commitments_by_cadence.csv')!).filter((r) => r.commitments !== '0')).toEqual([
      { cadence: 'biweekly', commitments: '2' },
      { cadence: 'monthly', commitments: '2' },
    ]);
  });

  it('one step’s table alone as CSV, by step and table name', async () => {
    const { res, body } = await bytes('data.csv?step=meet&table=partnership_actions');
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(body.subarray(0, 3).equals(BOM)).toBe(true);
    expect(body.toString('utf8').split('\r\n')[0] ?? body.toString('utf8').split('\n')[0]).toMatch(/round,group,action,owner,due/);
    expect(csvRows(body)).toHaveLength(2);
    expect((await download('data.csv?step=nope')).status).toBe(400);
    expect((await download('data.csv?step=welcome')).status).toBe(404); // a slide has no data
  });

  it('the JSON data validates against the published schema and carries its version', async () => {
    const schemaRes = await fetch(`${session.url}/api/schema/data.json`);
    expect(schemaRes.status).toBe(200);
    const schema = (await schemaRes.json()) as object;
    const { body } = await bytes('data.json');
    const data = JSON.parse(body.toString('utf8')) as SessionData;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
    expect(data.schemaVersion).toBe(1);
    expect(data.room).toMatchObject({ title: EVERY_ACTIVITY_TITLE, status: 'closed' });
    expect(data.participants.map((p) => p.nickname)).toEqual(PEOPLE.map((p) => p.nickname));
    expect(data.steps.map((s) => [s.id, s.ran, s.active])).toEqual([
      ['welcome', true, 0],
      ['map', true, 4],
      ['self', true, 4],
      ['ideas', true, 4],
      ['meet', true, 4],
      ['adv', true, 4],
      ['commit', true, 4],
    ]);
    // a broken document does not validate: the schema has teeth
    expect(validate({ ...data, schemaVersion: 2 })).toBe(false);
    expect(validate({ ...data, steps: [{ ...data.steps[0], tables: [{ name: 'Bad Name', columns: [], rows: [] }] }] })).toBe(false);
  });

  it('no download holds a name from a map or a commitment, its ciphertext, or what someone committed to', async () => {
    expect(session.secrets.length).toBe(32); // 8 names on maps + 4 whom and 4 what in commitments, each plain and as ciphertext
    const texts = [
      (await bytes('report.md')).body.toString('utf8'),
      (await bytes('data.json')).body.toString('utf8'),
      await pdfText((await bytes('report.pdf')).body),
      ...[...unzip((await bytes('data.zip')).body).values()].map((b) => b.toString('utf8')),
    ];
    // the PDF's raw bytes too (metadata is not compressed; the page text is checked as extracted above)
    texts.push((await bytes('report.pdf')).body.toString('latin1'));
    expect(session.secrets.every((s) => s.length >= 8)).toBe(true); // long enough not to turn up by chance in binary data
    for (const t of texts) {
      for (const s of session.secrets) expect(t).not.toContain(s);
      expect(t).not.toContain(PRIVATE_WHAT);
    }
    // and the store really holds them sealed: the test would pass vacuously if nothing had been written
    const map = await server.store.listRecords(session.roomId, 'map');
    expect(map.map((r) => r.value).join('')).toContain(session.secrets[1]);
  });

  it('only the facilitator or a co-host may download: no token 401, a participant’s or the display’s 403, unknown room 404', async () => {
    expect((await download('report.pdf', null)).status).toBe(401);
    expect((await download('data.json', 'not-a-real-token-at-all-xxxxx')).status).toBe(403);
    expect((await download('data.json', session.participantTokens[0]!)).status).toBe(403);
    expect((await download('report.md', session.displayToken)).status).toBe(403);
    expect((await download('report.md', 'has spaces and ; in it')).status).toBe(401);
    expect((await download('data.json', session.cohostToken)).status).toBe(200);
    const other = await fetch(`${session.url}/api/rooms/no-such-room/report.pdf`, { headers: { Authorization: `Bearer ${session.facilitatorToken}` } });
    expect(other.status).toBe(404);
  });

  it('a deleted room’s download links answer 404', async () => {
    const api = createApi(session.url);
    const room = await api.rooms.create.mutate({ title: 'Short-lived', agenda: [{ id: 's1', type: 'slide', title: 'Hello', durationSec: 0, config: {} }] });
    const get = () => fetch(`${session.url}/api/rooms/${room.roomId}/data.json`, { headers: { Authorization: `Bearer ${room.facilitatorToken}` } });
    expect((await get()).status).toBe(200);
    await server.store.deleteRoom(room.roomId);
    expect((await get()).status).toBe(404);
  });

  it('downloads are rate-limited per address', async () => {
    const limited = await startServer(testConfig({ DOWNLOAD_RATE_PER_MIN: 2 }));
    try {
      const room = await createApi(limited.url).rooms.create.mutate({
        title: 'Busy',
        agenda: [{ id: 's1', type: 'slide', title: 'Hello', durationSec: 0, config: {} }],
      });
      const get = () => fetch(`${limited.url}/api/rooms/${room.roomId}/report.md`, { headers: { Authorization: `Bearer ${room.facilitatorToken}` } });
      expect((await get()).status).toBe(200);
      expect((await get()).status).toBe(200);
      const third = await get();
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
