/**
 * Retention and deletion, told against a Redis of our own (so a SCAN sees everything): a closed
 * room carries its retention time on every key; the facilitator deletes a room and nothing of it
 * is left, every screen is told and let go, and the room answers as unknown; a participant
 * deletes their data and the pictures on the console and the projector stop counting them.
 */
import { describe, expect, it } from 'vitest';
import { importSealKey, newSealKey, seal } from '@canopy/client';
import {
  mapContribution,
  MentalMapConfig,
  type MentalMapPresenterView,
  type MentalMapRecord,
  type NewRoom,
  type PartnershipParticipantView,
  type SelfAssessmentPresenterView,
} from '@canopy/core';
import { SIO_STREAM } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { STREAM_KEEP_MS, trimStream } from '../src/stream-trim.js';
import { apiFailure, disconnected, emitRaw, refused, useWorkshops, WAIT_MS, type Screen, useRedis } from './support.js';

const { server, workshop } = useWorkshops();

const redis = useRedis();

/**
 * Every HTTP route that belongs to one room (the facilitator's downloads): each answers the
 * facilitator before, and 404 after the room is deleted. Routes added later go in this one list.
 */
const roomHttpRoutes = (roomId: string): string[] =>
  ['report.pdf', 'report.md', 'data.json', 'data.zip', 'data.csv?step=map'].map((f) => `/api/rooms/${roomId}/${f}`);

/** GET one of the room's routes with a bearer token. */
const download = (url: string, path: string, token: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });

/** Names of every key Redis holds for this room (by a real SCAN), the code index included. */
async function keysOf(roomId: string, code: string): Promise<string[]> {
  const codeKey = `canopy:code:${code.replace('-', '')}`;
  const found: string[] = [];
  for await (const batch of redis.admin.scanIterator({ MATCH: '*', COUNT: 1000 })) found.push(...batch.filter((k) => k.includes(roomId) || k === codeKey));
  return found.sort();
}

/** Every value stored under the room's keys, as one string (to look for a name in it). */
async function everythingStored(roomId: string): Promise<string> {
  const out: unknown[] = [];
  for (const key of await keysOf(roomId, '-')) {
    const type = await redis.admin.type(key);
    out.push(
      key,
      type === 'hash'
        ? await redis.admin.hGetAll(key)
        : type === 'list'
          ? await redis.admin.lRange(key, 0, -1)
          : type === 'set'
            ? await redis.admin.sMembers(key)
            : await redis.admin.get(key),
    );
  }
  return JSON.stringify(out);
}

const DAY = 86_400;

const agenda: NewRoom['agenda'] = [
  { id: 'hello', type: 'slide', title: 'Welcome', durationSec: 0, config: {} },
  { id: 'map', type: 'mental-map', title: 'Map your allies', durationSec: 0, config: { minGroupSize: 1 } },
  { id: 'self', type: 'self-assessment', title: 'How do you do?', durationSec: 0, config: { minGroupSize: 1, hideUntilResults: false } },
];

async function session(overrides: Parameters<typeof server>[0] = {}) {
  const srv = await server({ REDIS_URL: redis.url, ...overrides });
  const w = await workshop(srv, { agenda });
  const key = await importSealKey(await newSealKey());
  const place = async (who: Screen, id: string, name: string, sector: string, ring = 'ally') =>
    expect(await who.conn.submit('map', { op: 'put', entry: { id, label: await seal(key, name), sector, ring, tags: [] } })).toMatchObject({ ok: true });
  const rate = async (who: Screen, statementId: string, value: number) =>
    expect(await who.conn.submit('self', { op: 'rate', statementId, value })).toMatchObject({ ok: true });
  const goto = async (index: number, screens: Screen[]) => {
    expect(await w.console.conn.command({ type: 'goto', index })).toMatchObject({ ok: true });
    await Promise.all(screens.map((s) => s.conn.until((st) => st.stage?.index === index && st.activity?.stepId === agenda[index]!.id, WAIT_MS)));
  };
  return { srv, w, place, rate, goto };
}

const mapView = (s: Screen) => s.conn.state.activity?.data as MentalMapPresenterView | undefined;
const selfView = (s: Screen) => s.conn.state.activity?.data as SelfAssessmentPresenterView | undefined;

describe('retention', () => {
  it('ROOM_RETENTION_DAYS is 30 unless set, may be a fraction of a day, and refuses nonsense', () => {
    expect(loadConfig({}).ROOM_RETENTION_DAYS).toBe(30);
    expect(loadConfig({ ROOM_RETENTION_DAYS: '0.5' }).ROOM_RETENTION_DAYS).toBe(0.5);
    for (const bad of ['0', '-3', 'forever']) expect(() => loadConfig({ ROOM_RETENTION_DAYS: bad })).toThrow(/ROOM_RETENTION_DAYS/);
  });

  it('closing a room puts ROOM_RETENTION_DAYS on every one of its keys, the ones written later included', async () => {
    const { w, place, goto } = await session({ ROOM_RETENTION_DAYS: 7 });
    const ana = await w.join('Ana');
    // the console is told how long, to say so; a phone is not
    expect(w.console.conn.state.retentionDays).toBe(7);
    expect(ana.conn.state.retentionDays).toBeNull();
    // an open room is already on a clock: its last change plus the retention time
    for (const key of await keysOf(w.roomId, w.code)) expect([key, await redis.admin.ttl(key)]).toEqual([key, expect.closeTo(7 * DAY, -2)]);

    await goto(1, [ana]);
    await place(ana, 'person1', 'Maria', 'across');
    // …and the room sits there untouched for days (as if: every key is nearer its end)
    for (const key of await keysOf(w.roomId, w.code)) await redis.admin.expire(key, 3 * DAY);

    expect(await w.console.conn.command({ type: 'close' })).toMatchObject({ ok: true });
    const keys = await keysOf(w.roomId, w.code);
    // room, secrets, participants, order, tokens, joins, pmeta, registry, the map step's 3, the code
    expect(keys.length).toBeGreaterThanOrEqual(12);
    expect(keys).toContain(`canopy:code:${w.code.replace('-', '')}`);
    for (const key of keys) expect([key, await redis.admin.ttl(key)]).toEqual([key, expect.closeTo(7 * DAY, -2)]);
  });
});

describe('the facilitator deletes the room', () => {
  it('nothing of it is left in Redis, every screen is told and let go, and the room answers as unknown', async () => {
    const { srv, w, place, goto } = await session();
    const ana = await w.join('Ana');
    const ben = await w.join('Ben');
    const cohost = w.connect(w.cohostToken);
    const display = w.connect(w.displayToken);
    await goto(1, [ana, ben, display, cohost]);
    await place(ana, 'person1', 'Maria', 'across');
    await place(ben, 'person1', 'Joe', 'above');
    expect(await keysOf(w.roomId, w.code)).toContain(`canopy:code:${w.code.replace('-', '')}`);
    expect((await keysOf(w.roomId, w.code)).length).toBeGreaterThan(10);
    for (const path of roomHttpRoutes(w.roomId)) {
      const res = await download(srv.url, path, w.facilitatorToken);
      expect([path, res.status]).toEqual([path, 200]);
      await res.arrayBuffer();
    }

    // Only the facilitator, and only with the room code typed again
    expect(await cohost.conn.deleteRoom(w.code)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await ana.conn.deleteRoom(w.code)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await display.conn.deleteRoom(w.code)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await w.console.conn.deleteRoom('AAAA-BBBB')).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('room code') },
    });
    expect(await emitRaw(w.console.conn, 'deleteRoom', { code: 42 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await emitRaw(w.console.conn, 'deleteRoom')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect((await keysOf(w.roomId, w.code)).length).toBeGreaterThan(10);

    const everyone = [w.console, cohost, display, ana, ben];
    const gone = everyone.map((s) => disconnected(s.conn, WAIT_MS));
    // typed as it is read out: lower case, without the dash
    expect(await w.console.conn.deleteRoom(w.code.toLowerCase().replace('-', ''))).toEqual({ ok: true });

    await Promise.all(gone);
    for (const s of everyone) {
      const state = await s.conn.until((st) => st.status === 'failed', WAIT_MS);
      expect(state.error).toEqual({ code: 'ROOM_DELETED', message: 'The facilitator deleted this room and everything in it.' });
      expect(s.received()).toContain('roomDeleted');
    }

    expect(await keysOf(w.roomId, w.code)).toEqual([]);

    // Later: the code is unknown, the links open nothing, the room's HTTP routes answer 404
    expect(await apiFailure(w.api.rooms.lookup.mutate({ code: w.code }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await apiFailure(w.api.rooms.join.mutate({ code: w.code, nickname: 'Late', token: 'late-token-0123456789abcdef', deviceId: 'late-device-01' })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    for (const token of [w.facilitatorToken, w.displayToken, ana.token]) {
      const again = await refused(w.connect(token).conn);
      expect(again.error?.code).toBe('UNAUTHORIZED');
    }
    for (const path of roomHttpRoutes(w.roomId)) {
      const res = await download(srv.url, path, w.facilitatorToken);
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect(await keysOf(w.roomId, w.code)).toEqual([]);
  });
});

describe('a participant deletes their data', () => {
  it('they leave the roster, their answers leave the counts on console and projector, and nothing of them stays in Redis', async () => {
    const { srv, w, place, rate, goto } = await session();
    const ana = await w.join('Anastasia');
    const anaLaptop = w.connect(ana.token);
    const ben = await w.join('Ben');
    const display = w.connect(w.displayToken);
    await anaLaptop.conn.until((s) => s.status === 'connected' && s.you !== null, WAIT_MS);

    await goto(1, [ana, ben, display]);
    await place(ana, 'person1', 'Maria', 'across');
    await place(ana, 'person2', 'Sam', 'below', 'contact');
    await place(ben, 'person1', 'Joe', 'across');
    await w.console.conn.until(() => mapView(w.console)?.mapping === 2 && mapView(w.console)?.cells?.across.ally === 2, WAIT_MS);

    await goto(2, [ana, ben, display]);
    await rate(ana, 'offer-help', 5);
    await rate(ben, 'offer-help', 2);
    await display.conn.until(
      () =>
        selfView(display)
          ?.statements.find((s) => s.id === 'offer-help')
          ?.counts?.join() === '0,1,0,0,1',
      WAIT_MS,
    );
    expect((await everythingStored(w.roomId)).includes('Anastasia')).toBe(true);

    // Nobody else can do it for her, and she has to mean it
    expect(await w.console.conn.forgetMe()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await display.conn.forgetMe()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await emitRaw(ana.conn, 'forgetMe', { confirm: false })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });

    const herScreens = [ana, anaLaptop].map((s) => disconnected(s.conn, WAIT_MS));
    expect(await ana.conn.forgetMe()).toEqual({ ok: true });
    await Promise.all(herScreens);
    for (const s of [ana, anaLaptop]) {
      expect((await s.conn.until((st) => st.status === 'failed', WAIT_MS)).error?.code).toBe('DATA_DELETED');
    }

    // The console's roster and every count forget her; Ben is untouched
    await w.console.conn.until((s) => s.roster.length === 1 && s.count.joined === 1, WAIT_MS);
    expect(w.console.conn.state.roster.map((p) => p.nickname)).toEqual(['Ben']);
    await display.conn.until(
      () =>
        selfView(display)
          ?.statements.find((s) => s.id === 'offer-help')
          ?.counts?.join() === '0,1,0,0,0',
      WAIT_MS,
    );
    expect(selfView(display)).toMatchObject({ participants: 1, answeredAny: 1 });

    await goto(1, [ben, display]);
    const map = mapView(w.console)!;
    expect(map).toMatchObject({ participants: 1, mapping: 1 });
    expect(map.cells!.across.ally).toBe(1);
    expect(map.cells!.below.contact).toBeNull();
    // the counters are exactly Ben's share, as if Anastasia had never answered
    const benRecord = JSON.parse((await srv.store.getRecord(w.roomId, 'map', `p:${ben.id}`))!.value) as MentalMapRecord;
    expect(await srv.store.getCounters(w.roomId, 'map')).toEqual(mapContribution(benRecord, MentalMapConfig.parse({ minGroupSize: 1 })));

    // The facilitator's downloads follow: the data lists Ben alone; no download names her or holds her id
    const data = (await (await download(srv.url, `/api/rooms/${w.roomId}/data.json`, w.facilitatorToken)).json()) as {
      participants: Array<{ nickname: string }>;
    };
    expect(data.participants.map((p) => p.nickname)).toEqual(['Ben']);
    for (const path of roomHttpRoutes(w.roomId).filter((p) => /\.(json|md)|csv/.test(p))) {
      const text = await (await download(srv.url, path, w.facilitatorToken)).text();
      expect([path, text.includes('Anastasia') || text.includes(ana.id)]).toEqual([path, false]);
    }

    // Nothing stored for the room mentions her any more
    const stored = await everythingStored(w.roomId);
    expect(stored).not.toContain('Anastasia');
    expect(stored).not.toContain(ana.id);
    expect(stored).toContain('Ben');

    // Her links open nothing now
    expect((await refused(w.connect(ana.token).conn)).error?.code).toBe('UNAUTHORIZED');
  });
});

describe('what a participant wrote together with others', () => {
  it('stays with the group after she deletes her data, without her name', async () => {
    const srv = await server({ REDIS_URL: redis.url });
    const w = await workshop(srv, {
      join: { askDepartment: true, askLevel: false, departments: [], levels: [], maxParticipants: 100 },
      agenda: [{ id: 'meet', type: 'partnership', title: 'Partnership meetings', durationSec: 0, config: { groupSize: 2, rounds: 1 } }],
    });
    const ana = await w.join('Anastasia', { department: 'Harbour Logistics' });
    const ben = await w.join('Ben', { department: 'Finance' });
    const view = (s: Screen) => s.conn.state.activity?.data as PartnershipParticipantView | undefined;
    await w.console.conn.command({ type: 'next' });
    await Promise.all([ana, ben].map((p) => p.conn.until((s) => s.activity?.stepId === 'meet', WAIT_MS)));
    expect(await w.console.conn.act('meet', { type: 'start-round' })).toMatchObject({ ok: true });
    await Promise.all([ana, ben].map((p) => p.conn.until(() => view(p)?.group?.members.length === 2, WAIT_MS)));
    expect(await ana.conn.submit('meet', { op: 'add-note', promptId: 'purpose', id: 'note-1', text: 'Ship the quarterly numbers together' })).toMatchObject({
      ok: true,
    });
    await ben.conn.until(() => Object.values(view(ben)?.notes ?? {}).flat().length === 1, WAIT_MS);
    expect(await everythingStored(w.roomId)).toContain('Anastasia');

    expect(await ana.conn.forgetMe()).toEqual({ ok: true });

    // Ben's group keeps the note; its author and his partner have no name now (screens say "Someone who left")
    await ben.conn.sync();
    const after = view(ben)!;
    expect(Object.values(after.notes).flat()).toEqual([expect.objectContaining({ text: 'Ship the quarterly numbers together', author: null })]);
    expect(after.group!.members.find((m) => m.id === ana.id)).toMatchObject({ nickname: null, department: null });
    const stored = await everythingStored(w.roomId);
    expect(stored).toContain('Ship the quarterly numbers together');
    expect(stored).not.toContain('Anastasia');
    expect(stored).not.toContain('Harbour Logistics');
  });
});

describe('the broadcast stream between nodes', () => {
  it('keeps broadcasts (names, answers) only minutes, not until 10,000 newer ones push them out', async () => {
    const stream = `canopy:test-stream:${Date.now()}`;
    const now = Date.now();
    const old = now - STREAM_KEEP_MS - 60_000;
    await redis.admin.sendCommand(['XADD', stream, `${old}-0`, 'packet', 'roster: Anastasia joined']);
    await redis.admin.sendCommand(['XADD', stream, `${old + 1}-0`, 'packet', 'activity: an old answer']);
    await redis.admin.sendCommand(['XADD', stream, `${now - 1_000}-0`, 'packet', 'roster: Ben joined']);
    expect(await trimStream(redis.admin, stream, STREAM_KEEP_MS, now)).toBe(2);
    const left = (await redis.admin.sendCommand(['XRANGE', stream, '-', '+'])) as Array<[string, string[]]>;
    expect(left.map(([, fields]) => fields[1])).toEqual(['roster: Ben joined']);
    await redis.admin.del(stream);
  });

  it('a server on Redis trims the real stream as it starts', async () => {
    await redis.admin.del(SIO_STREAM); // this Redis is ours and no server is running: start the stream from an old entry
    await redis.admin.sendCommand(['XADD', SIO_STREAM, `${Date.now() - STREAM_KEEP_MS - 60_000}-0`, 'packet', 'from a room long gone']);
    const w = await workshop(await server({ REDIS_URL: redis.url }));
    await w.join('Ben');
    await expect
      .poll(async () => JSON.stringify(await redis.admin.sendCommand(['XRANGE', SIO_STREAM, '-', '+'])), { timeout: WAIT_MS })
      .not.toContain('from a room long gone');
    // the room's own broadcasts flow through the same stream meanwhile
    expect(Number(await redis.admin.sendCommand(['XLEN', SIO_STREAM]))).toBeGreaterThan(0);
  });
});
