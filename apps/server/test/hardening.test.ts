/**
 * What a hosted server must hold whatever a client sends: bodies over the limit are refused before
 * they are read, error answers carry no stack or server path, every response carries security
 * headers, rate-limited answers say when to try again, spreadsheet formulas in answers are
 * neutralised in the CSV downloads, and a DNS-rebinding page cannot pass the Origin check.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { PROTOCOL_VERSION, type OutcomeTable, type Step } from '@canopy/core';
import { io as ioClient } from 'socket.io-client';
import { newParticipantToken, randomId } from '@canopy/client';
import { tableCsv } from '../src/downloads.js';
import { startServer } from '../src/index.js';
import { createLogger } from '../src/log.js';
import { Brake, Fairness, MAX_HOLD_MS, RoomBusyError } from '../src/fairness.js';
import { emitRaw, testConfig, useWorkshops, WAIT_MS, welcomed } from './support.js';

const { server, workshop } = useWorkshops();

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request as any client could send it (chunked when `chunked`, i.e. without Content-Length). */
function send(
  url: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${opts.path}`, { method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
    if (opts.body !== undefined) {
      if (opts.chunked) {
        // several writes without a length: the server has to count as it reads
        const buf = Buffer.from(opts.body);
        for (let i = 0; i < buf.length; i += 64 * 1024) req.write(buf.subarray(i, i + 64 * 1024));
      } else req.write(opts.body);
    }
    req.end();
  });
}

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('bodies over the limit', () => {
  it('a 5 MB room creation is answered 413 naming the limit, with or without a Content-Length, and the server keeps serving', async () => {
    const srv = await server({ HTTP_BODY_LIMIT_BYTES: 64 * 1024 });
    const huge = { title: 'x'.repeat(5 * 1024 * 1024), agenda: [] };
    for (const chunked of [false, true]) {
      const res = await send(srv.url, { method: 'POST', path: '/trpc/rooms.create', ...json(huge), chunked });
      expect(res.status, chunked ? 'chunked' : 'with a length').toBe(413);
      expect(JSON.parse(res.body).error.message).toBe('Request body too large: the limit is 65536 bytes (HTTP_BODY_LIMIT_BYTES).');
    }
    const big = await send(srv.url, { method: 'POST', path: '/api/rooms/abcdefgh/report.md', body: 'y'.repeat(100 * 1024) });
    expect(big.status).toBe(413);
    // an ordinary room is still created
    const w = await workshop(srv);
    expect(w.code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  });
});

describe('error answers', () => {
  it('a malformed join is answered with what is wrong, never a stack trace or a server path (LOG_LEVEL below debug)', async () => {
    const srv = await server();
    const res = await send(srv.url, { method: 'POST', path: '/trpc/rooms.join', ...json({ code: 12, nickname: {} }) });
    expect(res.status).toBe(400);
    const answer = JSON.parse(res.body) as { error: { message: string; data: Record<string, unknown> } };
    // with the reason and where, so the join page words it in its own language
    expect(answer.error.data).toEqual({ code: 'BAD_REQUEST', httpStatus: 400, canopyCode: 'BAD_REQUEST', reason: 'INVALID', params: { field: 'code' } });
    expect(res.body).not.toMatch(/stack|node_modules|\/src\/|\.ts:\d|at [A-Za-z.]+ \(/);
  });

  it('with LOG_LEVEL=debug the stack is there for whoever debugs the server', async () => {
    // (its own log stays quiet here)
    const srv = await startServer(testConfig({ LOG_LEVEL: 'debug' }), createLogger('silent'));
    try {
      const res = await send(srv.url, { method: 'POST', path: '/trpc/rooms.join', ...json({ code: 12 }) });
      expect(JSON.parse(res.body).error.data.stack).toMatch(/\n\s+at /);
    } finally {
      await srv.close();
    }
  });

  it('a rate-limited room creation says when to try again (Retry-After)', async () => {
    const srv = await server({ CREATE_RATE_PER_HOUR: 1 });
    const room = { title: 'Retro', agenda: [{ id: 's1', type: 'slide', title: 'Hello', durationSec: 0, config: {} }] };
    expect((await send(srv.url, { method: 'POST', path: '/trpc/rooms.create', ...json(room) })).status).toBe(200);
    const again = await send(srv.url, { method: 'POST', path: '/trpc/rooms.create', ...json(room) });
    expect(again.status).toBe(429);
    const wait = Number(again.headers['retry-after']);
    expect(wait).toBeGreaterThan(3000);
    expect(wait).toBeLessThanOrEqual(3600);
    expect(JSON.parse(again.body).error.message).toBe(`Too many new workshops from this network. Try again in ${wait} s.`);
  });
});

describe('security headers', () => {
  it('every kind of answer carries them: health, API, tRPC, downloads, Socket.IO polling and a path nobody serves', async () => {
    const srv = await server();
    const answers = {
      health: await send(srv.url, { path: '/healthz' }),
      share: await send(srv.url, { path: '/api/share-origin' }),
      trpc: await send(srv.url, { path: '/trpc/health' }),
      download: await send(srv.url, { path: '/api/rooms/abcdefgh/report.pdf' }),
      polling: await send(srv.url, { path: '/socket.io/?EIO=4&transport=polling' }),
      unknown: await send(srv.url, { path: '/nowhere' }),
    };
    for (const [what, res] of Object.entries(answers)) {
      expect(res.headers['x-content-type-options'], what).toBe('nosniff');
      expect(res.headers['x-frame-options'], what).toBe('DENY');
      expect(res.headers['referrer-policy'], what).toBe('no-referrer');
      expect(res.headers['content-security-policy'], what).toMatch(/frame-ancestors 'none'/);
    }
    expect(answers.trpc.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  });
});

describe('CSV downloads', () => {
  it('an answer a spreadsheet would run as a formula is written as text; numbers and ordinary text are unchanged', async () => {
    const table: OutcomeTable = {
      name: 'open_prompt_answers',
      columns: ['nickname', 'answer', 'votes'],
      rows: [
        ['Ana', '=HYPERLINK("http://evil.example","click")', 3],
        ['@SUM(A1:A9)', '+1 more', -2],
        ['Ben', '-minus', 0],
        ['Cleo', '\t=1+1', 1],
        ['Dee', '\r=1+1', 1],
        ['Eve', 'plain = fine', 1],
      ],
    } as OutcomeTable;
    let text = '';
    for await (const chunk of tableCsv(table)) text += String(chunk);
    const rows = parse(text, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.nickname, r.answer, r.votes])).toEqual([
      ['Ana', `'=HYPERLINK("http://evil.example","click")`, '3'],
      [`'@SUM(A1:A9)`, `'+1 more`, '-2'],
      ['Ben', `'-minus`, '0'],
      ['Cleo', `'\t=1+1`, '1'],
      ['Dee', `'\r=1+1`, '1'],
      ['Eve', 'plain = fine', '1'],
    ]);
  });
});

describe('Origin', () => {
  /** A Socket.IO handshake as a browser on `origin` reaching the server as `host` would send it. */
  const handshake = (url: string, origin: string, host: string) => send(url, { path: '/socket.io/?EIO=4&transport=polling', headers: { origin, host } });

  it('a DNS-rebinding page (Origin and Host agree on a name nobody configured) can neither open a socket nor call the API', async () => {
    const srv = await server({ ALLOWED_ORIGINS: ['https://canopy.example'] });
    const rebound = `evil.example:${srv.port}`;
    expect((await handshake(srv.url, `http://${rebound}`, rebound)).status).toBe(403);
    const api = await send(srv.url, {
      method: 'POST',
      path: '/trpc/rooms.lookup',
      headers: { origin: `http://${rebound}`, host: rebound, 'content-type': 'application/json' },
      body: '{"code":"ABCD-EFGH"}',
    });
    expect(api.status).toBe(403);

    // the configured origin, and the server's own address, are fine
    expect((await handshake(srv.url, 'https://canopy.example', 'canopy.example')).status).toBe(200);
    expect((await handshake(srv.url, srv.url, new URL(srv.url).host)).status).toBe(200);
    expect((await handshake(srv.url, `http://localhost:${srv.port}`, `localhost:${srv.port}`)).status).toBe(200);
  });

  it('PUBLIC_URL is an allowed origin: the deployed name opens a socket with a token', async () => {
    const srv = await server({ PUBLIC_URL: 'https://workshop.example.org' });
    const w = await workshop(srv);
    const socket = ioClient(srv.url, {
      auth: { v: PROTOCOL_VERSION, roomId: w.roomId, token: w.facilitatorToken },
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { origin: 'https://workshop.example.org' },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no welcome')), WAIT_MS);
        socket.once('welcome', () => (clearTimeout(t), resolve()));
        socket.once('connect_error', (e) => (clearTimeout(t), reject(e)));
      });
    } finally {
      socket.close();
    }
  });
});

describe('bounded storage per room', () => {
  const prompt: Step = { id: 'ideas', type: 'open-prompt', title: 'What makes an ally?', durationSec: 0, config: { maxLength: 280, maxAnswersPerPerson: 10 } };

  it('a participant resending the same answer with fresh ids 300 times: every send is answered, the room does not grow', async () => {
    const srv = await server();
    const w = await workshop(srv, { agenda: [prompt] });
    const ana = await w.join('Ana');
    await w.console.conn.command({ type: 'next' });
    await ana.conn.until((s) => s.activity?.stepId === 'ideas', WAIT_MS);
    const answer = { op: 'answer', id: 'a1', text: 'Shares credit openly' };
    expect(await ana.conn.submit('ideas', answer)).toMatchObject({ ok: true });
    const afterFirst = await srv.store.roomBytes(w.roomId);
    for (let i = 0; i < 300; i++) expect((await ana.conn.submit('ideas', answer)).ok).toBe(true);
    // what the room holds is the answer and at most ROOM_DEDUPE_WINDOW remembered ids, whatever was sent
    const after = await srv.store.roomBytes(w.roomId);
    expect(after).toBeLessThanOrEqual(afterFirst + srv.store.dedupeWindow * 128);
    for (let i = 0; i < 100; i++) await ana.conn.submit('ideas', answer);
    expect(await srv.store.roomBytes(w.roomId)).toBe(after);
  });

  it('a room at ROOM_MAX_BYTES refuses more answers with ROOM_FULL naming the cap; another room goes on', async () => {
    const srv = await server({ ROOM_MAX_BYTES: 8192 });
    const flooded = await workshop(srv, { agenda: [prompt] });
    const calm = await workshop(srv, { agenda: [prompt] });
    const people = [await flooded.join('Ana'), await flooded.join('Ben'), await flooded.join('Cleo'), await flooded.join('Dev')];
    const dana = await calm.join('Dana');
    await flooded.console.conn.command({ type: 'next' });
    await calm.console.conn.command({ type: 'next' });
    await Promise.all([...people, dana].map((p) => p.conn.until((s) => s.activity?.stepId === 'ideas', WAIT_MS)));

    let refusal: unknown = null;
    for (let i = 0; i < 10 && !refusal; i++) {
      for (const p of people) {
        const ack = await p.conn.submit('ideas', { op: 'answer', id: `n${i}`, text: `${p.nickname} idea ${i} `.padEnd(280, '·') });
        if (!ack.ok) refusal = ack.error;
      }
    }
    expect(refusal).toEqual({
      code: 'ROOM_FULL',
      message: 'Not saved: this room has reached its storage cap (ROOM_MAX_BYTES, 8 KB of answers). Answers already given are kept; ask the facilitator.',
      reason: 'ROOM_STORAGE_FULL',
    });
    expect(await srv.store.roomBytes(flooded.roomId)).toBeLessThanOrEqual(8192);
    expect(await dana.conn.submit('ideas', { op: 'answer', id: 'd1', text: 'Listens first' })).toMatchObject({ ok: true });
  });
});

describe('fair shares', () => {
  it('one link cannot open more than SOCKETS_PER_TOKEN connections; closing one makes room again', async () => {
    const srv = await server({ SOCKETS_PER_TOKEN: 3 });
    const w = await workshop(srv);
    const ana = await w.join('Ana');
    const tabs = [w.connect(ana.token), w.connect(ana.token)];
    await Promise.all(tabs.map((t) => welcomed(t.conn)));
    const fourth = w.connect(ana.token);
    const snap = await fourth.conn.until((s) => s.error !== null, WAIT_MS);
    expect(snap.error).toMatchObject({
      code: 'RATE_LIMITED',
      message: 'Too many open connections for this link (SOCKETS_PER_TOKEN, 3). Close another tab and try again.',
    });
    // one tab closed: the refused one gets in when it tries again by itself
    tabs[0]!.conn.close();
    expect((await welcomed(fourth.conn)).status).toBe('connected');
  });

  it('behind a trusted proxy, SOCKETS_PER_ADDRESS counts the address the proxy names, not the proxy', async () => {
    const srv = await server({ TRUST_PROXY: true, SOCKETS_PER_ADDRESS: 2 });
    const w = await workshop(srv);
    // four people join (their phones connect below, through the proxy)
    const people = await Promise.all(
      ['Ana', 'Ben', 'Cleo', 'Dev'].map(async (nickname) => {
        const token = newParticipantToken();
        await w.api.rooms.join.mutate({ code: w.code, nickname, token, deviceId: randomId() });
        return { token };
      }),
    );
    /** a participant's socket as it arrives through the proxy, from `address`: welcomed, or refused with a message */
    const open = (token: string, address: string) => {
      const socket = ioClient(srv.url, {
        auth: { v: PROTOCOL_VERSION, roomId: w.roomId, token },
        transports: ['websocket'],
        reconnection: false,
        extraHeaders: { 'x-forwarded-for': `198.51.100.1, ${address}` },
      });
      opened.push(socket);
      return new Promise<string>((resolve) => {
        const t = setTimeout(() => resolve('nothing'), WAIT_MS);
        socket.once('welcome', () => (clearTimeout(t), resolve('welcome')));
        socket.once('connect_error', (e: Error & { data?: { message?: string } }) => (clearTimeout(t), resolve(e.data?.message ?? e.message)));
      });
    };
    const opened: Array<ReturnType<typeof ioClient>> = [];
    try {
      // one venue's network: two sockets, then no more from it
      expect(await open(people[0]!.token, '203.0.113.7')).toBe('welcome');
      expect(await open(people[1]!.token, '203.0.113.7')).toBe('welcome');
      expect(await open(people[2]!.token, '203.0.113.7')).toBe('Too many open connections from this network (SOCKETS_PER_ADDRESS, 2).');
      // someone elsewhere, through the same proxy, is not counted with them
      expect(await open(people[3]!.token, '192.0.2.44')).toBe('welcome');
    } finally {
      for (const s of opened) s.close();
    }
  });

  it('all the connections of one link share one message budget (TOKEN_MSGS_PER_SEC), and costly reads a smaller one', async () => {
    const srv = await server({ TOKEN_MSGS_PER_SEC: 5, COSTLY_READS_PER_MIN: 6 });
    const w = await workshop(srv);
    const ana = await w.join('Ana');
    const tabs = [ana, w.connect(ana.token), w.connect(ana.token)];
    await Promise.all(tabs.map((t) => welcomed(t.conn)));
    await new Promise((r) => setTimeout(r, 2_100)); // the budget full again after the joins' own messages
    const answers = (await Promise.all(tabs.flatMap((t) => Array.from({ length: 20 }, () => emitRaw(t.conn, 'clock', Date.now()))))) as Array<{
      ok: boolean;
      error?: { code: string; retryAfterMs?: number };
    }>;
    const accepted = answers.filter((a) => a.ok).length;
    expect(accepted).toBeGreaterThanOrEqual(10); // a burst of twice the rate…
    expect(accepted).toBeLessThanOrEqual(12); // …for the three connections together, not each
    for (const a of answers.filter((x) => !x.ok)) expect(a.error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) });

    // Ben, another person, is not slowed by Ana
    const ben = await w.join('Ben');
    expect(await emitRaw(ben.conn, 'clock', Date.now())).toMatchObject({ ok: true });
    // reading all of one's outcomes: one in a burst (6 a minute), then a wait
    const reads = await Promise.all(Array.from({ length: 4 }, () => emitRaw(ben.conn, 'outcomes:mine', {})));
    expect(reads.filter((r) => r.ok)).toHaveLength(1);
    expect(reads.filter((r) => !r.ok).map((r) => !r.ok && r.error.code)).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
  });

  it("a room's work queues behind its own: while one room's handlers are all busy, another room's run at once", async () => {
    const fair = new Fairness(testConfig({ ROOM_CONCURRENCY: 2, ROOM_QUEUE_MAX: 5 }));
    try {
      const release: Array<() => void> = [];
      const started: string[] = [];
      const busyWork = (n: number) =>
        fair.inRoom('hostile', () => {
          started.push(`hostile ${n}`);
          return new Promise<void>((r) => release.push(r));
        });
      const hostile = Array.from({ length: 7 }, (_, n) => busyWork(n));
      // two running, five waiting: the eighth is refused at once (BUSY, retried by the client)
      await expect(busyWork(7)).rejects.toBeInstanceOf(RoomBusyError);
      expect(started).toEqual(['hostile 0', 'hostile 1']);
      // the other room's work is not behind any of it
      expect(await fair.inRoom('calm', async () => 'served')).toBe('served');
      // the hostile room's queue moves on in order as its own work finishes
      while (release.length) {
        release.shift()!();
        await new Promise((r) => setImmediate(r));
      }
      await Promise.all(hostile);
      expect(started).toEqual(Array.from({ length: 7 }, (_, n) => `hostile ${n}`));
      expect(fair.stats().busyRooms).toBe(0);
    } finally {
      fair.close();
    }
  });

  it('a socket that sends again before its wait is over is held longer each time; one that waits as told is held just the wait', () => {
    const ignoring = new Brake();
    const holds = Array.from({ length: 8 }, () => ignoring.hold(50));
    expect(holds.slice(0, 6)).toEqual([50, 100, 200, 400, 800, 1600]);
    expect(Math.max(...holds)).toBe(MAX_HOLD_MS);
    // the SDK waits out each retryAfterMs before sending again: never more than the budget's wait
    const polite = new Brake();
    let clock = 0;
    const realNow = Date.now;
    Date.now = () => clock;
    try {
      for (let i = 0; i < 5; i++) {
        const hold = polite.hold(50);
        expect(hold).toBe(50);
        clock += hold;
      }
    } finally {
      Date.now = realNow;
    }
  });

  it("one token's costly reads run one at a time, behind each other; another token's do not wait", async () => {
    const fair = new Fairness(testConfig({}));
    try {
      const release: Array<() => void> = [];
      const started: string[] = [];
      const read = (token: string, n: number) =>
        fair.costly(token, () => {
          started.push(`${token} ${n}`);
          return new Promise<void>((r) => release.push(r));
        });
      const burst = Array.from({ length: 3 }, (_, n) => read('noisy', n));
      const other = read('calm', 0);
      await new Promise((r) => setImmediate(r));
      expect(started).toEqual(['noisy 0', 'calm 0']);
      while (release.length) {
        release.shift()!();
        await new Promise((r) => setImmediate(r));
      }
      await Promise.all([...burst, other]);
      expect(started).toEqual(['noisy 0', 'calm 0', 'noisy 1', 'noisy 2']);
    } finally {
      fair.close();
    }
  });
});
