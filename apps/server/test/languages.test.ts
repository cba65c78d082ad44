/**
 * A workshop planned in another language (issue #19): the facilitator's downloads speak the room's
 * language — the report's headings in the PDF (read back with pdftotext) and the Markdown, the CSV
 * headers — and a refusal a phone sees carries the code and reason its screen words, never only
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
import { EVERY_ACTIVITY_AGENDA } from './every-activity.js';
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
