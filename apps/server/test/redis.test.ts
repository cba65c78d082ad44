/**
 * With REDIS_URL the room lives in Redis: a server can be restarted (a deploy, a crash) in the
 * middle of a workshop and everyone carries on where they were. Each driver runs the same story
 * against a redis-server of its own (never the machine's Redis).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '@canopy/store/testing';
import { useWorkshops, WAIT_MS, welcomed } from './support.js';

const { server, workshop, connect } = useWorkshops();

async function health(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/healthz`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('the embedded store', () => {
  it('says so in the health check when there is no REDIS_URL', async () => {
    const srv = await server();
    expect(await health(srv.url)).toMatchObject({ status: 'ok', store: 'memory', driver: 'memory' });
  });
});

describe.each(['node-redis', 'glide'] as const)('on Redis through %s', (driver) => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('the health check says the store is Redis, through this driver', async () => {
    const srv = await server({ REDIS_URL: redis.url, STORE_DRIVER: driver });
    expect(await health(srv.url)).toMatchObject({ status: 'ok', store: 'redis', driver });
  });

  it('a workshop survives a server restart: people reconnect by themselves to the current step', async () => {
    const first = await server({ REDIS_URL: redis.url, STORE_DRIVER: driver });
    const w = await workshop(first);
    const ana = await w.join('Ana');
    const ben = await w.join('Ben');
    await w.console.conn.command({ type: 'next' });
    await w.console.conn.command({ type: 'next' });
    const started = await w.console.conn.command({ type: 'timer.start' });
    expect(started.ok).toBe(true);
    const [before] = await Promise.all([
      ana.conn.until((s) => s.stage?.timer.status === 'running', WAIT_MS),
      ben.conn.until((s) => s.stage?.index === 1, WAIT_MS),
    ]);

    // The server goes away and a new process comes up on the same address and the same Redis.
    await first.close();
    await ana.conn.until((s) => s.status === 'reconnecting', WAIT_MS);
    const second = await server({ REDIS_URL: redis.url, STORE_DRIVER: driver, PORT: first.port });
    expect(second.url).toBe(first.url);

    // The phones and the console were not told to give up: they reconnect by themselves.
    for (const screen of [ana, ben, w.console]) await screen.conn.until((s) => s.status === 'connected', WAIT_MS);

    // A reload of Ana's page: same person, same step, same countdown.
    const anaReloaded = connect(second.url, w.roomId, ana.token);
    const hello = await welcomed(anaReloaded.conn);
    expect(hello.you).toMatchObject({ id: ana.id, nickname: 'Ana' });
    expect(hello.stage).toMatchObject({ index: 1, step: { id: 's2' }, v: before.stage!.v });
    expect(hello.stage?.timer).toEqual(before.stage?.timer);

    // The facilitator's link still opens the console, with everyone on the roster.
    const console2 = connect(second.url, w.roomId, w.facilitatorToken);
    const consoleHello = await welcomed(console2.conn);
    expect(consoleHello.role).toBe('facilitator');
    expect(consoleHello.roster?.map((p) => p.nickname).sort()).toEqual(['Ana', 'Ben']);
    expect(consoleHello.count).toEqual({ joined: 2 });

    // And the session goes on: a step from the new server reaches the phones that reconnected.
    const moved = await console2.conn.command({ type: 'next' });
    expect(moved).toMatchObject({ ok: true, version: before.stage!.v + 1 });
    await Promise.all([ana, ben, anaReloaded].map((p) => p.conn.until((s) => s.stage?.index === 2, WAIT_MS)));

    // New people can still join with the same code.
    const chloe = await w.join('Chloé');
    expect(chloe.welcome()?.stage.index).toBe(2);
  });

  it('retried joins, removal and the participant cap behave as they do in memory', async () => {
    const w = await workshop(await server({ REDIS_URL: redis.url, STORE_DRIVER: driver }), {
      join: { askDepartment: false, askLevel: false, departments: [], levels: [], maxParticipants: 2 },
    });
    const ana = await w.join('Ana');
    const retry = await w.api.rooms.join.mutate({ code: w.code, nickname: 'Ana', token: ana.token, deviceId: ana.deviceId });
    expect(retry).toMatchObject({ rejoined: true, participant: { id: ana.id } });
    const ben = await w.join('Ben');
    const chloe = { code: w.code, nickname: 'Chloé', token: 'chloe-token-0123456789abcdef', deviceId: 'chloe-device' };
    await expect(w.api.rooms.join.mutate(chloe)).rejects.toThrow('This room is full.');

    expect(await w.console.conn.remove(ben.id)).toEqual({ ok: true });
    await ben.conn.until((s) => s.status === 'failed' && s.error?.code === 'REMOVED', WAIT_MS);
    await expect(w.api.rooms.join.mutate({ code: w.code, nickname: 'Ben', token: 'ben-new-token-0123456789abc', deviceId: ben.deviceId })).rejects.toThrow(
      'The facilitator removed you from this room.',
    );
    const benAgain = w.connect(ben.token);
    await benAgain.conn.until((s) => s.status === 'failed', WAIT_MS);
    expect(benAgain.conn.state.error?.code).toBe('UNAUTHORIZED');

    expect((await w.api.rooms.join.mutate(chloe)).rejoined).toBe(false);
    await w.console.conn.sync();
    expect(w.console.conn.state.count).toEqual({ joined: 2 });
    expect(w.console.conn.state.roster.map((p) => [p.nickname, p.removed])).toEqual(
      expect.arrayContaining([
        ['Ana', false],
        ['Ben', true],
        ['Chloé', false],
      ]),
    );
  });
});
