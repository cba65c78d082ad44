import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCounters, counterDelta, type Counters, type RosterMember } from '../activity.js';
import { stanceShift } from '../pairing.js';
import {
  ADVERSARY_PHASES,
  actAdversaries,
  adversaries,
  AdversariesConfig,
  adversariesContribution,
  adversariesParticipantView,
  adversariesPresenterView,
  adversariesReadScopes,
  describeMovement,
  adversariesRoomView,
  adversariesScope,
  adversaryPairScope,
  initialAdversariesShared,
  initialAdversaryRecord,
  pairOf,
  reduceAdversaries,
  STEELMAN_MAX_ATTEMPTS,
  STEELMAN_STEPS,
  steelmanTurns,
  type AdversariesInput,
  type AdversariesRecord,
  type AdversariesShared,
  type AdversaryOwnRecord,
  type AdversaryPairRecord,
  type SteelmanStep,
} from './adversaries.js';
import { previewAndStored, submitted } from './preview.testing.js';

const config = AdversariesConfig.parse({
  statements: [
    { id: 's1', text: 'Credit should be shared.' },
    { id: 's2', text: 'Asking for help is a strength.' },
  ],
});
const member = (id: string, department: string | null = null): RosterMember => ({ id, nickname: id[0]!.toUpperCase() + id.slice(1), department, level: null });
const own = (before: Record<string, number>, after: Record<string, number> = {}): AdversaryOwnRecord => ({ before, after });

function reduce(rec: AdversariesRecord, input: AdversariesInput, participantId: string, phase: string, shared?: AdversariesShared, now = 1000) {
  return reduceAdversaries(rec, input, { config, phase, now, participantId, shared });
}
function must<T>(r: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** A room paired on s1 by the facilitator: stances from everyone's own record. */
function paired(stances: Record<string, number | null>, opts: { departments?: Record<string, string>; seed?: number; cfg?: AdversariesConfig } = {}) {
  const roster = Object.keys(stances).map((id) => member(id, opts.departments?.[id] ?? null));
  const records = Object.entries(stances)
    .filter(([, v]) => v !== null)
    .map(([id, v]) => ({ scope: `p:${id}`, value: own({ s1: v! }) }));
  return must(
    actAdversaries(
      initialAdversariesShared(),
      { type: 'pair', statementId: 's1' },
      { config: opts.cfg ?? config, phase: 'pairing', now: 5000, seed: opts.seed ?? 7, roster, records },
    ),
  );
}

describe('config', () => {
  it('has workplace statements of its own, pairs across departments and lets people without a stance sit out by default', () => {
    const d = adversaries.defaultConfig();
    expect(d.statements.length).toBeGreaterThanOrEqual(1);
    expect(d.statements.length).toBeLessThanOrEqual(5);
    expect(d).toMatchObject({ avoidSameDepartment: true, noStance: 'sit-out', minutesPerTurn: 3, minGroupSize: 3 });
  });
  it('takes 1 to 5 statements with unique, key-safe ids', () => {
    const s = (id: string) => ({ id, text: 'x' });
    expect(AdversariesConfig.safeParse({ statements: [] }).success).toBe(false);
    expect(AdversariesConfig.safeParse({ statements: ['a', 'b', 'c', 'd', 'e', 'f'].map(s) }).success).toBe(false);
    expect(AdversariesConfig.safeParse({ statements: [s('a'), s('a')] }).success).toBe(false);
    expect(AdversariesConfig.safeParse({ statements: [s('a:b')] }).success).toBe(false);
  });
  it('participants do not see how the facilitator pairs', () => {
    expect(adversaries.participantConfig(config)).not.toHaveProperty('avoidSameDepartment');
    expect(adversaries.participantConfig(config)).not.toHaveProperty('noStance');
  });
});

describe('a participant takes a stance, then re-rates', () => {
  it('places themselves in the stance phase only, and re-rates after the conversation', () => {
    let rec = must(reduce(initialAdversaryRecord('p:ana'), { op: 'stance', statementId: 's1', value: 2 }, 'ana', 'stance'));
    rec = must(reduce(rec, { op: 'stance', statementId: 's1', value: 3 }, 'ana', 'stance'));
    expect(rec).toEqual({ before: { s1: 3 }, after: {} });
    expect(reduce(rec, { op: 'stance', statementId: 's1', value: 5 }, 'ana', 'steelman')).toEqual({
      ok: false,
      error: expect.stringContaining('Stances are closed'),
    });
    expect(reduce(rec, { op: 'rerate', statementId: 's1', value: 5 }, 'ana', 'stance')).toEqual({
      ok: false,
      error: expect.stringContaining('after your conversation'),
    });
    rec = must(reduce(rec, { op: 'rerate', statementId: 's1', value: 5 }, 'ana', 'steelman'));
    rec = must(reduce(rec, { op: 'rerate', statementId: 's2', value: 1 }, 'ana', 'results'));
    expect(rec).toEqual({ before: { s1: 3 }, after: { s1: 5, s2: 1 } });
    expect(reduce(rec, { op: 'stance', statementId: 'nope', value: 1 }, 'ana', 'stance')).toEqual({
      ok: false,
      error: 'There is no statement “nope” in this activity.',
    });
  });
  it('a replayed stance or re-rating changes nothing', () => {
    const once = must(reduce(initialAdversaryRecord(), { op: 'stance', statementId: 's1', value: 6 }, 'ana', 'stance'));
    expect(must(reduce(once, { op: 'stance', statementId: 's1', value: 6 }, 'ana', 'stance'))).toBe(once);
    const after = must(reduce(once, { op: 'rerate', statementId: 's1', value: 4 }, 'ana', 'steelman'));
    expect(must(reduce(after, { op: 'rerate', statementId: 's1', value: 4 }, 'ana', 'steelman'))).toBe(after);
  });
  it('only values on the 7-point scale are accepted', () => {
    for (const value of [0, 8, 2.5]) expect(adversaries.input!.schema.safeParse({ op: 'stance', statementId: 's1', value }).success).toBe(false);
  });
});

describe('the facilitator pairs the room', () => {
  it("reads everyone's stance and pairs the largest disagreements, with exactly one trio for an odd count", () => {
    const s = paired({ ana: 1, ben: 7, chloe: 2, dev: 6, eve: 4 });
    expect(s.round).toBe(1);
    expect(s.statementId).toBe('s1');
    expect(s.pairs.map((p) => p.members.length).sort()).toEqual([2, 3]);
    expect(s.pairs.flatMap((p) => p.members).sort()).toEqual(['ana', 'ben', 'chloe', 'dev', 'eve']);
    // the optimum is 13, e.g. 2–7 (5) and a trio whose hub 1 talks with 6 (5) and with 4 (3)
    expect(s.totalDisagreement).toBe(13);
    expect(s.pairs.reduce((n, p) => n + p.gap, 0)).toBe(13);
    expect(['ana', 'ben']).toContain(s.pairs.find((p) => p.members.length === 3)?.members[0]);
    for (const p of s.pairs) for (const m of p.members) expect(p.stances[m]).toEqual({ ana: 1, ben: 7, chloe: 2, dev: 6, eve: 4 }[m]);
    expect(s.people.ana).toEqual({ nickname: 'Ana', department: null });
    expect(s.seed).toBe(7);
    expect(s.sittingOut).toEqual([]);
    expect(paired({ ana: 1, ben: 7, chloe: 2, dev: 6, eve: 4 })).toEqual(s); // same people, same seed: same pairs
  });

  it('avoids same-department pairs when the room allows it', () => {
    const s = paired({ ana: 1, ben: 7, chloe: 2, dev: 6 }, { departments: { ana: 'Sales', ben: 'Sales', chloe: 'IT', dev: 'IT' } });
    expect(s.sameDepartmentLinks).toBe(0);
    expect(s.pairs.map((p) => [...p.members].sort())).not.toContainEqual(['ana', 'ben']);
  });

  it('people without a stance sit out, or are paired last when the facilitator asks', () => {
    const s = paired({ ana: 1, ben: 7, chloe: null, dev: null });
    expect(s.pairs.map((p) => p.members)).toEqual([['ana', 'ben']]);
    expect(s.sittingOut.sort()).toEqual(['chloe', 'dev']);
    const last = paired({ ana: 1, ben: 7, chloe: null, dev: null }, { cfg: { ...config, noStance: 'pair-last' } });
    expect(last.pairs.map((p) => [...p.members].sort()).sort()).toEqual([
      ['ana', 'ben'],
      ['chloe', 'dev'],
    ]);
  });

  it('refuses to pair while stances are open, on an unknown statement, or with fewer than two stances', () => {
    const ctx = { config, now: 0, seed: 1, roster: [member('ana'), member('ben')], records: [{ scope: 'p:ana', value: own({ s1: 1 }) }] };
    expect(actAdversaries(initialAdversariesShared(), { type: 'pair', statementId: 's1' }, { ...ctx, phase: 'stance' })).toEqual({
      ok: false,
      error: expect.stringContaining('Close the stances first'),
    });
    expect(actAdversaries(initialAdversariesShared(), { type: 'pair', statementId: 'zz' }, { ...ctx, phase: 'pairing' })).toEqual({
      ok: false,
      error: 'There is no statement “zz” in this activity.',
    });
    expect(actAdversaries(initialAdversariesShared(), { type: 'pair', statementId: 's1' }, { ...ctx, phase: 'pairing' })).toEqual({
      ok: false,
      error: expect.stringContaining('At least two people'),
    });
    expect(actAdversaries(initialAdversariesShared(), { type: 're-pair' }, { ...ctx, phase: 'pairing' })).toEqual({
      ok: false,
      error: 'Nobody has been paired yet.',
    });
  });

  it('a new round never repeats a conversation that happened; pairs that never talked do not count', () => {
    const stances = { ana: 1, ben: 7, chloe: 2, dev: 6 };
    const roster = Object.keys(stances).map((id) => member(id));
    const ownRecs = Object.entries(stances).map(([id, v]) => ({ scope: `p:${id}`, value: own({ s1: v, s2: 8 - v }) }));
    const first = paired(stances);
    const talked = first.pairs[0]!;
    const talkedRec = {
      ...(initialAdversaryRecord(adversaryPairScope(1, talked.id)) as AdversaryPairRecord),
      log: [{ by: talked.members[0]!, step: 'stated' as const, turn: 0, t: 1 }],
    };
    const records = [...ownRecs, { scope: adversaryPairScope(1, talked.id), value: talkedRec }];
    const second = must(actAdversaries(first, { type: 'pair', statementId: 's2' }, { config, phase: 'steelman', now: 9000, seed: 7, roster, records }));
    expect(second.round).toBe(2);
    expect(second.usedLinks).toEqual([[talked.members[0], talked.members[1]]]);
    expect(second.pairs.map((p) => [...p.members].sort())).not.toContainEqual([...talked.members].sort());
    expect(second.repeatedLinks).toBe(0);

    // what was said in round 1 stays with its pair: they still read it in round 2
    expect(second.history).toEqual([{ round: 1, statementId: 's1', pairs: [{ id: talked.id, members: talked.members }] }]);
    const [x, y] = talked.members as [string, string];
    const now = adversaryPairScope(2, pairOf(second, x)!.id);
    expect(adversariesReadScopes(x, second)).toEqual([now, adversaryPairScope(1, talked.id)]);
    const v = adversariesParticipantView({
      config,
      phase: 'steelman',
      participantId: x,
      own: own({ s1: 1 }),
      scoped: { [adversaryPairScope(1, talked.id)]: { ...talkedRec, notes: { [y]: 'noted' } } },
      shared: second,
    });
    expect(v.earlier).toEqual([
      { round: 1, statementId: 's1', partners: [{ id: y, nickname: second.people[y]!.nickname, learned: 'noted' }], learned: '', done: false },
    ]);
    expect(v.pair?.partners.map((p) => p.id)).not.toContain(y);
  });

  it('re-pairing keeps the pairs that have begun and pairs everyone else again, late arrivals included', () => {
    const stances = { ana: 1, ben: 7, chloe: 2, dev: 6 };
    const first = paired(stances);
    const started = first.pairs.find((p) => p.members.includes('ana'))!;
    const other = first.pairs.find((p) => !p.members.includes('ana'))!;
    const roster = ['ana', 'ben', 'chloe', 'dev', 'finn'].map((id) => member(id));
    const records = [
      ...Object.entries({ ...stances, finn: 4 }).map(([id, v]) => ({ scope: `p:${id}`, value: own({ s1: v }) })),
      {
        scope: adversaryPairScope(1, started.id),
        value: { ...(initialAdversaryRecord(adversaryPairScope(1, started.id)) as AdversaryPairRecord), notes: { ana: 'x' } },
      },
    ];
    const again = must(actAdversaries(first, { type: 're-pair' }, { config, phase: 'steelman', now: 9000, seed: 8, roster, records }));
    expect(again.round).toBe(1);
    expect(again.pairs[0]).toEqual(started);
    expect(again.pairs.slice(1).map((p) => p.id)).not.toContain(other.id); // fresh ids: fresh records
    expect(
      again.pairs
        .slice(1)
        .flatMap((p) => p.members)
        .sort(),
    ).toEqual(['chloe', 'dev', 'finn']);
    expect(again.people.finn).toEqual({ nickname: 'Finn', department: null });

    // ana leaves: her pair is dissolved even though it had begun
    const without = must(
      actAdversaries(again, { type: 're-pair' }, { config, phase: 'steelman', now: 9500, seed: 9, roster: roster.filter((p) => p.id !== 'ana'), records }),
    );
    expect(without.pairs.flatMap((p) => p.members)).not.toContain('ana');
    expect(without.pairs.flatMap((p) => p.members).sort()).toEqual(['ben', 'chloe', 'dev', 'finn']);
  });
});

// --- the steelman ----------------------------------------------------------------------------

type Step = { who: string; step: SteelmanStep };

/** Every (member, step) the reducer accepts from this record (probing with `at`). */
function allowed(rec: AdversaryPairRecord, shared: AdversariesShared, members: string[]): string[] {
  const ok: string[] = [];
  for (const who of members) {
    for (const step of STEELMAN_STEPS) {
      const r = reduce(rec, { op: 'steelman', pairId: rec.pairId, step, at: rec.log.length }, who, 'steelman', shared);
      if (r.ok) ok.push(`${who}:${step}`);
    }
  }
  return ok.sort();
}

function play(rec: AdversaryPairRecord, shared: AdversariesShared, steps: Step[]): AdversaryPairRecord {
  for (const s of steps)
    rec = must(
      reduce(rec, { op: 'steelman', pairId: rec.pairId, step: s.step, at: rec.log.length }, s.who, 'steelman', shared, 2000 + rec.log.length),
    ) as AdversaryPairRecord;
  return rec;
}

function pairShared(members: string[]): AdversariesShared {
  const s = initialAdversariesShared();
  return {
    ...s,
    round: 1,
    statementId: 's1',
    pairs: [{ id: '1', members, stances: Object.fromEntries(members.map((m, i) => [m, i + 1])), gap: 1 }],
    people: Object.fromEntries(members.map((m) => [m, { nickname: m[0]!.toUpperCase() + m.slice(1), department: null }])),
  };
}
const fresh = () => initialAdversaryRecord(adversaryPairScope(1, '1')) as AdversaryPairRecord;

describe('a pair steelmans each other, in order', () => {
  const shared = pairShared(['ana', 'ben']);
  const members = ['ana', 'ben'];

  it('A states, B restates (again when asked), A accepts; then they swap; then they are done', () => {
    const path: Array<[Step, string[]]> = [
      [{ who: 'ana', step: 'stated' }, ['ana:stated']],
      [{ who: 'ben', step: 'restated' }, ['ben:restated']],
      [{ who: 'ana', step: 'retry' }, ['ana:accept', 'ana:retry']],
      [{ who: 'ben', step: 'restated' }, ['ben:restated']],
      [{ who: 'ana', step: 'accept' }, ['ana:accept', 'ana:retry']],
      [{ who: 'ben', step: 'stated' }, ['ben:stated']],
      [{ who: 'ana', step: 'restated' }, ['ana:restated']],
      [{ who: 'ben', step: 'accept' }, ['ben:accept', 'ben:retry']],
    ];
    let rec = fresh();
    for (const [step, expected] of path) {
      // at every point exactly one person can do exactly the next step(s); everything else is refused
      expect(allowed(rec, shared, members)).toEqual(expected);
      rec = play(rec, shared, [step]);
    }
    expect(rec).toMatchObject({ done: true, turn: 2 });
    expect(allowed(rec, shared, members)).toEqual([]);
    expect(rec.log.map((e) => `${e.by}:${e.step}`)).toEqual(path.map(([s]) => `${s.who}:${s.step}`));
  });

  it('says whose move it is when someone jumps ahead', () => {
    const at0 = fresh();
    expect(reduce(at0, { op: 'steelman', pairId: '1', step: 'restated' }, 'ben', 'steelman', shared)).toEqual({
      ok: false,
      error: 'Wait for Ana to state their view first.',
    });
    expect(reduce(at0, { op: 'steelman', pairId: '1', step: 'accept' }, 'ana', 'steelman', shared)).toEqual({
      ok: false,
      error: 'It is your turn to state your view to Ben.',
    });
    const stated = play(at0, shared, [{ who: 'ana', step: 'stated' }]);
    expect(reduce(stated, { op: 'steelman', pairId: '1', step: 'accept' }, 'ana', 'steelman', shared)).toEqual({
      ok: false,
      error: 'Wait for Ben to restate your view first.',
    });
    expect(reduce(stated, { op: 'steelman', pairId: '1', step: 'stated' }, 'ben', 'steelman', shared)).toEqual({
      ok: false,
      error: 'It is your turn to restate Ana’s view.',
    });
    const restated = play(stated, shared, [{ who: 'ben', step: 'restated' }]);
    expect(reduce(restated, { op: 'steelman', pairId: '1', step: 'stated' }, 'ben', 'steelman', shared)).toEqual({
      ok: false,
      error: 'Wait for Ana to accept your restatement first.',
    });
    expect(reduce(restated, { op: 'steelman', pairId: '1', step: 'stated' }, 'ana', 'steelman', shared)).toEqual({
      ok: false,
      error: 'First accept Ben’s restatement, or ask them to try again.',
    });
  });

  it('only runs in the steelman phase, and only for members of the pair of the current round', () => {
    expect(reduce(fresh(), { op: 'steelman', pairId: '1', step: 'stated' }, 'ana', 'pairing', shared)).toEqual({
      ok: false,
      error: expect.stringContaining('facilitator opens'),
    });
    expect(reduce(fresh(), { op: 'steelman', pairId: '1', step: 'stated' }, 'eve', 'steelman', shared)).toEqual({
      ok: false,
      error: 'You are not in this pair.',
    });
    expect(reduce(fresh(), { op: 'steelman', pairId: '1', step: 'stated' }, 'ana', 'steelman', { ...shared, round: 2 })).toEqual({
      ok: false,
      error: expect.stringContaining('replaced'),
    });
    expect(adversariesScope({ op: 'steelman', pairId: '1', step: 'stated' }, { participantId: 'eve', shared })).toEqual({
      ok: false,
      error: 'You are not in this pair.',
    });
    expect(adversariesScope({ op: 'steelman', pairId: '9', step: 'stated' }, { participantId: 'ana', shared })).toEqual({
      ok: false,
      error: 'There is no such pair in this round.',
    });
    expect(adversariesScope({ op: 'steelman', pairId: '1', step: 'stated' }, { participantId: 'ana', shared })).toEqual({ ok: true, value: 'pair:1:1' });
    expect(adversariesScope({ op: 'learned', text: 'x' }, { participantId: 'eve', shared })).toEqual({
      ok: false,
      error: 'You do not have a partner in this round.',
    });
    expect(adversariesScope({ op: 'rerate', statementId: 's1', value: 3 }, { participantId: 'eve', shared })).toEqual({ ok: true, value: 'p:eve' });
  });

  it('a listener gets a bounded number of tries, then the speaker accepts the closest', () => {
    let rec = play(fresh(), shared, [{ who: 'ana', step: 'stated' }]);
    for (let i = 0; i < STEELMAN_MAX_ATTEMPTS - 1; i++)
      rec = play(rec, shared, [
        { who: 'ben', step: 'restated' },
        { who: 'ana', step: 'retry' },
      ]);
    rec = play(rec, shared, [{ who: 'ben', step: 'restated' }]);
    expect(rec.attempts).toBe(STEELMAN_MAX_ATTEMPTS);
    expect(reduce(rec, { op: 'steelman', pairId: '1', step: 'retry' }, 'ana', 'steelman', shared)).toEqual({
      ok: false,
      error: expect.stringContaining('accept the closest'),
    });
    expect(allowed(rec, shared, members)).toEqual(['ana:accept']);
  });

  it('keeps an optional short summary with a step, cleaned and capped', () => {
    const rec = must(
      reduce(fresh(), { op: 'steelman', pairId: '1', step: 'stated', text: '  Credit\u202E matters   ' + 'x'.repeat(400) }, 'ana', 'steelman', shared),
    ) as AdversaryPairRecord;
    expect(rec.log[0]!.text!.startsWith('Credit matters x')).toBe(true);
    expect(rec.log[0]!.text!.length).toBe(280);
  });
});

describe('the trio', () => {
  const shared = pairShared(['hal', 'pia', 'jo']);
  const members = ['hal', 'pia', 'jo'];

  it('the hub talks with the partner both ways, then with the joiner (who speaks first) both ways', () => {
    expect(steelmanTurns(members)).toEqual([
      { speaker: 'hal', listener: 'pia' },
      { speaker: 'pia', listener: 'hal' },
      { speaker: 'jo', listener: 'hal' },
      { speaker: 'hal', listener: 'jo' },
    ]);
    let rec = fresh();
    for (const { speaker, listener } of steelmanTurns(members)) {
      expect(allowed(rec, shared, members)).toEqual([`${speaker}:stated`]);
      rec = play(rec, shared, [{ who: speaker, step: 'stated' }]);
      expect(allowed(rec, shared, members)).toEqual([`${listener}:restated`]);
      rec = play(rec, shared, [{ who: listener, step: 'restated' }]);
      expect(allowed(rec, shared, members)).toEqual([`${speaker}:accept`, `${speaker}:retry`].sort());
      rec = play(rec, shared, [{ who: speaker, step: 'accept' }]);
    }
    expect(rec).toMatchObject({ done: true, turn: 4 });
  });

  it('tells the one listening in whom they are waiting for', () => {
    const rec = play(fresh(), shared, [
      { who: 'hal', step: 'stated' },
      { who: 'pia', step: 'restated' },
    ]);
    expect(reduce(rec, { op: 'steelman', pairId: '1', step: 'stated' }, 'jo', 'steelman', shared)).toEqual({
      ok: false,
      error: 'Wait for Hal to accept Pia’s restatement first.',
    });
  });
});

describe('retries are safe', () => {
  const shared = pairShared(['ana', 'ben']);
  const steps: Step[] = [
    { who: 'ana', step: 'stated' },
    { who: 'ben', step: 'restated' },
    { who: 'ana', step: 'retry' },
    { who: 'ben', step: 'restated' },
    { who: 'ana', step: 'accept' },
    { who: 'ben', step: 'stated' },
    { who: 'ana', step: 'restated' },
    { who: 'ben', step: 'accept' },
  ];

  it('any step sent again, at any later point, answers the record unchanged', () => {
    let rec = fresh();
    const sent: AdversariesInput[] = [];
    for (const s of steps) {
      const input: AdversariesInput = { op: 'steelman', pairId: '1', step: s.step, at: rec.log.length };
      rec = must(reduce(rec, input, s.who, 'steelman', shared)) as AdversaryPairRecord;
      sent.push(input);
      // the step just taken, replayed without `at`, is recognised too
      expect(must(reduce(rec, { op: 'steelman', pairId: '1', step: s.step }, s.who, 'steelman', shared))).toBe(rec);
      for (const [i, old] of sent.entries()) expect(must(reduce(rec, old, steps[i]!.who, 'steelman', shared))).toBe(rec);
    }
  });

  it('a stale screen cannot take a step it has not seen', () => {
    const rec = play(fresh(), shared, steps.slice(0, 2));
    // Ana's screen still shows "waiting for Ben" from position 1; a different step there is refused
    expect(reduce(rec, { op: 'steelman', pairId: '1', step: 'accept', at: 1 }, 'ana', 'steelman', shared)).toEqual({
      ok: false,
      error: expect.stringContaining('moved on'),
    });
    expect(reduce(rec, { op: 'steelman', pairId: '1', step: 'accept', at: 5 }, 'ana', 'steelman', shared)).toEqual({
      ok: false,
      error: 'That step is not possible yet.',
    });
  });

  it('learned notes: cleaned, capped, one per member, removable; a replay changes nothing', () => {
    let rec = fresh();
    expect(reduce(rec, { op: 'learned', text: 'x' }, 'ana', 'pairing', shared)).toEqual({
      ok: false,
      error: expect.stringContaining('after your conversation'),
    });
    rec = must(reduce(rec, { op: 'learned', text: ' Ben  values\n\n\n\nvisibility ' }, 'ana', 'steelman', shared)) as AdversaryPairRecord;
    expect(rec.notes).toEqual({ ana: 'Ben values\n\nvisibility' });
    expect(must(reduce(rec, { op: 'learned', text: 'Ben values\n\nvisibility' }, 'ana', 'results', shared))).toBe(rec);
    rec = must(reduce(rec, { op: 'learned', text: 'y'.repeat(900) }, 'ben', 'results', shared)) as AdversaryPairRecord;
    expect(rec.notes.ben).toHaveLength(500);
    rec = must(reduce(rec, { op: 'learned', text: '   ' }, 'ana', 'results', shared)) as AdversaryPairRecord;
    expect(rec.notes).toEqual({ ben: 'y'.repeat(500) });
    expect(reduce(rec, { op: 'learned', text: 'z' }, 'eve', 'results', shared)).toEqual({ ok: false, error: 'You are not in this pair.' });
  });
});

// --- counters ----------------------------------------------------------------------------------

describe('the room picture is kept incrementally', () => {
  const op = fc.record({
    who: fc.integer({ min: 0, max: 6 }),
    op: fc.constantFrom('stance' as const, 'rerate' as const),
    statementId: fc.constantFrom('s1', 's2'),
    value: fc.integer({ min: 1, max: 7 }),
  });

  it('random stances and re-ratings keep the counters equal to a recount, and to stanceShift', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const records = new Map<number, AdversariesRecord>();
        const running: Counters = {};
        for (const o of ops) {
          const prev = records.get(o.who) ?? initialAdversaryRecord(`p:${o.who}`);
          const next = must(reduce(prev, { op: o.op, statementId: o.statementId, value: o.value }, `p${o.who}`, o.op === 'stance' ? 'stance' : 'steelman'));
          addCounters(running, counterDelta(adversariesContribution(prev, config), adversariesContribution(next, config)));
          records.set(o.who, next);
        }
        const recount: Counters = {};
        for (const rec of records.values()) addCounters(recount, adversariesContribution(rec, config));
        expect(running).toEqual(recount);
        for (const sid of ['s1', 's2']) {
          const before = new Map<string, number>();
          const after = new Map<string, number>();
          for (const [who, rec] of records) {
            const o = rec as AdversaryOwnRecord;
            if (o.before[sid] !== undefined) before.set(String(who), o.before[sid]);
            if (o.after[sid] !== undefined) after.set(String(who), o.after[sid]);
          }
          const shift = stanceShift(before, after);
          expect(shift.histogramBefore).toEqual([1, 2, 3, 4, 5, 6, 7].map((v) => running[`before:${sid}:${v}`] ?? 0));
          expect(shift.histogramAfter).toEqual([1, 2, 3, 4, 5, 6, 7].map((v) => running[`after:${sid}:${v}`] ?? 0));
          expect(running[`compared:${sid}`] ?? 0).toBe(shift.compared);
          expect(running[`moved:${sid}`] ?? 0).toBe(shift.moved);
          expect((running[`shift:${sid}`] ?? 0) / Math.max(1, shift.compared)).toBeCloseTo(shift.meanAbsShift);
        }
      }),
    );
  });

  it("a pair record counts its progress under its own key, so only the current round's pairs are read", () => {
    const shared = pairShared(['ana', 'ben']);
    const rec = play(fresh(), shared, [
      { who: 'ana', step: 'stated' },
      { who: 'ben', step: 'restated' },
      { who: 'ana', step: 'retry' },
      { who: 'ben', step: 'restated' },
      { who: 'ana', step: 'accept' },
    ]);
    expect(adversariesContribution(rec, config)).toEqual({ 'turn:1:1': 1, 'tries:1:1': 2 });
    const done = play(rec, shared, [
      { who: 'ben', step: 'stated' },
      { who: 'ana', step: 'restated' },
      { who: 'ben', step: 'accept' },
    ]);
    expect(adversariesContribution({ ...done, notes: { ana: 'a' } }, config)).toEqual({ 'turn:1:1': 2, 'tries:1:1': 3, 'done:1:1': 1, 'notes:1:1': 1 });
  });
});

// --- views -------------------------------------------------------------------------------------

describe('what the room sees', () => {
  const counters: Counters = {};
  const people: Array<[Record<string, number>, Record<string, number>]> = [
    [{ s1: 1 }, { s1: 3 }],
    [{ s1: 2 }, { s1: 2 }],
    [{ s1: 6 }, { s1: 5 }],
    [{ s1: 7, s2: 4 }, {}],
  ];
  for (const [b, a] of people) addCounters(counters, adversariesContribution(own(b, a), config));
  const shared = paired({ ana: 1, ben: 7, chloe: 2, dev: 6, eve: 4 }, { departments: { ana: 'Sales' } });
  const trio = shared.pairs.find((p) => p.members.length === 3)!;
  addCounters(
    counters,
    adversariesContribution(
      play(initialAdversaryRecord(adversaryPairScope(1, trio.id)) as AdversaryPairRecord, shared, [{ who: trio.members[0]!, step: 'stated' }]),
      config,
    ),
  );

  it('while stances come in, the projector and the console show the live anonymous distribution', () => {
    const display = adversariesPresenterView({ config, phase: 'stance', audience: 'display', counters, participants: 5, shared: initialAdversariesShared() });
    expect(display).toMatchObject({ placed: 4, placedAll: 1, pairing: null });
    expect(display.statements[0]!.before).toEqual({ answered: 4, counts: [1, 1, 0, 0, 0, 1, 1], mean: 4 });
    const consoleView = adversariesPresenterView({
      config,
      phase: 'stance',
      audience: 'console',
      counters,
      participants: 5,
      shared: initialAdversariesShared(),
    });
    expect(consoleView.statements[0]!.before).toEqual({ answered: 4, counts: [1, 1, 0, 0, 0, 1, 1], mean: 4 });
    expect(consoleView.statements[1]!.before).toEqual({ answered: 1, counts: null, mean: null }); // 1 < minGroupSize
  });

  it('the projector shows who is paired with whom, never stances or departments; the console adds progress', () => {
    const display = adversariesPresenterView({ config, phase: 'pairing', audience: 'display', counters, participants: 5, shared });
    expect(display.pairing?.pairs).toHaveLength(2);
    expect(JSON.stringify(display.pairing)).not.toMatch(/stance|Sales|gap|progress/);
    expect(display.pairing?.pairs.flatMap((p) => p.members.map((m) => m.nickname)).sort()).toEqual(['Ana', 'Ben', 'Chloe', 'Dev', 'Eve']);
    expect(display.suggestedSeconds).toBe(4 * 3 * 60);
    const consoleView = adversariesPresenterView({ config, phase: 'steelman', audience: 'console', counters, participants: 5, shared });
    const t = consoleView.pairing!.pairs.find((p) => p.trio)!;
    expect(t.progress).toMatchObject({
      turn: 0,
      turns: 4,
      status: 'restate',
      speaker: shared.people[trio.members[0]!]!.nickname,
      listener: shared.people[trio.members[1]!]!.nickname,
    });
    expect(consoleView.pairing).toMatchObject({ started: 1, done: 0, totalDisagreement: 13 });
    expect(consoleView.pairing!.pairs.find((p) => !p.trio)!.progress).toMatchObject({ status: 'state', turns: 2 });
  });

  it('at the results: before and after, and how many moved', () => {
    const v = adversariesPresenterView({ config, phase: 'results', audience: 'display', counters, participants: 5, shared });
    const s1 = v.statements[0]!;
    expect(s1.after.counts).toEqual([0, 1, 1, 0, 1, 0, 0]);
    // two of three moved: a share based on two people, below the minimum group of three — not shown
    expect(s1.movement).toBeNull();
    const open = adversariesPresenterView({ config: { ...config, minGroupSize: 2 }, phase: 'results', audience: 'display', counters, participants: 5, shared });
    expect(open.statements[0]!.movement).toEqual({ compared: 3, moved: 2, meanShift: 1, movedShift: 1.5, meanNet: 1 / 3 });
    // the average is over those who moved, and says so
    expect(describeMovement(open.statements[0]!.movement!)).toBe('2 of 3 moved, by 1.5 points on average, towards agreeing.');
    expect(describeMovement({ compared: 4, moved: 3, meanShift: 1.5, movedShift: 2, meanNet: 0 })).toBe('3 of 4 moved, by 2 points on average.');
    // during the conversations the projector keeps the re-ratings back
    const mid = adversariesPresenterView({ config, phase: 'steelman', audience: 'display', counters, participants: 5, shared });
    expect(mid.statements[0]!.after.counts).toBeNull();
    expect(mid.statements[0]!.movement).toBeNull();
    expect(adversariesRoomView({ config, phase: 'steelman', audience: 'display', counters, participants: 5, shared })).toBeNull();
    expect(
      adversariesRoomView({ config: { ...config, minGroupSize: 2 }, phase: 'results', audience: 'display', counters, participants: 5, shared })?.statements[0]!
        .movement?.moved,
    ).toBe(2);
  });
});

describe('what a participant sees', () => {
  const shared = pairShared(['ana', 'ben']);
  const scope = adversaryPairScope(1, '1');
  const view = (pid: string, rec: AdversaryPairRecord, phase = 'steelman', mine: AdversaryOwnRecord = own({ s1: 1 })) =>
    adversariesParticipantView({ config, phase, participantId: pid, own: mine, scoped: { [scope]: rec }, shared });

  it('their stances, their partner (name, department, stance) and what they can do now', () => {
    const v = view('ana', fresh());
    expect(v.statements[0]).toEqual({ id: 's1', text: 'Credit should be shared.', before: 1, after: null });
    expect(v.pair).toMatchObject({
      id: '1',
      trio: false,
      role: 'A',
      stance: 1,
      partners: [{ id: 'ben', nickname: 'Ben', department: null, stance: 2, role: 'B', learned: '' }],
    });
    expect(v.pair!.steelman).toMatchObject({ at: 0, status: 'state', canDo: ['stated'], waitingFor: { id: 'ana', nickname: 'Ana' }, turns: 2 });
    expect(v.pair!.steelman.prompt).toEqual({ code: 'state-you', listener: 'Ben' });
    expect(view('ben', fresh()).pair!.steelman).toMatchObject({ canDo: [], waitingFor: { id: 'ana' } });
    expect(view('ana', fresh(), 'pairing').pair!.steelman.canDo).toEqual([]);
  });

  it("the partner's learned note and summaries are shown inside the pair", () => {
    const rec = { ...play(fresh(), shared, [{ who: 'ana', step: 'stated' }]), notes: { ben: 'She is not chasing credit.' } };
    rec.log[0]!.text = 'Visibility is survival.';
    const v = view('ana', rec);
    expect(v.pair!.partners[0]!.learned).toBe('She is not chasing credit.');
    expect(v.pair!.steelman.statedText).toBe('Visibility is survival.');
    expect(view('ben', rec).pair!.steelman).toMatchObject({ canDo: ['restated'], status: 'restate' });
  });

  it('someone not paired this round is told so', () => {
    const v = adversariesParticipantView({ config, phase: 'steelman', participantId: 'eve', own: own({}), scoped: {}, shared });
    expect(v).toMatchObject({ pair: null, sittingOut: true, round: 1 });
    expect(adversaries.readScopes!('eve', shared, config)).toEqual([]);
    expect(adversaries.readScopes!('ben', shared, config)).toEqual([scope]);
    expect(adversaries.audience!(scope, shared, config)).toEqual(['ana', 'ben']);
    expect(adversaries.audience!('pair:0:1', shared, config)).toEqual([]);
  });
});

describe('the steelman prompt is a code with names, worded by each screen', () => {
  const shared = pairShared(['hal', 'pia', 'jo']);
  const scope = adversaryPairScope(1, '1');
  const promptOf = (pid: string, rec: AdversaryPairRecord, phase = 'steelman', sh: AdversariesShared = shared) =>
    adversariesParticipantView({ config, phase, participantId: pid, own: own({ s1: 1 }), scoped: { [scope]: rec }, shared: sh }).pair!.steelman.prompt;

  it('tells the speaker, the listener and the one listening in what is happening, at each stage', () => {
    const at0 = fresh();
    expect(promptOf('hal', at0)).toEqual({ code: 'state-you', listener: 'Pia' });
    expect(promptOf('pia', at0)).toEqual({ code: 'state-listener', speaker: 'Hal' });
    expect(promptOf('jo', at0)).toEqual({ code: 'state-others', speaker: 'Hal', listener: 'Pia' });
    const stated = play(at0, shared, [{ who: 'hal', step: 'stated' }]);
    expect(promptOf('pia', stated)).toEqual({ code: 'restate-you', speaker: 'Hal', again: false });
    expect(promptOf('hal', stated)).toEqual({ code: 'restate-speaker', listener: 'Pia' });
    expect(promptOf('jo', stated)).toEqual({ code: 'restate-others', speaker: 'Hal', listener: 'Pia' });
    const restated = play(stated, shared, [{ who: 'pia', step: 'restated' }]);
    expect(promptOf('hal', restated)).toEqual({ code: 'verdict-you', listener: 'Pia' });
    expect(promptOf('pia', restated)).toEqual({ code: 'verdict-listener', speaker: 'Hal' });
    expect(promptOf('jo', restated)).toEqual({ code: 'verdict-others', speaker: 'Hal', listener: 'Pia' });
    const again = play(restated, shared, [{ who: 'hal', step: 'retry' }]);
    expect(promptOf('pia', again)).toEqual({ code: 'restate-you', speaker: 'Hal', again: true });
  });

  it('before the conversation opens, after it closes, once everyone is done', () => {
    expect(promptOf('hal', fresh(), 'pairing')).toEqual({ code: 'find-partner' });
    expect(promptOf('hal', fresh(), 'results')).toEqual({ code: 'closed' });
    let rec = fresh();
    for (const { speaker, listener } of steelmanTurns(['hal', 'pia', 'jo']))
      rec = play(rec, shared, [
        { who: speaker, step: 'stated' },
        { who: listener, step: 'restated' },
        { who: speaker, step: 'accept' },
      ]);
    expect(promptOf('jo', rec)).toEqual({ code: 'done' });
    expect(promptOf('jo', rec, 'results')).toEqual({ code: 'done' });
  });

  it('a partner whose data is gone has no name on any screen (each words it), and no English reaches the view', () => {
    const gone = { ...shared, people: { pia: shared.people.pia!, jo: shared.people.jo! } };
    expect(promptOf('pia', fresh(), 'steelman', gone)).toEqual({ code: 'state-listener', speaker: null });
    expect(JSON.stringify(promptOf('jo', fresh()))).not.toMatch(/Listen|Wait|turn/);
    const v = adversariesParticipantView({ config, phase: 'steelman', participantId: 'pia', own: own({ s1: 1 }), scoped: { [scope]: fresh() }, shared: gone });
    expect(v.pair!.partners.find((p) => p.id === 'hal')!.nickname).toBeNull();
    expect(v.pair!.steelman).toMatchObject({ speaker: { id: 'hal', nickname: null }, waitingFor: { id: 'hal', nickname: null } });
    expect(v.pair!.steelman.plan[0]).toEqual({ speaker: null, listener: 'Pia', status: 'current' });
    const display = adversariesPresenterView({ config, phase: 'steelman', audience: 'display', counters: {}, participants: 3, shared: gone });
    expect(display.pairing!.pairs[0]!.members.map((m) => m.nickname)).toEqual([null, 'Pia', 'Jo']);
    expect(JSON.stringify([v, display])).not.toContain('your partner');
  });
});

describe('the phone’s preview of stances still on their way', () => {
  const stance = fc.record({
    op: fc.constantFrom('stance', 'rerate'),
    statementId: fc.constantFrom('s1', 's2', 's3'),
    value: fc.integer({ min: 0, max: 8 }),
  });

  it('shows the stances before and after the server sends back once they are stored (each in its phase)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...ADVERSARY_PHASES), stance), { maxLength: 10 }),
        fc.array(stance, { maxLength: 10 }),
        fc.constantFrom(...ADVERSARY_PHASES),
        (saved, pending, phase) => {
          let records: Record<string, unknown> = {};
          const base = { type: 'adversaries' as const, config, participantId: 'ana', now: 1000 };
          for (const [when, s] of saved) records = submitted({ ...base, phase: when, records }, [s]);
          const { preview, stored } = previewAndStored({ ...base, phase, records }, pending);
          expect(preview).toEqual(stored);
        },
      ),
    );
  });
});
