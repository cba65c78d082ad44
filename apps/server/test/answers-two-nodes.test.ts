/**
 * Two nodes on one store: an answer is decided on the room and the record as stored when it
 * arrives, not as the node last saw them. Two room services on one real Redis stand for two nodes:
 * one of them keeps answering while the other moves the room or writes the same person's record,
 * and nothing is decided on what was no longer true. A node that has seen the room reads the
 * person's record together with the room's version, before it knows the room is unchanged; a node
 * that stored the person's last answer decides the next one on the room and the record as it saw
 * them, without reading either: these stories also hold both to account when the room or the
 * record moved meanwhile. A
 * facilitator's command is decided on the room as its node last saw it, without reading it first:
 * the last stories hold that to the room as stored when another node moved it on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { randomId } from '@canopy/client';
import type { NewRoom } from '@canopy/core';
import { createStore } from '@canopy/store';
import { createLimiters } from '../src/ratelimit.js';
import { RoomService } from '../src/service.js';
import type { Identity } from '../src/service/context.js';
import { testConfig, useRedis } from './support.js';

const redis = useRedis();

const agenda: NewRoom['agenda'] = [
  { id: 'hello', type: 'slide', title: 'Welcome', durationSec: 0, config: {} },
  {
    id: 'self',
    type: 'self-assessment',
    title: 'How do you build allies?',
    durationSec: 0,
    config: {
      minGroupSize: 1,
      statements: [
        { id: 'help', text: 'I offer help before I am asked.' },
        { id: 'thanks', text: 'I thank people for small favours.' },
      ],
    },
  },
  { id: 'bye', type: 'slide', title: 'Thanks', durationSec: 0, config: {} },
];

const stores: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

async function node() {
  const store = await createStore({ redisUrl: redis.url });
  stores.push(store);
  return new RoomService(store, createLimiters(testConfig()), { retentionSeconds: 3600 });
}

const rate = (statementId: string, value: number) => ({ op: 'rate', statementId, value });

async function twoNodes() {
  const [first, second] = [await node(), await node()];
  const created = await first.createRoom({ title: 'Allies', agenda }, '127.0.0.1');
  const facilitator: Identity = { role: 'facilitator', roomId: created.roomId };
  const joined = await first.join({ code: created.code, nickname: 'Ana', token: randomId(), deviceId: randomId() }, '127.0.0.1');
  const ana: Identity = { role: 'participant', roomId: created.roomId, participant: joined.participant };
  const answer = (on: RoomService, stepId: string, input: unknown, submissionId = randomId()) => on.submit(ana, stepId, submissionId, input);
  return { first, second, facilitator, ana, answer };
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: { code?: string }) => e.code,
  );

/** Script calls Redis has run so far (each of the store's reads and writes for an answer is one; a call for a script Redis did not hold yet, sent again with its source, counts once). */
async function scriptCalls(): Promise<number> {
  const stats = await redis.admin.info('commandstats');
  const line = /cmdstat_(?:evalsha|eval):calls=(\d+),.*rejected_calls=(\d+),failed_calls=(\d+)/g;
  return [...stats.matchAll(line)].reduce((n, m) => n + Number(m[1]) - Number(m[2]) - Number(m[3]), 0);
}

describe('answers on two nodes', () => {
  it("a person's next answer on the node that stored their last one is one call to the store: it is decided on what that node wrote", async () => {
    const { first, facilitator, answer } = await twoNodes();
    await first.command(facilitator, { type: 'goto', index: 1 });
    let before = await scriptCalls();
    expect(await answer(first, 'self', rate('help', 4))).toMatchObject({ rev: 1 });
    expect((await scriptCalls()) - before).toBe(2); // the room's version and Ana's record read together, then the write
    before = await scriptCalls();
    expect(await answer(first, 'self', rate('thanks', 3))).toMatchObject({ duplicate: false, rev: 2, view: { ratings: { help: 4, thanks: 3 } } });
    expect((await scriptCalls()) - before).toBe(1); // the write alone
  });

  it('a node that saw the room on an earlier step takes answers to the step the facilitator opened on another node', async () => {
    const { first, second, facilitator, answer } = await twoNodes();
    await second.command(facilitator, { type: 'next' });
    // the first node reads the room once: on the slide, which takes no answers
    expect(await refusal(answer(first, 'hello', rate('help', 3)))).toBe('BAD_REQUEST');
    await second.command(facilitator, { type: 'next' });
    // the answer to the self-assessment is decided on the room as stored, not as this node last read it
    expect(await answer(first, 'self', rate('help', 4))).toMatchObject({ duplicate: false, view: { ratings: { help: 4 } } });
  });

  it('a step the facilitator ended on another node is over here too, though this node saw it running', async () => {
    const { first, second, facilitator, answer } = await twoNodes();
    await second.command(facilitator, { type: 'goto', index: 1 });
    expect(await answer(first, 'self', rate('help', 4))).toMatchObject({ duplicate: false });
    await second.command(facilitator, { type: 'next' });
    expect(await refusal(answer(first, 'self', rate('thanks', 2)))).toBe('CONFLICT');
    // back to it: the step runs again and takes the answer
    await second.command(facilitator, { type: 'goto', index: 1 });
    expect(await answer(first, 'self', rate('thanks', 2))).toMatchObject({ duplicate: false, view: { ratings: { thanks: 2 } } });
  });

  it('one person answering on two screens on two nodes loses nothing', async () => {
    const { first, second, facilitator, answer } = await twoNodes();
    await first.command(facilitator, { type: 'goto', index: 1 });
    await answer(first, 'self', rate('help', 4)); // rev 1, written on the first node
    await answer(second, 'self', rate('thanks', 2)); // rev 2, written on the other node
    // decided on rev 1 it would drop "thanks": it is decided on rev 2, as stored
    const third = await answer(first, 'self', rate('help', 5));
    expect(third).toMatchObject({ duplicate: false, rev: 3, view: { ratings: { help: 5, thanks: 2 } } });
  });

  it('a resend of an answer already stored is answered as a duplicate, on either node, and counted once', async () => {
    const { first, second, facilitator, answer } = await twoNodes();
    await first.command(facilitator, { type: 'goto', index: 1 });
    const id = randomId();
    expect(await answer(first, 'self', rate('help', 4), id)).toMatchObject({ duplicate: false, rev: 1 });
    expect(await answer(first, 'self', rate('help', 4), id)).toMatchObject({ duplicate: true, rev: 1 });
    expect(await answer(second, 'self', rate('help', 4), id)).toMatchObject({ duplicate: true, rev: 1 });
    const store = await createStore({ redisUrl: redis.url });
    stores.push(store);
    expect(await store.getCounters(facilitator.roomId, 'self')).toEqual({ 'people:any': 1, 's:help:4': 1 });
  });

  it("one person's answers arriving on both nodes at once all land, one after another, each counted once", async () => {
    const { first, second, facilitator, ana, answer } = await twoNodes();
    await first.command(facilitator, { type: 'goto', index: 1 });
    // both nodes have seen the step running: from here on each reads Ana's record as it reads the
    // room's version, and the other node's writes overtake those reads
    await answer(first, 'self', rate('help', 1));
    await answer(second, 'self', rate('thanks', 1));
    // six on each node (a node's own answers to one record queue; the two nodes race): a node can lose
    // its race at most six times, under the eight attempts an answer has before it gives up
    const done = await Promise.all(
      Array.from({ length: 12 }, (_, i) => answer(i % 2 ? first : second, 'self', rate(i % 4 < 2 ? 'help' : 'thanks', (i % 5) + 1))),
    );
    expect(done.every((d) => !d.duplicate)).toBe(true);
    // each written exactly once, after the two before: revisions 3 to 14, none twice
    expect(done.map((d) => d.rev).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 3));
    const store = await createStore({ redisUrl: redis.url });
    stores.push(store);
    const last = done.find((d) => d.rev === 14)!.view as { ratings: Record<string, number> };
    const stored = await store.getRecord(facilitator.roomId, 'self', `p:${ana.participant!.id}`);
    expect(JSON.parse(stored!.value)).toEqual({ ratings: last.ratings });
    // the counters moved with every change: Ana counts once for each statement, at her last rating
    const counters = await store.getCounters(facilitator.roomId, 'self');
    expect(counters).toEqual({
      'people:any': 1,
      'people:all': 1,
      [`s:help:${last.ratings.help}`]: 1,
      [`s:thanks:${last.ratings.thanks}`]: 1,
    });
  });
});

describe('commands on two nodes', () => {
  it('a node decides a step change on the room as it last saw it, and on the stored room once another node moved it on', async () => {
    const { first, second, facilitator } = await twoNodes();
    expect((await first.command(facilitator, { type: 'next' })).current).toBe(0); // the welcome
    // a co-host's console on the other node opens the self-assessment
    expect((await second.command(facilitator, { type: 'next' })).current).toBe(1);
    // the first node last saw the welcome: its "next" loses the race on that sight and is decided
    // again on the room as stored, so it opens the goodbye, not the self-assessment a second time
    expect((await first.command(facilitator, { type: 'next' })).current).toBe(2);
    // and the other node, which last saw the self-assessment, goes back from the goodbye
    expect((await second.command(facilitator, { type: 'prev' })).current).toBe(1);
  });

  it('a console that saw a newer room than its node did is taken at its word, and one that saw an older room is refused', async () => {
    const { first, second, facilitator } = await twoNodes();
    const atWelcome = await first.command(facilitator, { type: 'next' });
    const atSelf = await second.command(facilitator, { type: 'next' });
    // the console on the first node was told of the other node's change (its version is the stored one)
    expect((await first.command(facilitator, { type: 'next' }, atSelf.version)).current).toBe(2);
    // a console still showing the welcome's version is told the room changed, and nothing moves
    expect(await refusal(first.command(facilitator, { type: 'prev' }, atWelcome.version))).toBe('CONFLICT');
    expect((await second.command(facilitator, { type: 'timer.start', durationSec: 60 })).current).toBe(2);
  });
});
