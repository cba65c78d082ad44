/**
 * When the facilitator moves the room, each participant's own view of the new step is pushed to
 * them (built from one read of the step), so a room full of phones does not each ask for the full
 * state: entering a step, coming back to one already answered, and the results phase all arrive
 * without a single `sync`.
 */
import { describe, expect, it } from 'vitest';
import type { SelfAssessmentParticipantView } from '@canopy/core';
import { useWorkshops, WAIT_MS, type ParticipantScreen } from './support.js';

const { server, workshop } = useWorkshops();

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
