/**
 * A step change is the message every phone in the room gets at once: it must stay small. For
 * every activity type (with its default content, as a facilitator's agenda would have it), the
 * bytes a participant's phone receives when the facilitator moves on to that step — and when the
 * step moves to each of its later phases — are counted on the wire of a real socket.io-client
 * (engine.io packets plus WebSocket framing). A byte count is not a timing: it is asserted: at most
 * 300 bytes per step change, and per phase change unless the phase shows the room's results (those
 * are what changed). The steps' content arrives with the full state (joining, reconnecting) only;
 * what the phone builds from it must be what the server would have sent.
 */
import { ACTIVITY_TYPES, getActivity, hasParticipantView, type ActivityView } from '@canopy/core';
import { describe, expect, it } from 'vitest';
import { useWorkshops, WAIT_MS, type ParticipantScreen } from './support.js';

const { server, workshop } = useWorkshops();

/** per participant, server → phone, for one step change (the budget) */
const STEP_CHANGE_BUDGET = 300;

/** Bytes on the wire for one WebSocket message of `payload` bytes, server → client (unmasked). */
const wsFrame = (payload: number) => payload + (payload < 126 ? 2 : payload < 65536 ? 4 : 10);

/** Count what this phone receives: every engine.io packet but the answers to its own requests (acks, `43…`). */
function meter(p: ParticipantScreen) {
  let bytes = 0;
  let packets: string[] = [];
  let waiting: { test: (data: string) => boolean; done: () => void } | null = null;
  const engine = p.conn.socket.io.engine as unknown as { on(e: 'packet', f: (pk: { type: string; data?: unknown }) => void): void };
  engine.on('packet', (pk) => {
    const data = typeof pk.data === 'string' ? pk.data : '';
    if (pk.type === 'message' && data.startsWith('3')) return; // an ack of this phone's own request
    bytes += wsFrame(1 + Buffer.byteLength(data));
    packets.push(data);
    if (waiting?.test(data)) waiting.done();
  });
  return {
    /** until a message like this has come since the last `take` (a push can follow the round trips on a busy machine) */
    seen(test: (data: string) => boolean) {
      if (packets.some(test)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no such message came')), WAIT_MS);
        waiting = {
          test,
          done: () => {
            clearTimeout(timer);
            waiting = null;
            resolve();
          },
        };
      });
    },
    /** the names of the events that came since the last `take` */
    events: () => packets.filter((d) => d.startsWith('2[')).map((d) => (JSON.parse(d.slice(1)) as [string])[0]),
    take(explain = false) {
      const b = bytes;
      // over the budget, say what came (a late push of something else shows here)
      if (explain && b > STEP_CHANGE_BUDGET) console.log('over the budget:', packets);
      bytes = 0;
      packets = [];
      return b;
    },
  };
}

describe('step change bytes', () => {
  it('every activity type: a step change reaches a phone in at most 300 bytes, and so does a phase change without results', async () => {
    const types = [...ACTIVITY_TYPES];
    const w = await workshop(await server(), {
      agenda: types.map((type, i) => ({ id: `s${i}`, type, title: `A ${type} step`, durationSec: 300, config: {} })),
    });
    const people = [await w.join('Ana'), await w.join('Ben'), await w.join('Cy')];
    const ana = people[0]!;
    const onWire = meter(ana);
    /** until every screen has this version and, on a step with a view of its own, that view; then the pushes after it */
    const settle = async (v: number, stepId: string, hasView: boolean) => {
      for (const p of people) await p.conn.until((s) => s.stage?.v === v && (!hasView || s.activity?.stepId === stepId), WAIT_MS);
      // anything pushed after the stage (a coalesced picture, the count) is out before two round trips come back
      for (let i = 0; i < 2; i++) await ana.conn.socket.timeout(WAIT_MS).emitWithAck('clock', Date.now());
    };
    await settle(ana.conn.state.stage!.v, '', false);
    // the count after the three joins is pushed (coalesced) too: on a busy machine it can come after the round trips
    await ana.conn.until((s) => s.count.joined === people.length, WAIT_MS);
    onWire.take();

    const measured: Record<string, { step: number; phases: Record<string, number> }> = {};
    for (const [i, type] of types.entries()) {
      const mod = getActivity(type)!;
      const hasView = hasParticipantView(mod);
      const ack = await w.console.conn.command({ type: 'next' });
      if (!ack.ok) throw new Error(ack.error.message);
      await settle(ack.version, `s${i}`, hasView);
      const step = onWire.take(true);
      // what the phone built from the step's content is what the server shows it in the full state
      const built = ana.conn.state.activity;
      await ana.conn.sync();
      expect(ana.conn.state.activity).toEqual(built);
      onWire.take();
      const phases: Record<string, number> = {};
      for (const phase of mod.phases.slice(1)) {
        const moved = await w.console.conn.command({ type: 'phase', phase });
        if (!moved.ok) throw new Error(moved.error.message);
        await settle(moved.version, `s${i}`, false);
        await ana.conn.until((s) => (s.activity as ActivityView | null)?.stepId === `s${i}` || !hasView, WAIT_MS);
        // this phase's own picture has come: the room's results, or word to build it from the step's content
        if (hasView)
          await onWire.seen(
            (d) =>
              (d.startsWith('2["activity",') && d.includes(`"stepId":"s${i}"`) && (d.includes(`"phase":"${phase}"`) || d.includes('"room":'))) ||
              (d.startsWith('2["stage",') && d.includes('"initial":true') && d.includes(`"phase":"${phase}"`)),
          );
        phases[phase] = onWire.take(true);
        // a phase that shows the room's results carries them (they are what changed); any other stays within the budget
        if (ana.conn.state.activity?.room == null)
          expect({ type, phase, bytes: phases[phase] }).toEqual({ type, phase, bytes: expect.toSatisfy((b: number) => b <= STEP_CHANGE_BUDGET) });
      }
      measured[type] = { step, phases };
      // the phone shows the step's content, though it came with the welcome and not with the change
      expect(ana.conn.state.stage?.step).toMatchObject({ id: `s${i}`, type, title: `A ${type} step` });
      expect(ana.conn.state.stage?.step?.config).toEqual(mod.participantConfig(mod.configSchema.parse(mod.defaultConfig())));
    }
    console.log('bytes per participant per step change', JSON.stringify(measured));
    for (const [type, m] of Object.entries(measured)) {
      expect({ type, bytes: m.step }).toEqual({ type, bytes: expect.toSatisfy((b: number) => b <= STEP_CHANGE_BUDGET) });
    }
  });

  it('entering a step nobody has answered in is one message per phone, which builds its own view; back on it once answered, each gets theirs', async () => {
    const w = await workshop(await server(), {
      agenda: [
        { id: 'hello', type: 'slide', title: 'Welcome', durationSec: 0, config: { body: 'Hello' } },
        { id: 'rate', type: 'self-assessment', title: 'Rate yourself', durationSec: 0, config: {} },
      ],
    });
    const [ana, ben] = [await w.join('Ana'), await w.join('Ben')];
    const anaWire = meter(ana);
    const go = async (cmd: Parameters<typeof w.console.conn.command>[0]) => {
      const ack = await w.console.conn.command(cmd);
      if (!ack.ok) throw new Error(ack.error.message);
      for (const p of [ana, ben]) await p.conn.until((s) => s.stage?.v === ack.version, WAIT_MS);
      // anything pushed after the stage is out before two round trips come back
      for (let i = 0; i < 2; i++) await ana.conn.socket.timeout(WAIT_MS).emitWithAck('clock', Date.now());
    };
    await go({ type: 'next' });
    await ana.conn.until((s) => s.count.joined === 2, WAIT_MS);
    anaWire.take();

    // The facilitator moves on to the self-assessment: the step change alone, and both phones show its statements.
    await go({ type: 'next' });
    expect(anaWire.events()).toEqual(['stage']);
    for (const p of [ana, ben]) expect(p.conn.state.activity).toMatchObject({ stepId: 'rate', rev: 0 });
    const statementId = (ana.conn.state.stage!.step!.config as { statements: Array<{ id: string }> }).statements[0]!.id;
    expect(await ana.conn.submit('rate', { op: 'rate', statementId, value: 4 })).toMatchObject({ ok: true });
    const answered = ana.conn.state.activity;
    expect(answered?.rev).toBe(1);

    // Back to the welcome slide and on again: Ana's answer is there, so each phone gets its own view, Ana's with her answer.
    await go({ type: 'prev' });
    anaWire.take();
    await go({ type: 'next' });
    await ana.conn.until((s) => s.activity?.stepId === 'rate', WAIT_MS);
    expect(anaWire.events()).toEqual(['stage', 'activity']);
    expect(ana.conn.state.activity).toEqual(answered);
    await ben.conn.until((s) => s.activity?.stepId === 'rate', WAIT_MS);
    expect(ben.conn.state.activity).toMatchObject({ rev: 0 });
    // what each phone holds is what the server shows it in the full state
    for (const p of [ana, ben]) {
      const held = p.conn.state.activity;
      await p.conn.sync();
      expect(p.conn.state.activity).toEqual(held);
    }
  });

  it('the facilitator rewrites an upcoming step while people wait: moving on shows the new content on their phones', async () => {
    const w = await workshop(await server(), {
      agenda: [
        { id: 'hello', type: 'slide', title: 'Welcome', durationSec: 0, config: { body: 'Hello' } },
        { id: 'later', type: 'slide', title: 'Draft', durationSec: 0, config: { body: 'Draft text' } },
      ],
    });
    const ana = await w.join('Ana');
    expect((await w.console.conn.command({ type: 'next' })).ok).toBe(true);
    await ana.conn.until((s) => s.stage?.step?.id === 'hello', WAIT_MS);

    const edited = await w.console.conn.command({
      type: 'agenda.set',
      agenda: [
        { id: 'hello', type: 'slide', title: 'Welcome', durationSec: 0, config: { body: 'Hello' } },
        { id: 'later', type: 'slide', title: 'Why allies matter', durationSec: 0, config: { body: 'Three reasons' } },
        { id: 'added', type: 'self-assessment', title: 'Rate yourself', durationSec: 0, config: {} },
      ],
    });
    if (!edited.ok) throw new Error(edited.error.message);
    await ana.conn.until((s) => s.stage?.v === edited.version, WAIT_MS);
    expect(ana.conn.state.stage?.total).toBe(3);

    expect((await w.console.conn.command({ type: 'next' })).ok).toBe(true);
    const s = await ana.conn.until((x) => x.stage?.step?.id === 'later', WAIT_MS);
    expect(s.stage?.step).toEqual({ id: 'later', type: 'slide', title: 'Why allies matter', config: { body: 'Three reasons' } });
    expect((await w.console.conn.command({ type: 'next' })).ok).toBe(true);
    const last = await ana.conn.until((x) => x.stage?.step?.id === 'added' && x.activity?.stepId === 'added', WAIT_MS);
    expect(last.stage?.step?.title).toBe('Rate yourself');
  });
});
