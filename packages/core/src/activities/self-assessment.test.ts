import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCounters, contributionDelta, counterDelta, type Counters } from '../activity.js';
import {
  DEFAULT_STATEMENTS,
  DEFAULT_THEMES,
  selfAssessment,
  SelfAssessmentConfig,
  selfAssessmentContribution,
  selfAssessmentOwnView,
  selfAssessmentParticipantView,
  selfAssessmentPresenterView,
  selfAssessmentRoomView,
  type SelfAssessmentInput,
  type SelfAssessmentRecord,
} from './self-assessment.js';
import { previewAndStored, submitted } from './preview.testing.js';

const config = SelfAssessmentConfig.parse({});
const input = selfAssessment.input!;
const ids = config.statements.map((s) => s.id);

function apply(rec: SelfAssessmentRecord, ...inputs: SelfAssessmentInput[]): SelfAssessmentRecord {
  for (const i of inputs) {
    const r = input.reduce(rec, input.schema.parse(i), { config, phase: 'answer', now: 0, participantId: 'p1' });
    if (!r.ok) throw new Error(r.error);
    rec = r.value;
  }
  return rec;
}
const rate = (statementId: string, value: number): SelfAssessmentInput => ({ op: 'rate', statementId, value });

describe('the default self-assessment', () => {
  it('has the ally habits a person can rate about themselves, five practices of four or five each, on a five-point scale', () => {
    expect(config.statements).toHaveLength(21);
    const themes = [...new Set(config.statements.map((s) => s.theme))];
    expect(themes).toEqual(Object.values(DEFAULT_THEMES));
    for (const theme of themes) expect(config.statements.filter((s) => s.theme === theme).length).toBeGreaterThanOrEqual(4);
    // among them the habits the first version left out
    for (const id of ['genuine', 'no-score', 'honest-limits', 'in-touch', 'considerate-asks', 'their-growth', 'raise-concerns', 'willing-wrong'])
      expect(ids).toContain(id);
    expect(config.scale).toEqual(['Rarely', 'Sometimes', 'Often', 'Usually', 'Almost always']);
    expect(config.minGroupSize).toBe(3);
    expect(selfAssessment.phases).toEqual(['answer', 'results']);
    expect(input.acceptIn).toEqual(['answer', 'results']);
  });

  it('a facilitator can write their own statements, but not two with the same id or none at all', () => {
    expect(SelfAssessmentConfig.safeParse({ statements: [{ id: 'listen', text: 'I listen more than I talk.' }] }).success).toBe(true);
    expect(SelfAssessmentConfig.safeParse({ statements: [] }).success).toBe(false);
    expect(
      SelfAssessmentConfig.safeParse({
        statements: [
          { id: 'a', text: 'x' },
          { id: 'a', text: 'y' },
        ],
      }).success,
    ).toBe(false);
    expect(SelfAssessmentConfig.safeParse({ statements: Array.from({ length: 25 }, (_, i) => ({ id: `s${i}`, text: 't' })) }).success).toBe(false);
    // a statement of the facilitator's own needs no theme
    expect(SelfAssessmentConfig.parse({ statements: [{ id: 'listen', text: 'I listen.' }] }).statements[0]).toEqual({
      id: 'listen',
      text: 'I listen.',
      theme: '',
    });
    expect(SelfAssessmentConfig.safeParse({ statements: [{ id: 'has:colon', text: 'x' }] }).success).toBe(false);
  });

  it('changing one config does not change the defaults of the next', () => {
    const a = selfAssessment.defaultConfig();
    a.statements[0]!.text = 'edited';
    a.scale[0] = 'Never';
    expect(selfAssessment.defaultConfig().statements[0]!.text).toBe(DEFAULT_STATEMENTS[0]!.text);
    expect(selfAssessment.defaultConfig().scale[0]).toBe('Rarely');
  });
});

describe('a participant rates themselves', () => {
  it('answers statements, changes their mind and clears an answer', () => {
    let rec = apply(input.initial(), rate('offer-help', 2), rate('thanks', 5));
    expect(rec.ratings).toEqual({ 'offer-help': 2, thanks: 5 });
    rec = apply(rec, rate('offer-help', 4));
    expect(rec.ratings['offer-help']).toBe(4);
    rec = apply(rec, { op: 'clear', statementId: 'thanks' });
    expect(rec.ratings).toEqual({ 'offer-help': 4 });
  });

  it('can replay any answer without it counting twice (retries are safe)', () => {
    const once = apply(input.initial(), rate('confidences', 3), { op: 'clear', statementId: 'thanks' });
    const twice = apply(once, rate('confidences', 3), { op: 'clear', statementId: 'thanks' });
    expect(twice).toEqual(once);
    expect(selfAssessmentContribution(twice, config)).toEqual(selfAssessmentContribution(once, config));
  });

  it('refuses a statement that is not in this self-assessment, with a clear message', () => {
    const r = input.reduce(input.initial(), { op: 'rate', statementId: 'made-up', value: 3 }, { config, phase: 'answer', now: 0, participantId: 'p1' });
    expect(r).toEqual({ ok: false, error: 'There is no statement “made-up” in this self-assessment.' });
    expect(input.reduce(input.initial(), { op: 'clear', statementId: 'made-up' }, { config, phase: 'answer', now: 0, participantId: 'p1' }).ok).toBe(false);
  });

  it('refuses values off the scale', () => {
    for (const value of [0, 6, 2.5, -1]) expect(input.schema.safeParse({ op: 'rate', statementId: 'thanks', value }).success).toBe(false);
    expect(input.schema.safeParse({ op: 'rate', statementId: 'thanks', value: '3' }).success).toBe(false);
    expect(input.schema.safeParse({ op: 'shout', statementId: 'thanks' }).success).toBe(false);
    expect(input.schema.safeParse({ op: 'rate', statementId: 'thanks', value: 1 }).success).toBe(true);
    expect(input.schema.safeParse({ op: 'rate', statementId: 'thanks', value: 5 }).success).toBe(true);
  });

  it('can still tidy away an answer to a statement the facilitator has since removed', () => {
    const rec = apply(input.initial(), rate('thanks', 4));
    const fewer = SelfAssessmentConfig.parse({ statements: [{ id: 'listen', text: 'I listen more than I talk.' }] });
    const r = input.reduce(rec, { op: 'clear', statementId: 'thanks' }, { config: fewer, phase: 'results', now: 0, participantId: 'p1' });
    expect(r).toEqual({ ok: true, value: { ratings: {} } });
  });

  it('sees their own answers, with what to build on and what to practise', () => {
    const rec = apply(input.initial(), rate('offer-help', 1), rate('thanks', 5), rate('confidences', 4), rate('disagreement', 2), rate('their-goals', 3));
    expect(selfAssessmentOwnView(rec)).toEqual({
      ratings: { 'offer-help': 1, thanks: 5, confidences: 4, disagreement: 2, 'their-goals': 3 },
      answered: 5,
      strengths: ['thanks', 'confidences'],
      toPractise: ['offer-help', 'disagreement'],
    });
  });

  it('sees every statement with their own answer beside it, blank where they have not answered (the texts come with the step, once)', () => {
    const rec = apply(input.initial(), rate('thanks', 4));
    const v = selfAssessment.participantView!({ config, phase: 'results', participantId: 'p1', own: rec, scoped: {}, shared: undefined });
    expect(v).toEqual(selfAssessmentParticipantView(config, rec));
    const answers = selfAssessmentParticipantView(config, rec).answers;
    expect(answers.map((a) => a.id)).toEqual(ids);
    expect(answers.find((a) => a.id === 'thanks')).toEqual({ id: 'thanks', value: 4 });
    expect(answers.filter((a) => a.value === null)).toHaveLength(ids.length - 1);
  });

  it('counts as having answered everything only once every statement has an answer', () => {
    let rec = input.initial();
    for (const id of ids.slice(0, -1)) rec = apply(rec, rate(id, 3));
    expect(selfAssessmentContribution(rec, config)['people:all']).toBeUndefined();
    rec = apply(rec, rate(ids.at(-1)!, 3));
    expect(selfAssessmentContribution(rec, config)).toMatchObject({ 'people:any': 1, 'people:all': 1, 's:thanks:3': 1 });
  });
});

describe('the room picture is kept incrementally', () => {
  const op = fc.oneof(
    fc.record({ who: fc.integer({ min: 0, max: 6 }), op: fc.constant('rate' as const), s: fc.constantFrom(...ids), value: fc.integer({ min: 1, max: 5 }) }),
    fc.record({ who: fc.integer({ min: 0, max: 6 }), op: fc.constant('clear' as const), s: fc.constantFrom(...ids) }),
  );

  it('random sequences of answers, changes and clears keep the counters equal to a recount', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const records = new Map<number, SelfAssessmentRecord>();
        const running: Counters = {};
        for (const o of ops) {
          const prev = records.get(o.who) ?? input.initial();
          const next = apply(prev, o.op === 'rate' ? rate(o.s, o.value) : { op: 'clear', statementId: o.s });
          addCounters(running, contributionDelta(input, prev, next, config)); // as the server moves them
          records.set(o.who, next);
        }
        const recount: Counters = {};
        for (const rec of records.values()) addCounters(recount, selfAssessmentContribution(rec, config));
        expect(running).toEqual(recount);
      }),
    );
  });

  it("the module's own delta is the difference of the two records' contributions, for any two records", () => {
    const ratings = fc.dictionary(fc.constantFrom(...ids, 'gone-statement'), fc.integer({ min: 1, max: 5 }));
    expect(input.delta).toBeDefined();
    fc.assert(
      fc.property(ratings, ratings, (a, b) => {
        const [prev, next] = [{ ratings: a }, { ratings: b }];
        expect(input.delta!(prev, next, config)).toEqual(counterDelta(selfAssessmentContribution(prev, config), selfAssessmentContribution(next, config)));
      }),
    );
    // the common answer: the same statements, one or more answered differently
    fc.assert(
      fc.property(ratings, fc.integer({ min: 0, max: 4 }), (a, shift) => {
        const b = Object.fromEntries(Object.entries(a).map(([id, v], i) => [id, i % 2 ? v : ((v - 1 + shift) % 5) + 1]));
        const [prev, next] = [{ ratings: a }, { ratings: b }];
        expect(input.delta!(prev, next, config)).toEqual(counterDelta(selfAssessmentContribution(prev, config), selfAssessmentContribution(next, config)));
      }),
    );
    const all = Object.fromEntries(ids.map((id) => [id, 3]));
    expect(input.delta!({ ratings: {} }, { ratings: all }, config)).toMatchObject({ 'people:any': 1, 'people:all': 1 });
    expect(input.delta!({ ratings: all }, { ratings: { ...all, thanks: 5 } }, config)).toEqual({ 's:thanks:3': -1, 's:thanks:5': 1 });
  });
});

describe('what the room sees', () => {
  function roomOf(people: Array<Record<string, number>>) {
    const counters: Counters = {};
    for (const ratings of people) addCounters(counters, selfAssessmentContribution({ ratings }, config));
    return counters;
  }
  const all = (v: number) => Object.fromEntries(ids.map((id) => [id, v]));
  // four people answered "thanks", only two answered "offer-help", one person answered everything
  const counters = roomOf([{ thanks: 5, 'offer-help': 2 }, { thanks: 4, 'offer-help': 3 }, { thanks: 4 }, all(1)]);
  const ctx = (phase: string, audience: 'console' | 'display' = 'display', cfg = config) => ({ config: cfg, phase, audience, counters, participants: 5 });

  it('the projector shows a live bar chart per statement while people answer', () => {
    const v = selfAssessmentPresenterView(ctx('answer'));
    expect(v).toMatchObject({ phase: 'answer', revealed: true, participants: 5, answeredAny: 4, answeredAll: 1, minGroupSize: 3 });
    expect(v.statements).toHaveLength(21);
    expect(v.statements.find((s) => s.id === 'thanks')).toEqual({
      id: 'thanks',
      text: expect.stringContaining('thank'),
      answered: 4,
      counts: [1, 0, 0, 2, 1],
      mean: 14 / 4,
    });
  });

  it('a statement answered by fewer than the minimum group shows how many answered, but no bars and no average', () => {
    const v = selfAssessmentPresenterView(ctx('answer', 'console'));
    expect(v.statements.find((s) => s.id === 'offer-help')).toMatchObject({ answered: 3, counts: [1, 1, 1, 0, 0], mean: 2 });
    expect(v.statements.find((s) => s.id === 'confidences')).toMatchObject({ answered: 1, counts: null, mean: null });
    const strict = SelfAssessmentConfig.parse({ minGroupSize: 5 });
    expect(selfAssessmentPresenterView(ctx('results', 'display', strict)).statements.every((s) => s.counts === null && s.mean === null)).toBe(true);
  });

  it('a facilitator can keep the bars off the projector until the results', () => {
    const hidden = SelfAssessmentConfig.parse({ hideUntilResults: true });
    const display = selfAssessmentPresenterView(ctx('answer', 'display', hidden));
    expect(display.revealed).toBe(false);
    expect(display.answeredAny).toBe(4);
    expect(display.statements.every((s) => s.counts === null && s.mean === null)).toBe(true);
    expect(selfAssessmentPresenterView(ctx('answer', 'console', hidden)).statements.find((s) => s.id === 'thanks')?.counts).toEqual([1, 0, 0, 2, 1]);
    expect(selfAssessmentPresenterView(ctx('results', 'display', hidden)).revealed).toBe(true);
  });

  it('phones see nothing of the room while answering, so nobody is nudged', () => {
    expect(selfAssessmentRoomView(ctx('answer'))).toBeNull();
    expect(selfAssessment.participantRoomView!(ctx('answer'))).toBeNull();
  });

  it('after the results open, phones see the same distributions, with the same suppression', () => {
    const v = selfAssessmentRoomView(ctx('results'));
    expect(v?.scale).toEqual(config.scale);
    expect(v?.statements.find((s) => s.id === 'thanks')?.counts).toEqual([1, 0, 0, 2, 1]);
    expect(v?.statements.find((s) => s.id === 'confidences')?.counts).toBeNull();
  });

  it('a statement nobody answered shows zero answers and no average', () => {
    const v = selfAssessmentPresenterView({
      config: SelfAssessmentConfig.parse({ minGroupSize: 1 }),
      phase: 'answer',
      audience: 'console',
      counters: {},
      participants: 0,
    });
    expect(v.statements[0]).toMatchObject({ answered: 0, counts: null, mean: null });
  });

  it('groups the results by practice and names the one the room rates itself lowest on', () => {
    // three people: generous givers (5s), rarely in touch (1s), the rest in the middle (3s)
    const give = config.statements.filter((s) => s.theme === DEFAULT_THEMES.give).map((s) => s.id);
    const connect = config.statements.filter((s) => s.theme === DEFAULT_THEMES.connect).map((s) => s.id);
    const person = () => Object.fromEntries(ids.map((id) => [id, give.includes(id) ? 5 : connect.includes(id) ? 1 : 3]));
    const c = roomOf([person(), person(), person()]);
    const v = selfAssessmentPresenterView({ config, phase: 'results', audience: 'display', counters: c, participants: 3 });
    expect(v.themes.map((x) => [x.theme, x.mean])).toEqual([
      [DEFAULT_THEMES.understand, 3],
      [DEFAULT_THEMES.give, 5],
      [DEFAULT_THEMES.trust, 3],
      [DEFAULT_THEMES.connect, 1],
      [DEFAULT_THEMES.open, 3],
    ]);
    expect(v.weakest).toBe(DEFAULT_THEMES.connect);
    expect(selfAssessmentRoomView({ config, phase: 'results', audience: 'display', counters: c, participants: 3 })?.weakest).toBe(DEFAULT_THEMES.connect);
    const report = selfAssessment.outcomes!({
      step: { id: 's', title: 'Self' },
      config,
      phase: 'results',
      counters: c,
      participants: 3,
      roster: [],
      records: [],
      shared: undefined,
    });
    expect(report.section.blocks).toContainEqual({ kind: 'paragraph', text: `The practice the room rates itself lowest on: ${DEFAULT_THEMES.connect}.` });
  });

  it('a practice is averaged over the statements shown only, and no practice is named weakest from a room too small to show any', () => {
    // the four-person room above: only "thanks" (connect) and "offer-help" (give) have enough answers
    const v = selfAssessmentPresenterView(ctx('results'));
    const byTheme = Object.fromEntries(v.themes.map((x) => [x.theme, x]));
    expect(byTheme[DEFAULT_THEMES.connect]).toMatchObject({ shown: 1, mean: 14 / 4 });
    expect(byTheme[DEFAULT_THEMES.give]).toMatchObject({ shown: 1, mean: 2 });
    expect(byTheme[DEFAULT_THEMES.trust]).toMatchObject({ shown: 0, mean: null });
    expect(v.weakest).toBe(DEFAULT_THEMES.give);
    const hidden = selfAssessmentPresenterView(ctx('answer', 'display', SelfAssessmentConfig.parse({ hideUntilResults: true })));
    expect(hidden.themes.every((x) => x.mean === null)).toBe(true);
    expect(hidden.weakest).toBeNull();
  });
});

describe('the phone’s preview of answers still on their way', () => {
  const statementId = fc.constantFrom(...config.statements.slice(0, 3).map((s) => s.id), 'gone-statement');
  const answer = fc.oneof(
    fc.record({ op: fc.constant('rate'), statementId, value: fc.integer({ min: 0, max: 6 }) }),
    fc.record({ op: fc.constant('clear'), statementId }),
  );

  it('shows the answers, strengths and things to practise the server sends back once they are stored', () => {
    fc.assert(
      fc.property(fc.array(answer, { maxLength: 10 }), fc.array(answer, { maxLength: 10 }), fc.constantFrom('answer', 'results'), (saved, pending, phase) => {
        const base = { type: 'self-assessment' as const, config, phase, participantId: 'p1', now: 0, records: {} };
        const { preview, stored } = previewAndStored({ ...base, records: submitted(base, saved) }, pending);
        expect(preview).toEqual(stored);
      }),
    );
  });
});
