import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCounters, counterDelta, type Counters } from '../activity.js';
import {
  mapOutcomes,
  mapContribution,
  mapInsights,
  mapPresenterView,
  mentalMap,
  MentalMapConfig,
  RINGS,
  SECTORS,
  TAGS,
  type MapEntry,
  type MentalMapInput,
  type MentalMapOwnView,
  type MentalMapRecord,
} from './mental-map.js';
import { previewParticipantView } from './index.js';
import { previewAndStored, submitted } from './preview.testing.js';

const config = MentalMapConfig.parse({});
const sealed = { iv: 'AAAAAAAAAAAAAAAA', ct: 'c2VjcmV0LWNpcGhlcnRleHQtYnl0ZXM' };
const person = (id: string, sector: MapEntry['sector'], ring: MapEntry['ring'], tags: MapEntry['tags'] = []): MapEntry => ({
  id,
  label: sealed,
  sector,
  ring,
  tags,
});
const input = mentalMap.input!;

function apply(rec: MentalMapRecord, ...inputs: MentalMapInput[]): MentalMapRecord {
  for (const i of inputs) {
    const r = input.reduce(rec, i, { config, phase: 'collect', now: 0, participantId: 'p1' });
    if (!r.ok) throw new Error(r.error);
    rec = r.value;
  }
  return rec;
}

describe('a participant maps their allies', () => {
  it('adds people, moves them between rings, retags and removes them', () => {
    let rec = apply(
      input.initial(),
      { op: 'put', entry: person('maria01', 'above', 'contact') },
      { op: 'put', entry: person('joe0001', 'across', 'ally', ['trusted']) },
    );
    expect(rec.entries.map((e) => e.id)).toEqual(['maria01', 'joe0001']);
    rec = apply(rec, { op: 'put', entry: person('maria01', 'above', 'core', ['influential']) });
    expect(rec.entries[0]).toMatchObject({ ring: 'core', tags: ['influential'] });
    rec = apply(rec, { op: 'remove', id: 'joe0001' });
    expect(rec.entries.map((e) => e.id)).toEqual(['maria01']);
  });

  it('can replay any change without it counting twice (retries are safe)', () => {
    const once = apply(input.initial(), { op: 'put', entry: person('maria01', 'above', 'ally') }, { op: 'remove', id: 'gone000' });
    const twice = apply(once, { op: 'put', entry: person('maria01', 'above', 'ally') }, { op: 'remove', id: 'gone000' });
    expect(twice).toEqual(once);
  });

  it('stops at the most people a map holds', () => {
    const small = MentalMapConfig.parse({ maxEntries: 2 });
    let rec = input.initial();
    for (const id of ['aaaaaa1', 'aaaaaa2'])
      rec = (
        input.reduce(rec, { op: 'put', entry: person(id, 'below', 'contact') }, { config: small, phase: 'collect', now: 0, participantId: 'p1' }) as {
          value: MentalMapRecord;
        }
      ).value;
    const third = input.reduce(
      rec,
      { op: 'put', entry: person('aaaaaa3', 'below', 'contact') },
      { config: small, phase: 'collect', now: 0, participantId: 'p1' },
    );
    expect(third).toEqual({ ok: false, error: 'A map holds at most 2 people.' });
    expect(
      input.reduce(rec, { op: 'put', entry: person('aaaaaa1', 'below', 'ally') }, { config: small, phase: 'collect', now: 0, participantId: 'p1' }).ok,
    ).toBe(true);
  });

  it('only accepts sealed labels, never plain text', () => {
    expect(input.schema.safeParse({ op: 'put', entry: { ...person('maria01', 'above', 'ally'), label: 'Maria Lopez' } }).success).toBe(false);
    expect(input.schema.safeParse({ op: 'put', entry: { ...person('maria01', 'above', 'ally'), label: { iv: 'short', ct: 'Maria Lopez' } } }).success).toBe(
      false,
    );
    expect(input.schema.safeParse({ op: 'put', entry: { ...person('maria01', 'sideways' as never, 'ally') } }).success).toBe(false);
  });
});

describe('the room picture is kept incrementally', () => {
  const op = fc.oneof(
    fc.record({
      who: fc.integer({ min: 0, max: 5 }),
      op: fc.constant('put' as const),
      id: fc.integer({ min: 0, max: 7 }),
      sector: fc.constantFrom(...SECTORS),
      ring: fc.constantFrom(...RINGS),
      tags: fc.subarray([...TAGS]),
    }),
    fc.record({ who: fc.integer({ min: 0, max: 5 }), op: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ who: fc.integer({ min: 0, max: 5 }), op: fc.constant('level' as const), level: fc.constantFrom('newer' as const, 'seasoned' as const, null) }),
  );

  it('random sequences of add, move, remove and changes of level keep the counters equal to a recount', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const records = new Map<number, MentalMapRecord>();
        const running: Counters = {};
        for (const o of ops) {
          const prev = records.get(o.who) ?? input.initial();
          const cmd: MentalMapInput =
            o.op === 'put'
              ? { op: 'put', entry: person(`person${o.id}`, o.sector, o.ring, o.tags) }
              : o.op === 'level'
                ? { op: 'level', level: o.level }
                : { op: 'remove', id: `person${o.id}` };
          const next = apply(prev, cmd);
          addCounters(running, counterDelta(mapContribution(prev, config), mapContribution(next, config)));
          records.set(o.who, next);
        }
        const recount: Counters = {};
        for (const rec of records.values()) addCounters(recount, mapContribution(rec, config));
        expect(running).toEqual(recount);
      }),
    );
  });
});

describe('what the room sees', () => {
  function roomOf(maps: MapEntry[][]) {
    const counters: Counters = {};
    for (const entries of maps) addCounters(counters, mapContribution({ entries }, config));
    return counters;
  }
  const counters = roomOf([
    [person('a000001', 'above', 'ally'), person('a000002', 'across', 'contact'), person('a000003', 'outside', 'contact')],
    [person('b000001', 'above', 'core'), person('b000002', 'across', 'contact'), person('b000003', 'below', 'ally')],
    [
      person('c000001', 'above', 'ally'),
      person('c000002', 'across', 'contact'),
      person('c000003', 'below', 'ally'),
      person('c000004', 'below', 'colleague'),
      person('c000005', 'outside', 'ally'),
    ],
    [],
  ]);

  it('the display shows progress, not the heatmap, while people are still mapping', () => {
    const v = mapPresenterView({ config, phase: 'collect', audience: 'display', counters, participants: 4 });
    expect(v).toMatchObject({ revealed: false, participants: 4, mapping: 3, reachedTarget: 1, cells: null, blindSpot: null });
  });

  it('the console sees the heatmap at once; cells under the minimum group size show no count', () => {
    const v = mapPresenterView({ config, phase: 'collect', audience: 'console', counters, participants: 4 });
    expect(v.cells?.across.contact).toBe(3);
    expect(v.cells?.above.ally).toBeNull(); // 2 people: below 3, hidden
    expect(v.cells?.above.core).toBeNull(); // 1
    expect(v.cells?.below.contact).toBeNull(); // 0
  });

  it('after the reveal the display names the biggest blind spot', () => {
    const v = mapPresenterView({ config, phase: 'reveal', audience: 'display', counters, participants: 4 });
    // below (2 of 3) and outside (1 of 3) would point at one or two people: not shown
    expect(v.allyShare).toEqual({ above: 1, across: 0, below: null, outside: null });
    expect(v.blindSpot).toEqual({ sector: 'across', share: 0, text: '100% of you have no ally among peers.' });
    // with a minimum group of one, every share shows
    const open = mapPresenterView({ config: { ...config, minGroupSize: 1 }, phase: 'reveal', audience: 'display', counters, participants: 4 });
    expect(open.allyShare).toEqual({ above: 1, across: 0, below: 2 / 3, outside: 1 / 3 });
  });

  it('a small room’s shares never point at one person: with four mapping, 25 % (one of them) is not shown', () => {
    const four = roomOf([
      [person('a000001', 'above', 'ally'), person('a000002', 'below', 'ally')],
      [person('b000001', 'across', 'contact'), person('b000002', 'below', 'ally')],
      [person('c000001', 'across', 'contact'), person('c000002', 'below', 'ally')],
      [person('d000001', 'outside', 'contact'), person('d000002', 'below', 'ally')],
    ]);
    const v = mapPresenterView({ config, phase: 'reveal', audience: 'display', counters: four, participants: 4 });
    expect(v.allyShare).toEqual({ above: null, across: 0, below: 1, outside: 0 });
    expect(v.blindSpot?.sector).not.toBe('above');
    const report = JSON.stringify(
      mapOutcomes({ step: { id: 'm', title: 'Map' }, config, phase: 'reveal', counters: four, participants: 4, roster: [], records: [], shared: undefined }),
    );
    expect(report).not.toContain('25');
    expect(report).toContain('Shares based on fewer than 3 people are not shown');
  });

  it('says nothing about shares while fewer than the minimum group have mapped', () => {
    const few = roomOf([[person('a000001', 'above', 'ally')], [person('b000001', 'above', 'ally')]]);
    const v = mapPresenterView({ config, phase: 'discuss', audience: 'display', counters: few, participants: 2 });
    expect(v.allyShare).toBeNull();
    expect(v.blindSpot).toBeNull();
  });
});

describe('personal insights', () => {
  it('an empty map gets a way to start', () => {
    expect(mapInsights({ entries: [] })).toEqual([{ kind: 'start', text: expect.stringContaining('first person') }]);
  });

  it('names the directions without an ally, the core circle, and who is not yet contacted', () => {
    const kinds = mapInsights({
      entries: [
        person('a000001', 'above', 'core'),
        person('a000002', 'above', 'ally', ['uncontacted']),
        person('a000003', 'above', 'contact', ['potential']),
        person('a000004', 'above', 'contact'),
      ],
    });
    expect(kinds.filter((i) => i.kind === 'no-ally').map((i) => i.text)).toEqual([
      expect.stringContaining('peers'),
      expect.stringContaining('people you lead'),
      expect.stringContaining('outside'),
    ]);
    expect(kinds.find((i) => i.kind === 'core')?.text).toContain('1 person');
    expect(kinds.find((i) => i.kind === 'uncontacted')?.text).toMatch(/^1 person is not yet contacted/);
    expect(kinds.find((i) => i.kind === 'potential')).toBeDefined();
    expect(kinds.find((i) => i.kind === 'lopsided')?.text).toContain('above');
  });

  it('offers a commitment in one tap: the closest person in a direction without an ally (or someone new), the first not yet contacted', () => {
    const got = mapInsights({
      entries: [person('a000001', 'above', 'ally'), person('b000001', 'across', 'contact'), person('b000002', 'across', 'colleague', ['uncontacted'])],
    });
    const noAlly = got.filter((i) => i.kind === 'no-ally');
    expect(noAlly[0]!.text).toContain('peers');
    expect(noAlly[0]!.suggest).toEqual({ entryId: 'b000002', what: expect.stringContaining('coffee') });
    // nobody below: the commitment is about someone new
    expect(noAlly[1]!.suggest).toEqual({ what: expect.stringContaining('coach') });
    expect(got.find((i) => i.kind === 'uncontacted')?.suggest).toEqual({ entryId: 'b000002', what: expect.stringContaining('Reach out') });
    expect(got.find((i) => i.kind === 'core')?.suggest).toBeUndefined();
  });
});

describe('the map by level', () => {
  const newer = (...entries: MapEntry[]): MentalMapRecord => ({ entries, level: 'newer' });
  const seasoned = (...entries: MapEntry[]): MentalMapRecord => ({ entries, level: 'seasoned' });

  it('a person says where they stand, changes their mind or stops saying, and their map stays as it was', () => {
    let rec = apply(input.initial(), { op: 'put', entry: person('a000001', 'above', 'ally') }, { op: 'level', level: 'seasoned' });
    expect(rec).toEqual({ entries: [person('a000001', 'above', 'ally')], level: 'seasoned' });
    rec = apply(rec, { op: 'level', level: 'newer' }, { op: 'level', level: 'newer' }, { op: 'remove', id: 'a000001' });
    expect(rec).toEqual({ entries: [], level: 'newer' });
    expect(apply(rec, { op: 'level', level: null }).level).toBeNull();
    expect(input.schema.safeParse({ op: 'level', level: 'ceo' }).success).toBe(false);
  });

  it('someone new is sent upward and across; a seasoned leader below, to overlooked talent and people unlike them', () => {
    const n = mapInsights(newer(person('a000001', 'below', 'ally'))).filter((i) => i.kind === 'level');
    expect(n.map((i) => i.text)).toEqual([expect.stringMatching(/^Map upward/), expect.stringMatching(/^Map across/)]);
    const s = mapInsights(seasoned(person('a000001', 'above', 'ally'))).filter((i) => i.kind === 'level');
    expect(s.map((i) => i.text)).toEqual([expect.stringContaining('Potential ally'), expect.stringContaining('unlike you')]);
    // once they have placed overlooked talent below, the first nudge is gone
    const done = mapInsights(seasoned(person('a000002', 'below', 'colleague', ['potential']))).filter((i) => i.kind === 'level');
    expect(done.map((i) => i.text)).toEqual([expect.stringContaining('unlike you')]);
    expect(mapInsights({ entries: [person('a000001', 'above', 'ally')] }).some((i) => i.kind === 'level')).toBe(false);
  });

  it('the room’s heatmap splits by level, each level shown only from the minimum group size', () => {
    const c: Counters = {};
    // three newcomers map above; two seasoned leaders map below (too few to show as a group)
    for (let i = 0; i < 3; i++) addCounters(c, mapContribution(newer(person(`n00000${i}`, 'above', 'colleague')), config));
    for (let i = 0; i < 2; i++) addCounters(c, mapContribution(seasoned(person(`s00000${i}`, 'below', 'ally')), config));
    const v = mapPresenterView({ config, phase: 'reveal', audience: 'display', counters: c, participants: 5 });
    const [nw, sn] = v.byLevel!;
    expect(nw).toMatchObject({ level: 'newer', people: 3 });
    expect(nw!.cells!.above.colleague).toBe(3);
    expect(nw!.cells!.below.ally).toBeNull();
    expect(sn).toEqual({ level: 'seasoned', people: 2, cells: null });
    // the room's whole heatmap still counts everyone
    expect(v.cells!.above.colleague).toBe(3);
    expect(mapPresenterView({ config, phase: 'collect', audience: 'display', counters: c, participants: 5 }).byLevel).toBeNull();
    const off = MentalMapConfig.parse({ askLevel: false });
    expect(mapPresenterView({ config: off, phase: 'reveal', audience: 'display', counters: c, participants: 5 }).byLevel).toBeNull();
    const report = mapOutcomes({
      step: { id: 'm', title: 'Map' },
      config,
      phase: 'reveal',
      counters: c,
      participants: 5,
      roster: [],
      records: [],
      shared: undefined,
    });
    const heatmaps = report.section.blocks.filter((b) => b.kind === 'heatmap').map((b) => (b as { title: string }).title);
    expect(heatmaps).toEqual([expect.any(String), 'New here or early in my career: 3 people']);
  });
});

describe('the phone’s preview of changes still on their way', () => {
  const change = fc.oneof(
    fc
      .record({ id: fc.integer({ min: 0, max: 5 }), sector: fc.constantFrom(...SECTORS), ring: fc.constantFrom(...RINGS), tags: fc.subarray([...TAGS]) })
      .map(({ id, sector, ring, tags }): MentalMapInput => ({ op: 'put', entry: person(`person${id}`, sector, ring, tags) })),
    fc.integer({ min: 0, max: 5 }).map((id): MentalMapInput => ({ op: 'remove', id: `person${id}` })),
    fc.constantFrom('newer' as const, 'seasoned' as const, null).map((level): MentalMapInput => ({ op: 'level', level })),
  );

  it('shows the map the server sends back once they are stored, whatever was saved before (a full map refuses one more)', () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 12 }), fc.array(change, { maxLength: 12 }), fc.integer({ min: 1, max: 6 }), (saved, pending, maxEntries) => {
        const base = { type: 'mental-map' as const, config: MentalMapConfig.parse({ maxEntries }), phase: 'collect', participantId: 'p1', now: 1, records: {} };
        const s = { ...base, records: submitted(base, saved) };
        const { preview, stored } = previewAndStored(s, pending);
        expect(preview).toEqual(stored);
      }),
    );
  });

  it('is the view itself when nothing waits', () => {
    const view = mentalMap.input!.ownView!({ entries: [person('person1', 'above', 'ally')] }) as MentalMapOwnView;
    expect(previewParticipantView('mental-map', view, [], { config, phase: 'collect', now: 1, participantId: 'p1' })).toBe(view);
  });
});
