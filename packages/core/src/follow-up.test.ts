import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RINGS, SECTORS, TAGS, type MapEntry } from './activities/mental-map.js';
import {
  applyCheckIn,
  applyPlanEdit,
  checkInSchedule,
  CheckInSchema,
  commitmentHistory,
  currentMap,
  currentRatings,
  emptyFollowUp,
  FollowUpSettingsSchema,
  impactData,
  ImpactDataSchema,
  impactFigures,
  impactSections,
  keptBasis,
  nextCheckIn,
  openCheckIn,
  PlanEditSchema,
  planBasis,
  roomMinGroupSize,
  WEEK_MS,
  type CheckIn,
  type PersonFollowUp,
  type PlanBasis,
} from './follow-up.js';
import { NewRoomSchema, validateAgenda, type Step } from './room.js';

const ENDED = Date.UTC(2026, 11, 3, 16);
const label = { iv: 'AAAAAAAAAAAAAAAA', ct: 'BBBBBBBBBBBBBBBBBBBBBBBB' };
const entry = (id: string, sector: MapEntry['sector'], ring: MapEntry['ring'], tags: MapEntry['tags'] = []): MapEntry => ({ id, label, sector, ring, tags });
const checkIn = (over: Partial<CheckIn> & { index: number }): CheckIn => CheckInSchema.parse(over);

describe('the follow-up setting', () => {
  it('is off unless the facilitator chooses check-in weeks, which go up', () => {
    expect(NewRoomSchema.parse({ title: 'x', agenda: [{ id: 'a', type: 'slide', title: 'A', config: {} }] }).followUp).toEqual({ weeks: [] });
    expect(FollowUpSettingsSchema.safeParse({ weeks: [2, 6, 12] }).success).toBe(true);
    expect(FollowUpSettingsSchema.safeParse({ weeks: [6, 2] }).success).toBe(false);
    expect(FollowUpSettingsSchema.safeParse({ weeks: [2, 2] }).success).toBe(false);
    expect(FollowUpSettingsSchema.safeParse({ weeks: [0] }).success).toBe(false);
  });

  it('no step may take the id the follow-up keeps its records under', () => {
    const res = validateAgenda([{ id: '~follow-up', type: 'slide', title: 'A', durationSec: 0, config: {} }]);
    expect(res.ok).toBe(false);
  });

  it('dates come from the session’s end; each check-in is open until the next one opens', () => {
    const room = { status: 'closed' as const, closedAt: ENDED, followUp: { weeks: [2, 6, 12] } };
    const schedule = checkInSchedule(room);
    expect(schedule.map((c) => c.due)).toEqual([ENDED + 2 * WEEK_MS, ENDED + 6 * WEEK_MS, ENDED + 12 * WEEK_MS]);
    expect(openCheckIn(schedule, ENDED + WEEK_MS)).toBeNull();
    expect(nextCheckIn(schedule, ENDED + WEEK_MS)?.index).toBe(0);
    expect(openCheckIn(schedule, ENDED + 2 * WEEK_MS)?.index).toBe(0);
    expect(openCheckIn(schedule, ENDED + 7 * WEEK_MS)?.index).toBe(1);
    expect(openCheckIn(schedule, ENDED + 90 * 7 * WEEK_MS)?.index).toBe(2);
    expect(checkInSchedule({ ...room, status: 'open', closedAt: null })).toEqual([]);
  });

  it('the room’s minimum group size is the largest any of its steps sets', () => {
    expect(roomMinGroupSize([{ config: { minGroupSize: 2 } }, { config: { minGroupSize: 4 } }, { config: {} }])).toBe(4);
    expect(roomMinGroupSize([{ config: {} }])).toBe(3);
  });
});

const AGENDA: Step[] = [
  { id: 'map', type: 'mental-map', title: 'Map', durationSec: 0, config: { maxEntries: 3, minGroupSize: 3 } },
  {
    id: 'sa',
    type: 'self-assessment',
    title: 'Me',
    durationSec: 0,
    config: { statements: [{ id: 'offer-help', text: 'I offer help.' }], scale: ['1', '2', '3', '4', '5'] },
  },
  { id: 'cm', type: 'commitments', title: 'Next', durationSec: 0, config: {} },
  { id: 'pt', type: 'partnership', title: 'Partners', durationSec: 0, config: {} },
];

function ana(): PlanBasis {
  return planBasis({ agenda: AGENDA, current: 3 }, 'ana', {
    own: {
      map: { entries: [entry('e1abcd', 'above', 'contact', ['uncontacted'])] },
      sa: { ratings: { 'offer-help': 2 } },
      cm: { items: [{ id: 'c1abcd', whom: label, what: label, start: '2026-12-10', cadence: 'monthly' }] },
    },
    shared: {
      // Cleo was in the group too, and has since deleted her data: her name is gone
      pt: { rounds: [{ groups: [{ id: 'g1', members: ['ana', 'ben', 'cleo'] }] }], names: { ana: { nickname: 'Ana' }, ben: { nickname: 'Ben' } } },
    },
    groups: {
      pt: {
        'g:1:g1': {
          actions: [
            { id: 'a1', text: 'Send the draft', owner: 'ana', due: '2026-12-20', by: 'ana', at: 1 },
            { id: 'a2', text: 'Book a room', owner: 'ben', due: '2026-12-21', by: 'ben', at: 1 },
          ],
        },
      },
    },
  });
}

describe('a person’s plan and their check-ins', () => {
  it('the plan gathers their map, commitments, ratings and groups, with the actions they own', () => {
    const b = ana();
    expect(b.map?.entries.map((e) => e.id)).toEqual(['e1abcd']);
    expect(b.commitments.map((c) => [c.id, c.stepId])).toEqual([['c1abcd', 'cm']]);
    expect(b.assessment?.ratings).toEqual({ 'offer-help': 2 });
    expect(b.partnerships).toEqual([
      { id: 'pt:1:g1', stepId: 'pt', stepTitle: 'Partners', round: 1, with: ['Ben', null], actions: [{ id: 'a1', text: 'Send the draft', due: '2026-12-20' }] },
    ]);
  });

  it('a check-in answers the open one only, about their own plan only; answering again replaces it', () => {
    const b = ana();
    const [first, second] = checkInSchedule({ status: 'closed', closedAt: ENDED, followUp: { weeks: [2, 6] } });
    const ctx = { open: first!, basis: b, now: ENDED + 15 * 86_400_000 };
    const answer = checkIn({
      index: 0,
      commitments: [{ id: 'c1abcd', state: 'kept', note: label }],
      map: { put: [entry('e1abcd', 'above', 'ally'), entry('e2abcd', 'outside', 'contact')], remove: [] },
      ratings: { 'offer-help': 4 },
      partnerships: [{ id: 'pt:1:g1', met: true }],
    });
    const saved = applyCheckIn(emptyFollowUp(), answer, ctx);
    expect(saved.ok).toBe(true);
    if (!saved.ok) return;
    expect(saved.value.checkIns).toHaveLength(1);
    expect(applyCheckIn(saved.value, { ...answer, index: 1 }, ctx)).toEqual({ ok: false, error: 'Check-in 2 is not open; check-in 1 is.' });
    expect(applyCheckIn(emptyFollowUp(), answer, { ...ctx, open: null }).ok).toBe(false);
    expect(applyCheckIn(emptyFollowUp(), { ...answer, commitments: [{ id: 'zzzzzz', state: 'kept' }] }, ctx).ok).toBe(false);
    expect(applyCheckIn(emptyFollowUp(), { ...answer, ratings: { other: 3 } }, ctx).ok).toBe(false);
    expect(applyCheckIn(emptyFollowUp(), { ...answer, partnerships: [{ id: 'pt:1:g9', met: true }] }, ctx).ok).toBe(false);
    // the map keeps its limit (3) across the check-ins
    const tooMany = { ...answer, map: { put: ['f1', 'f2', 'f3'].map((id) => entry(`${id}abcd`, 'below', 'contact')), remove: [] } };
    expect(applyCheckIn(emptyFollowUp(), tooMany, ctx)).toEqual({ ok: false, error: 'A map holds at most 3 people.' });
    const again = applyCheckIn(saved.value, { ...answer, commitments: [{ id: 'c1abcd', state: 'not-yet' }] }, ctx);
    expect(again.ok && again.value.checkIns.map((c) => c.commitments[0]?.state)).toEqual(['not-yet']);
    // the next check-in builds on the first
    const later = applyCheckIn(saved.value, checkIn({ index: 1, commitments: [{ id: 'c1abcd', state: 'dropped' }], map: { put: [], remove: ['e2abcd'] } }), {
      ...ctx,
      open: second!,
    });
    expect(later.ok).toBe(true);
    if (!later.ok) return;
    expect(currentMap(b.map!.entries, later.value.checkIns).map((e) => [e.id, e.ring])).toEqual([['e1abcd', 'ally']]);
    expect(currentRatings(b.assessment!.ratings, later.value.checkIns)).toEqual({ 'offer-help': 4 });
    expect(
      commitmentHistory(later.value.checkIns)
        .get('c1abcd')
        ?.map((h) => h.state),
    ).toEqual(['kept', 'dropped']);
  });
});

describe('the plan kept up between check-ins', () => {
  const sealedText = { iv: 'AAAAAAAAAAAAAAAA', ct: 'CCCCCCCCCCCCCCCCCCCCCCCC' };
  const commitment = (id: string) => ({ id, whom: label, what: sealedText, start: '2026-12-20', cadence: 'once' as const });

  it('someone typed as a commitment’s whom joins the map after the session, once, within the map’s limit', () => {
    const b = ana();
    const add = (rec = emptyFollowUp(), id = 'n1abcd') =>
      applyPlanEdit(rec, { op: 'person', entry: entry(id, 'across', 'contact') }, { basis: keptBasis(b, rec), closed: true });
    const one = add();
    expect(one.ok && one.value.people?.map((e) => e.id)).toEqual(['n1abcd']);
    if (!one.ok) return;
    expect(keptBasis(b, one.value).map?.entries.map((e) => e.id)).toEqual(['e1abcd', 'n1abcd']);
    expect(add(one.value)).toEqual({ ok: true, value: one.value }); // a replay changes nothing
    const two = add(one.value, 'n2abcd');
    expect(two.ok).toBe(true);
    if (!two.ok) return;
    expect(add(two.value, 'n3abcd')).toEqual({ ok: false, error: 'A map holds at most 3 people.' });
  });

  it('notes are kept on people of the map only, and emptied notes are forgotten', () => {
    const b = ana();
    const notes = { goals: sealedText, given: sealedText };
    const saved = applyPlanEdit(emptyFollowUp(), { op: 'notes', entryId: 'e1abcd', notes }, { basis: b, closed: false });
    expect(saved.ok && saved.value.notes).toEqual({ e1abcd: notes });
    expect(applyPlanEdit(emptyFollowUp(), { op: 'notes', entryId: 'zzzzzz', notes }, { basis: b, closed: true })).toEqual({
      ok: false,
      error: 'That person is not on your map.',
    });
    if (!saved.ok) return;
    const cleared = applyPlanEdit(saved.value, { op: 'notes', entryId: 'e1abcd', notes: {} }, { basis: b, closed: true });
    expect(cleared.ok && cleared.value.notes).toEqual({});
    expect(PlanEditSchema.safeParse({ op: 'notes', entryId: 'e1abcd', notes: { secret: sealedText } }).success).toBe(false);
  });

  it('after the session a commitment is added or changed by id; during it, the commitments step takes them', () => {
    const b = ana();
    expect(applyPlanEdit(emptyFollowUp(), { op: 'commitment', item: commitment('c2abcd') }, { basis: b, closed: false }).ok).toBe(false);
    const added = applyPlanEdit(emptyFollowUp(), { op: 'commitment', item: commitment('c2abcd') }, { basis: b, closed: true });
    expect(added.ok).toBe(true);
    if (!added.ok) return;
    const changed = applyPlanEdit(
      added.value,
      { op: 'commitment', item: { ...commitment('c1abcd'), cadence: 'weekly' } },
      { basis: keptBasis(b, added.value), closed: true },
    );
    expect(changed.ok).toBe(true);
    if (!changed.ok) return;
    const kept = keptBasis(b, changed.value);
    expect(kept.commitments.map((c) => [c.id, c.stepId, c.cadence])).toEqual([
      ['c1abcd', 'cm', 'weekly'],
      ['c2abcd', '~follow-up', 'once'],
    ]);
    // a check-in may mark the commitment added after the session
    const [first] = checkInSchedule({ status: 'closed', closedAt: ENDED, followUp: { weeks: [2] } });
    const marked = applyCheckIn(changed.value, checkIn({ index: 0, commitments: [{ id: 'c2abcd', state: 'kept' }] }), {
      open: first!,
      basis: kept,
      now: ENDED + 15 * 86_400_000,
    });
    expect(marked.ok && marked.value.commitments?.length).toBe(2);
  });
});

// --- the aggregates --------------------------------------------------------------------------------

const schedule3 = checkInSchedule({ status: 'closed', closedAt: ENDED, followUp: { weeks: [2, 6, 12] } });
const statements = [{ id: 'offer-help', theme: 'Give first', text: 'I offer help.' }];

const entryArb = fc.record({
  id: fc.constantFrom('p1aaaa', 'p2aaaa', 'p3aaaa', 'p4aaaa', 'p5aaaa'),
  sector: fc.constantFrom(...SECTORS),
  ring: fc.constantFrom(...RINGS),
  tags: fc.subarray([...TAGS]),
});
const mapArb = fc.uniqueArray(entryArb, { selector: (e) => e.id, maxLength: 5 });
const personArb: fc.Arbitrary<PersonFollowUp> = fc.record({
  map: mapArb,
  ratings: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }).map((r): Record<string, number> => (r === undefined ? {} : { 'offer-help': r })),
  commitments: fc.nat(3),
  checkIns: fc.uniqueArray(
    fc.record({
      index: fc.integer({ min: 0, max: 2 }),
      commitments: fc.array(
        fc.record({ id: fc.constantFrom('c1aaaa', 'c2aaaa', 'c3aaaa'), state: fc.constantFrom('kept' as const, 'not-yet' as const, 'dropped' as const) }),
        {
          maxLength: 3,
        },
      ),
      map: fc.record({ put: mapArb.map((es) => es.map((e) => ({ ...e, label }))), remove: fc.subarray(['p1aaaa', 'p2aaaa']) }),
      ratings: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }).map((r): Record<string, number> => (r === undefined ? {} : { 'offer-help': r })),
      partnerships: fc.array(fc.record({ id: fc.constantFrom('pt:1:g1', 'pt:1:g2', 'pt:2:g1'), met: fc.boolean() }), { maxLength: 2 }),
    }),
    { selector: (c) => c.index, maxLength: 3 },
  ),
});

/** Recount straight from the people: the cohort's entries in one cell, before or now. */
function recountCell(people: PersonFollowUp[], s: string, r: string, which: 'before' | 'now') {
  let n = 0;
  let who = 0;
  for (const p of people.filter((x) => x.checkIns.length > 0)) {
    const m =
      which === 'before'
        ? p.map
        : currentMap(
            p.map as MapEntry[],
            [...p.checkIns].sort((a, b) => a.index - b.index),
          );
    const here = m.filter((e) => e.sector === s && e.ring === r).length;
    n += here;
    if (here) who += 1;
  }
  return { n, who };
}

describe('the room’s effect', () => {
  it('with a minimum group size of 1, the before/after heatmap and check-in counts equal a recount', () => {
    fc.assert(
      fc.property(fc.array(personArb, { maxLength: 8 }), (people) => {
        const f = impactFigures({ people, participants: people.length, schedule: schedule3, statements, minGroupSize: 1 });
        SECTORS.forEach((s, i) =>
          RINGS.forEach((r, j) => {
            expect(f.heatmap.before[i]![j]).toBe(people.some((p) => p.checkIns.length) ? recountCell(people, s, r, 'before').n : null);
            expect(f.heatmap.now[i]![j]).toBe(people.some((p) => p.checkIns.length) ? recountCell(people, s, r, 'now').n : null);
          }),
        );
        for (const c of f.checkIns) {
          const answers = people.flatMap((p) => p.checkIns.filter((x) => x.index === c.index));
          expect(c.checkedIn.value).toBe(answers.length);
          expect(c.kept.value).toBe(answers.flatMap((a) => a.commitments).filter((x) => x.state === 'kept').length);
        }
        expect(f.cohort.value).toBe(people.filter((p) => p.checkIns.length).length);
      }),
    );
  });

  it('every figure shown describes none or at least the minimum group size; the rest are hidden', () => {
    fc.assert(
      fc.property(fc.array(personArb, { maxLength: 9 }), fc.integer({ min: 2, max: 4 }), (people, k) => {
        const f = impactFigures({ people, participants: people.length, schedule: schedule3, statements, minGroupSize: k });
        const cohort = people.filter((p) => p.checkIns.length);
        if (cohort.length > 0 && cohort.length < k) expect(f.cohort.value).toBeNull();
        SECTORS.forEach((s, i) =>
          RINGS.forEach((r, j) => {
            for (const which of ['before', 'now'] as const) {
              const shown = f.heatmap[which][i]![j];
              const { n, who } = recountCell(people, s, r, which);
              if (shown !== null) {
                expect(shown).toBe(n);
                expect(who === 0 || who >= k).toBe(true);
                expect(cohort.length).toBeGreaterThanOrEqual(k);
              } else expect(cohort.length < k || (who > 0 && who < k)).toBe(true);
            }
          }),
        );
        for (const c of f.checkIns) {
          const answers = cohort.flatMap((p) => p.checkIns.filter((x) => x.index === c.index));
          if (answers.length > 0 && answers.length < k)
            expect([c.checkedIn.value, c.kept.value, c.notYet.value, c.dropped.value]).toEqual([null, null, null, null]);
          const keptBy = answers.filter((a) => a.commitments.some((x) => x.state === 'kept')).length;
          if (c.kept.value !== null && c.kept.value > 0) expect(keptBy).toBeGreaterThanOrEqual(k);
        }
        for (const a of f.allies) {
          for (const v of [a.before.value, a.now.value]) if (v !== null && v > 0) expect(v).toBeGreaterThanOrEqual(k);
        }
        for (const a of f.assessment) {
          if (a.before !== null) expect(a.compared).toBeGreaterThanOrEqual(k);
          for (const v of [a.up.value, a.down.value]) if (v !== null && v > 0) expect(v).toBeGreaterThanOrEqual(k);
        }
      }),
    );
  });

  it('a story: four people check in; one commitment kept by two is hidden, allies above grow, groups met again', () => {
    const person = (over: Partial<PersonFollowUp>): PersonFollowUp => ({ map: [], ratings: {}, commitments: 1, checkIns: [], ...over });
    const people = [1, 2, 3, 4].map((i) =>
      person({
        map: [entry(`a${i}aaaa`, 'above', 'contact', ['uncontacted'])],
        ratings: { 'offer-help': 2 },
        checkIns: [
          {
            index: 0,
            commitments: [{ id: 'c1aaaa', state: i <= 2 ? 'kept' : 'not-yet' }],
            map: { put: [entry(`a${i}aaaa`, 'above', 'ally')], remove: [] },
            ratings: { 'offer-help': 4 },
            partnerships: [{ id: i <= 2 ? 'pt:1:g1' : 'pt:1:g2', met: i !== 4 }],
          },
        ],
      }),
    );
    people.push(person({ map: [entry('zzzzzz', 'below', 'core')] })); // never checked in: not in the before/after
    const f = impactFigures({ people, participants: 5, schedule: schedule3, statements, minGroupSize: 3 });
    expect(f.cohort.value).toBe(4);
    expect(f.checkIns[0]).toMatchObject({ checkedIn: { value: 4 }, kept: { value: null }, notYet: { value: null }, dropped: { value: 0 } });
    expect(f.checkIns[1]?.checkedIn.value).toBe(0);
    expect(f.heatmap.before[0]).toEqual([4, 0, 0, 0]);
    expect(f.heatmap.now[0]).toEqual([0, 0, 4, 0]);
    expect(f.heatmap.before[2]).toEqual([0, 0, 0, 0]);
    expect(f.allies.find((a) => a.sector === 'above')).toEqual({ sector: 'above', before: { value: 0 }, now: { value: 4 } });
    expect(f.uncontacted).toEqual({ before: { value: 4 }, now: { value: 0 } });
    expect(f.assessment[0]).toMatchObject({ compared: 4, before: 2, now: 4, up: { value: 4 }, down: { value: 0 } });
    expect(f.partnerships).toEqual({ answered: { value: 2 }, metAgain: { value: 2 } });

    const data = impactData({ title: 'Allies', code: 'K7FQ2MXD', createdAt: ENDED - 3_600_000, closedAt: ENDED }, f, ENDED + 90 * 86_400_000);
    expect(ImpactDataSchema.parse(data)).toEqual(data);
    const text = JSON.stringify(impactSections(data));
    expect(text).toContain('4 of 5 participants checked in');
    expect(data.tables.find((t) => t.name === 'check_ins')?.rows[0]).toEqual([1, 2, '2026-12-17', 4, null, null, 0]);
  });

  it('fewer check-ins than the minimum group size: no figure at all', () => {
    const people: PersonFollowUp[] = [
      {
        map: [entry('a1aaaa', 'above', 'ally')],
        ratings: { 'offer-help': 1 },
        commitments: 1,
        checkIns: [{ index: 0, commitments: [{ id: 'c1aaaa', state: 'kept' }], map: { put: [], remove: [] }, ratings: { 'offer-help': 5 }, partnerships: [] }],
      },
    ];
    const f = impactFigures({ people, participants: 6, schedule: schedule3, statements, minGroupSize: 3 });
    expect(f.cohort.value).toBeNull();
    expect(f.checkIns[0]?.checkedIn.value).toBeNull();
    expect(f.heatmap.before.flat().every((c) => c === null)).toBe(true);
    expect(f.allies.every((a) => a.before.value === null && a.now.value === null)).toBe(true);
    expect(f.assessment[0]?.before).toBeNull();
  });
});
