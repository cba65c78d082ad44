import { describe, expect, it } from 'vitest';
import { addCounters, type Counters } from './activity.js';
import {
  activities,
  adversaries,
  commitments,
  mentalMap,
  openPrompt,
  partnership,
  selfAssessment,
  slide,
  type AdversaryPairRecord,
  type AnyActivity,
  type OpenPromptRecord,
} from './activities/index.js';
import { buildSessionData, renderMarkdown, SessionDataSchema, sessionDataJsonSchema } from './outcomes.js';
import type { OutcomesContext, ReportBlock } from './report.js';
import { createRoomState, type RoomState } from './room.js';

const roster = ['ana', 'bo', 'chen', 'dee'].map((id, i) => ({
  id,
  nickname: ['Ana', 'Bō', '陈', 'Dee 🌱'][i]!,
  department: i % 2 ? 'Sales' : 'Ops',
  level: null,
}));
const sealedA = { iv: 'AAAAAAAAAAAAAAAA', ct: 'U0VDUkVULW1hcC1sYWJlbC1jaXBoZXJ0ZXh0' };

/** Apply each participant's inputs with the module's own reducer and sum their counters. */
function play(mod: AnyActivity, config: unknown, phase: string, inputs: Array<[string, unknown]>, shared?: unknown) {
  const recs = new Map<string, unknown>();
  const counters: Counters = {};
  for (const [pid, input] of inputs) {
    const scope = mod.input!.scope ? (mod.input!.scope(input, { config, participantId: pid, shared }) as { ok: true; value: string }).value : `p:${pid}`;
    const prev = recs.get(scope) ?? mod.input!.initial(scope);
    const next = mod.input!.reduce(prev, mod.input!.schema.parse(input), { config, phase, now: Date.UTC(2026, 10, 23), participantId: pid, shared });
    if (!next.ok) throw new Error(next.error);
    recs.set(scope, next.value);
  }
  for (const v of recs.values()) addCounters(counters, mod.input!.contribution(v, config));
  return { counters, records: [...recs].map(([scope, value]) => ({ scope, value })) };
}

function ctx<C>(
  mod: AnyActivity,
  config: C,
  phase: string,
  data: { counters: Counters; records: Array<{ scope: string; value: unknown }> },
  shared?: unknown,
): OutcomesContext<C, never> {
  return {
    step: { id: 's1', title: mod.label },
    config,
    phase,
    counters: data.counters,
    participants: roster.length,
    roster,
    records: data.records,
    shared: shared as never,
  };
}

const blocksOf = (blocks: ReportBlock[], kind: ReportBlock['kind']) => blocks.filter((b) => b.kind === kind);

describe('every activity reports its outcomes', () => {
  it('each registered activity type has an outcomes hook', () => {
    for (const mod of Object.values(activities)) expect(mod.outcomes, mod.type).toBeTypeOf('function');
  });

  it('a slide shows its body, never the facilitator notes', () => {
    const out = slide.outcomes!(ctx(slide, { body: 'Welcome, everyone', notes: 'Remember to smile' }, 'show', { counters: {}, records: [] }));
    expect(JSON.stringify(out)).toContain('Welcome, everyone');
    expect(JSON.stringify(out)).not.toContain('Remember to smile');
  });

  it('the ally map gives the heatmap with small cells hidden, and never a label or its ciphertext', () => {
    const config = mentalMap.configSchema.parse({ minGroupSize: 3 });
    const put = (id: string, sector: string, ring: string) => ({ op: 'put', entry: { id, label: sealedA, sector, ring, tags: ['trusted'] } });
    const data = play(mentalMap, config, 'collect', [
      ['ana', put('e-ana-1', 'across', 'ally')],
      ['bo', put('e-bo-01', 'across', 'ally')],
      ['chen', put('e-chen-1', 'across', 'ally')],
      ['dee', put('e-dee-01', 'above', 'core')],
    ]);
    const out = mentalMap.outcomes!(ctx(mentalMap, config, 'reveal', data));
    const heat = blocksOf(out.section.blocks, 'heatmap')[0] as Extract<ReportBlock, { kind: 'heatmap' }>;
    expect(heat.rows).toEqual(['Above', 'Across', 'Below', 'Outside']);
    expect(heat.cells[1]![2]).toBe(3); // across × ally: three people
    expect(heat.cells[0]![3]).toBeNull(); // above × core: one person, hidden
    const cells = out.tables.find((t) => t.name === 'ally_map_cells')!;
    expect(cells.columns).toEqual(['sector', 'ring', 'people_placed']);
    expect(cells.rows).toContainEqual(['across', 'ally', 3]);
    expect(cells.rows).toContainEqual(['above', 'core', null]);
    const text = JSON.stringify(out);
    expect(text).not.toContain(sealedA.ct);
    expect(text).not.toContain('e-ana-1');
  });

  it('self-assessment gives one distribution per statement, withheld below the minimum group size', () => {
    const config = selfAssessment.configSchema.parse({
      minGroupSize: 3,
      statements: [
        { id: 'help', text: 'I offer help first.' },
        { id: 'thanks', text: 'I say thank you.' },
      ],
    });
    const data = play(selfAssessment, config, 'answer', [
      ['ana', { op: 'rate', statementId: 'help', value: 4 }],
      ['bo', { op: 'rate', statementId: 'help', value: 5 }],
      ['chen', { op: 'rate', statementId: 'help', value: 4 }],
      ['chen', { op: 'rate', statementId: 'thanks', value: 1 }],
    ]);
    const out = selfAssessment.outcomes!(ctx(selfAssessment, config, 'results', data));
    const dist = blocksOf(out.section.blocks, 'distribution')[0] as Extract<ReportBlock, { kind: 'distribution' }>;
    expect(dist.series[0]).toMatchObject({ label: 'I offer help first.', answered: 3, counts: [0, 0, 0, 2, 1] });
    expect(dist.series[1]).toMatchObject({ answered: 1, counts: null, mean: null });
    const t = out.tables[0]!;
    expect(t.columns).toEqual(['statement_id', 'statement', 'answered', 'count_1', 'count_2', 'count_3', 'count_4', 'count_5', 'mean', 'theme']);
    expect(t.rows[0]).toEqual(['help', 'I offer help first.', 3, 0, 0, 0, 2, 1, 4.33, '']);
    expect(t.rows[1]).toEqual(['thanks', 'I say thank you.', 1, null, null, null, null, null, null, '']);
  });

  it('commitments give counts by rhythm only: no whom, no what', () => {
    const config = commitments.configSchema.parse({});
    const what = { iv: 'BBBBBBBBBBBBBBBB', ct: 'Q29mZmVlLXdpdGgtbXktc3BvbnNvci1zZWFsZWQ' };
    const item = (id: string, cadence: string) => ({ op: 'put', item: { id, whom: sealedA, what, start: '2026-12-01', cadence } });
    const data = play(commitments, config, 'write', [
      ['ana', item('c-ana-1', 'monthly')],
      ['ana', item('c-ana-2', 'weekly')],
      ['bo', item('c-bo-01', 'monthly')],
    ]);
    const out = commitments.outcomes!(ctx(commitments, config, 'review', data));
    expect(out.tables[0]!.rows).toContainEqual(['monthly', 2]);
    expect(out.tables[0]!.rows).toContainEqual(['weekly', 1]);
    const text = JSON.stringify(out);
    expect(text).toContain('2 of 4 people wrote 3 commitments');
    expect(text).not.toContain(sealedA.ct);
    expect(text).not.toContain(what.ct);
  });

  it('partnership meetings give the groups, their notes per question and their agreed actions', () => {
    const config = partnership.configSchema.parse({});
    const act = partnership.shared!.act(
      partnership.shared!.initial(config),
      { type: 'start-round' },
      { config, phase: 'meet', now: Date.UTC(2026, 10, 23), seed: 7, roster, records: [] },
    );
    if (!act.ok) throw new Error(act.error);
    const shared = act.value;
    const data = play(
      partnership,
      config,
      'meet',
      [
        ['ana', { op: 'add-note', promptId: 'purpose', id: 'note-ana-1', text: 'Both teams want fewer surprises at launch' }],
        ['ana', { op: 'put-action', id: 'act-ana-1', text: 'Share the release calendar', owner: 'ana', due: '2026-12-05' }],
      ],
      shared,
    );
    const out = partnership.outcomes!(ctx(partnership, config, 'wrap-up', data, shared));
    const notes = out.tables.find((t) => t.name === 'partnership_notes')!;
    expect(notes.rows).toEqual([[1, expect.any(String), 'purpose', 'Why we are talking', 'Both teams want fewer surprises at launch']]);
    const actions = out.tables.find((t) => t.name === 'partnership_actions')!;
    expect(actions.rows).toEqual([[1, expect.any(String), 'Share the release calendar', 'Ana', '2026-12-05']]);
    expect(out.tables.find((t) => t.name === 'partnership_groups')!.rows).toHaveLength(2);
    expect(out.active).toEqual(['ana']);
    expect(JSON.stringify(out.section)).toContain('Agreed action: Share the release calendar');
  });

  it('worthy adversaries give before/after distributions and the learnings without names', () => {
    const config = adversaries.configSchema.parse({ minGroupSize: 2, statements: [{ id: 'credit', text: 'Credit matters.' }] });
    const stances = play(adversaries, config, 'stance', [
      ['ana', { op: 'stance', statementId: 'credit', value: 1 }],
      ['bo', { op: 'stance', statementId: 'credit', value: 7 }],
    ]);
    const act = adversaries.shared!.act(
      adversaries.shared!.initial(config),
      { type: 'pair', statementId: 'credit' },
      { config, phase: 'pairing', now: 0, seed: 3, roster: roster.slice(0, 2), records: stances.records },
    );
    if (!act.ok) throw new Error(act.error);
    // re-ratings and learnings, on top of the stances
    const own = (b: number, a: number) => ({ before: { credit: b }, after: { credit: a } });
    const pair: AdversaryPairRecord = {
      kind: 'pair',
      round: 1,
      pairId: '1',
      turn: 2,
      stage: 'state',
      attempts: 0,
      done: true,
      log: [],
      notes: { ana: 'Visibility helps the team too', bo: 'Quiet work gets lost' },
    };
    const records = [
      { scope: 'p:ana', value: own(1, 3) },
      { scope: 'p:bo', value: own(7, 6) },
      { scope: 'pair:1:1', value: pair },
    ];
    const counters: Counters = {};
    for (const r of records) addCounters(counters, adversaries.input!.contribution(r.value, config));
    const out = adversaries.outcomes!(ctx(adversaries, config, 'results', { counters, records }, act.value));
    const dist = blocksOf(out.section.blocks, 'distribution')[0] as Extract<ReportBlock, { kind: 'distribution' }>;
    expect(dist.series.map((s) => s.counts)).toEqual([
      [1, 0, 0, 0, 0, 0, 1],
      [0, 0, 1, 0, 0, 1, 0],
    ]);
    expect(out.tables.find((t) => t.name === 'adversaries_learnings')!.rows).toEqual([
      [1, 'credit', 'Visibility helps the team too'],
      [1, 'credit', 'Quiet work gets lost'],
    ]);
    expect(JSON.stringify(out.section)).not.toMatch(/Ana|Bō/);
  });

  it('open prompt gives the top-voted answers and every answer without its author', () => {
    const config = openPrompt.configSchema.parse({});
    const answers = play(openPrompt, config, 'answer', [
      ['ana', { op: 'answer', id: 'a1', text: 'Listen before you pitch' }],
      ['bo', { op: 'answer', id: 'b1', text: 'Share credit generously' }],
    ]);
    const opened = openPrompt.shared!.act(
      openPrompt.shared!.initial(config),
      { type: 'open-vote' },
      { config, phase: 'vote', now: 0, seed: 1, roster, records: answers.records },
    );
    if (!opened.ok) throw new Error(opened.error);
    const shared = opened.value as { ballot: Array<{ id: string; text: string }> };
    const ballotOf = (t: string) => shared.ballot.find((b) => b.text === t)!.id;
    const votes = play(
      openPrompt,
      config,
      'vote',
      [
        ['chen', { op: 'vote', entry: ballotOf('Share credit generously'), count: 1 }],
        ['dee', { op: 'vote', entry: ballotOf('Share credit generously'), count: 1 }],
        ['ana', { op: 'vote', entry: ballotOf('Share credit generously'), count: 1 }],
      ],
      shared,
    );
    const records = [
      ...answers.records.filter((r) => r.scope !== 'p:ana'),
      ...votes.records.map((r) =>
        r.scope === 'p:ana'
          ? { scope: 'p:ana', value: { ...(answers.records.find((x) => x.scope === 'p:ana')!.value as object), votes: (r.value as { votes: object }).votes } }
          : r,
      ),
    ];
    const counters: Counters = {};
    for (const r of records) addCounters(counters, openPrompt.input!.contribution(r.value as OpenPromptRecord, config));
    const out = openPrompt.outcomes!(ctx(openPrompt, config, 'results', { counters, records }, shared));
    expect(out.tables[0]!.columns).toEqual(['rank', 'answer', 'votes', 'status', 'merged_into_rank']);
    expect(out.tables[0]!.rows[0]).toEqual([1, 'Share credit generously', 3, 'visible', null]);
    const tbl = blocksOf(out.section.blocks, 'table')[0] as Extract<ReportBlock, { kind: 'table' }>;
    expect(tbl.rows[0]).toEqual([1, 'Share credit generously', 3]);
    expect(JSON.stringify(out)).not.toMatch(/ana\.a1|bo\.b1/);
  });
});

describe('the session data and the Markdown report', () => {
  const room: RoomState = {
    ...createRoomState({
      id: 'r1',
      code: 'K7FQ2MXD',
      now: Date.UTC(2026, 10, 23, 9),
      room: {
        title: 'Allies *day* <b>',
        join: { askDepartment: false, askLevel: false, departments: [], levels: [], maxParticipants: 50 },
        agenda: [
          { id: 'w', type: 'slide', title: 'Welcome', durationSec: 0, config: slide.configSchema.parse({ body: 'Hello' }) },
          { id: 'sa', type: 'self-assessment', title: 'How do you ally?', durationSec: 0, config: selfAssessment.defaultConfig() },
          { id: 'cm', type: 'commitments', title: 'Next steps', durationSec: 0, config: commitments.defaultConfig() },
        ],
      },
    }),
    current: 1,
    phase: 'results',
  };
  const participants = roster.map((p, i) => ({ ...p, joinedAt: Date.UTC(2026, 10, 23, 9, i), removed: i === 3 }));
  const data = buildSessionData({
    room,
    participants,
    steps: [
      { counters: {}, records: [], shared: undefined },
      { counters: { 's:offer-help:4': 1, 'people:any': 1 }, records: [{ scope: 'p:ana', value: { ratings: { 'offer-help': 4 } } }], shared: undefined },
      { counters: {}, records: [], shared: undefined },
    ],
    now: Date.UTC(2026, 10, 23, 12),
  });

  it('counts who joined and who took part in each step, and marks steps not run', () => {
    expect(data.schemaVersion).toBe(1);
    expect(data.participation).toEqual({ joined: 4, present: 3, removed: 1 });
    expect(data.steps.map((s) => [s.id, s.ran, s.active])).toEqual([
      ['w', true, 0],
      ['sa', true, 1],
      ['cm', false, 0],
    ]);
    expect(data.steps[2]!.section.blocks).toEqual([{ kind: 'paragraph', text: 'This step was not run.' }]);
    expect(SessionDataSchema.safeParse(data).success).toBe(true);
  });

  it('publishes a JSON Schema with the schema version', () => {
    const schema = sessionDataJsonSchema() as { properties: { schemaVersion: { const: number } }; required: string[] };
    expect(schema.properties.schemaVersion.const).toBe(1);
    expect(schema.required).toContain('steps');
  });

  it('renders Markdown in which typed text stays text', () => {
    const md = renderMarkdown(data);
    expect(md).toMatch(/^# Allies \\\*day\\\* &lt;b&gt;\n/);
    expect(md).toContain('## Agenda');
    expect(md).toContain('1. Welcome — Slide');
    expect(md).toContain('3. Next steps — Commitments (not run)');
    expect(md).toContain('| How do you ally? | 1 |');
    expect(md).toContain('## How do you ally?');
  });
});
