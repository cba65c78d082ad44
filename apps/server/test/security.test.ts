/**
 * Who may do what over the live connection, and what happens to messages nobody should send:
 * every message is authorized by the sender's role and validated; bad handshakes, foreign
 * origins and oversized or malformed messages are refused without disturbing anyone else.
 */
import { get } from 'node:http';
import { describe, expect, it } from 'vitest';
import { PROTOCOL_MISMATCH_MESSAGE, PROTOCOL_VERSION, RoomCommandSchema, type RoomCommand } from '@canopy/core';
import { io as ioClient, type Socket } from 'socket.io-client';
import { emitRaw, nextEvent, refused, useWorkshops, WAIT_MS, welcomed, type Workshop } from './support.js';

const { server, workshop } = useWorkshops();

/** One of every facilitator command, each well-formed (only the sender's role is wrong). */
const EVERY_COMMAND: { [T in RoomCommand['type']]: Extract<RoomCommand, { type: T }> } = {
  goto: { type: 'goto', index: 1 },
  next: { type: 'next' },
  prev: { type: 'prev' },
  phase: { type: 'phase', phase: 'show' },
  'timer.start': { type: 'timer.start', durationSec: 60 },
  'timer.pause': { type: 'timer.pause' },
  'timer.resume': { type: 'timer.resume' },
  'timer.add': { type: 'timer.add', seconds: 60 },
  'timer.reset': { type: 'timer.reset' },
  lock: { type: 'lock', locked: true },
  waitingRoom: { type: 'waitingRoom', on: true },
  chime: { type: 'chime', muted: true },
  close: { type: 'close' },
  reopen: { type: 'reopen' },
  questions: { type: 'questions', on: true },
  'agenda.set': { type: 'agenda.set', agenda: [{ id: 'only', type: 'slide', title: 'Taken over', durationSec: 0, config: {} }] },
};

/** The room's version as the console sees it after asking the server again. */
async function versionNow(w: Workshop): Promise<number> {
  await w.console.conn.sync();
  return w.console.conn.state.room!.version;
}

/** A handshake request for the polling transport, as a browser on `origin` would send it. */
function pollingHandshake(url: string, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get(`${url}/socket.io/?EIO=4&transport=polling`, { headers: origin ? { origin } : {} }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

/** A bare socket.io-client connection with custom headers; resolves 'connected' or the connect_error message. */
async function rawConnect(url: string, auth: object, opts: { transports: Array<'polling' | 'websocket'>; origin?: string }): Promise<string> {
  const socket: Socket = ioClient(url, {
    auth,
    transports: opts.transports,
    reconnection: false,
    ...(opts.origin ? { extraHeaders: { origin: opts.origin } } : {}),
  });
  try {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer to the handshake')), WAIT_MS);
      socket.once('connect', () => (clearTimeout(timer), resolve('connected')));
      socket.once('connect_error', (e: Error) => (clearTimeout(timer), resolve(`refused: ${e.message}`)));
    });
  } finally {
    socket.close();
  }
}

describe('only the facilitator runs the room', () => {
  it('a participant trying every facilitator action is refused, and the room does not change', async () => {
    const w = await workshop(await server());
    const ana = await w.join('Ana');
    const ben = await w.join('Ben');
    expect(Object.keys(EVERY_COMMAND).sort()).toEqual(RoomCommandSchema.options.map((o) => o.shape.type.value).sort());
    const before = await versionNow(w);
    const roomEventsBefore = w.console.received().filter((e) => e === 'room').length;

    for (const cmd of Object.values(EVERY_COMMAND)) {
      const ack = await ana.conn.command(cmd);
      expect(ack, cmd.type).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: 'Only the facilitator can do that.', reason: 'NOT_ALLOWED' } });
      // …with a compare-and-set version, too.
      expect(await ana.conn.command(cmd, before), cmd.type).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(await ana.conn.remove(ben.id)).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'Only the facilitator can do that.', reason: 'NOT_ALLOWED' },
    });

    expect(await versionNow(w)).toBe(before);
    expect(w.console.received().filter((e) => e === 'room').length).toBe(roomEventsBefore);
    expect(w.console.conn.state.stage).toMatchObject({ index: -1, locked: false, status: 'open' });
    expect(ben.conn.state.status).toBe('connected');
    expect(ana.conn.state.stage?.v).toBe(before);
  });

  it('the projector cannot run the room, remove anyone or answer', async () => {
    const w = await workshop(await server());
    const ana = await w.join('Ana');
    const display = w.connect(w.displayToken);
    await welcomed(display.conn);
    const before = await versionNow(w);
    for (const cmd of Object.values(EVERY_COMMAND)) {
      expect(await display.conn.command(cmd), cmd.type).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(await display.conn.remove(ana.id)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await display.conn.submit('s1', { anything: true })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await versionNow(w)).toBe(before);
  });

  it("a participant asking for the full state again gets their own view, never the console's", async () => {
    const w = await workshop(await server());
    const ana = await w.join('Ana');
    const res = await emitRaw(ana.conn, 'sync');
    expect(res.ok).toBe(true);
    const again = (res as unknown as { welcome: Record<string, unknown> }).welcome;
    expect(again).toMatchObject({ role: 'participant', you: { id: ana.id } });
    expect(again).not.toHaveProperty('room');
    expect(again).not.toHaveProperty('roster');
  });

  it('a facilitator cannot remove a participant of another room', async () => {
    const srv = await server();
    const mine = await workshop(srv);
    const theirs = await workshop(srv);
    const zoe = await theirs.join('Zoé');
    expect(await mine.console.conn.remove(zoe.id)).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No such participant in this room.' } });
    await theirs.console.conn.sync();
    expect(theirs.console.conn.state.roster).toMatchObject([{ id: zoe.id, removed: false }]);
    expect(zoe.conn.state.status).toBe('connected');
  });
});

describe('malformed and oversized messages', () => {
  it('malformed payloads get BAD_REQUEST answers and the server keeps working', async () => {
    const w = await workshop(await server());
    const ana = await w.join('Ana');
    const c = w.console.conn;
    const before = await versionNow(w);

    const badCommands: unknown[] = [
      undefined,
      null,
      42,
      'next',
      [],
      [{ cmd: { type: 'next' } }],
      {},
      { cmd: null },
      { cmd: 'next' },
      { cmd: [] },
      { cmd: {} },
      { cmd: { type: 'jump' } },
      { cmd: { type: '__proto__' } },
      { cmd: { type: 'goto' } },
      { cmd: { type: 'goto', index: '1' } },
      { cmd: { type: 'goto', index: 1.5 } },
      { cmd: { type: 'goto', index: 1e308 } },
      { cmd: { type: 'goto', index: -2 } },
      { cmd: { type: 'goto', index: Number.MAX_SAFE_INTEGER + 2 } },
      { cmd: { type: 'timer.add', seconds: 1e21 } },
      { cmd: { type: 'timer.add', seconds: null } },
      { cmd: { type: 'timer.start', durationSec: -1 } },
      { cmd: { type: 'lock', locked: 'yes' } },
      { cmd: { type: 'phase', phase: 'x'.repeat(41) } },
      { cmd: { type: 'phase', phase: '' } },
      { cmd: { type: 'next' }, expectedVersion: 0 },
      { cmd: { type: 'next' }, expectedVersion: 'latest' },
      { cmd: { type: 'next' }, expectedVersion: 1e308 },
    ];
    for (const payload of badCommands) {
      const ack = await emitRaw(c, 'command', payload);
      expect(ack, JSON.stringify(payload) ?? 'undefined').toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      expect((ack as { error: { message: string } }).error.message).toMatch(/^Malformed command: /);
    }
    for (const payload of [undefined, null, {}, { participantId: 12 }, { participantId: '../../etc' }, { participantId: 'x'.repeat(5000) }, [ana.id]]) {
      expect(await emitRaw(c, 'remove', payload), JSON.stringify(payload)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    for (const payload of [
      undefined,
      null,
      {},
      { stepId: 's1' },
      { stepId: 's1', submissionId: 'short', input: 1 },
      { stepId: 7, submissionId: 'abcdefgh12', input: 1 },
      [],
    ]) {
      expect(await emitRaw(ana.conn, 'submit', payload), JSON.stringify(payload)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    // Binary where JSON is expected.
    expect(await emitRaw(c, 'command', Buffer.from('next'))).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    // A clock probe with no number still gets an answer.
    expect(await emitRaw(ana.conn, 'clock', 'noon')).toMatchObject({ ok: true, clientNow: 0 });

    // No acknowledgement callback at all, unknown events, a prototype-polluting key: nothing to answer, nothing breaks.
    const raw = c.socket as unknown as Socket;
    raw.emit('command', { cmd: { type: 'jump' } });
    raw.emit('command');
    raw.emit('remove', null);
    raw.emit('sync');
    raw.emit('no-such-event', { cmd: { type: 'next' } }, () => {});
    raw.emit('command', JSON.parse('{"cmd":{"type":"goto","index":5,"__proto__":{"polluted":true}},"__proto__":{"polluted":true}}'));
    // A deeply nested frame, written on the wire by hand (the client's encoder would not build it),
    // with an acknowledgement id the SDK does not know: its answer is read off the raw transport.
    const deepAnswer = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer to the deeply nested frame')), WAIT_MS);
      c.socket.io.engine.on('packet', (packet: { type: string; data?: unknown }) => {
        if (packet.type === 'message' && typeof packet.data === 'string' && packet.data.startsWith('39999[')) {
          clearTimeout(timer);
          resolve(packet.data.slice(5));
        }
      });
    });
    c.socket.io.engine.send(`29999["command",{"cmd":${'['.repeat(20_000)}${']'.repeat(20_000)}}]`);
    expect(JSON.parse(await deepAnswer)).toMatchObject([{ ok: false, error: { code: 'BAD_REQUEST' } }]);

    // Still up: the same socket's next valid command works, and so does everyone else's connection.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await versionNow(w)).toBe(before);
    const ack = await c.command({ type: 'next' });
    expect(ack).toEqual({ ok: true, version: before + 1 });
    await ana.conn.until((s) => s.stage?.index === 0, WAIT_MS);
    const health = await fetch(`${w.server.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it.each(['polling', 'websocket'] as const)('an oversized message (200 KB, over %s) drops only the sender’s connection', async (transport) => {
    const w = await workshop(await server());
    const ana = w.connect((await w.join('Ana')).token, { transports: [transport] });
    await welcomed(ana.conn);
    const ben = await w.join('Ben');
    const dropped = nextEvent<string>(ana.conn.socket as unknown as Socket, 'disconnect');

    (ana.conn.socket as unknown as Socket).emit('command', { cmd: { type: 'phase', phase: 'x'.repeat(200_000) } });
    const reason = await dropped;
    expect(['transport close', 'transport error']).toContain(reason);

    // Everyone else carries on.
    expect(await w.console.conn.command({ type: 'next' })).toMatchObject({ ok: true });
    await ben.conn.until((s) => s.stage?.index === 0, WAIT_MS);
    expect(ben.conn.socket.connected).toBe(true);
    // The sender was not banned: the SDK reconnects by itself and catches up.
    await ana.conn.until((s) => s.status === 'connected' && s.stage?.index === 0, WAIT_MS);
  });

  it('a connection sending too many messages a second has the extra ones refused, and every one answered', async () => {
    const w = await workshop(await server({ SOCKET_MSGS_PER_SEC: 5 }));
    const ana = await w.join('Ana');
    const answers = await Promise.all(Array.from({ length: 40 }, () => emitRaw(ana.conn, 'clock', Date.now())));
    const limited = answers.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.ok).length).toBeGreaterThan(0);
    // …saying when to try again: a fifth of a second at 5 a second
    expect(limited[0]).toEqual({
      ok: false,
      error: { code: 'RATE_LIMITED', message: 'Slow down: too many messages.', reason: 'SLOW_DOWN', retryAfterMs: expect.any(Number) },
    });
    expect((limited[0] as { error: { retryAfterMs: number } }).error.retryAfterMs).toBeLessThanOrEqual(200);
    // Others are not slowed down by Ana's burst.
    expect(await w.console.conn.command({ type: 'next' })).toMatchObject({ ok: true });
  });
});

describe('who may connect', () => {
  it('a wrong token is refused as UNAUTHORIZED, and the SDK gives up', async () => {
    const w = await workshop(await server());
    const other = await workshop(w.server);
    for (const token of ['x'.repeat(32), other.facilitatorToken, other.displayToken]) {
      const intruder = w.connect(token);
      const s = await refused(intruder.conn);
      expect(s.error).toEqual({ code: 'UNAUTHORIZED', message: 'This link is no longer valid for this room.' });
      expect(intruder.received()).not.toContain('welcome');
    }
    // A room that does not exist, with a well-formed id.
    const lost = await refused(w.connect(w.facilitatorToken, { roomId: 'no-such-room-123' }).conn);
    expect(lost.error?.code).toBe('UNAUTHORIZED');
    // A malformed handshake.
    const garbled = await refused(w.connect('short', {}).conn);
    expect(garbled.error).toEqual({ code: 'BAD_REQUEST', message: 'Malformed handshake.' });
  });

  it('an out-of-date page is asked to reload', async () => {
    const w = await workshop(await server());
    for (const v of [PROTOCOL_VERSION + 1, PROTOCOL_VERSION - 1]) {
      const old = w.connect(w.facilitatorToken, { protocolVersion: v });
      const s = await refused(old.conn);
      expect(s.error).toEqual({ code: 'PROTOCOL_MISMATCH', message: PROTOCOL_MISMATCH_MESSAGE });
      expect(s.error?.message).toMatch(/Please reload/);
    }
    // Even when the rest of the handshake is unreadable, the version is what the page hears about.
    expect(await rawConnect(w.server.url, { v: 99 }, { transports: ['websocket'] })).toBe(`refused: ${PROTOCOL_MISMATCH_MESSAGE}`);
  });

  it('a page from a foreign origin cannot open a socket; the server’s own origin and allowed ones can', async () => {
    const srv = await server({ ALLOWED_ORIGINS: ['https://canopy.example'] });
    const w = await workshop(srv);
    const auth = { v: PROTOCOL_VERSION, roomId: w.roomId, token: w.facilitatorToken };

    expect(await pollingHandshake(srv.url, 'https://evil.example')).toBe(403);
    expect(await pollingHandshake(srv.url, 'null')).toBe(403);
    expect(await pollingHandshake(srv.url, srv.url)).toBe(200);
    expect(await pollingHandshake(srv.url, 'https://canopy.example')).toBe(200);
    expect(await pollingHandshake(srv.url)).toBe(200); // not a browser: no Origin, the token decides

    for (const transports of [['polling'], ['websocket']] as const) {
      expect(await rawConnect(srv.url, auth, { transports: [...transports], origin: 'https://evil.example' })).toMatch(/^refused: /);
      expect(await rawConnect(srv.url, auth, { transports: [...transports], origin: srv.url })).toBe('connected');
    }
  });
});
