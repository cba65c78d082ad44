/**
 * "I'm done" and raised hands, told as the facilitator lives them: phones say they are done with
 * the step and raise their hands; the console sees who and in which order, the projector only
 * counts; a new step starts everyone at "not done"; hands stay up until lowered; a screen that
 * reconnects (or a second node) sees the same. Real server, real Redis, real Socket.IO clients.
 */
import { describe, expect, it } from 'vitest';
import { SIGNALS_STEP, type SignalsView } from '@canopy/core';
import { emitRaw, useWorkshops, welcomed, type Screen, useRedis } from './support.js';

const { server, workshop } = useWorkshops();

const redis = useRedis();

const signalsOf = (s: Screen) => s.conn.state.signals;
const until = async (s: Screen, pred: (v: SignalsView) => boolean): Promise<SignalsView> =>
  (await s.conn.until((snap) => snap.signals !== null && pred(snap.signals))).signals!;

describe('signals from the phones', () => {
  it('four phones say they are done and one raises a hand: the console sees who, in order; the projector only counts; lower all', async () => {
    const w = await workshop(await server({ REDIS_URL: redis.url }));
    const display = w.connect(w.displayToken);
    await welcomed(display.conn);
    const phones = await Promise.all(['Ada', 'Bo', 'Cy', 'Di', 'Ed'].map((n) => w.join(n)));
    expect((await w.console.conn.command({ type: 'next' })).ok).toBe(true);
    await until(w.console, (v) => v.stepId === 's1');

    for (const p of phones.slice(0, 4)) {
      const ack = await p.conn.signal({ type: 'done', done: true });
      expect(ack.ok && ack.signals.mine).toEqual({ done: true, hand: null });
    }
    const raised = await phones[4]!.conn.signal({ type: 'hand', raised: true });
    expect(raised.ok && raised.signals.mine?.hand).toBeTypeOf('number');

    const seen = await until(w.console, (v) => v.done === 4 && v.hands === 1);
    expect(seen.doneBy!.map((d) => d.participantId)).toEqual(phones.slice(0, 4).map((p) => p.id));
    expect(seen.raised!.map((r) => r.participantId)).toEqual([phones[4]!.id]);
    expect(seen.total).toBe(5);
    const projected = await until(display, (v) => v.done === 4 && v.hands === 1);
    expect(projected).toEqual({ stepId: 's1', total: 5, done: 4, hands: 1 }); // no names on the projector

    // a second hand goes up after the first: the order of raising is kept
    await phones[1]!.conn.signal({ type: 'hand', raised: true });
    const two = await until(w.console, (v) => v.hands === 2);
    expect(two.raised!.map((r) => r.participantId)).toEqual([phones[4]!.id, phones[1]!.id]);

    const lowered = await w.console.conn.lowerHands();
    expect(lowered).toEqual({ ok: true, lowered: 2 });
    await until(w.console, (v) => v.hands === 0 && v.done === 4);
    await until(display, (v) => v.hands === 0);
    // the person sees their own hand go down
    await until(phones[4]!, (v) => v.mine?.hand === null);
  });

  it('"done" counts for the step it was said in: the next step starts at zero (and so does the same step started again); hands stay up', async () => {
    const w = await workshop(await server({ REDIS_URL: redis.url }));
    const [ada, bo] = await Promise.all([w.join('Ada'), w.join('Bo')]);
    await w.console.conn.command({ type: 'next' });
    await until(ada, (v) => v.stepId === 's1');
    await ada.conn.signal({ type: 'done', done: true });
    await bo.conn.signal({ type: 'hand', raised: true });
    await until(w.console, (v) => v.done === 1 && v.hands === 1);

    await w.console.conn.command({ type: 'next' });
    const fresh = await until(w.console, (v) => v.stepId === 's2');
    expect(fresh).toMatchObject({ done: 0, hands: 1 });
    await until(ada, (v) => v.stepId === 's2' && v.mine?.done === false);
    expect(signalsOf(bo)?.mine?.hand).toBeTypeOf('number');

    // back to step 1: it is a new run of it, so nobody is done yet
    await w.console.conn.command({ type: 'prev' });
    expect(await until(w.console, (v) => v.stepId === 's1')).toMatchObject({ done: 0 });

    // taking it back
    await ada.conn.signal({ type: 'done', done: true });
    await until(w.console, (v) => v.done === 1);
    await ada.conn.signal({ type: 'done', done: false });
    await until(w.console, (v) => v.done === 0);

    // the facilitator starts the very same step again: Ada's phone hears from the server that she is not done with this run
    await ada.conn.signal({ type: 'done', done: true });
    await until(w.console, (v) => v.done === 1);
    expect((await w.console.conn.command({ type: 'goto', index: 0 })).ok).toBe(true);
    await until(w.console, (v) => v.stepId === 's1' && v.done === 0);
    await until(ada, (v) => v.stepId === 's1' && v.mine?.done === false);
  });

  it('only participants signal, only facilitators lower hands; bad payloads are refused and change nothing', async () => {
    const w = await workshop(await server({ REDIS_URL: redis.url }));
    const ada = await w.join('Ada');
    const display = w.connect(w.displayToken);
    await welcomed(display.conn);

    // in the lobby there is no step to be done with; a hand may go up
    const lobby = await ada.conn.signal({ type: 'done', done: true });
    expect(!lobby.ok && lobby.error.code).toBe('CONFLICT');
    expect((await ada.conn.signal({ type: 'hand', raised: true })).ok).toBe(true);

    for (const screen of [w.console, display]) {
      const ack = await emitRaw(screen.conn, 'signal', { type: 'hand', raised: true });
      expect(!ack.ok && ack.error.code).toBe('FORBIDDEN');
    }
    for (const screen of [ada, display]) {
      const ack = await emitRaw(screen.conn, 'signals:lower', {});
      expect(!ack.ok && ack.error.code).toBe('FORBIDDEN');
    }
    for (const bad of [{ type: 'hand' }, { type: 'done', done: 'yes' }, { type: 'wave' }, null, 'done']) {
      const ack = await emitRaw(ada.conn, 'signal', bad);
      expect(!ack.ok && ack.error.code).toBe('BAD_REQUEST');
    }
    const badLower = await emitRaw(w.console.conn, 'signals:lower', { participantId: '../../x' });
    expect(!badLower.ok && badLower.error.code).toBe('BAD_REQUEST');

    // nothing was lost: Ada's hand is still up, and the co-host may lower it
    const cohost = w.connect(w.cohostToken);
    await welcomed(cohost.conn);
    expect(signalsOf(cohost)?.raised?.map((r) => r.participantId)).toEqual([ada.id]);
    expect(await cohost.conn.lowerHands(ada.id)).toEqual({ ok: true, lowered: 1 });
    await until(ada, (v) => v.mine?.hand === null);
  });

  it('a person who deletes their data takes their hand and their "done" with them', async () => {
    const w = await workshop(await server({ REDIS_URL: redis.url }));
    const [ada, bo] = await Promise.all([w.join('Ada'), w.join('Bo')]);
    await w.console.conn.command({ type: 'next' });
    await until(ada, (v) => v.stepId === 's1');
    await ada.conn.signal({ type: 'done', done: true });
    await ada.conn.signal({ type: 'hand', raised: true });
    await bo.conn.signal({ type: 'hand', raised: true });
    await until(w.console, (v) => v.hands === 2 && v.done === 1);

    expect((await ada.conn.forgetMe()).ok).toBe(true);
    expect(await until(w.console, (v) => v.total === 1)).toMatchObject({ done: 0, hands: 1, raised: [{ participantId: bo.id }] });
    expect((await w.server.store.listRecords(w.roomId, SIGNALS_STEP)).map((r) => r.scope)).toEqual([`p:${bo.id}`]);
  });

  it('a screen that reconnects, and a screen on a second node, see the signals as stored', async () => {
    const first = await server({ REDIS_URL: redis.url });
    const second = await server({ REDIS_URL: redis.url });
    const w = await workshop(first);
    const ada = await w.join('Ada');
    await w.console.conn.command({ type: 'next' });
    await until(ada, (v) => v.stepId === 's1');
    await ada.conn.signal({ type: 'done', done: true });
    await ada.conn.signal({ type: 'hand', raised: true });

    // Ada's phone drops and comes back
    ada.conn.socket.disconnect();
    ada.conn.socket.connect();
    await ada.conn.until((s) => s.status === 'connected');
    await ada.conn.sync();
    expect(signalsOf(ada)?.mine).toMatchObject({ done: true, hand: expect.any(Number) as number });

    // a console opened on the other node sees the same, and its "lower" reaches Ada on the first node
    const { connectRoom } = await import('@canopy/client');
    const elsewhere = connectRoom({ url: second.url, roomId: w.roomId, token: w.facilitatorToken });
    try {
      const snap = await elsewhere.until((s) => s.signals !== null);
      expect(snap.signals).toMatchObject({ stepId: 's1', done: 1, hands: 1, doneBy: [{ participantId: ada.id }], raised: [{ participantId: ada.id }] });
      expect(await elsewhere.lowerHands()).toEqual({ ok: true, lowered: 1 });
      await until(ada, (v) => v.mine?.hand === null);
      await until(w.console, (v) => v.hands === 0);
    } finally {
      elsewhere.close();
    }
  });
});
