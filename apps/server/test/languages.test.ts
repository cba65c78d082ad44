/**
 * A workshop planned in another language (issue #19): the facilitator's downloads speak the room's
 * language — the report's headings in the PDF (read back with pdftotext) and the Markdown, every
 * activity's own section, the questions and the impact report, the CSV headers — and a refusal a phone sees carries the code and reason its screen words, never only
 * English text.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRoom, createApi, newParticipantToken, randomId, type RoomConnection } from '@canopy/client';
import { m, type Locale } from '@canopy/i18n';
import { startServer, type CanopyServer } from '../src/index.js';
import { EVERY_ACTIVITY_AGENDA, runEveryActivitySession, type EveryActivitySession } from './every-activity.js';
import { testConfig } from './support.js';

const run = promisify(execFile);

let server: CanopyServer;
let dir: string;
const conns: RoomConnection[] = [];

beforeAll(async () => {
  server = await startServer(testConfig({ DOWNLOAD_RATE_PER_MIN: 1000 }));
  dir = await mkdtemp(join(tmpdir(), 'canopy-languages-'));
});

afterAll(async () => {
  for (const c of conns) c.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function pdfText(pdf: Buffer): Promise<string> {
  const file = join(dir, `report-${randomId()}.pdf`);
  await writeFile(file, pdf);
  const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
  return stdout;
}

describe.each(['es', 'ar'] as const)('a workshop planned in %s', (language: Locale) => {
  let room: { roomId: string; code: string; facilitatorToken: string };
  const say = { locale: language };
  const download = async (path: string) => {
    const res = await fetch(`${server.url}/api/rooms/${room.roomId}/${path}`, { headers: { Authorization: `Bearer ${room.facilitatorToken}` } });
    expect(res.status, path).toBe(200);
    return Buffer.from(await res.arrayBuffer());
  };

  beforeAll(async () => {
    const api = createApi(server.url);
    room = await api.rooms.create.mutate({
      title: 'Taller de aliados',
      language,
      agenda: EVERY_ACTIVITY_AGENDA,
      join: { askDepartment: false, askLevel: false, departments: [], levels: [], maxParticipants: 50 },
    });
    const token = newParticipantToken();
    await api.rooms.join.mutate({ code: room.code, nickname: 'Lucía', token, deviceId: randomId() });
    const phone = connectRoom({ url: server.url, roomId: room.roomId, token });
    conns.push(phone);
    await phone.until((s) => s.status === 'connected' && s.stage !== null);
  });

  it('the report’s headings, dates and words are in the room’s language, in the PDF and the Markdown', async () => {
    const agenda = m.server_report_agenda({}, say);
    const participation = m.server_report_participation({}, say);
    const notRun = m.server_report_not_run({}, say);
    const joined = m.server_report_joined({ count: 1 }, say);
    expect([agenda, participation, notRun, joined].join(' ')).not.toMatch(/Participation|not run|joined/); // “Agenda” is Spanish too

    const md = (await download('report.md')).toString('utf8');
    expect(md).toContain(`## ${agenda}`);
    expect(md).toContain(`## ${participation}`);
    expect(md).toContain(notRun);
    expect(md).toContain(joined);
    const month = new Intl.DateTimeFormat(language, { month: 'long', timeZone: 'UTC' }).format(new Date());
    expect(md).toContain(month); // the date in the room's words
    expect(md).not.toMatch(/## Participation|This step was not run|person joined|Session report/);

    const pdf = (await pdfText(await download('report.pdf'))).normalize('NFKC');
    if (language === 'es') {
      // Latin script reads back as typed
      for (const words of [agenda, participation, notRun, 'Informe de la sesión']) expect(pdf).toContain(words);
    } else {
      // Arabic is drawn shaped and right to left: pdftotext gives the words back (in either order of a line)
      for (const word of [participation, 'تقرير', 'الجلسة']) expect(pdf.replace(/\s+/g, ' ')).toMatch(new RegExp(word));
    }
    expect(pdf).not.toMatch(/Participation|This step was not run|Session report/);
  });

  it('CSV headers are in the room’s language', async () => {
    const files = unzipSync(await download('data.zip'));
    const headers = Object.values(files).flatMap((csv) => (parse(Buffer.from(csv), { bom: true, toLine: 1 }) as string[][])[0] ?? []);
    expect(headers.length).toBeGreaterThan(0);
    expect(headers).toContain(m.server_csv_statement({}, say));
    // no stable English column name is left where the catalogue words it
    const english = Object.keys(m)
      .filter((k) => k.startsWith('server_csv_'))
      .map((k) => k.slice('server_csv_'.length));
    expect(headers.filter((h) => english.includes(h) && h !== m[`server_csv_${h}` as 'server_csv_sector']({}, say))).toEqual([]);
  });

  it('a refused join and a refused answer carry the code and reason the phone words', async () => {
    const api = createApi(server.url);
    const refused = await api.rooms.join.mutate({ code: 'ZZZZ-ZZZZ', nickname: 'Omar', token: newParticipantToken(), deviceId: randomId() }).then(
      () => null,
      (e: { data?: unknown }) => e.data,
    );
    expect(refused).toMatchObject({ canopyCode: 'NOT_FOUND', reason: 'NO_SUCH_ROOM' });

    // the room is still in its lobby: the first step takes no answer yet
    const phone = conns.at(-1)!;
    const ack = await phone.submit('self', { answers: {} });
    expect(ack).toMatchObject({ ok: false, error: { code: 'CONFLICT', reason: 'STEP_OVER' } });
  });
});

/**
 * Every stretch of English words the report and the impact report write themselves (`server_report_*`,
 * `server_impact_*` in English, cut at their parameters and numbers): none may be left in a report
 * of a room in another language.
 */
function englishReportWords(): string[] {
  const cut = '¦';
  const messages = m as unknown as Record<string, (p: object, o: { locale: Locale }) => string>;
  const words = new Set<string>();
  for (const key of Object.keys(m).filter((k) => /^server_(report|impact)_/.test(k))) {
    for (const count of [1, 5]) {
      const params = new Proxy({}, { get: (_, name) => (name === 'count' ? count : cut) });
      for (const part of messages[key]!(params, { locale: 'en' }).split(/[¦\d]+/)) {
        const text = part.replace(/^[\s(),.:;—–“”]+|[\s(),.:;—–“”]+$/g, '');
        if (text.includes(' ') && text.length >= 8) words.add(text);
      }
    }
  }
  return [...words];
}

const oneLine = (s: string) => s.normalize('NFKC').replace(/\s+/g, ' ');

describe.each(['es', 'ar'] as const)('a whole workshop run in %s', (language: Locale) => {
  const say = { locale: language };
  let session: EveryActivitySession;
  const titles = Object.fromEntries(EVERY_ACTIVITY_AGENDA.map((s, i) => [s.id, `${m.server_report_col_step({}, say)} ${i + 1}`]));
  const download = async (path: string) => {
    const res = await fetch(`${server.url}/api/rooms/${session.roomId}/${path}`, { headers: { Authorization: `Bearer ${session.facilitatorToken}` } });
    expect(res.status, path).toBe(200);
    return Buffer.from(await res.arrayBuffer());
  };
  // what each activity's section says in the room's language, whatever the room's people typed
  const worded = () => ({
    map: m.server_report_map_heatmap({}, say),
    self: m.server_report_sa_distribution({}, say),
    ideas: m.server_report_op_top({}, say),
    meet: m.server_report_pm_round({ round: 1 }, say),
    adv: m.server_report_adv_learned({}, say),
    commit: m.server_report_cm_bars({}, say),
    questions: m.server_report_questions({}, say),
  });

  beforeAll(async () => {
    session = await runEveryActivitySession(server.url, {
      language,
      titles,
      questions: true,
      followUp: { weeks: [2] },
      // someone asks a question in the lobby, for the report's questions section
      lobby: async (room) => {
        const token = newParticipantToken();
        await createApi(server.url).rooms.join.mutate({ code: room.code, nickname: 'Omar', department: 'Legal', token, deviceId: randomId() });
        const phone = connectRoom({ url: server.url, roomId: room.roomId, token });
        conns.push(phone);
        await phone.until((s) => s.status === 'connected' && s.questions !== null);
        const asked = await phone.askQuestion('¿Quién decide las prioridades?');
        expect(asked.ok).toBe(true);
      },
    });
  }, 60_000);

  afterAll(() => session?.close());

  it('every activity’s section, the agenda’s activity names and the questions are worded in the room’s language (Markdown)', async () => {
    const md = (await download('report.md')).toString('utf8');
    for (const [step, words] of Object.entries(worded())) expect(md, step).toContain(words);
    for (const type of new Set(EVERY_ACTIVITY_AGENDA.map((s) => s.type))) {
      const name = m[`server_report_activity_${type.replace(/-/g, '_')}` as 'server_report_activity_slide']({}, say);
      expect(md, type).toContain(name);
    }
    expect(md).toContain(m.server_report_before({}, say));
    const english = englishReportWords();
    expect(english.length).toBeGreaterThan(50);
    expect(english.filter((w) => md.includes(w))).toEqual([]);
    // the map's directions and rings, the cadences: the room's words, not English
    expect(md).not.toMatch(/Core circle|Across|Every week|Every two weeks|Someone who left/);
  });

  it('the PDF report and the impact report say it in the room’s language too', async () => {
    const report = oneLine(await pdfText(await download('report.pdf')));
    const impact = oneLine(await pdfText(await download('impact.pdf')));
    const english = englishReportWords();
    expect(english.filter((w) => report.includes(w))).toEqual([]);
    expect(english.filter((w) => impact.includes(w))).toEqual([]);
    expect(impact).not.toMatch(/Core circle|Across|Outside/);
    if (language === 'es') {
      // Latin script reads back as typed
      for (const [step, words] of Object.entries(worded())) expect(report, step).toContain(words);
      for (const words of [m.server_impact_check_ins_title({}, say), m.server_impact_allies_title({}, say), m.server_impact_partnerships_title({}, say)])
        expect(impact).toContain(words);
    } else {
      // Arabic is drawn shaped and right to left: each word comes back, in either order of a line
      // (words with the lam-alef ligature come back with its letters swapped, so they are left out)
      const words = [worded().adv, worded().map, m.server_impact_allies_title({}, say), m.server_impact_partnerships_title({}, say)]
        .flatMap((w) => w.split(/[\s()،]+/))
        .filter((w) => w.length > 2 && !/ل[اأإآ]/.test(w));
      expect(words.length).toBeGreaterThan(8);
      for (const word of words) expect(`${report} ${impact}`).toContain(word);
    }
  });
});
