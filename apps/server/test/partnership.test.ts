/**
 * Partnership meetings, end to end through the real server and the real client: the facilitator
 * forms rounds of pairs that mix departments; partners write notes together, live, without losing
 * any to each other; nobody reads or writes another group's notes; agreed actions carry an owner
 * and a date; round 2 brings new partners; a latecomer is placed without moving anyone.
 */
import { describe, expect, it } from 'vitest';
import type { PartnershipConsoleView, PartnershipDisplayView, PartnershipInput, PartnershipParticipantView } from '@canopy/core';
import { useWorkshops, WAIT_MS, type ParticipantScreen, type Screen, type Workshop } from './support.js';

const { server, workshop } = useWorkshops();

const DEPARTMENTS = { Ana: 'Sales', Ben: 'Sales', Chloé: 'Finance', Dev: 'Finance', Eun: 'Product', Farid: 'Product' } as const;

const view = (p: Screen) => p.conn.state.activity?.data as PartnershipParticipantView | undefined;
const presenter = <T>(s: Screen) => s.conn.state.activity?.data as T | undefined;
const notesIn = (v: PartnershipParticipantView | undefined) => Object.values(v?.notes ?? {}).flat();

async function meetingRoom() {
  const w = await workshop(await server(), {
    join: { askDepartment: true, askLevel: false, departments: ['Sales', 'Finance', 'Product'], levels: [], maxParticipants: 100 },
    agenda: [{ id: 'meet', type: 'partnership', title: 'Partnership meetings', durationSec: 0, config: { groupSize: 2, rounds: 2 } }],
  });
  const people: ParticipantScreen[] = [];
  for (const [name, dept] of Object.entries(DEPARTMENTS)) people.push(await w.join(name, { department: dept }));
  await w.console.conn.command({ type: 'next' });
  await Promise.all(people.map((p) => p.conn.until((s) => s.activity?.stepId === 'meet' && s.stage?.phase === 'meet', WAIT_MS)));
  return { w, people };
}

/** The facilitator starts a round; resolves once every participant shows it. */
async function startRound(w: Workshop, people: ParticipantScreen[], round: number) {
  expect(await w.console.conn.act('meet', { type: 'start-round' })).toMatchObject({ ok: true, duplicate: false });
  await Promise.all(people.map((p) => p.conn.until(() => view(p)?.round === round && view(p)?.group !== null, WAIT_MS)));
}

const partnerIds = (p: ParticipantScreen) =>
  view(p)!
    .group!.members.map((m) => m.id)
    .filter((id) => id !== p.id);

/** A week from today, YYYY-MM-DD. */
const nextWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);

describe('partnership meetings', () => {
  it('round 1: pairs across departments write notes together, live, and only their pair can read them', async () => {
    const { w, people } = await meetingRoom();
    const byName = Object.fromEntries(people.map((p) => [p.nickname, p]));

    // Before the first round nobody has a group to write into, and participants cannot form groups.
    const note = (id: string, text: string, promptId = 'purpose'): PartnershipInput => ({ op: 'add-note', promptId, id, text });
    expect(await byName.Ana!.conn.submit('meet', note('early-note', 'hi'))).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.stringContaining('not formed yet') },
    });
    expect(await byName.Ana!.conn.act('meet', { type: 'start-round' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    await startRound(w, people, 1);

    // Everyone sees their partner with their department; the pairs agree with each other and mix departments.
    for (const p of people) {
      const v = view(p)!;
      expect(v.totalRounds).toBe(2);
      expect(v.waiting).toBe(false);
      expect(v.prompt).toMatchObject({ index: 0, id: 'purpose', timer: { status: 'running' } });
      expect(v.group!.members).toHaveLength(2);
      expect(v.group!.members.map((m) => m.id)).toContain(p.id);
      for (const m of v.group!.members) {
        const who = people.find((x) => x.id === m.id)!;
        expect(m).toEqual({ id: who.id, nickname: who.nickname, department: DEPARTMENTS[who.nickname as keyof typeof DEPARTMENTS] });
      }
      const [a, b] = v.group!.members;
      expect(a!.department).not.toBe(b!.department);
      const partner = people.find((x) => x.id === partnerIds(p)[0])!;
      expect(partnerIds(partner)).toEqual([p.id]);
    }

    // One pair writes at the same time: 2 members × 5 notes, all land, and each sees the other's live.
    const ana = byName.Ana!;
    const mate = people.find((p) => p.id === partnerIds(ana)[0])!;
    const writes = [];
    for (let i = 0; i < 5; i++) {
      writes.push(ana.conn.submit('meet', note(`ana-note-${i}`, `Ana's point ${i}`, i % 2 ? 'working' : 'purpose')));
      writes.push(mate.conn.submit('meet', note(`mate-note-${i}`, `${mate.nickname}'s point ${i}`, 'not-working')));
    }
    expect((await Promise.all(writes)).filter((r) => !r.ok)).toEqual([]);
    await Promise.all([ana, mate].map((p) => p.conn.until(() => notesIn(view(p)).length === 10, WAIT_MS)));
    expect(view(mate)!.notes.purpose!.map((n) => n.text)).toEqual(["Ana's point 0", "Ana's point 2", "Ana's point 4"]);
    expect(view(mate)!.notes['not-working']).toHaveLength(5);

    // An edit and a removal by the partner reach Ana live too.
    expect(await mate.conn.submit('meet', { op: 'edit-note', id: 'ana-note-0', text: 'We both want fewer surprises at quarter end' })).toMatchObject({
      ok: true,
    });
    expect(await mate.conn.submit('meet', { op: 'remove-note', id: 'ana-note-4' })).toMatchObject({ ok: true });
    await ana.conn.until(() => notesIn(view(ana)).length === 9 && view(ana)!.notes.purpose![0]!.text.startsWith('We both'), WAIT_MS);
    expect(view(ana)!.notes.purpose![0]).toMatchObject({ author: 'Ana', edited: true });

    // Ana reconnects (closes the tab, opens it again with the same token): the notes are there.
    ana.conn.close();
    const again = w.connect(ana.token);
    await again.conn.until((s) => s.activity?.stepId === 'meet' && notesIn(s.activity.data as PartnershipParticipantView).length === 9, WAIT_MS);
    expect((again.conn.state.activity!.data as PartnershipParticipantView).group!.members.map((m) => m.id).sort()).toEqual([ana.id, mate.id].sort());

    // Someone from another pair can neither read these notes nor write into them: their note, even
    // with the same id, lands in their own pair.
    const other = people.find((p) => p.id !== ana.id && p.id !== mate.id)!;
    const otherMate = people.find((p) => p.id === partnerIds(other)[0])!;
    expect(await other.conn.submit('meet', note('ana-note-1', 'Our own point'))).toMatchObject({ ok: true });
    await otherMate.conn.until(() => notesIn(view(otherMate)).length === 1, WAIT_MS);
    await other.conn.sync();
    expect(notesIn(view(other)).map((n) => n.text)).toEqual(['Our own point']);
    expect(JSON.stringify(view(other))).not.toContain("Ana's point");
    await again.conn.sync();
    const anaView = again.conn.state.activity!.data as PartnershipParticipantView;
    expect(notesIn(anaView)).toHaveLength(9);
    expect(anaView.notes.working!.find((n) => n.id === 'ana-note-1')!.text).toBe("Ana's point 1");

    // An agreed action: the owner must be in the pair; with a date, it is recorded and shown to both.
    const due = nextWeek();
    const action = { op: 'put-action', id: 'action-0001', text: 'Invite Finance to our sprint review', owner: mate.id, due } as const;
    expect(await again.conn.submit('meet', { ...action, owner: other.id })).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'The owner must be someone in your group.' },
    });
    expect(await again.conn.submit('meet', { ...action, due: '2020-01-01' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await again.conn.submit('meet', action)).toMatchObject({ ok: true });
    await mate.conn.until(() => view(mate)?.actions.length === 1, WAIT_MS);
    expect(view(mate)!.actions[0]).toMatchObject({ text: 'Invite Finance to our sprint review', owner: mate.id, ownerName: mate.nickname, due, by: ana.id });

    // The console follows every pair's progress; the display shows the pairs and the deadline, no notes.
    const consoleView = await w.console.conn.until((s) => {
      const v = s.activity?.data as PartnershipConsoleView | undefined;
      return v?.totals.notes === 10 && v.totals.actions === 1;
    }, WAIT_MS);
    const cv = consoleView.activity!.data as PartnershipConsoleView;
    expect(cv.groups).toHaveLength(3);
    const anaGroup = cv.groups.find((g) => g.members.some((m) => m.id === ana.id))!;
    expect(anaGroup).toMatchObject({ notesTotal: 9, actions: 1, notes: { purpose: 2, working: 2, 'not-working': 5, offer: 0, 'next-steps': 0 } });
    expect(cv.groups.find((g) => g.members.some((m) => m.id === other.id))).toMatchObject({ notesTotal: 1, actions: 0 });
    expect(cv).toMatchObject({ round: 1, placed: 6, notPlaced: 0, mix: { sameDepartmentPairs: 0, repeatedPairs: 0 } });

    const display = w.connect(w.displayToken);
    await display.conn.until((s) => (s.activity?.data as PartnershipDisplayView | undefined)?.groups.length === 3, WAIT_MS);
    const dv = presenter<PartnershipDisplayView>(display)!;
    expect(dv.groups.flatMap((g) => g.members.map((m) => m.nickname)).sort()).toEqual(Object.keys(DEPARTMENTS).sort());
    expect(dv.prompt).toMatchObject({ title: expect.any(String), timer: { status: 'running', endsAt: expect.any(Number) } });
    expect(JSON.stringify(dv)).not.toContain('point');
    expect(JSON.stringify(dv)).not.toContain('sprint review');
  });

  it('round 2 brings new partners; a latecomer is placed without moving anyone; the facilitator runs the clock', async () => {
    const { w, people } = await meetingRoom();
    await startRound(w, people, 1);
    const firstPartner = new Map(people.map((p) => [p.id, partnerIds(p)[0]!]));
    const ana = people[0]!;
    expect(await ana.conn.submit('meet', { op: 'put-action', id: 'action-0001', text: 'Swap team calendars', owner: ana.id, due: nextWeek() })).toMatchObject({
      ok: true,
    });
    expect(await ana.conn.submit('meet', { op: 'add-note', promptId: 'purpose', id: 'note-r1-0001', text: 'Both of us ship in May' })).toMatchObject({
      ok: true,
    });

    // The facilitator moves on to the next question and adds time: everyone's deadline follows.
    expect(await w.console.conn.act('meet', { type: 'next-prompt' })).toMatchObject({ ok: true });
    await Promise.all(people.map((p) => p.conn.until(() => view(p)?.prompt?.id === 'working', WAIT_MS)));
    const endsAt = (view(ana)!.prompt!.timer as { endsAt: number }).endsAt;
    expect(await w.console.conn.act('meet', { type: 'extend', minutes: 2 })).toMatchObject({ ok: true });
    await ana.conn.until(() => (view(ana)?.prompt?.timer as { endsAt?: number } | undefined)?.endsAt === endsAt + 120_000, WAIT_MS);
    expect(await w.console.conn.act('meet', { type: 'nudge', text: 'Two minutes left' })).toMatchObject({ ok: true });
    await ana.conn.until(() => view(ana)?.nudge?.at !== undefined, WAIT_MS);
    expect(view(ana)!.nudge).toMatchObject({ kind: 'text', text: 'Two minutes left' });
    // the console's quick nudge: a kind and its minutes, which each phone words in its own language
    expect(await w.console.conn.act('meet', { type: 'nudge', minutes: 2 })).toMatchObject({ ok: true });
    await ana.conn.until(() => view(ana)?.nudge?.kind === 'left', WAIT_MS);
    expect(view(ana)!.nudge).toEqual({ at: expect.any(Number), kind: 'left', minutes: 2 });

    await startRound(w, people, 2);
    for (const p of people) {
      const v = view(p)!;
      expect(partnerIds(p)).toHaveLength(1);
      expect(partnerIds(p)[0]).not.toBe(firstPartner.get(p.id));
      expect(v.prompt).toMatchObject({ index: 0, id: 'purpose' });
      expect(notesIn(v)).toEqual([]);
      expect(v.nudge).toBeNull();
    }
    // Round 1's notes and agreed action stay in view for both of that pair.
    expect(view(ana)!.earlier).toEqual([
      {
        round: 1,
        group: expect.objectContaining({ members: expect.any(Array) }),
        notes: expect.objectContaining({ purpose: [expect.objectContaining({ text: 'Both of us ship in May', by: ana.id })] }),
        actions: [expect.objectContaining({ text: 'Swap team calendars' })],
      },
    ]);
    const partner = people.find((p) => p.id === firstPartner.get(ana.id))!;
    expect(view(partner)!.earlier[0]!.notes.purpose).toEqual([expect.objectContaining({ text: 'Both of us ship in May' })]);
    expect(await w.console.conn.act('meet', { type: 'start-round' })).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'All 2 rounds have been played.' },
    });

    // A latecomer waits, then is placed: exactly one pair becomes a trio, every other group is unchanged.
    const before = await w.console.conn.until((s) => (s.activity?.data as PartnershipConsoleView | undefined)?.round === 2, WAIT_MS);
    const groupsBefore = (before.activity!.data as PartnershipConsoleView).groups.map((g) => ({ id: g.id, members: g.members.map((m) => m.id) }));
    const gus = await w.join('Gus', { department: 'Sales' });
    await gus.conn.until(() => view(gus)?.waiting === true, WAIT_MS);
    expect(view(gus)).toMatchObject({ round: 2, group: null });
    expect(await gus.conn.submit('meet', { op: 'add-note', promptId: 'purpose', id: 'gus-note-1', text: 'hello' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });

    expect(await w.console.conn.act('meet', { type: 'place-late' })).toMatchObject({ ok: true });
    await gus.conn.until(() => view(gus)?.group !== null && view(gus)?.group !== undefined, WAIT_MS);
    const after = await w.console.conn.until((s) => (s.activity?.data as PartnershipConsoleView | undefined)?.placed === 7, WAIT_MS);
    const groupsAfter = (after.activity!.data as PartnershipConsoleView).groups.map((g) => ({ id: g.id, members: g.members.map((m) => m.id) }));
    expect(groupsAfter.map((g) => g.id)).toEqual(groupsBefore.map((g) => g.id));
    const changed = groupsAfter.filter((g, i) => JSON.stringify(g) !== JSON.stringify(groupsBefore[i]));
    expect(changed).toHaveLength(1);
    const host = groupsBefore.find((g) => g.id === changed[0]!.id)!;
    expect(changed[0]!.members).toEqual([...host.members, gus.id]);
    // a Sales latecomer joins a pair without anyone from Sales
    expect(
      view(gus)!
        .group!.members.filter((m) => m.department === 'Sales')
        .map((m) => m.id),
    ).toEqual([gus.id]);

    // The trio writes together: Gus's note reaches both of his new partners live.
    const trio = people.filter((p) => host.members.includes(p.id));
    await Promise.all(trio.map((p) => p.conn.until(() => view(p)?.group?.members.length === 3, WAIT_MS)));
    const trioWrites = [gus, ...trio].flatMap((p, k) =>
      [0, 1, 2].map((i) => p.conn.submit('meet', { op: 'add-note', promptId: 'offer', id: `offer-${k}-${i}`, text: `${p.nickname} offers ${i}` })),
    );
    expect((await Promise.all(trioWrites)).filter((r) => !r.ok)).toEqual([]);
    await Promise.all([gus, ...trio].map((p) => p.conn.until(() => view(p)?.notes.offer?.length === 9, WAIT_MS)));
  });
});
