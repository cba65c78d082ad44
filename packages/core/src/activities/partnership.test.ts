import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCounters, counterDelta, type Counters, type RosterMember } from '../activity.js';
import { roundStats, type Round } from '../grouping.js';
import {
  carryPartnershipGroupIds,
  partnershipCurrentGroups,
  partnershipGroupOf,
  partnershipGroupScope,
  initialPartnershipShared,
  normalizePartnershipNote,
  partnership,
  partnershipContribution,
  partnershipNudgeView,
  partnershipPresenterView,
  reducePartnership,
  PartnershipAction,
  PartnershipConfig,
  PartnershipInput,
  type PartnershipConsoleView,
  type PartnershipDisplayView,
  type PartnershipParticipantView,
  type PartnershipRecord,
  type PartnershipShared,
} from './partnership.js';
import { previewAndStored, submitted } from './preview.testing.js';

const config = PartnershipConfig.parse({});
const T0 = Date.UTC(2030, 4, 14, 9, 0, 0); // 14 May 2030, 09:00 UTC
const MIN = 60_000;
const input = partnership.input!;
const act = partnership.shared!.act;

const member = (id: string, department: string | null, nickname = id.toUpperCase()): RosterMember => ({ id, nickname, department, level: null });
/** six people from three departments, in join order */
const six = [
  member('ana', 'Sales'),
  member('ben', 'Sales'),
  member('cai', 'Finance'),
  member('dee', 'Finance'),
  member('eli', 'Product'),
  member('fay', 'Product'),
];

function run(
  shared: PartnershipShared,
  action: PartnershipAction,
  roster: RosterMember[] = six,
  opts: { now?: number; seed?: number; cfg?: PartnershipConfig } = {},
): PartnershipShared {
  const r = act(shared, PartnershipAction.parse(action), {
    config: opts.cfg ?? config,
    phase: 'meet',
    now: opts.now ?? T0,
    seed: opts.seed ?? 12345,
    roster,
    records: [],
  });
  if (!r.ok) throw new Error(r.error);
  return r.value;
}
function refusal(shared: PartnershipShared, action: PartnershipAction, roster: RosterMember[] = six, cfg = config): string {
  const r = act(shared, action, { config: cfg, phase: 'meet', now: T0, seed: 1, roster, records: [] });
  if (r.ok) throw new Error('expected a refusal');
  return r.error;
}

const rounds = (s: PartnershipShared): Round[] => s.rounds.map((r) => r.groups.map((g) => g.members));
const deptOf = (roster: RosterMember[]) => new Map(roster.map((p) => [p.id, p.department]));

/** A fixed round: group 1 = ana, cai, eli; group 2 = ben, dee. */
function sharedWithGroups(): PartnershipShared {
  return {
    ...initialPartnershipShared(),
    seed: 7,
    round: 1,
    rounds: [
      {
        groups: [
          { id: '1', members: ['ana', 'cai', 'eli'] },
          { id: '2', members: ['ben', 'dee'] },
        ],
      },
    ],
    names: Object.fromEntries(six.map((p) => [p.id, { nickname: p.nickname, department: p.department }])),
    prompt: { index: 0, timer: { status: 'running', durationMs: 4 * MIN, endsAt: T0 + 4 * MIN } },
  };
}

function apply(rec: PartnershipRecord, who: string, ...inputs: PartnershipInput[]): PartnershipRecord {
  for (const i of inputs) {
    const r = input.reduce(rec, PartnershipInput.parse(i), { config, phase: 'meet', now: T0, participantId: who, shared: sharedWithGroups() });
    if (!r.ok) throw new Error(r.error);
    rec = r.value;
  }
  return rec;
}
function reduceError(rec: PartnershipRecord, who: string, i: PartnershipInput, now = T0): string {
  const r = input.reduce(rec, i, { config, phase: 'meet', now, participantId: who, shared: sharedWithGroups() });
  if (r.ok) throw new Error('expected a refusal');
  return r.error;
}
const g1 = () => input.initial(partnershipGroupScope(1, '1'));

describe('the meeting agenda', () => {
  it('comes with five timed questions, pairs and two rounds', () => {
    expect(config.groupSize).toBe(2);
    expect(config.rounds).toBe(2);
    expect(config.prompts.map((p) => p.id)).toEqual(['purpose', 'working', 'not-working', 'offer', 'next-steps']);
    for (const p of config.prompts) expect(p.minutes).toBeGreaterThanOrEqual(3);
    expect(partnership.defaultConfig()).toEqual(config);
  });

  it('refuses group sizes outside 2–4, more than six rounds and two questions with the same id', () => {
    expect(PartnershipConfig.safeParse({ groupSize: 5 }).success).toBe(false);
    expect(PartnershipConfig.safeParse({ groupSize: 1 }).success).toBe(false);
    expect(PartnershipConfig.safeParse({ rounds: 7 }).success).toBe(false);
    const p = { id: 'same', title: 'Q', minutes: 3 };
    expect(PartnershipConfig.safeParse({ prompts: [p, p] }).success).toBe(false);
    expect(PartnershipConfig.parse({ groupSize: 3, prompts: [p] }).prompts).toEqual([{ ...p, hint: '' }]);
  });
});

describe('a group writes notes together', () => {
  it('any member adds, rewords and removes notes under each question', () => {
    let rec = apply(g1(), 'ana', { op: 'add-note', promptId: 'purpose', id: 'note-a1', text: 'Both of us want fewer  late\u0000 surprises' });
    rec = apply(rec, 'cai', { op: 'add-note', promptId: 'working', id: 'note-c1', text: 'Monthly planning call' });
    expect(rec.notes.map((n) => [n.id, n.promptId, n.by, n.text])).toEqual([
      ['note-a1', 'purpose', 'ana', 'Both of us want fewer late surprises'],
      ['note-c1', 'working', 'cai', 'Monthly planning call'],
    ]);
    rec = apply(rec, 'eli', { op: 'edit-note', id: 'note-a1', text: 'We both want fewer late surprises' });
    expect(rec.notes[0]).toMatchObject({ text: 'We both want fewer late surprises', by: 'ana', editedBy: 'eli', editedAt: T0 });
    rec = apply(rec, 'ana', { op: 'remove-note', id: 'note-c1' });
    expect(rec.notes.map((n) => n.id)).toEqual(['note-a1']);
  });

  it('caps a note and keeps line breaks; refuses blank notes and unknown questions', () => {
    const rec = apply(g1(), 'ana', { op: 'add-note', promptId: 'offer', id: 'note-a1', text: `line one\nline two ${'x'.repeat(500)}` });
    expect(rec.notes[0]!.text.startsWith('line one\nline two')).toBe(true);
    expect([...rec.notes[0]!.text].length).toBe(280);
    expect(reduceError(g1(), 'ana', { op: 'add-note', promptId: 'offer', id: 'note-a2', text: '  \u200B ' })).toBe('A note needs some text.');
    expect(reduceError(g1(), 'ana', { op: 'add-note', promptId: 'gossip', id: 'note-a2', text: 'x' })).toBe('That question is not part of this meeting.');
    expect(reduceError(rec, 'ana', { op: 'edit-note', id: 'note-a1', text: ' ' })).toMatch(/remove it/);
  });

  it('replays change nothing, and changes to items that are gone change nothing', () => {
    const add: PartnershipInput = { op: 'add-note', promptId: 'purpose', id: 'note-a1', text: 'shared goal' };
    const once = apply(g1(), 'ana', add, { op: 'edit-note', id: 'note-a1', text: 'our shared goal' });
    expect(apply(once, 'ana', add, { op: 'edit-note', id: 'note-a1', text: 'our shared goal' })).toBe(once);
    // a different text under an existing id is still the same note: the first write stands
    expect(apply(once, 'cai', { ...add, text: 'something else' })).toBe(once);
    expect(
      apply(once, 'cai', { op: 'remove-note', id: 'never-was' }, { op: 'remove-action', id: 'never-was' }, { op: 'edit-note', id: 'never-was', text: 'x' }),
    ).toBe(once);
  });
});

describe('a group records the actions it agrees on', () => {
  const put = (over: Partial<Extract<PartnershipInput, { op: 'put-action' }>> = {}): PartnershipInput => ({
    op: 'put-action',
    id: 'act-0001',
    text: 'Share the release calendar with Finance',
    owner: 'cai',
    due: '2030-05-31',
    ...over,
  });

  it('each with an owner from the group and a date; an action can be reworded, reassigned and dropped', () => {
    let rec = apply(g1(), 'ana', put());
    expect(rec.actions).toEqual([{ id: 'act-0001', text: 'Share the release calendar with Finance', owner: 'cai', due: '2030-05-31', by: 'ana', at: T0 }]);
    rec = apply(rec, 'eli', put({ owner: 'eli', due: '2030-06-15' }));
    expect(rec.actions).toEqual([expect.objectContaining({ owner: 'eli', due: '2030-06-15', by: 'eli' })]);
    expect(apply(rec, 'eli', put({ owner: 'eli', due: '2030-06-15' }))).toBe(rec); // replay
    rec = apply(rec, 'cai', { op: 'remove-action', id: 'act-0001' });
    expect(rec.actions).toEqual([]);
  });

  it('refuses an owner from outside the group', () => {
    expect(reduceError(g1(), 'ana', put({ owner: 'ben' }))).toBe('The owner must be someone in your group.');
    expect(reduceError(g1(), 'ana', put({ owner: 'nobody' }))).toBe('The owner must be someone in your group.');
  });

  it('refuses dates that are not on the calendar, in the past or years away', () => {
    for (const due of ['2030-02-30', '31/05/2030', '2030-5-31', 'tomorrow']) expect(PartnershipInput.safeParse(put({ due })).success).toBe(false);
    expect(reduceError(g1(), 'ana', put({ due: '2030-05-01' }))).toBe('Pick a date from today on.');
    expect(reduceError(g1(), 'ana', put({ due: '2034-01-01' }))).toBe('Pick a date within the next three years.');
    // today and yesterday (UTC) pass: somewhere on Earth it is still that day
    expect(apply(g1(), 'ana', put({ due: '2030-05-13' })).actions).toHaveLength(1);
    expect(apply(g1(), 'ana', put({ due: '2030-05-14' })).actions).toHaveLength(1);
  });

  it('refuses a blank action', () => {
    expect(reduceError(g1(), 'ana', put({ text: '   ' }))).toMatch(/^Say what will be done/);
  });
});

describe('which record an answer writes and who sees it', () => {
  const scope = input.scope!;
  const some: PartnershipInput = { op: 'remove-note', id: 'x' };

  it('a participant writes into their current group only, whatever they send', () => {
    expect(scope(some, { config, participantId: 'ana', shared: initialPartnershipShared() })).toEqual({
      ok: false,
      error: expect.stringContaining('not formed yet'),
    });
    const s = sharedWithGroups();
    expect(scope(some, { config, participantId: 'ana', shared: s })).toEqual({ ok: true, value: 'g:1:1' });
    expect(scope(some, { config, participantId: 'dee', shared: s })).toEqual({ ok: true, value: 'g:1:2' });
    expect(scope(some, { config, participantId: 'fay', shared: s })).toEqual({ ok: false, error: expect.stringContaining('not in a group yet') });
  });

  it('a change reaches every member of that group; each member reads their groups of this and earlier rounds', () => {
    const s = sharedWithGroups();
    expect(partnership.audience!('g:1:1', s, config)).toEqual(['ana', 'cai', 'eli']);
    expect(partnership.audience!('g:9:1', s, config)).toEqual([]);
    expect(partnership.audience!('p:ana', s, config)).toEqual([]);
    expect(partnership.readScopes!('ben', s, config)).toEqual(['g:1:2']);
    expect(partnership.readScopes!('fay', s, config)).toEqual([]);
    const two: PartnershipShared = {
      ...s,
      round: 2,
      rounds: [
        ...s.rounds,
        {
          groups: [
            { id: '1', members: ['ana', 'dee'] },
            { id: '2', members: ['ben', 'cai', 'eli'] },
          ],
        },
      ],
    };
    expect(partnership.readScopes!('ana', two, config)).toEqual(['g:1:1', 'g:2:1']);
  });
});

describe('the facilitator forms the rounds', () => {
  it('round 1 mixes departments; round 2 gives everyone new partners; the stored seed replays both', () => {
    const one = run(initialPartnershipShared(), { type: 'start-round' }, six, { seed: 99 });
    expect(one.seed).toBe(99);
    expect(one.round).toBe(1);
    const r1 = partnershipCurrentGroups(one);
    expect(r1.map((g) => g.id)).toEqual(['1', '2', '3']);
    expect(r1.every((g) => g.members.length === 2)).toBe(true);
    const people = six.map((p) => ({ id: p.id, department: p.department }));
    expect(roundStats(rounds(one)[0]!, people, []).sameDepartmentPairs).toBe(0);
    expect(one.names.cai).toEqual({ nickname: 'CAI', department: 'Finance' });

    const two = run(one, { type: 'start-round' }, six, { seed: 4242 }); // a fresh server seed is ignored: the stored one is used
    expect(two.seed).toBe(99);
    expect(two.round).toBe(2);
    const stats = roundStats(rounds(two)[1]!, people, rounds(two).slice(0, 1));
    expect(stats.repeatedPairs).toBe(0);
    expect(stats.sameDepartmentPairs).toBe(0);

    // replay from the stored state: the same rounds
    expect(run(run(initialPartnershipShared(), { type: 'start-round' }, six, { seed: 99 }), { type: 'start-round' }, six, { seed: 1 }).rounds).toEqual(
      two.rounds,
    );
    expect(refusal(two, { type: 'start-round' })).toBe('All 2 rounds have been played.');
  });

  it('groups of three over three rounds: nobody meets twice, departments spread', () => {
    const cfg = PartnershipConfig.parse({ groupSize: 3, rounds: 3 });
    const roster = Array.from({ length: 12 }, (_, i) => member(`p${String(i).padStart(2, '0')}`, ['Ops', 'Sales', 'Tech', 'HR'][i % 4]!));
    let s = initialPartnershipShared();
    for (let k = 0; k < 3; k++) s = run(s, { type: 'start-round' }, roster, { cfg, seed: 5 });
    const people = roster.map((p) => ({ id: p.id, department: p.department }));
    const rs = rounds(s);
    rs.forEach((round, k) => {
      expect(round.flat().sort()).toEqual(roster.map((p) => p.id));
      const st = roundStats(round, people, rs.slice(0, k));
      expect(st.repeatedPairs).toBe(0);
      expect(st.sameDepartmentPairs).toBe(0);
    });
  });

  it('needs at least two people', () => {
    expect(refusal(initialPartnershipShared(), { type: 'start-round' }, [six[0]!])).toBe('At least two participants are needed to form groups.');
  });

  it('a late joiner joins one group; nobody else moves, and group ids stay', () => {
    const one = run(initialPartnershipShared(), { type: 'start-round' });
    const late = [...six, member('gus', 'Sales'), member('hal', 'Legal')];
    const placed = run(one, { type: 'place-late' }, late);
    const before = partnershipCurrentGroups(one);
    const after = partnershipCurrentGroups(placed);
    expect(after.map((g) => g.id)).toEqual(before.map((g) => g.id));
    after.forEach((g, i) => expect(g.members.slice(0, before[i]!.members.length)).toEqual(before[i]!.members));
    const grown = after.filter((g, i) => g.members.length > before[i]!.members.length);
    expect(grown.map((g) => g.members.length)).toEqual([3, 3]); // two pairs became trios
    expect(grown.flatMap((g) => g.members.slice(2)).sort()).toEqual(['gus', 'hal']);
    // gus (Sales) did not land with a Sales colleague
    const withGus = partnershipGroupOf(placed, 'gus')!;
    expect(withGus.members.filter((id) => deptOf(late).get(id) === 'Sales')).toEqual(['gus']);
    expect(placed.names.hal).toEqual({ nickname: 'HAL', department: 'Legal' });
    // nobody waiting: unchanged; and it is safe to repeat
    expect(run(placed, { type: 'place-late' }, late)).toBe(placed);
    expect(refusal(initialPartnershipShared(), { type: 'place-late' })).toMatch(/^Start a round first/);
  });

  it('someone who leaves only changes their own group; they are not grouped again until placed by name', () => {
    const one = run(initialPartnershipShared(), { type: 'start-round' });
    const leaver = partnershipCurrentGroups(one)[0]!.members[0]!;
    const partner = partnershipCurrentGroups(one)[0]!.members[1]!;
    const out = run(one, { type: 'remove-member', participantId: leaver });
    expect(out.away).toEqual([leaver]);
    const groups = partnershipCurrentGroups(out);
    expect(groups).toHaveLength(2); // the partner left alone joined another pair
    expect(groups.flatMap((g) => g.members).sort()).toEqual(
      six
        .map((p) => p.id)
        .filter((id) => id !== leaver)
        .sort(),
    );
    const host = partnershipGroupOf(out, partner)!;
    expect(host.members).toHaveLength(3);
    const untouched = partnershipCurrentGroups(one).filter((g) => g.id !== '1' && g.id !== host.id);
    for (const g of untouched) expect(groups.find((x) => x.id === g.id)).toEqual(g);
    expect(run(out, { type: 'remove-member', participantId: leaver }).rounds).toEqual(out.rounds); // retry: no change

    expect(run(out, { type: 'place-late' })).toBe(out); // away: not placed by the sweep
    const back = run(out, { type: 'place-late', participantIds: [leaver] });
    expect(partnershipGroupOf(back, leaver)).toBeDefined();
    expect(back.away).toEqual([]);
    expect(refusal(out, { type: 'place-late', participantIds: ['ghost'] })).toMatch(/not in the room/);

    const cfg = PartnershipConfig.parse({ rounds: 3 });
    const next = run(out, { type: 'start-round' }, six, { cfg });
    expect(partnershipCurrentGroups(next).flatMap((g) => g.members)).not.toContain(leaver);
  });

  it('group ids follow the members when a round changes', () => {
    const before = [
      { id: '1', members: ['a', 'b'] },
      { id: '2', members: ['c', 'd'] },
      { id: '3', members: ['e', 'f'] },
    ];
    expect(
      carryPartnershipGroupIds(before, [
        ['a', 'b'],
        ['c', 'd', 'x'],
        ['e', 'f'],
      ]).map((g) => g.id),
    ).toEqual(['1', '2', '3']);
    expect(
      carryPartnershipGroupIds(before, [
        ['c', 'd', 'b'],
        ['e', 'f'],
      ]).map((g) => g.id),
    ).toEqual(['2', '3']);
    expect(carryPartnershipGroupIds(before, [['a', 'b'], ['c', 'd'], ['e', 'f'], ['x']]).map((g) => g.id)).toEqual(['1', '2', '3', '4']);
  });
});

describe('the questions are timed like the room timer', () => {
  it('each question starts its own deadline; the facilitator can go back, add time, pause and nudge', () => {
    const s = run(initialPartnershipShared(), { type: 'start-round' });
    expect(s.prompt).toEqual({ index: 0, timer: { status: 'running', durationMs: 3 * MIN, endsAt: T0 + 3 * MIN } });
    expect(refusal(s, { type: 'prev-prompt' })).toBe('This is already the first question.');

    const later = T0 + 5 * MIN;
    const s2 = run(s, { type: 'next-prompt' }, six, { now: later });
    expect(s2.prompt).toEqual({ index: 1, timer: { status: 'running', durationMs: 3 * MIN, endsAt: later + 3 * MIN } });
    const s3 = run(s2, { type: 'extend', minutes: 2 }, six, { now: later + MIN });
    expect(s3.prompt.timer).toMatchObject({ status: 'running', endsAt: later + 5 * MIN });
    const paused = run(s3, { type: 'pause' }, six, { now: later + 2 * MIN });
    expect(paused.prompt.timer).toMatchObject({ status: 'paused', remainingMs: 3 * MIN });
    expect(run(paused, { type: 'resume' }, six, { now: later + 10 * MIN }).prompt.timer).toMatchObject({ status: 'running', endsAt: later + 13 * MIN });

    const nudged = run(s3, { type: 'nudge' }, six, { now: later + 3 * MIN });
    expect(nudged.nudge).toEqual({ at: later + 3 * MIN, kind: 'about', minutes: 2 });
    expect(run(s3, { type: 'nudge', text: '  Switch\u202E who talks  ' }).nudge).toEqual({ at: T0, kind: 'text', text: 'Switch who talks' });
    expect(run(nudged, { type: 'next-prompt' }).nudge).toBeNull();

    const last = run(s, { type: 'goto-prompt', index: 4 });
    expect(last.prompt.timer).toMatchObject({ durationMs: 3 * MIN });
    expect(refusal(last, { type: 'next-prompt' })).toBe('This is already the last question.');
    expect(refusal(last, { type: 'goto-prompt', index: 5 })).toBe('This meeting has 5 questions.');
    expect(refusal(initialPartnershipShared(), { type: 'next-prompt' })).toBe('Start a round first.');
    expect(PartnershipAction.safeParse({ type: 'extend', minutes: 0 }).success).toBe(false);
  });

  it('a new round starts again from the first question', () => {
    const s = run(run(run(initialPartnershipShared(), { type: 'start-round' }), { type: 'goto-prompt', index: 3 }), { type: 'start-round' }, six, {
      now: T0 + 30 * MIN,
    });
    expect(s.prompt).toEqual({ index: 0, timer: { status: 'running', durationMs: 3 * MIN, endsAt: T0 + 33 * MIN } });
  });
});

describe('what each screen sees', () => {
  const s = sharedWithGroups();
  const rec1 = apply(
    g1(),
    'ana',
    { op: 'add-note', promptId: 'purpose', id: 'note-a1', text: 'Confidential detail from group one' },
    { op: 'add-note', promptId: 'offer', id: 'note-a2', text: 'We can lend a tester' },
    { op: 'put-action', id: 'act-0001', text: 'Weekly sync', owner: 'cai', due: '2030-06-01' },
  );
  const counters: Counters = addCounters(addCounters({}, partnershipContribution(rec1)), partnershipContribution(input.initial('g:1:2')));
  const viewOf = (pid: string, scoped: Record<string, PartnershipRecord>) =>
    partnership.participantView!({
      config,
      phase: 'meet',
      participantId: pid,
      own: input.initial(`p:${pid}`),
      scoped,
      shared: s,
    }) as PartnershipParticipantView;

  it('a member sees their group with departments, the question and its deadline, notes by question and the actions', () => {
    const v = viewOf('cai', { 'g:1:1': rec1 });
    expect(v.group).toEqual({
      id: '1',
      members: [
        { id: 'ana', nickname: 'ANA', department: 'Sales' },
        { id: 'cai', nickname: 'CAI', department: 'Finance' },
        { id: 'eli', nickname: 'ELI', department: 'Product' },
      ],
    });
    expect(v.waiting).toBe(false);
    expect(v.prompt).toMatchObject({ index: 0, count: 5, id: 'purpose', timer: { status: 'running', endsAt: T0 + 4 * MIN } });
    expect(Object.keys(v.notes)).toEqual(config.prompts.map((p) => p.id));
    expect(v.notes.offer).toEqual([{ id: 'note-a2', promptId: 'offer', text: 'We can lend a tester', by: 'ana', author: 'ANA', at: T0, edited: false }]);
    expect(v.actions).toEqual([expect.objectContaining({ text: 'Weekly sync', owner: 'cai', ownerName: 'CAI', due: '2030-06-01' })]);
  });

  it('someone not placed yet is told to wait; before the first round nobody waits', () => {
    expect(viewOf('fay', {})).toMatchObject({ group: null, waiting: true, actions: [] });
    const before = partnership.participantView!({
      config,
      phase: 'meet',
      participantId: 'fay',
      own: input.initial('p:fay'),
      scoped: {},
      shared: initialPartnershipShared(),
    }) as PartnershipParticipantView;
    expect(before).toMatchObject({ round: 0, group: null, waiting: false, prompt: null });
  });

  it('in round 2 a member still sees the notes and actions of their round-1 group', () => {
    const two: PartnershipShared = { ...s, round: 2, rounds: [...s.rounds, { groups: [{ id: '1', members: ['cai', 'dee'] }] }] };
    const v = partnership.participantView!({
      config,
      phase: 'meet',
      participantId: 'cai',
      own: input.initial('p:cai'),
      scoped: { 'g:1:1': rec1, 'g:2:1': input.initial('g:2:1') },
      shared: two,
    }) as PartnershipParticipantView;
    expect(v.group?.members.map((m) => m.id)).toEqual(['cai', 'dee']);
    expect(v.notes.purpose).toEqual([]);
    expect(v.earlier).toEqual([
      {
        round: 1,
        group: expect.objectContaining({ id: '1' }),
        notes: expect.objectContaining({
          purpose: [expect.objectContaining({ text: 'Confidential detail from group one', author: 'ANA' })],
          offer: [expect.objectContaining({ text: 'We can lend a tester' })],
          'not-working': [],
        }),
        actions: [expect.objectContaining({ text: 'Weekly sync' })],
      },
    ]);
  });

  it('the console sees every group with its progress per question', () => {
    const v = partnership.presenterView!({ config, phase: 'meet', audience: 'console', counters, participants: 6, shared: s }) as PartnershipConsoleView;
    expect(v.groups).toEqual([
      { id: '1', members: expect.any(Array), notes: { purpose: 1, working: 0, 'not-working': 0, offer: 1, 'next-steps': 0 }, notesTotal: 2, actions: 1 },
      {
        id: '2',
        members: [expect.objectContaining({ nickname: 'BEN' }), expect.objectContaining({ nickname: 'DEE' })],
        notes: { purpose: 0, working: 0, 'not-working': 0, offer: 0, 'next-steps': 0 },
        notesTotal: 0,
        actions: 0,
      },
    ]);
    expect(v).toMatchObject({ placed: 5, notPlaced: 1, totals: { notes: 2, actions: 1, groupsWriting: 1 }, canStartRound: true });
    expect(v.mix).toMatchObject({ pairs: 4, sameDepartmentPairs: 0, repeatedPairs: 0, mixScore: 1 });
  });

  it('the display shows who is with whom and the deadline, never what the groups wrote', () => {
    const v = partnership.presenterView!({ config, phase: 'meet', audience: 'display', counters, participants: 6, shared: s }) as PartnershipDisplayView;
    expect(v.groups).toEqual([
      {
        id: '1',
        members: [
          { nickname: 'ANA', department: 'Sales' },
          { nickname: 'CAI', department: 'Finance' },
          { nickname: 'ELI', department: 'Product' },
        ],
      },
      {
        id: '2',
        members: [
          { nickname: 'BEN', department: 'Sales' },
          { nickname: 'DEE', department: 'Finance' },
        ],
      },
    ]);
    expect(v.prompt).toMatchObject({ title: config.prompts[0]!.title, timer: { endsAt: T0 + 4 * MIN } });
    const json = JSON.stringify(v);
    expect(json).not.toContain('Confidential');
    expect(json).not.toContain('Weekly sync');
    expect(v.totals).toEqual({ conversations: 2, actions: 1, notes: 2 });
  });
});

describe('concurrent writers never lose a note', () => {
  type Op =
    | { who: number; kind: 'add'; key: number; prompt: number; text: string }
    | { who: number; kind: 'edit'; key: string; text: string }
    | { who: number; kind: 'remove'; key: string };
  const members = ['ana', 'cai', 'eli'];
  const promptIds = config.prompts.map((p) => p.id);
  const noteId = (who: number, key: number) => `n-${members[who]}-${key}`;

  // Each member makes their own ids (like the client does); edits and removes target any member's notes.
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        who: fc.integer({ min: 0, max: 2 }),
        kind: fc.constant('add' as const),
        key: fc.integer({ min: 0, max: 5 }),
        prompt: fc.integer({ min: 0, max: 4 }),
        text: fc.string({ minLength: 1, maxLength: 8 }).map((t) => `t${t}`),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        who: fc.integer({ min: 0, max: 2 }),
        kind: fc.constant('edit' as const),
        key: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 5 })).map(([w, k]) => noteId(w, k)),
        text: fc.string({ minLength: 1, maxLength: 8 }).map((t) => `e${t}`),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        who: fc.integer({ min: 0, max: 2 }),
        kind: fc.constant('remove' as const),
        key: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 5 })).map(([w, k]) => noteId(w, k)),
      }),
    },
  );
  const toInput = (o: Op): PartnershipInput =>
    o.kind === 'add'
      ? { op: 'add-note', promptId: promptIds[o.prompt]!, id: noteId(o.who, o.key), text: o.text }
      : o.kind === 'edit'
        ? { op: 'edit-note', id: o.key, text: o.text }
        : { op: 'remove-note', id: o.key };

  // The operations of several members, applied in any order (the server serializes them), some replayed.
  const scenario = fc
    .array(opArb, { maxLength: 60 })
    .chain((ops) =>
      fc.tuple(
        fc.constant(ops),
        fc.shuffledSubarray(ops, { minLength: ops.length, maxLength: ops.length }),
        fc.array(fc.nat({ max: Math.max(0, ops.length - 1) }), { maxLength: ops.length ? 10 : 0 }),
      ),
    );

  it('every added note that nobody removed survives any interleaving; the counters always equal a recount', () => {
    fc.assert(
      fc.property(scenario, ([ops, order, replays]) => {
        const sequence = [...order];
        replays.forEach((i, k) => sequence.splice((i * 7 + k) % (sequence.length + 1), 0, ops[i]!));
        let rec = g1();
        const running: Counters = {};
        const model = new Map<string, { prompt: string; text: string }>(); // set semantics, last edit wins
        for (const o of sequence) {
          const i = toInput(o);
          const r = input.reduce(rec, i, { config, phase: 'meet', now: T0, participantId: members[o.who]!, shared: sharedWithGroups() });
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          addCounters(running, counterDelta(partnershipContribution(rec), partnershipContribution(r.value)));
          rec = r.value;
          if (i.op === 'add-note' && !model.has(i.id)) model.set(i.id, { prompt: i.promptId, text: normalizePartnershipNote(i.text) });
          if (i.op === 'edit-note' && model.has(i.id)) model.set(i.id, { ...model.get(i.id)!, text: normalizePartnershipNote(i.text) });
          if (i.op === 'remove-note') model.delete(i.id);
        }
        const ids = new Set(rec.notes.map((n) => n.id));
        const removed = new Set(ops.filter((o) => o.kind === 'remove').map((o) => o.key as string));
        for (const o of ops) if (o.kind === 'add' && !removed.has(noteId(o.who, o.key))) expect(ids.has(noteId(o.who, o.key))).toBe(true);
        expect(ids.size).toBe(rec.notes.length); // no duplicates
        expect(new Map(rec.notes.map((n) => [n.id, { prompt: n.promptId, text: n.text }]))).toEqual(model);

        const recount: Counters = {};
        for (const n of rec.notes) {
          addCounters(recount, { [`g:1:1:notes:${n.promptId}`]: 1, [`notes:${n.promptId}`]: 1, notes: 1 });
        }
        if (rec.notes.length > 0) recount['round:1:writing'] = 1;
        expect(running).toEqual(recount);
        expect(partnershipContribution(rec)).toEqual(recount);
      }),
      { numRuns: 300 },
    );
  });
});

describe('a nudge is a kind each screen words in its language, or the facilitator’s own words', () => {
  const s = run(initialPartnershipShared(), { type: 'start-round' }); // the first question runs T0 … T0 + 3 min
  const nudge = (action: PartnershipAction, now: number, shared = s) => run(shared, action, six, { now }).nudge;

  it('made from the countdown: about how many minutes are left, one minute, time is up, not running', () => {
    expect(nudge({ type: 'nudge' }, T0 + 30_000)).toEqual({ at: T0 + 30_000, kind: 'about', minutes: 3 });
    expect(nudge({ type: 'nudge' }, T0 + 2 * MIN + 1)).toEqual({ at: T0 + 2 * MIN + 1, kind: 'about', minutes: 1 });
    expect(nudge({ type: 'nudge' }, T0 + 3 * MIN)).toEqual({ at: T0 + 3 * MIN, kind: 'time-up' });
    const paused = run(s, { type: 'pause' }, six, { now: T0 + MIN });
    expect(nudge({ type: 'nudge' }, T0 + 2 * MIN, paused)).toEqual({ at: T0 + 2 * MIN, kind: 'wrap-up' });
  });

  it('the console’s quick nudge sends its minutes; typed words stay as typed; an empty text is refused', () => {
    expect(nudge({ type: 'nudge', minutes: 2 }, T0 + MIN)).toEqual({ at: T0 + MIN, kind: 'left', minutes: 2 });
    expect(nudge({ type: 'nudge', text: 'Swap who talks', minutes: 2 }, T0 + MIN)).toEqual({ at: T0 + MIN, kind: 'text', text: 'Swap who talks' });
    expect(refusal(s, { type: 'nudge', text: ' \u200b ' })).toBe('Write a message, or send the nudge without one.');
    expect(PartnershipAction.safeParse({ type: 'nudge', minutes: 0 }).success).toBe(false);
  });

  it('every screen gets the nudge with its kind; one stored as text before kinds existed reads as text', () => {
    const legacy = { ...s, nudge: { at: T0, text: '2 minutes left' } } as unknown as PartnershipShared;
    expect(partnershipNudgeView(legacy.nudge)).toEqual({ at: T0, kind: 'text', text: '2 minutes left' });
    const placed = partnershipCurrentGroups(legacy)[0]!.members[0]!;
    const phone = partnership.participantView!({
      config,
      phase: 'meet',
      participantId: placed,
      own: input.initial(`p:${placed}`),
      scoped: {},
      shared: legacy,
    }) as PartnershipParticipantView;
    expect(phone.nudge).toEqual({ at: T0, kind: 'text', text: '2 minutes left' });
    const ctx = { config, phase: 'meet', participants: 6, counters: {}, shared: legacy };
    expect(partnershipPresenterView({ ...ctx, audience: 'display' }).nudge).toEqual({ at: T0, kind: 'text', text: '2 minutes left' });
    expect(partnershipPresenterView({ ...ctx, audience: 'console' }).nudge).toEqual({ at: T0, kind: 'text', text: '2 minutes left' });
  });
});

describe('someone whose data is gone has no name on the screens (each words "Someone who left")', () => {
  it('their member entry, notes and actions carry null where the name was', () => {
    const s = run(initialPartnershipShared(), { type: 'start-round' });
    const group = partnershipCurrentGroups(s)[0]!;
    const [me, gone] = group.members as [string, string];
    const write = (rec: PartnershipRecord, change: PartnershipInput, by: string) => {
      const r = reducePartnership(rec, change, { config, participantId: by, now: T0, members: group.members });
      if (!r.ok) throw new Error(r.error);
      return r.value;
    };
    let rec = input.initial(partnershipGroupScope(1, group.id)) as PartnershipRecord;
    rec = write(rec, { op: 'add-note', promptId: 'purpose', id: 'note-g1', text: 'Shared goals' }, gone);
    rec = write(rec, { op: 'put-action', id: 'act-g001', text: 'Call weekly', owner: gone, due: '2030-06-01' }, me);
    const shared = { ...s, names: Object.fromEntries(Object.entries(s.names).filter(([id]) => id !== gone)) };
    const v = partnership.participantView!({
      config,
      phase: 'meet',
      participantId: me,
      own: input.initial(`p:${me}`),
      scoped: { [partnershipGroupScope(1, group.id)]: rec },
      shared,
    }) as PartnershipParticipantView;
    expect(v.group!.members.find((m) => m.id === gone)).toEqual({ id: gone, nickname: null, department: null });
    expect(v.notes.purpose).toEqual([expect.objectContaining({ by: gone, author: null })]);
    expect(v.actions).toEqual([expect.objectContaining({ owner: gone, ownerName: null })]);
    const display = partnershipPresenterView({ config, phase: 'meet', participants: 6, counters: {}, shared, audience: 'display' }) as PartnershipDisplayView;
    expect(display.groups.find((g) => g.id === group.id)!.members).toContainEqual({ nickname: null, department: null });
    expect(JSON.stringify(v)).not.toContain('Someone who left');
  });
});

describe('the phone’s preview of changes still on their way', () => {
  const noteId = fc.integer({ min: 0, max: 4 }).map((i) => `note-${i}`);
  const actionId = fc.integer({ min: 0, max: 3 }).map((i) => `act-${i}0`);
  const text = fc.constantFrom('  Our  release calendar ', 'Share the roadmap\nmonthly', '', '\u200b\u200b', 'Pair on the next launch', 'x'.repeat(4100));
  const change: fc.Arbitrary<unknown> = fc.oneof(
    fc.record({ op: fc.constant('add-note'), promptId: fc.constantFrom(...config.prompts.map((p) => p.id), 'nope'), id: noteId, text }),
    fc.record({ op: fc.constant('edit-note'), id: noteId, text }),
    fc.record({ op: fc.constant('remove-note'), id: noteId }),
    fc.record({
      op: fc.constant('put-action'),
      id: actionId,
      text,
      owner: fc.constantFrom('ana', 'cai', 'eli', 'ben'),
      due: fc.constantFrom('2030-05-14', '2030-05-10', '2030-07-01', '2040-01-01', '2030-02-30'),
    }),
    fc.record({ op: fc.constant('remove-action'), id: actionId }),
  );
  const writer = fc.constantFrom('ana', 'cai', 'eli');

  it('shows the group’s notes and actions the server sends back once they are stored (refusals change nothing)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(writer, change), { maxLength: 10 }),
        fc.array(change, { maxLength: 10 }),
        fc.constantFrom('ana', 'eli', 'fay'),
        fc.constantFrom('meet', 'wrap-up'),
        fc.boolean(),
        (saved, pending, me, phase, eliForgotten) => {
          const shared = sharedWithGroups();
          if (eliForgotten) delete shared.names.eli; // eli deleted their data: their notes are "Someone who left"'s
          let records: Record<string, unknown> = {};
          const situation = { type: 'partnership' as const, config, phase, shared, now: T0 + 3 * MIN, records };
          for (const [who, c] of saved) records = submitted({ ...situation, participantId: who, records }, [c]);
          const { preview, stored } = previewAndStored({ ...situation, participantId: me, records }, pending);
          expect(preview).toEqual(stored);
        },
      ),
    );
  });
});
