import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCounters, counterDelta, type Counters } from '../activity.js';
import {
  CADENCES,
  commitments,
  CommitmentsConfig,
  commitmentsContribution,
  commitmentsPresenterView,
  isCalendarDate,
  normalizeCommitmentWhat,
  type Cadence,
  type CommitmentItem,
  type CommitmentsInput,
  type CommitmentsRecord,
} from './commitments.js';
import { previewAndStored, submitted } from './preview.testing.js';

const config = CommitmentsConfig.parse({});
const input = commitments.input!;
const sealed = { iv: 'AAAAAAAAAAAAAAAA', ct: 'c2VjcmV0LWNpcGhlcnRleHQtYnl0ZXM' };
const sealedWhat = { iv: 'BBBBBBBBBBBBBBBB', ct: 'd2hhdC1jaXBoZXJ0ZXh0LWJ5dGVzLWxvbmdlcg' };
const item = (id: string, cadence: Cadence = 'monthly', extra: Partial<CommitmentItem> = {}): CommitmentItem => ({
  id,
  whom: sealed,
  what: sealedWhat,
  start: '2026-03-02',
  cadence,
  ...extra,
});

function apply(rec: CommitmentsRecord, ...inputs: CommitmentsInput[]): CommitmentsRecord {
  for (const i of inputs) {
    const r = input.reduce(rec, input.schema.parse(i), { config, phase: 'write', now: 0, participantId: 'p1' });
    if (!r.ok) throw new Error(r.error);
    rec = r.value;
  }
  return rec;
}
const put = (i: CommitmentItem): CommitmentsInput => ({ op: 'put', item: i });
const parses = (i: unknown) => input.schema.safeParse({ op: 'put', item: i }).success;

describe('a participant writes their follow-ups', () => {
  it('the step starts with writing and moves to a review; both take changes', () => {
    expect(commitments.phases).toEqual(['write', 'review']);
    expect(input.acceptIn).toEqual(['write', 'review']);
    expect(config.prompt).toMatch(/Who will you reach out to/);
    expect(config.maxItems).toBe(20);
  });

  it('adds commitments, edits one, and removes another', () => {
    let rec = apply(input.initial(), put(item('coffee1', 'monthly')), put(item('thanks1', 'once', { time: '09:30' })));
    expect(rec.items.map((e) => e.id)).toEqual(['coffee1', 'thanks1']);
    const reworded = { iv: 'CCCCCCCCCCCCCCCC', ct: 'b2ZmZXItdG8tcmV2aWV3LWhlci1kcmFmdA' };
    rec = apply(rec, put(item('coffee1', 'biweekly', { what: reworded })));
    expect(rec.items[0]).toMatchObject({ cadence: 'biweekly', what: reworded });
    rec = apply(rec, { op: 'remove', id: 'thanks1' });
    expect(rec.items.map((e) => e.id)).toEqual(['coffee1']);
    expect(input.ownView).toBeUndefined(); // they see their own items as they are
  });

  it('can replay any change without it counting twice (retries are safe)', () => {
    const once = apply(input.initial(), put(item('coffee1', 'weekly')), { op: 'remove', id: 'gone000' });
    const twice = apply(once, put(item('coffee1', 'weekly')), { op: 'remove', id: 'gone000' });
    expect(twice).toEqual(once);
  });

  it('the text of what they will do is normalized to one short line in the browser, before it is sealed', () => {
    const what = normalizeCommitmentWhat('Call\nabout\u202E the\u0000 offsite ' + 'x'.repeat(400));
    expect(what.startsWith('Call about the offsite x')).toBe(true);
    expect([...what].length).toBeLessThanOrEqual(200);
    for (const bad of ['\n', '\u202E', '\u0000']) expect(what).not.toContain(bad);
    expect(normalizeCommitmentWhat(' \u200B ')).toBe('');
  });

  it('stops at the most commitments a list holds, but still allows edits', () => {
    const small = CommitmentsConfig.parse({ maxItems: 2 });
    const ctx = { config: small, phase: 'write', now: 0, participantId: 'p1' };
    let rec = input.initial();
    for (const id of ['aaaaaa1', 'aaaaaa2']) rec = (input.reduce(rec, put(item(id)), ctx) as { value: CommitmentsRecord }).value;
    expect(input.reduce(rec, put(item('aaaaaa3')), ctx)).toEqual({ ok: false, error: 'You can keep at most 2 commitments here.' });
    expect(input.reduce(rec, put(item('aaaaaa1', 'weekly')), ctx).ok).toBe(true);
  });
});

describe('bad input is refused', () => {
  it('only accepts a sealed whom and a sealed what, never plain text', () => {
    expect(parses(item('coffee1'))).toBe(true);
    expect(parses({ ...item('coffee1'), whom: 'Maria Lopez' })).toBe(false);
    expect(parses({ ...item('coffee1'), whom: { iv: 'short', ct: 'Maria Lopez' } })).toBe(false);
    expect(parses({ ...item('coffee1'), whom: undefined })).toBe(false);
    expect(parses({ ...item('coffee1'), what: 'Ask how the launch went' })).toBe(false);
    expect(parses({ ...item('coffee1'), what: { iv: 'short', ct: 'Ask how the launch went' } })).toBe(false);
    expect(parses({ ...item('coffee1'), what: { ...sealedWhat, ct: 'A'.repeat(4001) } })).toBe(false);
    expect(parses({ ...item('coffee1'), what: { ...sealedWhat, ct: 'A'.repeat(4000) } })).toBe(true);
  });

  it('needs a real first date', () => {
    for (const start of ['2026-02-30', '2026-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '26-03-02', '2026-3-2', '2026-03-02T09:00', '', '1999-12-31']) {
      expect(parses(item('coffee1', 'once', { start })), start).toBe(false);
    }
    for (const start of ['2028-02-29', '2026-12-31', '2026-01-01']) expect(parses(item('coffee1', 'once', { start })), start).toBe(true);
    expect(isCalendarDate('2100-02-29')).toBe(false);
    expect(isCalendarDate('2000-02-29')).toBe(true);
  });

  it('knows only the five cadences', () => {
    for (const cadence of ['montly', 'Weekly', 'daily', '']) expect(parses({ ...item('coffee1'), cadence }), cadence).toBe(false);
    for (const cadence of CADENCES) expect(parses(item('coffee1', cadence))).toBe(true);
  });

  it('takes an optional time of day as HH:MM', () => {
    expect(parses(item('coffee1', 'once', { time: '07:05' }))).toBe(true);
    expect(parses(item('coffee1', 'once', { time: '23:59' }))).toBe(true);
    for (const time of ['24:00', '9:30', '09:60', '09:30:00', 'noon']) expect(parses(item('coffee1', 'once', { time })), time).toBe(false);
  });

  it('refuses ids that could not be a commitment id', () => {
    expect(parses(item('abc'))).toBe(false);
    expect(parses(item('has space1'))).toBe(false);
  });
});

describe('the room picture is kept incrementally', () => {
  const op = fc.oneof(
    fc.record({
      who: fc.integer({ min: 0, max: 5 }),
      op: fc.constant('put' as const),
      id: fc.integer({ min: 0, max: 7 }),
      cadence: fc.constantFrom(...CADENCES),
    }),
    fc.record({ who: fc.integer({ min: 0, max: 5 }), op: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 7 }) }),
  );

  it('random sequences of add, edit and remove keep the counters equal to a recount', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const records = new Map<number, CommitmentsRecord>();
        const running: Counters = {};
        for (const o of ops) {
          const prev = records.get(o.who) ?? input.initial();
          const next = apply(prev, o.op === 'put' ? put(item(`commit${o.id}`, o.cadence)) : { op: 'remove', id: `commit${o.id}` });
          addCounters(running, counterDelta(commitmentsContribution(prev), commitmentsContribution(next)));
          records.set(o.who, next);
        }
        const recount: Counters = {};
        for (const rec of records.values()) addCounters(recount, commitmentsContribution(rec));
        expect(running).toEqual(recount);
      }),
    );
  });
});

describe('what the room sees', () => {
  const secretWhom = { iv: 'Zm9vYmFyYmF6cXV4', ct: 'TWFyaWEtTG9wZXotc2VhbGVkLWxhYmVs' };
  const secretWhat = { iv: 'QmFyQmF6UXV4Rm9v', ct: 'QXNrLU1hcmlhLWFib3V0LXRoZS1yZW9yZw' };
  const people: CommitmentsRecord[] = [
    apply(input.initial(), put(item('a000001', 'monthly', { whom: secretWhom, what: secretWhat })), put(item('a000002', 'weekly'))),
    apply(input.initial(), put(item('b000001', 'monthly')), put(item('b000002', 'quarterly', { time: '08:15' })), put(item('b000003', 'monthly'))),
    input.initial(),
  ];
  const counters: Counters = {};
  for (const rec of people) addCounters(counters, commitmentsContribution(rec));

  it('counts commitments, people and rhythms', () => {
    const v = commitmentsPresenterView({ config, phase: 'write', audience: 'display', counters, participants: 4 });
    expect(v).toEqual({
      phase: 'write',
      participants: 4,
      people: 2,
      items: 5,
      byCadence: { once: 0, weekly: 1, biweekly: 0, monthly: 3, quarterly: 1 },
      commonest: 'monthly',
    });
  });

  it('names no commonest rhythm when two rhythms tie for the most', () => {
    const tied: Counters = {};
    for (const rec of [apply(input.initial(), put(item('t000001', 'once'))), apply(input.initial(), put(item('t000002', 'monthly')))])
      addCounters(tied, commitmentsContribution(rec));
    expect(commitmentsPresenterView({ config, phase: 'review', audience: 'console', counters: tied, participants: 2 }).commonest).toBeNull();
    const report = commitments.outcomes!({
      step: { id: 'c', title: 'C' },
      config,
      phase: 'review',
      counters: tied,
      participants: 2,
      roster: [],
      records: [],
      shared: undefined,
    });
    expect(JSON.stringify(report.section)).not.toContain('most often');
  });

  it('an empty room has no commonest rhythm', () => {
    expect(commitmentsPresenterView({ config, phase: 'write', audience: 'console', counters: {}, participants: 3 })).toMatchObject({
      people: 0,
      items: 0,
      commonest: null,
    });
  });

  it('never carries whom or what to the console, the projector or other phones', () => {
    const seen = JSON.stringify([
      people.map((rec) => commitmentsContribution(rec)),
      counters,
      commitmentsPresenterView({ config, phase: 'review', audience: 'console', counters, participants: 4 }),
      commitments.presenterView!({ config, phase: 'review', audience: 'display', counters, participants: 4 }),
      commitments.participantRoomView!({ config, phase: 'review', audience: 'display', counters, participants: 4 }),
    ]);
    for (const secret of [secretWhom.iv, secretWhom.ct, sealed.ct, secretWhat.iv, secretWhat.ct, sealedWhat.ct, '08:15', '2026-03-02']) {
      expect(seen).not.toContain(secret);
    }
  });
});

describe('the phone’s preview of changes still on their way', () => {
  const change = fc.oneof(
    fc
      .record({ id: fc.integer({ min: 0, max: 4 }), cadence: fc.constantFrom(...CADENCES), time: fc.constantFrom(undefined, '08:30', '25:00') })
      .map(({ id, cadence, time }) => put(item(`item-${id}0`, cadence, time === undefined ? {} : { time }))),
    fc.integer({ min: 0, max: 4 }).map((id): CommitmentsInput => ({ op: 'remove', id: `item-${id}0` })),
  );

  it('shows the list the server sends back once they are stored (a full list refuses one more)', () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 10 }), fc.array(change, { maxLength: 10 }), fc.integer({ min: 1, max: 4 }), (saved, pending, maxItems) => {
        const base = { type: 'commitments' as const, config: CommitmentsConfig.parse({ maxItems }), phase: 'write', participantId: 'p1', now: 0, records: {} };
        const { preview, stored } = previewAndStored({ ...base, records: submitted(base, saved) }, pending);
        expect(preview).toEqual(stored);
      }),
    );
  });
});
