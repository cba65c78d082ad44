/**
 * Worthy adversaries, end to end through the real server and the real client: five people place
 * themselves on a statement; the facilitator pairs them by largest disagreement (one trio); each
 * pair steelmans in an order the server enforces, seeing only its own conversation and notes;
 * re-ratings move the after-distribution; the results show how many moved.
 */
import { describe, expect, it } from 'vitest';
import { randomId } from '@canopy/client';
import type { AdversariesParticipantView, AdversariesPresenterView, AdversariesRoomView, AdversariesInput } from '@canopy/core';
import { useWorkshops, WAIT_MS, welcomed, type ParticipantScreen, type Screen, type Workshop } from './support.js';

const { server, workshop } = useWorkshops();

/** name → department and stance on the first statement (1 = strongly disagree … 7 = strongly agree) */
const PEOPLE = {
  Ana: { department: 'Sales', stance: 1 },
  Ben: { department: 'Finance', stance: 7 },
  Chloé: { department: 'Product', stance: 2 },
  Dev: { department: 'Sales', stance: 6 },
  Eun: { department: 'Finance', stance: 4 },
} as const;
type Name = keyof typeof PEOPLE;

const STATEMENTS = [
  { id: 'credit', text: 'To get ahead, people must know which results were yours.' },
  { id: 'help', text: 'Asking for help too often makes you look less capable.' },
];

const view = (p: Screen) => p.conn.state.activity?.data as AdversariesParticipantView | undefined;
const presenter = (s: Screen) => s.conn.state.activity?.data as AdversariesPresenterView | undefined;
const steelman = (pairId: string, step: 'stated' | 'restated' | 'accept' | 'retry', at?: number): AdversariesInput => ({
  op: 'steelman',
  pairId,
  step,
  ...(at !== undefined ? { at } : {}),
});

const phase = async (w: Workshop, people: ParticipantScreen[], name: string) => {
  expect(await w.console.conn.command({ type: 'phase', phase: name })).toMatchObject({ ok: true });
  await Promise.all(people.map((p) => p.conn.until((s) => s.stage?.phase === name, WAIT_MS)));
};

/** Five people in the room, on the adversaries step, each placed on the first statement. */
async function stanceRoom() {
  const w = await workshop(await server(), {
    join: { askDepartment: true, askLevel: false, departments: ['Sales', 'Finance', 'Product'], levels: [], maxParticipants: 100 },
    agenda: [{ id: 'adv', type: 'adversaries', title: 'Worthy adversaries', durationSec: 0, config: { statements: STATEMENTS, minGroupSize: 3 } }],
  });
  const people: ParticipantScreen[] = [];
  for (const [name, p] of Object.entries(PEOPLE)) people.push(await w.join(name, { department: p.department }));
  const display = w.connect(w.displayToken);
  await welcomed(display.conn);
  await w.console.conn.command({ type: 'next' });
  await Promise.all(people.map((p) => p.conn.until((s) => s.activity?.stepId === 'adv' && s.stage?.phase === 'stance', WAIT_MS)));
  const byName = Object.fromEntries(people.map((p) => [p.nickname, p])) as Record<Name, ParticipantScreen>;
  for (const [name, p] of Object.entries(PEOPLE)) {
    expect(await byName[name as Name].conn.submit('adv', { op: 'stance', statementId: 'credit', value: p.stance })).toMatchObject({ ok: true });
  }
  return { w, people, byName, display };
}

/** …then paired by the facilitator on the first statement. */
async function pairedRoom() {
  const room = await stanceRoom();
  const { w, people } = room;
  await phase(w, people, 'pairing');
  expect(await w.console.conn.act('adv', { type: 'pair', statementId: 'credit' })).toMatchObject({ ok: true, duplicate: false });
  await Promise.all(people.map((p) => p.conn.until(() => view(p)?.pair != null, WAIT_MS)));
  const pairOf = (p: ParticipantScreen) => view(p)!.pair!;
  const duo = people.filter((p) => !pairOf(p).trio);
  const trio = people.filter((p) => pairOf(p).trio);
  // A speaks first in the pair: the first member of the pair
  const [a, b] = duo.sort((x, y) => (pairOf(x).role === 'A' ? -1 : 1) - (pairOf(y).role === 'A' ? -1 : 1)) as [ParticipantScreen, ParticipantScreen];
  return { ...room, a, b, trio, pairId: pairOf(a).id, trioPairId: pairOf(trio[0]!).id };
}

describe('worthy adversaries', () => {
  it('five people with spread stances are paired by the facilitator by largest disagreement, one trio', async () => {
    const { w, people, byName, display } = await stanceRoom();

    // While stances come in: the console and the projector show the live, anonymous distribution.
    await w.console.conn.until(() => presenter(w.console)?.placed === 5, WAIT_MS);
    expect(presenter(w.console)!.statements[0]!.before.counts).toEqual([1, 1, 0, 1, 0, 1, 1]);
    await display.conn.until(() => presenter(display)?.placed === 5, WAIT_MS);
    expect(presenter(display)).toMatchObject({ pairing: null });
    expect(presenter(display)!.statements[0]!.before.counts).toEqual([1, 1, 0, 1, 0, 1, 1]);
    expect(JSON.stringify(presenter(display))).not.toMatch(/Ana|Ben|Sales/); // counts only, nobody's stance

    // Participants cannot pair; the facilitator pairs only once stances are closed.
    expect(await byName.Ana.conn.act('adv', { type: 'pair', statementId: 'credit' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await w.console.conn.act('adv', { type: 'pair', statementId: 'credit' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('Close the stances first') },
    });
    await phase(w, people, 'pairing');
    expect(await byName.Ana.conn.submit('adv', { op: 'stance', statementId: 'credit', value: 7 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const actionId = randomId();
    expect(await w.console.conn.act('adv', { type: 'pair', statementId: 'credit' }, actionId)).toEqual({ ok: true, duplicate: false, rev: 1 });
    expect(await w.console.conn.act('adv', { type: 'pair', statementId: 'credit' }, actionId)).toEqual({ ok: true, duplicate: true, rev: 1 });
    await Promise.all(people.map((p) => p.conn.until(() => view(p)?.pair != null, WAIT_MS)));

    // One pair and one trio; everyone sees the same grouping from their side, with the partners'
    // departments and stances; the pairing is the best there is (13 points of disagreement).
    const groups = new Map<string, string[]>();
    for (const p of people) {
      const pair = view(p)!.pair!;
      expect(view(p)!.focus).toBe('credit');
      expect(pair.stance).toBe(PEOPLE[p.nickname as Name].stance);
      for (const partner of pair.partners) {
        const who = people.find((x) => x.id === partner.id)!;
        expect(partner).toMatchObject({
          nickname: who.nickname,
          department: PEOPLE[who.nickname as Name].department,
          stance: PEOPLE[who.nickname as Name].stance,
        });
      }
      groups.set(pair.id, [p.id, ...pair.partners.map((x) => x.id)].sort());
    }
    for (const p of people) expect([p.id, ...view(p)!.pair!.partners.map((x) => x.id)].sort()).toEqual(groups.get(view(p)!.pair!.id));
    expect([...groups.values()].map((g) => g.length).sort()).toEqual([2, 3]);

    await w.console.conn.until(() => presenter(w.console)?.pairing?.pairs.length === 2, WAIT_MS);
    const pairing = presenter(w.console)!.pairing!;
    expect(pairing).toMatchObject({ round: 1, statementId: 'credit', totalDisagreement: 13, sittingOut: [] });
    expect(pairing.pairs.filter((p) => p.trio)).toHaveLength(1);
    expect(pairing.pairs.every((p) => p.progress?.status === 'state')).toBe(true);

    // The projector shows the pairs by name, never anyone's stance or department.
    await display.conn.until(() => presenter(display)?.pairing?.pairs.length === 2, WAIT_MS);
    const shown = presenter(display)!.pairing!;
    expect(shown.pairs.flatMap((p) => p.members.map((m) => m.nickname)).sort()).toEqual(Object.keys(PEOPLE).sort());
    expect(JSON.stringify(shown)).not.toMatch(/Sales|Finance|Product|stance|progress|gap/);
  });

  it('the steelman goes in order: nobody skips a step, acts for someone else or acts on another pair', async () => {
    const { w, people, a, b, trio, pairId, trioPairId } = await pairedRoom();

    // The conversations start when the facilitator opens them.
    expect(await a.conn.submit('adv', steelman(pairId, 'stated'))).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await phase(w, people, 'steelman');
    await a.conn.until(() => view(a)?.pair?.steelman.canDo.includes('stated') === true, WAIT_MS);
    expect(view(b)!.pair!.steelman).toMatchObject({ canDo: [], waitingFor: { id: a.id } });

    // B cannot restate before A has stated; A cannot accept a restatement that was never made.
    expect(await b.conn.submit('adv', steelman(pairId, 'restated'))).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: `Wait for ${a.nickname} to state their view first.` },
    });
    expect(await a.conn.submit('adv', steelman(pairId, 'accept'))).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    // Someone from the trio cannot act on this pair, and nobody can act on a pair that does not exist.
    expect(await trio[0]!.conn.submit('adv', steelman(pairId, 'stated'))).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'You are not in this pair.' },
    });
    expect(await a.conn.submit('adv', steelman(trioPairId, 'stated'))).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'You are not in this pair.' },
    });
    expect(await a.conn.submit('adv', steelman('99', 'stated'))).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // A states: B sees it live and is the only one who can move.
    const first = randomId();
    expect(await a.conn.submit('adv', steelman(pairId, 'stated', 0), first)).toMatchObject({ ok: true, duplicate: false });
    await b.conn.until(() => view(b)?.pair?.steelman.canDo.includes('restated') === true, WAIT_MS);
    expect(await a.conn.submit('adv', steelman(pairId, 'stated', 0), first)).toMatchObject({ ok: true, duplicate: true }); // a retried send
    expect(await a.conn.submit('adv', steelman(pairId, 'accept', 1))).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: `Wait for ${b.nickname} to restate your view first.` },
    });

    // B restates; B cannot go on before A decides; A asks for another try, then accepts.
    expect(await b.conn.submit('adv', steelman(pairId, 'restated', 1))).toMatchObject({ ok: true });
    expect(await b.conn.submit('adv', steelman(pairId, 'stated', 2))).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: `Wait for ${a.nickname} to accept your restatement first.` },
    });
    expect(await a.conn.submit('adv', steelman(pairId, 'retry', 2))).toMatchObject({ ok: true });
    await b.conn.until(() => view(b)?.pair?.steelman.canDo.includes('restated') === true, WAIT_MS);
    expect(view(b)!.pair!.steelman.attempts).toBe(1);
    expect(await b.conn.submit('adv', steelman(pairId, 'restated', 3))).toMatchObject({ ok: true });
    expect(await a.conn.submit('adv', steelman(pairId, 'accept', 4))).toMatchObject({ ok: true });

    // Swap: now B states and A restates.
    await b.conn.until(() => view(b)?.pair?.steelman.canDo.includes('stated') === true, WAIT_MS);
    expect(await a.conn.submit('adv', steelman(pairId, 'restated', 5))).toMatchObject({
      ok: false,
      error: { message: `Wait for ${b.nickname} to state their view first.` },
    });
    expect(await b.conn.submit('adv', steelman(pairId, 'stated', 5))).toMatchObject({ ok: true });
    expect(await a.conn.submit('adv', steelman(pairId, 'restated', 6))).toMatchObject({ ok: true });
    expect(await b.conn.submit('adv', steelman(pairId, 'accept', 7))).toMatchObject({ ok: true });
    await a.conn.until(() => view(a)?.pair?.steelman.status === 'done', WAIT_MS);
    expect(await a.conn.submit('adv', steelman(pairId, 'stated'))).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });

    // The trio has not moved; the console follows every pair's progress.
    for (const t of trio) {
      await t.conn.sync();
      expect(view(t)!.pair!.steelman).toMatchObject({ at: 0, status: 'state', turns: 4 });
    }
    await w.console.conn.until(() => presenter(w.console)?.pairing?.done === 1, WAIT_MS);
    const progress = presenter(w.console)!.pairing!.pairs.map((p) => ({ trio: p.trio, status: p.progress?.status, tries: p.progress?.tries }));
    expect(progress.sort((x, y) => Number(x.trio) - Number(y.trio))).toEqual([
      { trio: false, status: 'done', tries: 3 },
      { trio: true, status: 'state', tries: 0 },
    ]);
  });

  it("a pair's conversation and notes are seen by that pair only", async () => {
    const { w, people, a, b, trio, pairId } = await pairedRoom();
    await phase(w, people, 'steelman');
    const summary = 'Being seen is how small teams get budget';
    const note = 'Credit can be a way to protect the team, not just yourself';
    expect(await a.conn.submit('adv', { op: 'steelman', pairId, step: 'stated', text: summary })).toMatchObject({ ok: true });
    expect(await b.conn.submit('adv', { op: 'learned', text: note })).toMatchObject({ ok: true });
    await a.conn.until(() => view(a)?.pair?.partners[0]?.learned === note, WAIT_MS);
    expect(view(a)!.pair!.steelman.statedText).toBe(summary);
    await b.conn.until(() => view(b)?.pair?.steelman.statedText === summary, WAIT_MS);

    // The trio, the console and the projector never see it.
    await w.console.conn.until(() => presenter(w.console)?.pairing?.notes === 1, WAIT_MS);
    const display = w.connect(w.displayToken);
    await welcomed(display.conn);
    for (const s of [...trio, w.console, display]) {
      await s.conn.sync();
      const seen = JSON.stringify(s.conn.state);
      expect(seen).not.toContain(note);
      expect(seen).not.toContain(summary);
    }
    for (const t of trio) expect(view(t)!.pair!.partners.map((p) => p.id)).not.toContain(a.id);
  });

  it('re-ratings land in the after-distribution; the results show how many moved', async () => {
    const { w, people, byName, display } = await pairedRoom();
    expect(await byName.Ana.conn.submit('adv', { op: 'rerate', statementId: 'credit', value: 3 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await phase(w, people, 'steelman');

    // Ana 1 → 3, Ben 7 → 6, Chloé stays at 2, Dev 6 → 4; Eun does not re-rate.
    const after: Partial<Record<Name, number>> = { Ana: 3, Ben: 6, Chloé: 2, Dev: 4 };
    for (const [name, value] of Object.entries(after)) {
      expect(await byName[name as Name].conn.submit('adv', { op: 'rerate', statementId: 'credit', value })).toMatchObject({ ok: true });
    }
    expect(view(byName.Ana)!.statements[0]).toMatchObject({ id: 'credit', before: 1, after: 3 });

    // The console sees the re-ratings as they come; the projector keeps them for the results.
    await w.console.conn.until(() => presenter(w.console)?.rerated === 4, WAIT_MS);
    const credit = presenter(w.console)!.statements.find((s) => s.id === 'credit')!;
    expect(credit.after).toEqual({ answered: 4, counts: [0, 1, 1, 1, 0, 1, 0], mean: 15 / 4 });
    expect(credit.movement).toEqual({ compared: 4, moved: 3, meanShift: 5 / 4, movedShift: 5 / 3, meanNet: -1 / 4 });
    await display.conn.until(() => presenter(display)?.rerated === 4, WAIT_MS);
    expect(presenter(display)!.statements[0]!.after.counts).toBeNull();

    // Results: the projector and the phones show before and after, and how many moved.
    await phase(w, people, 'results');
    await display.conn.until(() => presenter(display)?.phase === 'results' && presenter(display)?.statements[0]?.movement != null, WAIT_MS);
    const shown = presenter(display)!.statements[0]!;
    expect(shown.before.counts).toEqual([1, 1, 0, 1, 0, 1, 1]);
    expect(shown.after.counts).toEqual([0, 1, 1, 1, 0, 1, 0]);
    expect(shown.movement?.moved).toBe(3);
    await byName.Eun.conn.until((s) => (s.activity?.room as AdversariesRoomView | undefined)?.statements[0]?.movement?.moved === 3, WAIT_MS);

    // Eun can still re-rate at the results, and the room's picture follows.
    expect(await byName.Eun.conn.submit('adv', { op: 'rerate', statementId: 'credit', value: 5 })).toMatchObject({ ok: true });
    await w.console.conn.until(() => presenter(w.console)?.statements[0]?.movement?.moved === 4, WAIT_MS);
  });
});
