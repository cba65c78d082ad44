/**
 * Matrix rows 3, 4 and 13 — the storage goes away, gets a bad link, or fills up, in the middle of
 * a workshop. The server must never acknowledge what it did not store, must stay up, and must
 * pick up again by itself; people's phones keep trying and say so.
 */
import { randomId } from '@canopy/client';
import type { RoomStore } from '@canopy/store';
import { createClient } from 'redis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  Answers,
  audit,
  CanopyNode,
  disposeAll,
  emitRaw,
  openStore,
  play,
  redisWithAof,
  ROOMY,
  startPlay,
  TcpProxy,
  until,
  WAIT_MS,
  Workshop,
  type ActivityPlay,
  type RedisServer,
} from './support.js';

const redises: RedisServer[] = [];
const stores: RoomStore[] = [];
const workshops: Workshop[] = [];

afterEach(async () => {
  for (const w of workshops.splice(0)) w.closeAll();
  await Promise.all(stores.splice(0).map((s) => s.close().catch(() => {})));
  await disposeAll();
  await Promise.all(redises.splice(0).map((r) => r.stop()));
});
afterAll(disposeAll);

/** A room on `node` with `n` people on the step of `p`, ready for answers. */
async function roomOn(node: CanopyNode, p: ActivityPlay, n: number) {
  const w = await Workshop.open(node.url, { agenda: [p.step] });
  workshops.push(w);
  const console_ = await w.console(node.url);
  const people = await w.join(node.url, n, { ackTimeoutMs: 3000 });
  await startPlay(p, console_, people);
  return { w, console_, people };
}

const health = async (node: CanopyNode) => (await fetch(`${node.url}/healthz`)).status;

describe('Redis is killed and restarted mid-activity', () => {
  it('nothing is acknowledged while it is down, phones say "not saved, retrying", the server stays up, and all work continues after', async () => {
    const redis = await redisWithAof();
    redises.push(redis);
    const node = await CanopyNode.start('solo', { REDIS_URL: redis.url, ...ROOMY });
    const p = play('commitments');
    const { w, people } = await roomOn(node, p, 10);
    const answers = new Answers(p);
    await answers.all(people, 3);
    expect(answers.count).toBe(30);

    await redis.kill(); // SIGKILL: a crash, not a clean shutdown
    await until('the health check to say the store is away', async () => (await health(node)) === 503);

    // Every phone answers again: none of these may be acknowledged while Redis is down.
    let ackedWhileDown = 0;
    let down = true;
    const during = Promise.all(people.map((x) => answers.send(x).then(() => (ackedWhileDown += down ? 1 : 0))));
    await until('every phone to show "not saved, retrying"', () =>
      people.every((x) => x.conn.state.pending > 0 && x.conn.state.retrying?.code === 'STORE_UNAVAILABLE'),
    );
    expect(people[0]!.conn.state.retrying?.message).toMatch(/not saved/i);
    // what the server answers, said directly
    const raw = await emitRaw(people[0]!.conn, 'submit', { stepId: p.step.id, submissionId: randomId(), input: p.input(99, people[0]!) });
    expect(raw).toMatchObject({ ok: false, error: { code: 'STORE_UNAVAILABLE' } });
    expect(node.alive).toBe(true);
    expect(ackedWhileDown).toBe(0);

    down = false;
    await redis.restart(); // same port and data directory: the AOF is replayed
    await during;
    await until('the health check to be green again', async () => (await health(node)) === 200);
    await answers.all(people, 2);
    expect(answers.refused).toEqual([]);
    expect(people.every((x) => x.conn.state.retrying === null && x.conn.state.pending === 0)).toBe(true);

    // Everything acknowledged — before the crash and after — is in Redis, once.
    const store = await openStore(redis.url);
    stores.push(store);
    const found = await audit(store, w.roomId, p.step.id, answers.acked);
    expect(found.missing).toEqual([]);
    expect(found.revs).toBe(found.submissions);
    expect(found.submissions).toBe(60);
    expect(node.alive).toBe(true);
  });
});

describe('the link to Redis is cut, then slowed', () => {
  it('no false acknowledgements, retries succeed once the link heals, nothing is stored twice', async () => {
    const redis = await redisWithAof();
    redises.push(redis);
    const link = await TcpProxy.start([redis.port]);
    const node = await CanopyNode.start('behind-a-bad-link', { REDIS_URL: link.redisUrl, ...ROOMY });
    const p = play('open-prompt');
    const { w, people } = await roomOn(node, p, 8);
    const answers = new Answers(p);
    await answers.all(people, 2);

    // The link is cut: open connections drop, new ones are refused.
    link.cut();
    let cut = true;
    let ackedWhileCut = 0;
    const during = Promise.all(people.map((x) => answers.send(x).then(() => (ackedWhileCut += cut ? 1 : 0))));
    await until('every phone to be retrying', () => people.every((x) => x.conn.state.retrying !== null));
    expect(ackedWhileCut).toBe(0);
    cut = false;
    link.heal();
    await during;

    // The link is slow: every round trip takes longer than the store waits (2 s), so requests
    // time out while Redis may still carry them out; the phones retry until the link heals.
    link.slow(1200);
    const slowRound = answers.all(people, 2);
    await until('some phones to be retrying on the slow link', () => people.some((x) => x.conn.state.retrying !== null));
    link.heal();
    await slowRound;
    await answers.all(people, 1);
    expect(answers.refused).toEqual([]);

    const store = await openStore(redis.url);
    stores.push(store);
    const found = await audit(store, w.roomId, p.step.id, answers.acked);
    expect(found.missing).toEqual([]);
    expect(found.submissions).toBe(8 * 6);
    expect(found.revs).toBe(found.submissions);
    expect(node.alive).toBe(true);
  });
});

describe('Redis is full (maxmemory, noeviction)', () => {
  it('writes fail visibly, nothing is evicted, nothing is acknowledged falsely, and work resumes when there is room', async () => {
    const redis = await redisWithAof({ maxmemory: '256mb' });
    redises.push(redis);
    const admin = createClient({ url: redis.url });
    await admin.connect();
    try {
      const node = await CanopyNode.start('full', { REDIS_URL: redis.url, ...ROOMY });
      const p = play('partnership');
      const { w, people } = await roomOn(node, p, 6);
      const answers = new Answers(p);
      await answers.all(people, 3);
      const before = await admin.dbSize();

      // Redis reaches its limit (here: the limit is lowered below what it holds).
      await admin.configSet('maxmemory', '1mb');
      let full = true;
      let ackedWhileFull = 0;
      const during = Promise.all(people.map((x) => answers.send(x).then(() => (ackedWhileFull += full ? 1 : 0))));
      await until('every phone to show "not saved, retrying"', () => people.every((x) => x.conn.state.retrying?.code === 'STORE_UNAVAILABLE'));
      const raw = await emitRaw(people[0]!.conn, 'submit', { stepId: p.step.id, submissionId: randomId(), input: p.input(500, people[0]!) });
      expect(raw).toMatchObject({ ok: false, error: { code: 'STORE_UNAVAILABLE' } });
      expect(ackedWhileFull).toBe(0);
      expect(node.alive).toBe(true);
      // noeviction: everything is still there
      expect(await admin.dbSize()).toBe(before);
      expect(await admin.info('stats')).toMatch(/\r\nevicted_keys:0\r\n/);

      full = false;
      await admin.configSet('maxmemory', '256mb');
      await during;
      expect(answers.refused).toEqual([]);

      const store = await openStore(redis.url);
      stores.push(store);
      const found = await audit(store, w.roomId, p.step.id, answers.acked);
      expect(found.missing).toEqual([]);
      expect(found.submissions).toBe(6 * 4);
      expect(found.revs).toBe(found.submissions);
      await Promise.all(people.map((x) => x.conn.until((s) => s.pending === 0, WAIT_MS)));
    } finally {
      await admin.quit().catch(() => {});
    }
  });
});
