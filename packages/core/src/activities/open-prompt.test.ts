import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCounters, counterDelta, type Counters } from '../activity.js';
import {
  actOpenPrompt,
  initialOpenPromptShared,
  openPrompt,
  OpenPromptAction,
  OpenPromptConfig,
  openPromptContribution,
  openPromptParticipantView,
  openPromptPresenterView,
  wordCloud,
  type OpenPromptConsoleView,
  type OpenPromptDisplayView,
  type OpenPromptInput,
  type OpenPromptRecord,
  type OpenPromptShared,
} from './open-prompt.js';
import { previewAndStored, serverView, submitted } from './preview.testing.js';

const config = OpenPromptConfig.parse({});
const input = openPrompt.input!;

function apply(rec: OpenPromptRecord, pid: string, shared: OpenPromptShared | undefined, phase: string, ...inputs: OpenPromptInput[]): OpenPromptRecord {
  for (const i of inputs) {
    const r = input.reduce(rec, input.schema.parse(i), { config, phase, now: 0, participantId: pid, shared });
    if (!r.ok) throw new Error(r.error);
    rec = r.value;
  }
  return rec;
}
const tryReduce = (rec: OpenPromptRecord, pid: string, shared: OpenPromptShared | undefined, i: OpenPromptInput, phase = 'vote', cfg = config) =>
  input.reduce(rec, i, { config: cfg, phase, now: 0, participantId: pid, shared });

type Records = Record<string, OpenPromptRecord>;
const asRecords = (recs: Records) => Object.entries(recs).map(([pid, value]) => ({ scope: `p:${pid}`, value }));

function act(shared: OpenPromptShared, recs: Records, ...actions: unknown[]): OpenPromptShared {
  for (const a of actions) {
    const r = actOpenPrompt(shared, OpenPromptAction.parse(a), { seed: 42, records: asRecords(recs) });
    if (!r.ok) throw new Error(r.error);
    shared = r.value;
  }
  return shared;
}
const refusal = (shared: OpenPromptShared, recs: Records, a: unknown) =>
  actOpenPrompt(shared, OpenPromptAction.parse(a), { seed: 1, records: asRecords(recs) });

function countersOf(recs: Records): Counters {
  const c: Counters = {};
  for (const r of Object.values(recs)) addCounters(c, openPromptContribution(r));
  return c;
}
function presenter(recs: Records, shared: OpenPromptShared, audience: 'console' | 'display', phase = 'vote') {
  return openPromptPresenterView({
    config,
    phase,
    audience,
    counters: countersOf(recs),
    participants: Object.keys(recs).length,
    shared,
    records: asRecords(recs),
  });
}
const ballotId = (shared: OpenPromptShared, entry: string) => shared.ballot.find((b) => b.entry === entry)!.id;

/** Ana, Ben and Chloé answer; two of the answers say the same thing. */
function room() {
  const recs: Records = {
    ana: apply(
      input.initial(),
      'ana',
      undefined,
      'answer',
      { op: 'answer', id: 'a1', text: 'They  share credit\n openly' },
      { op: 'answer', id: 'a2', text: 'Keeps confidences' },
    ),
    ben: apply(input.initial(), 'ben', undefined, 'answer', { op: 'answer', id: 'b1', text: 'Shares credit openly' }),
    chloe: apply(
      input.initial(),
      'chloe',
      undefined,
      'answer',
      { op: 'answer', id: 'c1', text: 'Offers help before being asked' },
      { op: 'answer', id: 'c2', text: 'buy my product!!!' },
    ),
  };
  return recs;
}

describe('participants answer', () => {
  it('adds, edits (normalized) and withdraws answers; replays change nothing', () => {
    let rec = apply(input.initial(), 'ana', undefined, 'answer', { op: 'answer', id: 'a1', text: '  Listens\u202E\tfirst ' });
    expect(rec.answers).toEqual([{ id: 'a1', text: 'Listens first' }]);
    const again = tryReduce(rec, 'ana', undefined, { op: 'answer', id: 'a1', text: 'Listens first' }, 'answer');
    expect(again).toEqual({ ok: true, value: rec });
    expect(again.ok && again.value).toBe(rec);
    rec = apply(
      rec,
      'ana',
      undefined,
      'answer',
      { op: 'answer', id: 'a1', text: 'Listens before advising' },
      { op: 'answer', id: 'a2', text: 'Keeps promises' },
    );
    expect(rec.answers.map((a) => a.text)).toEqual(['Listens before advising', 'Keeps promises']);
    rec = apply(rec, 'ana', undefined, 'answer', { op: 'withdraw', id: 'a1' }, { op: 'withdraw', id: 'a1' });
    expect(rec.answers.map((a) => a.id)).toEqual(['a2']);
  });

  it('caps the number and the length of answers, and refuses empty ones', () => {
    const rec = apply(
      input.initial(),
      'ana',
      undefined,
      'answer',
      { op: 'answer', id: 'a1', text: 'x'.repeat(500) },
      { op: 'answer', id: 'a2', text: 'two' },
      { op: 'answer', id: 'a3', text: 'three' },
    );
    expect(rec.answers[0]!.text).toHaveLength(140);
    expect(tryReduce(rec, 'ana', undefined, { op: 'answer', id: 'a4', text: 'four' }, 'answer')).toMatchObject({
      ok: false,
      error: expect.stringContaining('up to 3'),
    });
    expect(tryReduce(rec, 'ana', undefined, { op: 'answer', id: 'a3', text: 'three, edited' }, 'answer').ok).toBe(true);
    expect(tryReduce(rec, 'ana', undefined, { op: 'answer', id: 'a3', text: ' \u200B\n ' }, 'answer')).toMatchObject({ ok: false });
    expect(input.schema.safeParse({ op: 'answer', id: 'a.b', text: 'x' }).success).toBe(false);
    expect(OpenPromptConfig.safeParse({ maxLength: 281 }).success).toBe(false);
  });

  it('accepts answers only while answering, and votes only while voting', () => {
    const shared = act(initialOpenPromptShared(), room(), { type: 'open-vote' });
    expect(tryReduce(input.initial(), 'ana', shared, { op: 'answer', id: 'a1', text: 'hi' }, 'vote')).toMatchObject({ ok: false });
    expect(tryReduce(input.initial(), 'ana', shared, { op: 'vote', entry: ballotId(shared, 'ben.b1'), count: 1 }, 'answer')).toMatchObject({ ok: false });
    expect(openPrompt.input!.acceptIn).toEqual(['answer', 'vote']);
  });
});

describe('votes', () => {
  it('are refused before the vote is opened, for own answers and for removed entries', () => {
    const recs = room();
    expect(tryReduce(recs.ana!, 'ana', undefined, { op: 'vote', entry: 'b1', count: 1 })).toMatchObject({
      ok: false,
      error: expect.stringContaining('not on the ballot'),
    });
    const shared = act(initialOpenPromptShared(), recs, { type: 'open-vote' }, { type: 'remove', entry: 'chloe.c2' });
    expect(tryReduce(recs.ana!, 'ana', shared, { op: 'vote', entry: ballotId(shared, 'ana.a1'), count: 1 })).toMatchObject({
      ok: false,
      error: expect.stringContaining('own'),
    });
    expect(tryReduce(recs.ana!, 'ana', shared, { op: 'vote', entry: ballotId(shared, 'chloe.c2'), count: 1 })).toMatchObject({
      ok: false,
      error: expect.stringContaining('removed'),
    });
    // Ben's answer merged into Ana's counts as Ana's: she cannot vote for it either.
    const merged = act(shared, recs, { type: 'merge', from: 'ben.b1', into: 'ana.a1' });
    expect(tryReduce(recs.ana!, 'ana', merged, { op: 'vote', entry: ballotId(merged, 'ben.b1'), count: 1 })).toMatchObject({ ok: false });
  });

  it('keep within the budget, one per entry unless configured; lowering is always allowed; replays are harmless', () => {
    const recs = room();
    const shared = act(initialOpenPromptShared(), recs, { type: 'open-vote' });
    const id = (e: string) => ballotId(shared, e);
    let ben = apply(
      recs.ben!,
      'ben',
      shared,
      'vote',
      { op: 'vote', entry: id('ana.a1'), count: 1 },
      { op: 'vote', entry: id('ana.a2'), count: 1 },
      { op: 'vote', entry: id('chloe.c1'), count: 1 },
    );
    expect(ben.votes).toEqual({ 'ana.a1': 1, 'ana.a2': 1, 'chloe.c1': 1 });
    expect(tryReduce(ben, 'ben', shared, { op: 'vote', entry: id('chloe.c2'), count: 1 })).toMatchObject({
      ok: false,
      error: expect.stringContaining('3 votes'),
    });
    expect(tryReduce(ben, 'ben', shared, { op: 'vote', entry: id('chloe.c1'), count: 2 })).toMatchObject({ ok: false, error: 'One vote per answer.' });
    const replay = tryReduce(ben, 'ben', shared, { op: 'vote', entry: id('chloe.c1'), count: 1 });
    expect(replay.ok && replay.value).toBe(ben);
    ben = apply(
      ben,
      'ben',
      shared,
      'vote',
      { op: 'vote', entry: id('ana.a2'), count: 0 },
      { op: 'vote', entry: id('ana.a2'), count: 0 },
      { op: 'vote', entry: id('chloe.c2'), count: 1 },
    );
    expect(ben.votes).toEqual({ 'ana.a1': 1, 'chloe.c1': 1, 'chloe.c2': 1 });

    const multi = OpenPromptConfig.parse({ allowMultipleVotesPerAnswer: true, votes: 5 });
    const r = tryReduce(recs.ben!, 'ben', shared, { op: 'vote', entry: id('ana.a1'), count: 5 }, 'vote', multi);
    expect(r.ok && r.value.votes).toEqual({ 'ana.a1': 5 });
    expect(tryReduce(recs.ben!, 'ben', shared, { op: 'vote', entry: id('ana.a1'), count: 6 }, 'vote', multi)).toMatchObject({ ok: false });
  });

  it('votes on a removed entry free the budget; a vote on a merged duplicate goes to the kept entry', () => {
    const recs = room();
    let shared = act(initialOpenPromptShared(), recs, { type: 'open-vote' });
    const id = (e: string) => ballotId(shared, e);
    let dev = apply(
      input.initial(),
      'dev',
      shared,
      'vote',
      { op: 'vote', entry: id('chloe.c2'), count: 1 },
      { op: 'vote', entry: id('ana.a2'), count: 1 },
      { op: 'vote', entry: id('ben.b1'), count: 1 },
    );
    shared = act(shared, recs, { type: 'remove', entry: 'chloe.c2' }, { type: 'merge', from: 'ana.a1', into: 'ben.b1' });
    expect(openPromptParticipantView({ config, phase: 'vote', participantId: 'dev', own: dev, shared })).toMatchObject({ used: 2, remaining: 1 });
    // Voting for the duplicate sets the votes of the entry it was merged into (no double vote).
    dev = apply(dev, 'dev', shared, 'vote', { op: 'vote', entry: id('ana.a1'), count: 1 }, { op: 'vote', entry: id('chloe.c1'), count: 1 });
    expect(dev.votes).toEqual({ 'chloe.c2': 1, 'ana.a2': 1, 'ben.b1': 1, 'chloe.c1': 1 });
    // Restoring the removed entry leaves Dev over budget: they may only take votes back.
    shared = act(shared, recs, { type: 'restore', entry: 'chloe.c2' });
    expect(openPromptParticipantView({ config, phase: 'vote', participantId: 'dev', own: dev, shared })).toMatchObject({ used: 4, remaining: 0 });
    expect(tryReduce(dev, 'dev', shared, { op: 'vote', entry: id('ana.a2'), count: 0 }).ok).toBe(true);
  });
});

describe('moderation', () => {
  it("reads everyone's answers only for actions that need them: not to hide or reveal the wall", () => {
    const needs = (action: OpenPromptAction) => openPrompt.shared!.needsRecordsFor!(action);
    expect(needs({ type: 'hide' })).toBe(false);
    expect(needs({ type: 'reveal' })).toBe(false);
    expect(needs({ type: 'open-vote' })).toBe(true);
    expect(needs({ type: 'remove', entry: 'p1.a1' })).toBe(true);
    expect(needs({ type: 'merge', from: 'p1.a1', into: 'p2.a1' })).toBe(true);
  });

  it('hides and reveals, removes and restores', () => {
    const recs = room();
    let shared = act(initialOpenPromptShared(), recs, { type: 'hide' }, { type: 'hide' });
    expect(shared.hidden).toBe(true);
    shared = act(shared, recs, { type: 'reveal' }, { type: 'remove', entry: 'chloe.c2' }, { type: 'remove', entry: 'chloe.c2' });
    expect(shared).toMatchObject({ hidden: false, removed: ['chloe.c2'] });
    expect(refusal(shared, recs, { type: 'remove', entry: 'chloe.c9' })).toMatchObject({ ok: false });
    shared = act(shared, recs, { type: 'restore', entry: 'chloe.c2' });
    expect(shared.removed).toEqual([]);
  });

  it('merges duplicates, resolves chains and refuses loops, self-merges and merging into a removed entry', () => {
    const recs = room();
    let shared = act(initialOpenPromptShared(), recs, { type: 'merge', from: 'ana.a1', into: 'ben.b1' }, { type: 'merge', from: 'ben.b1', into: 'chloe.c1' });
    expect(shared.merged).toEqual({ 'ana.a1': 'ben.b1', 'ben.b1': 'chloe.c1' });
    expect(refusal(shared, recs, { type: 'merge', from: 'chloe.c1', into: 'ana.a1' })).toMatchObject({ ok: false });
    expect(refusal(shared, recs, { type: 'merge', from: 'ana.a2', into: 'ana.a2' })).toMatchObject({ ok: false });
    expect(refusal(shared, recs, { type: 'merge', from: 'ana.a2', into: 'nobody.x' })).toMatchObject({ ok: false });
    shared = act(shared, recs, { type: 'remove', entry: 'chloe.c2' });
    expect(refusal(shared, recs, { type: 'merge', from: 'ana.a2', into: 'chloe.c2' })).toMatchObject({ ok: false, error: expect.stringContaining('removed') });
    // Re-pointing a duplicate is fine; restoring undoes a merge.
    shared = act(shared, recs, { type: 'merge', from: 'ana.a1', into: 'ana.a2' }, { type: 'restore', entry: 'ben.b1' });
    expect(shared.merged).toEqual({ 'ana.a1': 'ana.a2' });
  });

  it('open-vote gives every answer an opaque ballot id that survives a rebuild', () => {
    const recs = room();
    const first = act(initialOpenPromptShared(), recs, { type: 'open-vote' });
    expect(first.ballot.map((b) => b.id).sort()).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
    recs.ben = apply(
      recs.ben!,
      'ben',
      undefined,
      'answer',
      { op: 'answer', id: 'b1', text: 'Shares credit, openly' },
      { op: 'answer', id: 'b2', text: 'Introduces you to people' },
    );
    recs.chloe = apply(recs.chloe!, 'chloe', undefined, 'answer', { op: 'withdraw', id: 'c2' });
    const second = act(first, recs, { type: 'open-vote' });
    expect(second.ballot.find((b) => b.entry === 'ben.b1')).toEqual({ id: ballotId(first, 'ben.b1'), entry: 'ben.b1', text: 'Shares credit, openly' });
    expect(second.ballot.find((b) => b.entry === 'ben.b2')?.id).toBe('b6');
    expect(second.ballot.some((b) => b.entry === 'chloe.c2')).toBe(false);
  });
});

describe('what people see', () => {
  function votedRoom() {
    const recs = room();
    let shared = act(initialOpenPromptShared(), recs, { type: 'open-vote' });
    const id = (e: string) => ballotId(shared, e);
    recs.dev = apply(
      input.initial(),
      'dev',
      shared,
      'vote',
      { op: 'vote', entry: id('ana.a1'), count: 1 },
      { op: 'vote', entry: id('ben.b1'), count: 1 },
      { op: 'vote', entry: id('chloe.c2'), count: 1 },
    );
    recs.ana = apply(recs.ana!, 'ana', shared, 'vote', { op: 'vote', entry: id('ben.b1'), count: 1 }, { op: 'vote', entry: id('chloe.c1'), count: 1 });
    recs.ben = apply(recs.ben!, 'ben', shared, 'vote', { op: 'vote', entry: id('chloe.c1'), count: 1 });
    shared = act(shared, recs, { type: 'merge', from: 'ana.a1', into: 'ben.b1' }, { type: 'remove', entry: 'chloe.c2' });
    return { recs, shared };
  }

  it('the console ranks entries with merged tallies and shows statuses', () => {
    const { recs, shared } = votedRoom();
    const view = presenter(recs, shared, 'console') as OpenPromptConsoleView;
    expect(view.entries.map((e) => [e.entry, e.votes, e.status])).toEqual([
      ['ben.b1', 3, 'visible'],
      ['chloe.c1', 2, 'visible'],
      ['ana.a2', 0, 'visible'],
      ['ana.a1', 1, 'merged'],
      ['chloe.c2', 1, 'removed'],
    ]);
    expect(view.entries[3]!.mergedInto).toBe('ben.b1');
    expect(view).toMatchObject({ answered: 3, voted: 3, entriesShown: 3, ballotOpen: true });
  });

  it('the display shows the ranked visible entries without any id, or nothing when hidden', () => {
    const { recs, shared } = votedRoom();
    const view = presenter(recs, shared, 'display') as OpenPromptDisplayView;
    expect(view.entries).toEqual([
      { text: 'Shares credit openly', votes: 3 },
      { text: 'Offers help before being asked', votes: 2 },
      { text: 'Keeps confidences', votes: 0 },
    ]);
    const answering = presenter(recs, shared, 'display', 'answer') as OpenPromptDisplayView;
    expect(answering.entries.map((e) => e.votes)).toEqual([null, null, null]);
    const hidden = presenter(recs, act(shared, recs, { type: 'hide' }), 'display') as OpenPromptDisplayView;
    expect(hidden).toMatchObject({ hidden: true, entries: [], words: [] });
    for (const v of [view, answering, hidden]) for (const pid of ['ana', 'ben', 'chloe', 'dev']) expect(JSON.stringify(v)).not.toContain(pid);
  });

  it('the author sees their removed and merged answers; others see only texts and ballot ids', () => {
    const { recs, shared } = votedRoom();
    const chloe = openPromptParticipantView({ config, phase: 'vote', participantId: 'chloe', own: recs.chloe!, shared });
    expect(chloe.answers).toEqual([
      { id: 'c1', text: 'Offers help before being asked', removed: false, merged: false },
      { id: 'c2', text: 'buy my product!!!', removed: true, merged: false },
    ]);
    const ana = openPromptParticipantView({ config, phase: 'vote', participantId: 'ana', own: recs.ana!, shared });
    expect(ana.answers.find((a) => a.id === 'a1')).toMatchObject({ merged: true, removed: false });
    expect(ana).toMatchObject({ used: 2, remaining: 1 });
    expect(ana.ballot.map((b) => [b.text, b.mine, b.myVotes]).sort()).toEqual([
      ['Keeps confidences', true, 0],
      ['Offers help before being asked', false, 1],
      ['Shares credit openly', false, 1],
    ]);
    const dev = openPromptParticipantView({ config, phase: 'vote', participantId: 'dev', own: recs.dev!, shared });
    const text = JSON.stringify(dev);
    for (const pid of ['ana', 'ben', 'chloe']) expect(text).not.toContain(pid);
    // Dev's merged votes (for Ana's duplicate and for Ben's) show as 2 on Ben's entry.
    expect(dev.ballot.find((b) => b.text === 'Shares credit openly')?.myVotes).toBe(2);
    expect(openPromptParticipantView({ config, phase: 'answer', participantId: 'dev', own: recs.dev!, shared }).ballot).toEqual([]);
  });

  it('the word cloud counts, per lower-cased word, the visible answers that use it (once per answer), without stop words', () => {
    // "Share the CREDIT, share it!" repeats "share": it is still one answer bringing it up
    expect(wordCloud(['They share credit', 'Share the CREDIT, share it!', "Don't gossip"])).toEqual([
      { word: 'credit', count: 2 },
      { word: 'share', count: 2 },
      { word: 'gossip', count: 1 },
    ]);
    expect(
      wordCloud(Array.from({ length: 50 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`)),
    ).toHaveLength(40);
    const { recs, shared } = votedRoom();
    const words = presenter(recs, shared, 'display').words.map((w) => w.word);
    expect(words).toContain('confidences');
    expect(words).not.toContain('product'); // removed
    expect(words).not.toContain('they'); // stop word
  });
});

describe('counters', () => {
  const pids = ['p1', 'p2', 'p3'];
  const step = fc.oneof(
    fc.record({
      pid: fc.constantFrom(...pids),
      i: fc.record({
        op: fc.constant('answer' as const),
        id: fc.constantFrom('x', 'y', 'z', 'w'),
        text: fc.constantFrom('Listens', 'Shares credit', '  ', 'Keeps promises'),
      }),
    }),
    fc.record({ pid: fc.constantFrom(...pids), i: fc.record({ op: fc.constant('withdraw' as const), id: fc.constantFrom('x', 'y', 'z') }) }),
    fc.record({
      pid: fc.constantFrom(...pids),
      i: fc.record({ op: fc.constant('vote' as const), entry: fc.constantFrom('b1', 'b2', 'b3', 'b4', 'b5', 'b6'), count: fc.integer({ min: 0, max: 2 }) }),
    }),
    fc.record({
      pid: fc.constant('facilitator'),
      a: fc.oneof(
        fc.constant({ type: 'open-vote' as const }),
        fc.record({
          type: fc.constantFrom('remove' as const, 'restore' as const),
          entry: fc.constantFrom(...pids.flatMap((p) => ['x', 'y'].map((a) => `${p}.${a}`))),
        }),
      ),
    }),
  );

  it('maintained incrementally, always equal a recount; replays never change a record; budgets hold', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.boolean(), (steps, multi) => {
        const cfg = OpenPromptConfig.parse({ allowMultipleVotesPerAnswer: multi });
        const recs: Records = {};
        let shared = initialOpenPromptShared();
        const counters: Counters = {};
        for (const s of steps) {
          if ('a' in s) {
            const r = actOpenPrompt(shared, s.a, { seed: 7, records: asRecords(recs) });
            if (r.ok) shared = r.value;
            continue;
          }
          const phase = s.i.op === 'vote' ? 'vote' : 'answer';
          const prev = recs[s.pid] ?? input.initial();
          const r = input.reduce(prev, s.i, { config: cfg, phase, now: 0, participantId: s.pid, shared });
          if (!r.ok) continue;
          const again = input.reduce(r.value, s.i, { config: cfg, phase, now: 0, participantId: s.pid, shared });
          expect(again).toEqual({ ok: true, value: r.value });
          addCounters(counters, counterDelta(input.contribution(prev, cfg), input.contribution(r.value, cfg)));
          recs[s.pid] = r.value;
          expect(openPromptParticipantView({ config: cfg, phase, participantId: s.pid, own: r.value, shared }).used).toBeLessThanOrEqual(cfg.votes + 2);
          if (s.i.op === 'vote' && s.i.count > 0) expect(Object.keys(r.value.votes).every((k) => !k.startsWith(`${s.pid}.`))).toBe(true);
        }
        expect(counters).toEqual(countersOf(recs));
        const display = JSON.stringify(presenter(recs, shared, 'display'));
        for (const pid of pids) expect(display).not.toContain(pid);
      }),
    );
  });
});

describe('the phone’s preview of answers and votes still on their way', () => {
  const entries = ['ana.a1', 'ana.a2', 'ben.b1', 'ben.b2', 'chloe.c1', 'chloe.c2'];
  const entry = fc.constantFrom(...entries);
  const moderation = fc.oneof(
    entry.map((e) => ({ type: 'remove', entry: e })),
    entry.map((e) => ({ type: 'restore', entry: e })),
    fc.tuple(entry, entry).map(([from, into]) => ({ type: 'merge', from, into })),
  );
  /** the facilitator's moderation, except removing an answer that is merged into another (the one case the phone cannot tell, see `previewOpenPrompt`) */
  function moderate(shared: OpenPromptShared, recs: Records, actions: Array<{ type: string; entry?: string; from?: string }>): OpenPromptShared {
    for (const a of actions) {
      if (a.type === 'remove' && shared.merged[a.entry!]) continue;
      if (a.type === 'merge' && shared.removed.includes(a.from!)) continue;
      const r = actOpenPrompt(shared, OpenPromptAction.parse(a), { seed: 3, records: asRecords(recs) });
      if (r.ok) shared = r.value;
    }
    return shared;
  }
  const answerText = fc.constantFrom(
    '  They share  credit ',
    'Keeps confidences',
    '',
    '\u0000\u200b',
    'Listens first and speaks last in every single meeting we have',
  );
  const answerOp = fc.oneof(
    fc.record({ op: fc.constant('answer'), id: fc.constantFrom('a1', 'a2', 'a3', 'a4'), text: answerText }),
    fc.record({ op: fc.constant('withdraw'), id: fc.constantFrom('a1', 'a2', 'a3') }),
  );
  const vote = (ids: string[]) => fc.record({ op: fc.constant('vote'), entry: fc.constantFrom(...ids, 'b99'), count: fc.integer({ min: 0, max: 3 }) });

  it('shows the answers and votes the server sends back once they are stored, for whatever the screen can send', () => {
    fc.assert(
      fc.property(
        fc.record({
          maxAnswersPerPerson: fc.integer({ min: 1, max: 3 }),
          maxLength: fc.integer({ min: 10, max: 40 }),
          votes: fc.integer({ min: 1, max: 4 }),
          allowMultipleVotesPerAnswer: fc.boolean(),
        }),
        fc.constantFrom('answer', 'vote', 'results'),
        fc.array(moderation, { maxLength: 4 }),
        fc.array(
          fc.oneof(
            moderation,
            entry.map((from) => ({ type: 'merge', from, into: 'ben.b2' })),
          ),
          { maxLength: 4 },
        ),
        fc.array(vote(['b1', 'b2', 'b3', 'b4', 'b5']), { maxLength: 6 }),
        fc.infiniteStream(fc.oneof(answerOp, vote(['b1', 'b2', 'b3', 'b4', 'b5']))),
        (cfg, phase, early, late, savedVotes, stream) => {
          const config = OpenPromptConfig.parse({ ...cfg });
          const recs = room(); // Ana has two answers (kept if the facilitator lowered the limit since)
          let shared = moderate(initialOpenPromptShared(), recs, early);
          if (phase !== 'answer') shared = act(shared, recs, { type: 'open-vote' });
          // an answer posted after the ballot was made: not on it, yet others can be merged into it (their votes count, unseen)
          recs.ben = apply(recs.ben!, 'ben', undefined, 'answer', { op: 'answer', id: 'b2', text: 'Says thank you' });
          const base = { type: 'open-prompt' as const, config, phase: 'vote', participantId: 'ana', shared, now: 0, records: { 'p:ana': recs.ana } };
          const records = phase === 'answer' ? base.records : submitted(base, savedVotes);
          const s = { ...base, phase, shared: moderate(shared, recs, late), records };
          // votes the screen can cast: on the ballot it shows (and one it does not know)
          const shown = serverView(s, records).ballot.map((b) => b.id);
          const pending = stream.filter((o) => o.op !== 'vote' || shown.includes(o.entry) || o.entry === 'b99').take(8);
          const { preview, stored } = previewAndStored(s, [...pending]);
          expect(preview).toEqual(stored);
        },
      ),
    );
  });
});
