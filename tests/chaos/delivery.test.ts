/**
 * Matrix row 5 — lost acknowledgements, in every activity that takes answers: the phones' network
 * (the test's TCP proxy) gets so slow that every answer's acknowledgement arrives after the phone
 * stopped waiting for it. The phone sends the same submission again and again; once the network
 * recovers, the server must say "already stored", and the store must hold each submission once.
 */
import { randomId } from '@canopy/client';
import type { RoomStore } from '@canopy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  audit,
  CanopyNode,
  command,
  disposeAll,
  emitRaw,
  openStore,
  play,
  PLAYS,
  redisWithAof,
  ROOMY,
  startPlay,
  TcpProxy,
  until,
  Workshop,
  type RedisServer,
} from './support.js';

let redis: RedisServer;
let node: CanopyNode;
let store: RoomStore;
const workshops: Workshop[] = [];

beforeAll(async () => {
  redis = await redisWithAof();
  node = await CanopyNode.start('solo', { REDIS_URL: redis.url, ...ROOMY });
  store = await openStore(redis.url);
});
afterAll(async () => {
  for (const w of workshops) w.closeAll();
  await store?.close();
  await disposeAll();
  await redis?.stop();
});

describe('acknowledgements lost on the way back', () => {
  it.each(PLAYS.map((p) => [p.type, p] as const))('%s: every retried submission is stored exactly once', async (_type, p) => {
    const network = await TcpProxy.start([node.port]);
    const w = await Workshop.open(node.url, { agenda: [p.step] });
    workshops.push(w);
    const console_ = await w.console(node.url);
    // each phone gives up waiting for an answer after 400 ms
    const people = await w.join(network.url, 4, { apiUrl: node.url, ackTimeoutMs: 400 });
    await startPlay(p, console_, people);

    const acked = new Map<string, Set<string>>(people.map((x) => [x.id, new Set<string>()]));
    const send = async (i: number) =>
      Promise.all(
        people.map(async (x) => {
          const sid = randomId();
          const res = await x.conn.submit(p.step.id, p.input(i, x), sid);
          if (!res.ok) throw new Error(`${x.nickname}'s answer ${i} was refused: ${res.error.message}`);
          acked.get(x.id)!.add(sid);
          return res;
        }),
      );
    await send(0);
    await send(1);

    // Now every acknowledgement takes longer than the phones wait.
    network.slow(700);
    const third = send(2);
    await until('every phone to be retrying after a timeout', () => people.every((x) => x.conn.state.retrying?.code === 'TIMEOUT'));
    network.heal();
    // each answer reached the server at least twice; which copy was applied first is the server's business
    await third;

    const found = await audit(store, w.roomId, p.step.id, acked);
    expect(found.missing).toEqual([]);
    expect(found.submissions).toBe(people.length * 3);
    expect(found.revs).toBe(found.submissions);
    w.closeAll();
    await network.dispose();
  });
});

describe('a resend arriving after the room moved on', () => {
  it('is answered "already stored" even when the answer would be refused now', async () => {
    const p = play('adversaries');
    const w = await Workshop.open(node.url, { agenda: [p.step] });
    workshops.push(w);
    const console_ = await w.console(node.url);
    const [ana] = await w.join(node.url, 1);
    await startPlay(p, console_, [ana!]);
    const submission = { stepId: p.step.id, submissionId: randomId(), input: { op: 'stance', statementId: 'credit', value: 2 } };
    expect(await emitRaw(ana!.conn, 'submit', submission)).toMatchObject({ ok: true, duplicate: false });

    // The facilitator closes the stances (a stance now is refused), then stances are not even taken.
    await command(console_, { type: 'phase', phase: 'steelman' });
    expect(await emitRaw(ana!.conn, 'submit', { ...submission, submissionId: randomId() })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await emitRaw(ana!.conn, 'submit', submission)).toMatchObject({ ok: true, duplicate: true });
    await command(console_, { type: 'phase', phase: 'pairing' });
    expect(await emitRaw(ana!.conn, 'submit', submission)).toMatchObject({ ok: true, duplicate: true });
    expect(await emitRaw(ana!.conn, 'submit', { ...submission, submissionId: randomId() })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const found = await audit(store, w.roomId, p.step.id, new Map([[ana!.id, new Set([submission.submissionId])]]));
    expect(found).toEqual({ missing: [], submissions: 1, revs: 1 });
  });
});
