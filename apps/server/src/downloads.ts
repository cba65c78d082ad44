/**
 * The facilitator's downloads (issue #8): the session report (PDF, Markdown) and its data (CSV,
 * JSON), under /api/rooms/:roomId/…, for the facilitator's or co-host's bearer token in the
 * Authorization header. Everything comes from one read of the room (`RoomService.sessionData`) through the
 * activities' `outcomes` hooks, so nothing private to a participant can reach any of them. Bodies
 * are streamed; the JSON Schema of data.json is public at /api/schema/data.json.
 */
import { Readable } from 'node:stream';
import {
  because,
  canFacilitate,
  impactDataJsonSchema,
  renderMarkdown,
  reportLocale,
  sessionDataJsonSchema,
  tableFileName,
  type ImpactData,
  type OutcomeTable,
  type SessionData,
} from '@canopy/core';
import { baseLocale, m, type Locale } from '@canopy/i18n';
import { stringify } from 'csv-stringify';
import type { HttpBindings } from '@hono/node-server';
import type { Context, Hono } from 'hono';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { Zip, ZipDeflate } from 'fflate';
import { impactPdf, reportPdf } from './pdf.js';
import { take } from './ratelimit.js';
import type { RoomService } from './service.js';

/** A file name from the room's title and date: `allies-workshop-2026-11-23-report.pdf`. */
export function downloadName(data: { room: { title: string; createdAt: string } }, what: string): { ascii: string; utf8: string } {
  const day = data.room.createdAt.slice(0, 10);
  const base = data.room.title
    .normalize('NFKC')
    .replace(/[\\/:*?"<>|\p{Cc}]+/gu, ' ')
    .trim()
    .replace(/\s+/g, '-')
    .slice(0, 60);
  const utf8 = `${base || 'canopy'}-${day}-${what}`;
  const ascii = `${
    base
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-+|-+$/g, '')
      .toLowerCase() || 'canopy'
  }-${day}-${what}`;
  return { ascii, utf8 };
}

const disposition = (name: { ascii: string; utf8: string }) => `attachment; filename="${name.ascii}"; filename*=UTF-8''${encodeURIComponent(name.utf8)}`;

/**
 * A text cell a spreadsheet would run as a formula (`=HYPERLINK(…)`, `@SUM(…)`, `+…`, `-…`, or one
 * hidden behind a leading tab or carriage return) is written with a leading apostrophe, as OWASP
 * advises: it is shown as the text typed. Numbers are written as numbers.
 */
export function neutraliseCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * A column's header in the room's language. English keeps the stable snake_case names (what
 * data.json calls them, and what spreadsheets built on earlier downloads read); a column the
 * catalogue does not know keeps its name.
 */
export function csvHeader(column: string, locale: Locale = baseLocale): string {
  if (locale === baseLocale) return column;
  const words = (m as unknown as Record<string, ((p: object, o: { locale: Locale }) => string) | undefined>)[`server_csv_${column}`];
  return words ? words({}, { locale }) : column;
}

/** One table as CSV (UTF-8 with a BOM, so spreadsheets read the accents right; a header row in `locale`; formulas neutralised). */
export function tableCsv(t: OutcomeTable, locale: Locale = baseLocale): Readable {
  const csv = stringify({
    bom: true,
    header: true,
    columns: t.columns.map((c) => neutraliseCell(csvHeader(c, locale))),
    cast: { number: (n) => String(n), string: neutraliseCell },
  });
  for (const r of t.rows) csv.write(r.map((c) => c ?? ''));
  csv.end();
  return csv;
}

/** Every table of the session, one CSV per table, in a zip (deflated, streamed one table at a time). */
export function dataZip(data: SessionData): Readable {
  const locale = reportLocale(data);
  return tablesZip(
    [
      ...data.steps.flatMap((s) => s.tables.map((t) => ({ name: tableFileName(s, t), table: t }))),
      // the room's questions belong to no step: `questions.csv`
      ...(data.questions?.tables ?? []).map((t) => ({ name: `${t.name}.csv`, table: t })),
    ],
    data.generatedAt,
    locale,
  );
}

/** Tables as CSV files in a zip. */
function tablesZip(tables: Array<{ name: string; table: OutcomeTable }>, generatedAt: string, locale: Locale): Readable {
  return Readable.from(
    zipStream(
      tables.map((t) => ({ name: t.name, body: () => tableCsv(t.table, locale) })),
      new Date(generatedAt),
    ),
  );
}

/** A zip of the given files, produced as it is read: each file's body is read only when its turn comes. */
async function* zipStream(files: Array<{ name: string; body: () => Readable }>, mtime: Date): AsyncGenerator<Uint8Array> {
  const ready: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else ready.push(chunk);
  });
  const drain = function* () {
    if (failure) throw failure;
    yield* ready.splice(0);
  };
  for (const f of files) {
    const entry = new ZipDeflate(f.name, { level: 6 });
    entry.mtime = mtime;
    zip.add(entry);
    for await (const chunk of f.body()) {
      entry.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      yield* drain();
    }
    entry.push(new Uint8Array(0), true);
    yield* drain();
  }
  zip.end();
  yield* drain();
}

function stream(c: Context<Env>, body: NodeJS.ReadableStream | string, type: string, name: { ascii: string; utf8: string }) {
  const readable = typeof body === 'string' ? Readable.from([Buffer.from(body, 'utf8')]) : Readable.from(body as AsyncIterable<Buffer>);
  return c.body(Readable.toWeb(readable) as unknown as ReadableStream, 200, { 'Content-Type': type, 'Content-Disposition': disposition(name) });
}

type Env = { Bindings: HttpBindings };

/** Rate limit, room, facilitator's or co-host's token: the room id, or the answer for anything else. */
async function facilitatorRoom(
  c: Context<Env>,
  service: RoomService,
  limiter: RateLimiterAbstract,
  addressOf: (c: Context<Env>) => string,
): Promise<string | Response> {
  const wait = await take(limiter, addressOf(c));
  if (wait)
    return c.json(
      { error: `Too many downloads from this network. Try again in ${wait} s.`, code: 'RATE_LIMITED', ...because('TOO_MANY_DOWNLOADS', { seconds: wait }) },
      429,
      {
        'Retry-After': String(wait),
      },
    );
  const roomId = c.req.param('roomId') ?? '';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(roomId) || !(await service.roomExists(roomId))) return c.json({ error: 'This room no longer exists.' }, 404);
  const m = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(c.req.header('Authorization') ?? '');
  if (!m) return c.json({ error: 'Sign in with the facilitator’s link: send its token as “Authorization: Bearer …”.' }, 401, { 'WWW-Authenticate': 'Bearer' });
  const who = await service.authenticate(roomId, m[1]!);
  if (!who) return c.json({ error: 'That token does not open this room.' }, 403);
  if (!canFacilitate(who.role)) return c.json({ error: 'Only the facilitator and co-hosts can download the session’s outcomes.' }, 403);
  return roomId;
}

export function mountDownloads(app: Hono<Env>, service: RoomService, limiter: RateLimiterAbstract, addressOf: (c: Context<Env>) => string) {
  app.get('/api/schema/data.json', (c) => c.json(sessionDataJsonSchema(), 200, { 'Content-Type': 'application/schema+json; charset=utf-8' }));

  /** Rate limit, room, token: the answer for anything else, or the data to download. */
  async function authorized(c: Context<Env>): Promise<SessionData | Response> {
    const roomId = await facilitatorRoom(c, service, limiter, addressOf);
    if (roomId instanceof Response) return roomId;
    const data = await service.sessionData(roomId);
    return data ?? c.json({ error: 'This room no longer exists.' }, 404);
  }

  app.get('/api/rooms/:roomId/report.pdf', async (c) => {
    const data = await authorized(c);
    if (data instanceof Response) return data;
    return stream(c, reportPdf(data), 'application/pdf', downloadName(data, 'report.pdf'));
  });
  app.get('/api/rooms/:roomId/report.md', async (c) => {
    const data = await authorized(c);
    if (data instanceof Response) return data;
    return stream(c, renderMarkdown(data), 'text/markdown; charset=utf-8', downloadName(data, 'report.md'));
  });
  app.get('/api/rooms/:roomId/data.json', async (c) => {
    const data = await authorized(c);
    if (data instanceof Response) return data;
    return stream(c, `${JSON.stringify(data, null, 2)}\n`, 'application/json; charset=utf-8', downloadName(data, 'data.json'));
  });
  app.get('/api/rooms/:roomId/data.zip', async (c) => {
    const data = await authorized(c);
    if (data instanceof Response) return data;
    return stream(c, dataZip(data), 'application/zip', downloadName(data, 'data-csv.zip'));
  });
  /** one table: ?step=<stepId>[&table=<name>] (the step's first table by default) */
  app.get('/api/rooms/:roomId/data.csv', async (c) => {
    const data = await authorized(c);
    if (data instanceof Response) return data;
    const stepId = c.req.query('step');
    const step = data.steps.find((s) => s.id === stepId);
    if (!step)
      return c.json(
        {
          error: 'Say which step: data.csv?step=<step id> (every table at once: data.zip).',
          steps: data.steps.map((s) => ({ id: s.id, tables: s.tables.map((t) => t.name) })),
        },
        400,
      );
    const name = c.req.query('table');
    const t = name ? step.tables.find((x) => x.name === name) : step.tables[0];
    if (!t)
      return c.json(
        {
          error: step.tables.length ? `Step "${step.id}" has no table "${name}".` : `Step "${step.id}" has no data table.`,
          tables: step.tables.map((x) => x.name),
        },
        404,
      );
    return stream(c, tableCsv(t, reportLocale(data)), 'text/csv; charset=utf-8', downloadName(data, tableFileName(step, t)));
  });
}

/**
 * The impact report (docs/follow-up.md): the room's effect after its check-ins, as PDF, JSON (its
 * schema public at /api/schema/impact.json) and CSV (one table, or all in a zip). Aggregates only,
 * from `RoomService.impactData`: no name, no note, every figure below the room's minimum group
 * size left out.
 */
export function mountImpactDownloads(app: Hono<Env>, service: RoomService, limiter: RateLimiterAbstract, addressOf: (c: Context<Env>) => string) {
  app.get('/api/schema/impact.json', (c) => c.json(impactDataJsonSchema(), 200, { 'Content-Type': 'application/schema+json; charset=utf-8' }));

  async function authorized(c: Context<Env>): Promise<ImpactData | Response> {
    const roomId = await facilitatorRoom(c, service, limiter, addressOf);
    if (roomId instanceof Response) return roomId;
    const data = await service.impactData(roomId);
    return data ?? c.json({ error: 'This room no longer exists.' }, 404);
  }

  app.get('/api/rooms/:roomId/impact.pdf', async (c) => {
    const data = await authorized(c);
    if (data instanceof Response) return data;
    return stream(c, impactPdf(data), 'application/pdf', downloadName(data, 'impact.pdf'));
  });
  app.get('/api/rooms/:roomId/impact.json', async (c) => {
    const data = await authorized(c);
    if (data instanceof Response) return data;
    return stream(c, `${JSON.stringify(data, null, 2)}\n`, 'application/json; charset=utf-8', downloadName(data, 'impact.json'));
  });
  app.get('/api/rooms/:roomId/impact.zip', async (c) => {
    const data = await authorized(c);
    if (data instanceof Response) return data;
    return stream(
      c,
      tablesZip(
        data.tables.map((t) => ({ name: `${t.name}.csv`, table: t })),
        data.generatedAt,
        reportLocale(data),
      ),
      'application/zip',
      downloadName(data, 'impact-csv.zip'),
    );
  });
  /** one table: ?table=<name> (check_ins by default) */
  app.get('/api/rooms/:roomId/impact.csv', async (c) => {
    const data = await authorized(c);
    if (data instanceof Response) return data;
    const name = c.req.query('table') ?? 'check_ins';
    const t = data.tables.find((x) => x.name === name);
    if (!t) return c.json({ error: `There is no table "${name}".`, tables: data.tables.map((x) => x.name) }, 404);
    return stream(c, tableCsv(t, reportLocale(data)), 'text/csv; charset=utf-8', downloadName(data, `impact-${t.name}.csv`));
  });
}
