/**
 * Matrix rows 1 and 2 — a server node dies or restarts in the middle of a workshop. Two Canopy
 * processes share one redis-server (AOF); people reach them through a load balancer (the test's
 * TCP proxy, round robin over the nodes that accept a connection); the facilitator's laptop is on
 * node B.
 */
import { randomId } from '@canopy/client';
import type { RoomStore } from '@canopy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  audit,
  CanopyNode,
  command,
  disposeAll,
  openStore,
  play,
  redisWithAof,
  ROOMY,
  startPlay,
  TcpProxy,
  until,
  WAIT_MS,
  Workshop,
  type Person,
  type RedisServer,
} from './support.js';

let redis: RedisServer;
let a: CanopyNode;
let b: CanopyNode;
let store: RoomStore;
const workshops: Workshop[] = [];

beforeAll(async () => {
  redis = await redisWithAof();
  [a, b] = await Promise.all([CanopyNode.start('A', { REDIS_URL: redis.url, ...ROOMY }), CanopyNode.start('B', { REDIS_URL: redis.url, ...ROOMY })]);
  store = await openStore(redis.url);
});

afterAll(async () => {
  for (const w of workshops) w.closeAll();
  await store?.close();
  await disposeAll();
  await redis?.stop();
});

describe('a node is killed (SIGKILL) with 50 people answering', () => {
  it('every answer a phone saw acknowledged is stored exactly once, and everyone is back on their own within 10 s', async () => {
    const lb = await TcpProxy.start([a.port, b.port]);
    const mapPlay = play('mental-map');
    const w = await Workshop.open(lb.url, { agenda: [mapPlay.step] });
    workshops.push(w);
    const console_ = await w.console(b.url);
    const people = await w.join(lb.url, 50, { ackTimeoutMs: 3000 });
    // the balancer spread them over both nodes
    expect(lb.accepted.get(a.port)).toBeGreaterThan(5);
    expect(lb.accepted.get(b.port)).toBeGreaterThan(5);
    await startPlay(mapPlay, console_, people);

    const welcomes = new Map<string, number>();
    const dropped = new Set<string>();
    for (const p of people) {
      p.conn.socket.on('welcome', () => welcomes.set(p.id, (welcomes.get(p.id) ?? 0) + 1));
      p.conn.socket.on('disconnect', () => dropped.add(p.id));
    }

    // Everyone places ten people on their map, one after another, as fast as the server answers.
    const ANSWERS = 10;
    const acked = new Map<string, Set<string>>(people.map((p) => [p.id, new Set<string>()]));
    const refused: string[] = [];
    let ackCount = 0;
    const answering = Promise.all(
      people.map(async (p: Person) => {
        for (let i = 0; i < ANSWERS; i++) {
          const sid = randomId();
          const res = await p.conn.submit(mapPlay.step.id, mapPlay.input(i, p), sid);
          if (res.ok) {
            acked.get(p.id)!.add(sid);
            ackCount++;
          } else refused.push(`${res.error.code}: ${res.error.message}`);
        }
      }),
    );

    // Mid-activity, node A crashes.
    await until('a fifth of the answers to be acknowledged', () => ackCount >= 100);
    expect((await a.stop('SIGKILL')).signal).toBe('SIGKILL');
    const killedAt = Date.now();
    expect(ackCount).toBeLessThan(50 * ANSWERS);

    // Everyone who was on A notices, and is connected and welcomed again (on B) within 10 s, by themselves.
    await until('the people on node A to notice', () => dropped.size > 0, 5000);
    await until(
      'every phone to be connected and resynced',
      () => people.every((p) => p.conn.state.status === 'connected' && p.conn.socket.connected && (!dropped.has(p.id) || (welcomes.get(p.id) ?? 0) >= 1)),
      Math.max(0, 10_000 - (Date.now() - killedAt)),
    );
    expect(dropped.size).toBeGreaterThan(5);

    await answering;
    expect(refused).toEqual([]);

    // The store holds every acknowledged answer, none twice.
    const found = await audit(store, w.roomId, mapPlay.step.id, acked);
    expect(found.missing).toEqual([]);
    expect(found.submissions).toBe(50 * ANSWERS);
    expect(found.revs).toBe(50 * ANSWERS);
    // …and every phone shows its ten people.
    await Promise.all(people.map((p) => p.conn.until((s) => s.activity?.rev === ANSWERS, WAIT_MS)));
    w.closeAll();
    await lb.dispose();
  });
});

describe('a node restarts gracefully (SIGTERM)', () => {
  it('people resume where they were, and the broadcasts they missed arrive, in order', async () => {
    if (!a.alive) await a.start();
    const lb = await TcpProxy.start([a.port]);
    const w = await Workshop.open(b.url, {
      agenda: [1, 2, 3, 4, 5, 6].map((i) => ({ id: `s${i}`, type: 'slide', title: `Slide ${i}`, durationSec: 60, config: {} })),
    });
    workshops.push(w);
    const console_ = await w.console(b.url);
    const people = await w.join(lb.url, 10);
    await command(console_, { type: 'next' });
    await Promise.all(people.map((p) => p.conn.until((s) => s.stage?.step?.id === 's1', WAIT_MS)));

    const seen = new Map<string, number[]>(people.map((p) => [p.id, []]));
    for (const p of people) p.conn.socket.on('stage', (s) => seen.get(p.id)!.push(s.v));

    // Node A is restarted (a deploy): it closes its connections and exits cleanly.
    expect(await a.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    await until('every phone to notice the restart', () => people.every((p) => !p.conn.socket.connected));

    // While it is away the facilitator moves on: four changes nobody on A has seen.
    const versions: number[] = [];
    versions.push(await command(console_, { type: 'next' }));
    versions.push(await command(console_, { type: 'timer.start' }));
    versions.push(await command(console_, { type: 'timer.pause' }));
    versions.push(await command(console_, { type: 'next' }));

    await a.start();
    await until('every phone to be back on the restarted node', () => people.every((p) => p.conn.socket.connected && p.conn.state.status === 'connected'));
    await Promise.all(people.map((p) => p.conn.until((s) => s.stage?.v === versions.at(-1), WAIT_MS)));

    for (const p of people) {
      // the connection state was recovered (no full resync needed)…
      expect(p.conn.socket.recovered).toBe(true);
      // …and the missed stage broadcasts arrived, all of them, in order
      expect(seen.get(p.id)).toEqual(versions);
      expect(p.conn.state.stage?.step?.id).toBe('s3');
    }
    w.closeAll();
    await lb.dispose();
  });
});
