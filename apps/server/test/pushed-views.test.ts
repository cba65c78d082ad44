/**
 * When the facilitator moves the room, each participant's own view of the new step is pushed to
 * them (built from one read of the step), so a room full of phones does not each ask for the full
 * state: entering a step, coming back to one already answered, and the results phase all arrive
 * without a single `sync`. A person's answer reaches their other screens, on any node, and costs
 * nothing more when they have only the one screen they answered on.
 */
import { describe, expect, it } from 'vitest';
import type { NewRoom, SelfAssessmentParticipantView } from '@canopy/core';
import { SIO_STREAM } from '../src/redis-shared.js';
import { useRedis, useWorkshops, WAIT_MS, type ParticipantScreen } from './support.js';

const { server, workshop } = useWorkshops();
const redis = useRedis();

/** Every event this participant's phone sent, by name. */
function sent(p: ParticipantScreen): string[] {
  const out: string[] = [];
  p.conn.socket.onAnyOutgoing((event: string) => out.push(event));
  return out;
}

const ratings = (p: ParticipantScreen) => (p.conn.state.activity?.data as SelfAssessmentParticipantView | undefined)?.ratings;

describe('pushed views', () => {
  it('participants get their own view of each step the facilitator opens, and of its results, without asking', async () => {
    const w = await workshop(await server(), {
      agenda: [
        { id: 'hello', type: 'slide', title: 'Welcome', durationSec: 0, config: {} },
        { id: 'rate', type: 'self-assessment', title: 'How do you ally?', durationSec: 300, config: { minGroupSize: 1 } },
        { id: 'bye', type: 'slide', title: 'Thanks', durationSec: 0, config: {} },
      ],
    });
    const ana = await w.join('Ana');
    const ben = await w.join('Ben');
    const anaSent = sent(ana);
    const benSent = sent(ben);

    await w.console.conn.command({ type: 'goto', index: 1 });
    for (const p of [ana, ben]) await p.conn.until((s) => s.stage?.step?.id === 'rate' && s.activity?.stepId === 'rate', WAIT_MS);
    expect(ratings(ana)).toEqual({});

    const laptop = w.connect(ana.token);
    await laptop.conn.until((s) => s.activity?.stepId === 'rate', WAIT_MS);
    expect(await ana.conn.submit('rate', { op: 'rate', statementId: 'thanks', value: 4 })).toMatchObject({ ok: true, rev: 1 });
    // Her laptop gets the new view pushed; the phone that answered has it in its ack, not twice.
    await laptop.conn.until((s) => s.activity?.rev === 1, WAIT_MS);
    await ana.conn.socket.timeout(WAIT_MS).emitWithAck('clock', Date.now());
    expect(ana.events.filter((e) => e.event === 'activity' && (e.args[0] as { rev?: number }).rev === 1)).toEqual([]);

    // On to the next slide and back: Ana's phone shows her earlier answer again, Ben's his empty one.
    await w.console.conn.command({ type: 'next' });
    await ana.conn.until((s) => s.stage?.step?.id === 'bye', WAIT_MS);
    await w.console.conn.command({ type: 'prev' });
    const back = await ana.conn.until((s) => s.stage?.step?.id === 'rate' && s.activity?.stepId === 'rate', WAIT_MS);
    expect((back.activity?.data as SelfAssessmentParticipantView).ratings).toEqual({ thanks: 4 });
    await ben.conn.until((s) => s.activity?.stepId === 'rate', WAIT_MS);
    expect(ratings(ben)).toEqual({});
    expect(ana.conn.state.activity?.room ?? null).toBeNull(); // the room's answers only in results

    // Results: every phone gets the room's distribution next to its own answers.
    await w.console.conn.command({ type: 'phase', phase: 'results' });
    for (const p of [ana, ben]) {
      const s = await p.conn.until((x) => x.stage?.phase === 'results' && x.activity?.room != null, WAIT_MS);
      expect(JSON.stringify(s.activity?.room)).toContain('thanks');
    }
    expect(ratings(ana)).toEqual({ thanks: 4 });

    expect(anaSent).not.toContain('sync');
    expect(benSent).not.toContain('sync');
  });
});

describe('pushed views between nodes (Redis and its Streams adapter)', () => {
  /** What went through the Streams adapter to a participant's screens (a broadcast names its Socket.IO rooms). */
  const publishedTo = async (participantId: string) =>
    ((await redis.admin.xRange(SIO_STREAM, '-', '+')) ?? []).filter((e) => JSON.stringify(e?.message).includes(`p:${participantId}`)).length;

  /** Resolve once `check` holds (polled), failing after WAIT_MS. */
  async function until(what: string, check: () => boolean): Promise<void> {
    for (const end = Date.now() + WAIT_MS; !check(); await new Promise((r) => setTimeout(r, 50)))
      if (Date.now() > end) throw new Error(`${what}: not within ${WAIT_MS} ms`);
  }

  it("an answer reaches the person's screen on another node; with one screen and one node, nothing is published for other screens", async () => {
    const agenda: NewRoom['agenda'] = [
      { id: 'hello', type: 'slide', title: 'Welcome', durationSec: 0, config: {} },
      { id: 'rate', type: 'self-assessment', title: 'How do you ally?', durationSec: 300, config: { minGroupSize: 1 } },
    ];
    const first = await server({ REDIS_URL: redis.url });
    const w = await workshop(first, { agenda });
    const ana = await w.join('Ana');
    await w.console.conn.command({ type: 'goto', index: 1 });
    await ana.conn.until((s) => s.activity?.stepId === 'rate', WAIT_MS);

    // her phone is her only screen, on the only node (once the node has counted the nodes): the
    // acknowledgement is all she needs
    await until('the node to count itself alone', () => first.nodes() === 1);
    expect(await ana.conn.submit('rate', { op: 'rate', statementId: 'thanks', value: 3 })).toMatchObject({ ok: true, rev: 1 });
    expect(await publishedTo(ana.id)).toBe(0);

    // a second node comes up and her laptop opens there: her next answer on the phone reaches it
    const second = await server({ REDIS_URL: redis.url });
    await until('the first node to hear of the second', () => first.nodes() === 2);
    const { connectRoom } = await import('@canopy/client');
    const laptop = connectRoom({ url: second.url, roomId: w.roomId, token: ana.token });
    try {
      await laptop.until((s) => s.activity?.stepId === 'rate' && s.activity.rev === 1, WAIT_MS);
      expect(await ana.conn.submit('rate', { op: 'rate', statementId: 'thanks', value: 5 })).toMatchObject({ ok: true, rev: 2 });
      const seen = await laptop.until((s) => s.activity?.rev === 2, WAIT_MS);
      expect((seen.activity?.data as SelfAssessmentParticipantView).ratings).toEqual({ thanks: 5 });
      expect(await publishedTo(ana.id)).toBe(1);
    } finally {
      laptop.close();
    }
  });
});
