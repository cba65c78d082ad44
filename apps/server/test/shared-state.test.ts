/**
 * The machinery every group activity stands on (partnership meetings, adversary pairs,
 * moderated answers), driven through a small activity made for this test: the facilitator forms
 * groups; members write notes into their group's shared record; the server decides which group a
 * note belongs to, shows it live to that group only, and never loses one to a concurrent write.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerTestActivity, type ActivityModule } from '@canopy/core';
import { randomId } from '@canopy/client';
import { useWorkshops, WAIT_MS, type ParticipantScreen } from './support.js';

interface Shared {
  round: number;
  groups: string[][];
}
interface Notes {
  notes: Array<{ id: string; by: string; text: string }>;
}
interface View {
  group: string[];
  notes: Notes['notes'];
}

const groupOf = (s: Shared | undefined, pid: string) => s?.groups.findIndex((g) => g.includes(pid)) ?? -1;

const huddles: ActivityModule<{ size: number }, { id: string; text: string }, Notes, Shared, { type: 'form' }> = {
  type: 'test-huddles',
  label: 'Huddles (test only)',
  configSchema: z.object({ size: z.number().int().min(2).max(4).default(2) }),
  defaultConfig: () => ({ size: 2 }),
  phases: ['talk'],
  scheduleSeconds: () => 0,
  participantConfig: (c) => c,
  shared: {
    initial: () => ({ round: 0, groups: [] }),
    actionSchema: z.object({ type: z.literal('form') }),
    act: (s, _action, { roster, config }) => {
      const groups: string[][] = [];
      for (let i = 0; i < roster.length; i += config.size) groups.push(roster.slice(i, i + config.size).map((p) => p.id));
      return { ok: true, value: { round: s.round + 1, groups } };
    },
  },
  input: {
    schema: z.object({ id: z.string().max(20), text: z.string().max(100) }),
    acceptIn: ['talk'],
    scope: (_input, { participantId, shared }) => {
      const g = groupOf(shared, participantId);
      return g < 0 ? { ok: false, error: 'You are not in a group yet.' } : { ok: true, value: `g:${shared!.round}:${g}` };
    },
    initial: () => ({ notes: [] }),
    reduce: (rec, input, { participantId }) => ({
      ok: true,
      value: rec.notes.some((n) => n.id === input.id) ? rec : { notes: [...rec.notes, { id: input.id, by: participantId, text: input.text }] },
    }),
    contribution: (rec) => ({ notes: rec.notes.length }),
  },
  readScopes: (pid, shared) => (groupOf(shared, pid) < 0 ? [] : [`g:${shared!.round}:${groupOf(shared, pid)}`]),
  audience: (scope, shared) => shared?.groups[Number(scope.split(':')[2])] ?? [],
  participantView: ({ participantId, scoped, shared }) => {
    const g = groupOf(shared, participantId);
    return { group: g < 0 ? [] : shared!.groups[g]!, notes: g < 0 ? [] : (scoped[`g:${shared!.round}:${g}`]?.notes ?? []) } satisfies View;
  },
  presenterView: ({ shared, counters }) => ({ groups: shared?.groups.length ?? 0, notes: counters.notes ?? 0 }),
};
registerTestActivity(huddles);

const { server, workshop } = useWorkshops();
const view = (p: ParticipantScreen) => p.conn.state.activity?.data as View | undefined;

async function huddleRoom() {
  const w = await workshop(await server(), { agenda: [{ id: 'talk', type: 'test-huddles', title: 'Talk in pairs', durationSec: 0, config: { size: 2 } }] });
  const people = [await w.join('Ana'), await w.join('Ben'), await w.join('Chloé'), await w.join('Dev')];
  await w.console.conn.command({ type: 'next' });
  await Promise.all(people.map((p) => p.conn.until((s) => s.stage?.step?.id === 'talk' && s.activity?.stepId === 'talk', WAIT_MS)));
  return { w, people };
}

describe('group work on shared records', () => {
  it('only the facilitator forms the groups; a retried action is applied once; everyone then sees their own group', async () => {
    const { w, people } = await huddleRoom();
    const [ana, ben, chloe, dev] = people as [ParticipantScreen, ParticipantScreen, ParticipantScreen, ParticipantScreen];
    expect(await ana.conn.submit('talk', { id: 'n1', text: 'hi' })).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'You are not in a group yet.' },
    });
    expect(await ana.conn.act('talk', { type: 'form' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await w.console.conn.act('talk', { type: 'nonsense' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });

    const actionId = randomId();
    expect(await w.console.conn.act('talk', { type: 'form' }, actionId)).toEqual({ ok: true, duplicate: false, rev: 1 });
    expect(await w.console.conn.act('talk', { type: 'form' }, actionId)).toEqual({ ok: true, duplicate: true, rev: 1 });

    await ana.conn.until(() => view(ana)?.group.length === 2, WAIT_MS);
    expect(view(ana)?.group).toEqual([ana.id, ben.id]);
    await dev.conn.until(() => view(dev)?.group.length === 2, WAIT_MS);
    expect(view(dev)?.group).toEqual([chloe.id, dev.id]);
    await w.console.conn.until((s) => (s.activity?.data as { groups: number } | undefined)?.groups === 2, WAIT_MS);
  });

  it("a note appears live on the group mates' screens and nowhere else; nobody can write into another group", async () => {
    const { w, people } = await huddleRoom();
    const [ana, ben, chloe, dev] = people as [ParticipantScreen, ParticipantScreen, ParticipantScreen, ParticipantScreen];
    await w.console.conn.act('talk', { type: 'form' });
    await Promise.all(people.map((p) => p.conn.until(() => (view(p)?.group.length ?? 0) === 2, WAIT_MS)));

    expect(await ana.conn.submit('talk', { id: 'n1', text: 'We both want faster releases' })).toMatchObject({ ok: true });
    await ben.conn.until(() => view(ben)?.notes.length === 1, WAIT_MS);
    expect(view(ben)?.notes[0]).toEqual({ id: 'n1', by: ana.id, text: 'We both want faster releases' });

    // Chloé "writes to Ana's group": the server puts the note where Chloé belongs, in her own group.
    expect(await chloe.conn.submit('talk', { id: 'n1', text: 'mine' })).toMatchObject({ ok: true });
    await dev.conn.until(() => view(dev)?.notes.length === 1, WAIT_MS);
    await chloe.conn.sync();
    await ana.conn.sync();
    expect(view(ana)?.notes.map((n) => n.text)).toEqual(['We both want faster releases']);
    expect(view(chloe)?.notes.map((n) => n.text)).toEqual(['mine']);
    await w.console.conn.until((s) => (s.activity?.data as { notes: number } | undefined)?.notes === 2, WAIT_MS);
  });

  it('two members typing at the same time never lose a note', async () => {
    const { w, people } = await huddleRoom();
    const [ana, ben] = people as [ParticipantScreen, ParticipantScreen];
    await w.console.conn.act('talk', { type: 'form' });
    await Promise.all([ana, ben].map((p) => p.conn.until(() => (view(p)?.group.length ?? 0) === 2, WAIT_MS)));

    const writes = [];
    for (let i = 0; i < 10; i++) {
      writes.push(ana.conn.submit('talk', { id: `a${i}`, text: `Ana ${i}` }));
      writes.push(ben.conn.submit('talk', { id: `b${i}`, text: `Ben ${i}` }));
    }
    expect((await Promise.all(writes)).filter((r) => !r.ok)).toEqual([]);
    await ana.conn.sync();
    expect(view(ana)?.notes).toHaveLength(20);
    await w.console.conn.until((s) => (s.activity?.data as { notes: number } | undefined)?.notes === 20, WAIT_MS);
  });
});
