/**
 * Worthy adversaries. The facilitator posts a few statements; each participant places themselves
 * on a 7-point disagree–agree scale. The facilitator then pairs the room on one statement so that
 * each conversation spans as much disagreement as possible (`pairAdversaries`: maximum-weight
 * matching, one trio for an odd count, optionally no same-department pairs, never the same
 * partner twice across rounds). Each pair then steelmans: A states their view, B restates it until
 * A accepts the restatement, then they swap. Both note what they learned and re-rate the
 * statement; the room sees how its distribution moved.
 *
 * Records:
 * - `p:<id>` — the participant's own: stances before and after, per statement. Private; only
 *   counts leave it (the before/after histograms and how far people moved).
 * - `pair:<round>:<pairId>` — one conversation: the steelman state machine and the learned notes
 *   of its members. Read and written by the pair's members only; the server checks membership
 *   against the shared state (`scope`), and the reducer checks who may take each step.
 * - shared — the pairs of the current round, with a snapshot of names and stances.
 *
 * Steelman order (enforced by the reducer; nobody can skip or act for someone else). A turn has a
 * speaker and a listener and goes: speaker `stated` → listener `restated` → speaker `accept`
 * (next turn) or `retry` (back to `restated`, another attempt). Pair [A, B]: A→B, then B→A.
 * Trio [hub H, partner P, joiner J]: H→P, P→H (the hub's exchange with the partner), then J→H,
 * H→J (the exchange with the joiner, who has listened so far and speaks first). The pair is done
 * when the last turn is accepted.
 */
import { z } from 'zod';
import {
  reduceEach,
  withoutKey,
  type ActContext,
  type ActivityModule,
  type Counters,
  type Outcome,
  type PresenterContext,
  type PreviewContext,
} from '../activity.js';
import { wholeNumber } from '../issues.js';
import { pairAdversaries, STANCE_POINTS } from '../pairing.js';
import {
  heading,
  list,
  numberIn,
  ofPeopleIn,
  paragraph,
  round1,
  shareShown,
  type ActivityOutcomes,
  type Cell,
  type OutcomesContext,
  type ReportBlock,
} from '../report.js';
import { baseLocale, m, type Locale } from '@canopy/i18n';
import { say } from '../say.js';
import { normalizeText } from '../text.js';

// --- config ------------------------------------------------------------------------------------

/** labels for the points 1…7 of the scale, strongest disagreement first */
export const ADVERSARY_SCALE = ['Strongly disagree', 'Disagree', 'Somewhat disagree', 'Undecided', 'Somewhat agree', 'Agree', 'Strongly agree'] as const;

/** Statement ids appear in counter keys and scopes, so they are kept to a safe alphabet. */
export const AdversaryStatementIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1–40 letters, digits, - or _');

export const AdversaryStatementSchema = z.object({
  id: AdversaryStatementIdSchema,
  text: z.string().min(1, 'a statement is empty').max(300),
});
export type AdversaryStatement = z.infer<typeof AdversaryStatementSchema>;

/**
 * Assumptions many leaders hold about what makes them successful. Each sounds reasonable and each
 * keeps a person focused on their own goals, so people land on both sides: good ground for a
 * conversation with someone who sees it differently. Four leave room for one of the facilitator's own.
 */
export const ADVERSARY_STATEMENTS: AdversaryStatement[] = [
  { id: 'credit', text: 'To get ahead, you have to make sure people know which results were yours.' },
  { id: 'done-right', text: 'My job is to see that the work is done right, even when that means it is done my way.' },
  { id: 'asking-for-help', text: 'Asking colleagues for help too often makes you look less capable.' },
  { id: 'work-around', text: 'When someone opposes your plan, it is usually quicker to work around them than to win them over.' },
];

/** statements one step may hold */
export const ADVERSARY_MAX_STATEMENTS = 5;

export const AdversariesConfig = z.object({
  statements: z
    .array(AdversaryStatementSchema)
    .min(1, 'write at least one statement')
    .max(ADVERSARY_MAX_STATEMENTS)
    .refine((s) => new Set(s.map((x) => x.id)).size === s.length, 'statement ids must be unique')
    .default(() => ADVERSARY_STATEMENTS.map((s) => ({ ...s }))),
  /** pair people from different departments whenever the room allows it */
  avoidSameDepartment: z.boolean().default(true),
  /** people who placed themselves nowhere on the statement: left out, or paired among themselves */
  noStance: z.enum(['pair-last', 'sit-out']).default('sit-out'),
  /** how long each speaker gets in the steelman (a pair has two turns, the trio four) */
  minutesPerTurn: wholeNumber(1, 30, 'minutes per turn').default(3),
  /** a distribution (or a count of who moved) based on fewer people than this is not shown */
  minGroupSize: wholeNumber(1, 20, 'the minimum group size').default(3),
});
export type AdversariesConfig = z.infer<typeof AdversariesConfig>;

export const ADVERSARY_PHASES = ['stance', 'pairing', 'steelman', 'results'] as const;

/** a learned note: a few sentences */
export const LEARNED_MAX = 500;
/** the optional summary sent with a steelman step */
export const STEELMAN_TEXT_MAX = 280;
/** restatements one speaker can ask for in one turn; after that they accept the closest */
export const STEELMAN_MAX_ATTEMPTS = 10;

// --- input -------------------------------------------------------------------------------------

export const STEELMAN_STEPS = ['stated', 'restated', 'accept', 'retry'] as const;
export type SteelmanStep = (typeof STEELMAN_STEPS)[number];

const StanceValue = z.number().int().min(1).max(STANCE_POINTS);

export const AdversariesInput = z.discriminatedUnion('op', [
  /** place yourself on a statement (stance phase); setting the same value again changes nothing */
  z.object({ op: z.literal('stance'), statementId: AdversaryStatementIdSchema, value: StanceValue }),
  /** where you stand now (steelman and results phases) */
  z.object({ op: z.literal('rerate'), statementId: AdversaryStatementIdSchema, value: StanceValue }),
  /** what you learned from your partner; goes to your pair's record (empty text removes it) */
  z.object({ op: z.literal('learned'), text: z.string().max(4000) }),
  /**
   * One step of the steelman. `at` is the step's position as the client saw it (`steelman.at`
   * in the participant view): with it, a retried step is recognised even after the pair has
   * moved on, and a stale screen cannot accept a restatement it has not seen. `text` is an
   * optional short summary (of the view stated, of the restatement, or what was missed).
   */
  z.object({
    op: z.literal('steelman'),
    pairId: z.string().regex(/^[0-9]{1,6}$/),
    step: z.enum(STEELMAN_STEPS),
    at: z.number().int().min(0).max(10_000).optional(),
    text: z.string().max(2000).optional(),
  }),
]);
export type AdversariesInput = z.infer<typeof AdversariesInput>;

// --- records -----------------------------------------------------------------------------------

/** The participant's own record: statement id → 1…7. */
export interface AdversaryOwnRecord {
  before: Record<string, number>;
  after: Record<string, number>;
}

export interface SteelmanLogEntry {
  by: string;
  step: SteelmanStep;
  /** the turn it belongs to */
  turn: number;
  /** server time */
  t: number;
  text?: string;
}

export type SteelmanStage = 'state' | 'restate' | 'verdict';

/** One conversation's record (`pair:<round>:<pairId>`). */
export interface AdversaryPairRecord {
  kind: 'pair';
  round: number;
  pairId: string;
  /** index of the current turn; equals the number of turns once done */
  turn: number;
  stage: SteelmanStage;
  /** restatements offered in the current turn */
  attempts: number;
  done: boolean;
  /** every step taken, in order (its length is the next step's `at`) */
  log: SteelmanLogEntry[];
  /** member id → what they learned */
  notes: Record<string, string>;
}

export type AdversariesRecord = AdversaryOwnRecord | AdversaryPairRecord;

export const isPairRecord = (rec: AdversariesRecord | undefined): rec is AdversaryPairRecord => (rec as AdversaryPairRecord | undefined)?.kind === 'pair';

export const adversaryPairScope = (round: number, pairId: string) => `pair:${round}:${pairId}`;

export function parseAdversaryPairScope(scope: string | undefined): { round: number; pairId: string } | null {
  const m = /^pair:(\d+):(\d+)$/.exec(scope ?? '');
  return m ? { round: Number(m[1]), pairId: m[2]! } : null;
}

export function initialAdversaryRecord(scope?: string): AdversariesRecord {
  const pair = parseAdversaryPairScope(scope);
  if (!pair) return { before: {}, after: {} };
  return { kind: 'pair', round: pair.round, pairId: pair.pairId, turn: 0, stage: 'state', attempts: 0, done: false, log: [], notes: {} };
}

// --- shared state ------------------------------------------------------------------------------

export interface AdversaryPair {
  /** unique within its round: '1', '2', … */
  id: string;
  /** [A, B] or, for the trio, [hub, partner, joiner] */
  members: string[];
  /** each member's stance on the round's statement when paired (null: none) */
  stances: Record<string, number | null>;
  /** disagreement across the pair's conversations (Σ |stance difference| over its links) */
  gap: number;
}

export interface AdversariesShared {
  /** the conversation round: 0 until the first pairing, +1 for each `pair` */
  round: number;
  /** the statement the current round is paired on */
  statementId: string | null;
  /** the seed of the latest pairing (replayable with the same people) */
  seed: number | null;
  pairedAt: number | null;
  pairs: AdversaryPair[];
  /** active participants left out of the current round (no stance, or the odd one after a re-pair) */
  sittingOut: string[];
  /** names as they were at pairing time, for everyone in `pairs`, `sittingOut` and `history` */
  people: Record<string, { nickname: string; department: string | null }>;
  /** the conversations of earlier rounds, avoided when pairing a new one */
  usedLinks: Array<[string, string]>;
  /** earlier rounds' pairs that talked (their records stay readable by their members) */
  history: Array<{ round: number; statementId: string; pairs: Array<{ id: string; members: string[] }> }>;
  /** next pair id in this round (ids are never reused within a round, so records never mix) */
  nextPairId: number;
  totalDisagreement: number;
  sameDepartmentLinks: number;
  repeatedLinks: number;
}

export function initialAdversariesShared(): AdversariesShared {
  return {
    round: 0,
    statementId: null,
    seed: null,
    pairedAt: null,
    pairs: [],
    sittingOut: [],
    people: {},
    usedLinks: [],
    history: [],
    nextPairId: 1,
    totalDisagreement: 0,
    sameDepartmentLinks: 0,
    repeatedLinks: 0,
  };
}

export const AdversariesAction = z.discriminatedUnion('type', [
  /** start a new round: pair everyone on this statement, avoiding earlier rounds' partners */
  z.object({ type: z.literal('pair'), statementId: AdversaryStatementIdSchema }),
  /**
   * Pair the current round again (late arrivals, people who left): pairs whose conversation has
   * begun and whose members are all still here are kept as they are; everyone else is paired anew.
   */
  z.object({ type: z.literal('re-pair') }),
]);
export type AdversariesAction = z.infer<typeof AdversariesAction>;

export const PAIRING_PHASES: readonly string[] = ['pairing', 'steelman'];

export function pairOf(shared: AdversariesShared | undefined, participantId: string): AdversaryPair | undefined {
  return shared?.pairs.find((p) => p.members.includes(participantId));
}

/** The turns of a pair or trio, in order (see the file comment). */
export function steelmanTurns(members: readonly string[]): Array<{ speaker: string; listener: string }> {
  const [a, b, c] = members as [string, string, string | undefined];
  const turns = [
    { speaker: a, listener: b },
    { speaker: b, listener: a },
  ];
  if (c !== undefined) turns.push({ speaker: c, listener: a }, { speaker: a, listener: c });
  return turns;
}

const linksOf = (members: readonly string[]): Array<[string, string]> =>
  steelmanTurns(members)
    .filter((_, i) => i % 2 === 0)
    .map((t) => [t.speaker, t.listener]);

const hasContent = (v: unknown): boolean => {
  const r = v as Partial<AdversaryPairRecord> | undefined;
  return (Array.isArray(r?.log) && r.log.length > 0) || (typeof r?.notes === 'object' && r.notes !== null && Object.keys(r.notes).length > 0);
};

/** Everyone's stance on a statement, from their own records. */
function stancesFrom(records: ActContext<AdversariesConfig>['records'], statementId: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of records) {
    if (!r.scope.startsWith('p:')) continue;
    const v = (r.value as Partial<AdversaryOwnRecord> | null)?.before?.[statementId];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= STANCE_POINTS) out.set(r.scope.slice(2), v);
  }
  return out;
}

export function actAdversaries(
  shared: AdversariesShared,
  action: AdversariesAction,
  ctx: Pick<ActContext<AdversariesConfig>, 'config' | 'phase' | 'now' | 'seed' | 'roster' | 'records'>,
): Outcome<AdversariesShared> {
  if (!PAIRING_PHASES.includes(ctx.phase)) {
    return {
      ok: false,
      error:
        ctx.phase === 'stance' ? 'Close the stances first: move on to the pairing phase, then pair.' : 'Pairs are formed in the pairing or steelman phase.',
    };
  }
  let statementId: string;
  let round: number;
  let usedLinks: Array<[string, string]>;
  let history = shared.history;
  let kept: AdversaryPair[] = [];
  let nextPairId: number;
  if (action.type === 'pair') {
    const statement = ctx.config.statements.find((s) => s.id === action.statementId);
    if (!statement) return { ok: false, error: `There is no statement “${action.statementId}” in this activity.` };
    statementId = statement.id;
    round = shared.round + 1;
    // The conversations that happened are not repeated; pairs that never began do not count.
    const byScope = new Map(ctx.records.map((r) => [r.scope, r.value]));
    const held = shared.pairs.filter((p) => hasContent(byScope.get(adversaryPairScope(shared.round, p.id))));
    usedLinks = [...shared.usedLinks, ...held.flatMap((p) => linksOf(p.members))];
    if (held.length > 0 && shared.statementId !== null)
      history = [...history, { round: shared.round, statementId: shared.statementId, pairs: held.map((p) => ({ id: p.id, members: p.members })) }];
    nextPairId = 1;
  } else {
    if (shared.round === 0 || shared.statementId === null) return { ok: false, error: 'Nobody has been paired yet.' };
    statementId = shared.statementId;
    round = shared.round;
    usedLinks = shared.usedLinks;
    nextPairId = shared.nextPairId;
    const active = new Set(ctx.roster.map((p) => p.id));
    const byScope = new Map(ctx.records.map((r) => [r.scope, r.value]));
    kept = shared.pairs.filter((p) => p.members.every((m) => active.has(m)) && hasContent(byScope.get(adversaryPairScope(round, p.id))));
  }

  const stances = stancesFrom(ctx.records, statementId);
  const taken = new Set(kept.flatMap((p) => p.members));
  const people = ctx.roster.filter((p) => !taken.has(p.id)).map((p) => ({ id: p.id, stance: stances.get(p.id) ?? null, department: p.department }));
  if (action.type === 'pair' && people.filter((p) => ctx.config.noStance === 'pair-last' || p.stance !== null).length < 2) {
    return { ok: false, error: 'At least two people need a stance on this statement before they can be paired.' };
  }
  const result = pairAdversaries(people, {
    seed: ctx.seed,
    avoidSameDepartment: ctx.config.avoidSameDepartment,
    avoidPairs: usedLinks,
    noStance: ctx.config.noStance,
  });
  const formed = result.pairs.map((members): AdversaryPair => {
    const st = Object.fromEntries(members.map((m) => [m, stances.get(m) ?? null]));
    const gap = linksOf(members).reduce((s, [x, y]) => s + (st[x] != null && st[y] != null ? Math.abs(st[x] - st[y]) : 0), 0);
    return { id: String(nextPairId++), members, stances: st, gap };
  });
  const pairs = [...kept, ...formed];
  const byId = new Map(ctx.roster.map((p) => [p.id, p]));
  const named = [...pairs.flatMap((p) => p.members), ...result.sittingOut];
  const peopleSnapshot: AdversariesShared['people'] = {};
  for (const h of history) for (const p of h.pairs) for (const m of p.members) if (shared.people[m]) peopleSnapshot[m] = shared.people[m];
  for (const id of named) {
    const p = byId.get(id);
    peopleSnapshot[id] = p ? { nickname: p.nickname, department: p.department } : (shared.people[id] ?? { nickname: '?', department: null });
  }
  const links = pairs.flatMap((p) => linksOf(p.members));
  const dept = (id: string) => byId.get(id)?.department ?? null;
  const used = new Set(usedLinks.map(([x, y]) => (x < y ? `${x} ${y}` : `${y} ${x}`)));
  return {
    ok: true,
    value: {
      round,
      statementId,
      seed: ctx.seed,
      pairedAt: ctx.now,
      pairs,
      sittingOut: result.sittingOut,
      people: peopleSnapshot,
      usedLinks,
      history,
      nextPairId,
      totalDisagreement: pairs.reduce((s, p) => s + p.gap, 0),
      sameDepartmentLinks: links.filter(([x, y]) => dept(x) !== null && dept(x) === dept(y)).length,
      repeatedLinks: links.filter(([x, y]) => used.has(x < y ? `${x} ${y}` : `${y} ${x}`)).length,
    },
  };
}

// --- the reducer -------------------------------------------------------------------------------

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
/** a name for a refusal's English message (developers and logs) */
const nameIn = (shared: AdversariesShared | undefined, id: string) => shared?.people[id]?.nickname ?? 'your partner';
/** a nickname from the pairing's snapshot for the screens; null once the person deleted their data (each screen words it) */
const nicknameIn = (shared: AdversariesShared | undefined, id: string): string | null => shared?.people[id]?.nickname ?? null;

export function adversariesScope(input: AdversariesInput, ctx: { participantId: string; shared: AdversariesShared | undefined }): Outcome<string> {
  if (input.op === 'stance' || input.op === 'rerate') return { ok: true, value: `p:${ctx.participantId}` };
  const shared = ctx.shared;
  if (input.op === 'learned') {
    const mine = pairOf(shared, ctx.participantId);
    return mine ? { ok: true, value: adversaryPairScope(shared!.round, mine.id) } : { ok: false, error: 'You do not have a partner in this round.' };
  }
  const pair = shared?.pairs.find((p) => p.id === input.pairId);
  if (!pair) return { ok: false, error: 'There is no such pair in this round.' };
  if (!pair.members.includes(ctx.participantId)) return { ok: false, error: 'You are not in this pair.' };
  return { ok: true, value: adversaryPairScope(shared!.round, pair.id) };
}

function reduceOwn(
  rec: AdversaryOwnRecord,
  input: Extract<AdversariesInput, { op: 'stance' | 'rerate' }>,
  ctx: { config: Pick<AdversariesConfig, 'statements'>; phase: string },
): Outcome<AdversaryOwnRecord> {
  if (!ctx.config.statements.some((s) => s.id === input.statementId))
    return { ok: false, error: `There is no statement “${input.statementId}” in this activity.` };
  if (input.op === 'stance') {
    if (ctx.phase !== 'stance') return { ok: false, error: 'Stances are closed: you can re-rate the statement after your conversation.' };
    if (has(rec.before, input.statementId) && rec.before[input.statementId] === input.value) return { ok: true, value: rec };
    return { ok: true, value: { ...rec, before: { ...rec.before, [input.statementId]: input.value } } };
  }
  if (ctx.phase !== 'steelman' && ctx.phase !== 'results') return { ok: false, error: 'You re-rate the statement after your conversation.' };
  if (has(rec.after, input.statementId) && rec.after[input.statementId] === input.value) return { ok: true, value: rec };
  return { ok: true, value: { ...rec, after: { ...rec.after, [input.statementId]: input.value } } };
}

/** What the participant is waiting for, from their point of view (used in refusals and prompts). */
function waitingMessage(rec: AdversaryPairRecord, turn: { speaker: string; listener: string }, pid: string, shared: AdversariesShared | undefined): string {
  const speaker = nameIn(shared, turn.speaker);
  const listener = nameIn(shared, turn.listener);
  if (rec.stage === 'state') return `Wait for ${speaker} to state their view first.`;
  if (rec.stage === 'restate')
    return pid === turn.speaker ? `Wait for ${listener} to restate your view first.` : `Wait for ${listener} to restate ${speaker}’s view first.`;
  return pid === turn.listener ? `Wait for ${speaker} to accept your restatement first.` : `Wait for ${speaker} to accept ${listener}’s restatement first.`;
}

const EXPECTED: Record<SteelmanStage, readonly SteelmanStep[]> = { state: ['stated'], restate: ['restated'], verdict: ['accept', 'retry'] };

export function reduceSteelman(
  rec: AdversaryPairRecord,
  input: Extract<AdversariesInput, { op: 'steelman' }>,
  ctx: { phase: string; now: number; participantId: string; shared: AdversariesShared | undefined },
): Outcome<AdversaryPairRecord> {
  const pid = ctx.participantId;
  const pair = ctx.shared?.round === rec.round ? ctx.shared.pairs.find((p) => p.id === rec.pairId) : undefined;
  if (!pair || pair.id !== input.pairId) return { ok: false, error: 'This pair has been replaced: look for your new partner.' };
  if (!pair.members.includes(pid)) return { ok: false, error: 'You are not in this pair.' };
  // A retry of a step already taken answers the record unchanged.
  if (input.at !== undefined && input.at < rec.log.length) {
    const entry = rec.log[input.at]!;
    if (entry.by === pid && entry.step === input.step) return { ok: true, value: rec };
    return { ok: false, error: 'Your pair has moved on since: have a look at where you are now.' };
  }
  if (input.at === undefined) {
    const last = rec.log[rec.log.length - 1];
    if (last && last.by === pid && last.step === input.step) return { ok: true, value: rec };
  }
  if (input.at !== undefined && input.at > rec.log.length) return { ok: false, error: 'That step is not possible yet.' };
  if (ctx.phase !== 'steelman') return { ok: false, error: 'The conversations start when the facilitator opens them.' };
  if (rec.done) return { ok: false, error: 'You have both been steelmanned already: note what you learned and re-rate the statement.' };

  const turns = steelmanTurns(pair.members);
  const turn = turns[rec.turn]!;
  const actor = rec.stage === 'restate' ? turn.listener : turn.speaker;
  if (pid !== actor || !EXPECTED[rec.stage].includes(input.step)) {
    if (pid !== actor) return { ok: false, error: waitingMessage(rec, turn, pid, ctx.shared) };
    const other = nameIn(ctx.shared, rec.stage === 'restate' ? turn.speaker : turn.listener);
    if (rec.stage === 'state') return { ok: false, error: `It is your turn to state your view to ${other}.` };
    if (rec.stage === 'restate') return { ok: false, error: `It is your turn to restate ${other}’s view.` };
    return { ok: false, error: `First accept ${other}’s restatement, or ask them to try again.` };
  }
  if (input.step === 'retry' && rec.attempts >= STEELMAN_MAX_ATTEMPTS) {
    return { ok: false, error: `That was try ${rec.attempts}: accept the closest restatement so that you can swap.` };
  }
  const text = input.text === undefined ? '' : normalizeText(input.text, { maxLength: STEELMAN_TEXT_MAX, multiline: true });
  const entry: SteelmanLogEntry = { by: pid, step: input.step, turn: rec.turn, t: ctx.now, ...(text ? { text } : {}) };
  const next: AdversaryPairRecord = { ...rec, log: [...rec.log, entry] };
  if (input.step === 'stated') Object.assign(next, { stage: 'restate', attempts: 0 });
  else if (input.step === 'restated') Object.assign(next, { stage: 'verdict', attempts: rec.attempts + 1 });
  else if (input.step === 'retry') next.stage = 'restate';
  else Object.assign(next, { turn: rec.turn + 1, stage: 'state', attempts: 0, done: rec.turn + 1 >= turns.length });
  return { ok: true, value: next };
}

function reduceLearned(
  rec: AdversaryPairRecord,
  text: string,
  ctx: { phase: string; participantId: string; shared: AdversariesShared | undefined },
): Outcome<AdversaryPairRecord> {
  const pair = ctx.shared?.round === rec.round ? ctx.shared.pairs.find((p) => p.id === rec.pairId) : undefined;
  if (!pair?.members.includes(ctx.participantId)) return { ok: false, error: 'You are not in this pair.' };
  if (ctx.phase !== 'steelman' && ctx.phase !== 'results') return { ok: false, error: 'You note what you learned after your conversation.' };
  const note = normalizeText(text, { maxLength: LEARNED_MAX, multiline: true });
  const cur = has(rec.notes, ctx.participantId) ? rec.notes[ctx.participantId] : undefined;
  if ((cur ?? '') === note) return { ok: true, value: rec };
  const notes = { ...rec.notes };
  if (note) notes[ctx.participantId] = note;
  else delete notes[ctx.participantId];
  return { ok: true, value: { ...rec, notes } };
}

export function reduceAdversaries(
  rec: AdversariesRecord,
  input: AdversariesInput,
  ctx: { config: AdversariesConfig; phase: string; now: number; participantId: string; shared?: AdversariesShared | undefined },
): Outcome<AdversariesRecord> {
  if (input.op === 'stance' || input.op === 'rerate') {
    if (isPairRecord(rec)) return { ok: false, error: 'A stance belongs to your own record.' };
    return reduceOwn(rec, input, ctx);
  }
  if (!isPairRecord(rec)) return { ok: false, error: 'You do not have a partner in this round.' };
  if (input.op === 'learned') return reduceLearned(rec, input.text, { ...ctx, shared: ctx.shared });
  return reduceSteelman(rec, input, { ...ctx, shared: ctx.shared });
}

// --- counters ----------------------------------------------------------------------------------

const STAGE_INDEX: Record<SteelmanStage, number> = { state: 0, restate: 1, verdict: 2 };

/**
 * One record's share of the step's counters.
 * Own records: `before:<sid>:<v>`, `after:<sid>:<v>` (histograms); for people with both,
 * `compared:<sid>`, `moved:<sid>`, `shift:<sid>` (Σ|after − before|) and `net:<sid>`
 * (Σ after − before); `people:placed` / `people:all` (placed on one / every statement),
 * `people:rerated`.
 * Pair records, per pair (`<r>:<id>`): `turn:`, `stage:` (0 state, 1 restate, 2 verdict),
 * `tries:` (restatements so far), `done:`, `notes:` — keyed by pair so that the views count only
 * the pairs of the current round (a re-pair leaves empty records behind, never counted).
 */
export function adversariesContribution(rec: AdversariesRecord, config: Pick<AdversariesConfig, 'statements'>): Counters {
  const c: Counters = {};
  if (isPairRecord(rec)) {
    const k = `${rec.round}:${rec.pairId}`;
    c[`turn:${k}`] = rec.turn;
    c[`stage:${k}`] = rec.done ? 0 : STAGE_INDEX[rec.stage];
    c[`tries:${k}`] = rec.log.filter((e) => e.step === 'restated').length;
    c[`done:${k}`] = rec.done ? 1 : 0;
    c[`notes:${k}`] = Object.keys(rec.notes).length;
  } else {
    for (const [sid, v] of Object.entries(rec.before)) c[`before:${sid}:${v}`] = 1;
    for (const [sid, a] of Object.entries(rec.after)) {
      c[`after:${sid}:${a}`] = 1;
      if (!has(rec.before, sid)) continue;
      const b = rec.before[sid]!;
      c[`compared:${sid}`] = 1;
      c[`moved:${sid}`] = a !== b ? 1 : 0;
      c[`shift:${sid}`] = Math.abs(a - b);
      c[`net:${sid}`] = a - b;
    }
    if (Object.keys(rec.before).length > 0) c['people:placed'] = 1;
    if (config.statements.every((s) => has(rec.before, s.id))) c['people:all'] = 1;
    if (Object.keys(rec.after).length > 0) c['people:rerated'] = 1;
  }
  for (const key of Object.keys(c)) if (c[key] === 0) delete c[key];
  return c;
}

// --- what the room sees ------------------------------------------------------------------------

export interface StanceDistribution {
  /** how many people are counted */
  answered: number;
  /** people per point 1…7 (index 0 = strongly disagree); null when fewer than minGroupSize */
  counts: number[] | null;
  /** average on the 1–7 scale; null when the counts are withheld */
  mean: number | null;
}

export interface StanceMovement {
  /** people with a stance before and a re-rating after */
  compared: number;
  moved: number;
  /** mean |after − before| over those compared (people who did not move count as 0) */
  meanShift: number;
  /** mean |after − before| over those who moved (0 when nobody moved) */
  movedShift: number;
  /** mean (after − before): positive = the room moved towards agreeing */
  meanNet: number;
}

export interface AdversaryStatementResult {
  id: string;
  text: string;
  before: StanceDistribution;
  after: StanceDistribution;
  /**
   * null while fewer than minGroupSize people can be compared, or when 1 to minGroupSize − 1 of
   * them moved (`shareShown`: the share would point at them)
   */
  movement: StanceMovement | null;
}

export function distribution(counters: Counters, prefix: string, minGroupSize: number): StanceDistribution {
  const raw = Array.from({ length: STANCE_POINTS }, (_, i) => counters[`${prefix}:${i + 1}`] ?? 0);
  const answered = raw.reduce((a, b) => a + b, 0);
  if (answered === 0 || answered < minGroupSize) return { answered, counts: null, mean: null };
  return { answered, counts: raw, mean: raw.reduce((s, n, i) => s + n * (i + 1), 0) / answered };
}

export function adversaryStatementResults(ctx: Pick<PresenterContext<AdversariesConfig>, 'config' | 'counters'>): AdversaryStatementResult[] {
  const { config, counters: c } = ctx;
  return config.statements.map((s) => {
    const compared = c[`compared:${s.id}`] ?? 0;
    const moved = c[`moved:${s.id}`] ?? 0;
    const shift = c[`shift:${s.id}`] ?? 0;
    const movement = shareShown(moved, compared, config.minGroupSize)
      ? { compared, moved, meanShift: shift / compared, movedShift: moved > 0 ? shift / moved : 0, meanNet: (c[`net:${s.id}`] ?? 0) / compared }
      : null;
    return {
      id: s.id,
      text: s.text,
      before: distribution(c, `before:${s.id}`, config.minGroupSize),
      after: distribution(c, `after:${s.id}`, config.minGroupSize),
      movement,
    };
  });
}

/**
 * How views moved, in `locale`: "3 of 4 moved, by 2 points on average, towards agreeing" — the
 * average is over those who moved (people who kept their view do not pull it down), the direction
 * is the whole room's. The report says it this way; screens draw it (`movedBy` on the web).
 */
export function describeMovement(mv: StanceMovement, locale: Locale = 'en'): string {
  const opts = { locale };
  if (mv.moved === 0) return m.server_report_adv_moved_none({ compared: mv.compared }, opts);
  const shift = round1(mv.movedShift);
  const points = m.server_report_adv_points({ count: shift, value: numberIn(shift, locale) }, opts);
  const params = { moved: mv.moved, compared: mv.compared, points };
  const net = mv.meanNet;
  return (net === 0 ? m.server_report_adv_moved : net > 0 ? m.server_report_adv_moved_agreeing : m.server_report_adv_moved_disagreeing)(params, opts);
}

export type SteelmanStatus = SteelmanStage | 'done';

export interface AdversaryPairProgress {
  /** exchanges completed / in all (2 for a pair, 4 for the trio) */
  turn: number;
  turns: number;
  status: SteelmanStatus;
  /** who speaks and who restates in the current turn (null when done, or a name that is gone) */
  speaker: string | null;
  listener: string | null;
  /** restatements offered so far in this pair */
  tries: number;
  /** members who noted what they learned */
  notes: number;
}

export interface AdversaryPairSummary {
  id: string;
  trio: boolean;
  /** nicknames (display) — with department on the console; null: someone who deleted their data */
  members: Array<{ id: string; nickname: string | null; department?: string | null }>;
  /** console only: disagreement across the pair's conversations, and their progress */
  gap?: number;
  progress?: AdversaryPairProgress;
}

export interface AdversariesPairing {
  round: number;
  statementId: string;
  statementText: string;
  pairs: AdversaryPairSummary[];
  /** console: who is left out; display: how many */
  sittingOut: Array<{ id: string; nickname: string | null }> | number;
  /** pairs that have taken a first step / completed both steelmans */
  started: number;
  done: number;
  /** members of current pairs who noted what they learned */
  notes: number;
  /** console only: the pairing's quality */
  totalDisagreement?: number;
  sameDepartmentLinks?: number;
  repeatedLinks?: number;
}

export interface AdversariesPresenterView {
  phase: string;
  participants: number;
  /** people who placed themselves on at least one / every statement; who re-rated */
  placed: number;
  placedAll: number;
  rerated: number;
  minGroupSize: number;
  scale: string[];
  minutesPerTurn: number;
  /** a step timer that gives every pair (and the trio) time for all its turns */
  suggestedSeconds: number;
  /** the statement being paired on (else the first) */
  focus: string;
  statements: AdversaryStatementResult[];
  pairing: AdversariesPairing | null;
}

function pairProgress(pair: AdversaryPair, round: number, counters: Counters, shared: AdversariesShared): AdversaryPairProgress {
  const k = `${round}:${pair.id}`;
  const turns = steelmanTurns(pair.members);
  const done = (counters[`done:${k}`] ?? 0) > 0;
  const turn = Math.min(counters[`turn:${k}`] ?? 0, turns.length);
  const stage = (['state', 'restate', 'verdict'] as const)[counters[`stage:${k}`] ?? 0] ?? 'state';
  const cur = done ? null : turns[turn];
  return {
    turn,
    turns: turns.length,
    status: done ? 'done' : stage,
    speaker: cur ? nicknameIn(shared, cur.speaker) : null,
    listener: cur ? nicknameIn(shared, cur.listener) : null,
    tries: counters[`tries:${k}`] ?? 0,
    notes: counters[`notes:${k}`] ?? 0,
  };
}

export function adversariesPresenterView(ctx: PresenterContext<AdversariesConfig, AdversariesShared>): AdversariesPresenterView {
  const { config, counters: c, shared } = ctx;
  const console = ctx.audience === 'console';
  const all = adversaryStatementResults(ctx);
  // The projector shows the re-ratings only at the results, so the room is not nudged mid-conversation.
  const showAfter = console || ctx.phase === 'results';
  const hidden: StanceDistribution = { answered: 0, counts: null, mean: null };
  const statements = all.map((s) => ({
    ...s,
    // stances are anonymous counts, live on every screen (suppressed below minGroupSize)
    before: s.before,
    after: showAfter ? s.after : { ...hidden, answered: s.after.answered },
    movement: showAfter ? s.movement : null,
  }));
  const hasTrio = shared?.pairs.some((p) => p.members.length === 3) ?? false;
  let pairing: AdversariesPairing | null = null;
  if (shared && shared.round > 0 && shared.statementId !== null && ctx.phase !== 'stance') {
    const progress = shared.pairs.map((p) => pairProgress(p, shared.round, c, shared));
    pairing = {
      round: shared.round,
      statementId: shared.statementId,
      statementText: config.statements.find((s) => s.id === shared.statementId)?.text ?? '',
      pairs: shared.pairs.map((p, i) => ({
        id: p.id,
        trio: p.members.length === 3,
        members: p.members.map((m) => ({ id: m, nickname: nicknameIn(shared, m), ...(console ? { department: shared.people[m]?.department ?? null } : {}) })),
        ...(console ? { gap: p.gap, progress: progress[i]! } : {}),
      })),
      sittingOut: console ? shared.sittingOut.map((id) => ({ id, nickname: nicknameIn(shared, id) })) : shared.sittingOut.length,
      started: progress.filter((p) => p.status !== 'state' || p.turn > 0 || p.notes > 0).length,
      done: progress.filter((p) => p.status === 'done').length,
      notes: progress.reduce((s, p) => s + p.notes, 0),
      ...(console ? { totalDisagreement: shared.totalDisagreement, sameDepartmentLinks: shared.sameDepartmentLinks, repeatedLinks: shared.repeatedLinks } : {}),
    };
  }
  return {
    phase: ctx.phase,
    participants: ctx.participants,
    placed: c['people:placed'] ?? 0,
    placedAll: c['people:all'] ?? 0,
    rerated: c['people:rerated'] ?? 0,
    minGroupSize: config.minGroupSize,
    scale: [...ADVERSARY_SCALE],
    minutesPerTurn: config.minutesPerTurn,
    suggestedSeconds: config.minutesPerTurn * 60 * (hasTrio ? 4 : 2),
    focus: shared?.statementId ?? config.statements[0]!.id,
    statements,
    pairing,
  };
}

export interface AdversariesRoomView {
  scale: string[];
  minGroupSize: number;
  focus: string;
  statements: AdversaryStatementResult[];
}

/** The room's before/after for a phone: only at the results, so nobody is nudged earlier. */
export function adversariesRoomView(ctx: PresenterContext<AdversariesConfig, AdversariesShared>): AdversariesRoomView | null {
  if (ctx.phase !== 'results') return null;
  return {
    scale: [...ADVERSARY_SCALE],
    minGroupSize: ctx.config.minGroupSize,
    focus: ctx.shared?.statementId ?? ctx.config.statements[0]!.id,
    statements: adversaryStatementResults(ctx),
  };
}

// --- what a participant sees -------------------------------------------------------------------

export interface AdversaryPartnerView {
  id: string;
  /** null once they deleted their data (screens say "Someone who left") */
  nickname: string | null;
  department: string | null;
  /** their stance on the round's statement when paired */
  stance: number | null;
  role: AdversaryRole;
  /** what they learned (visible to their pair only) */
  learned: string;
}

export type AdversaryRole = 'A' | 'B' | 'hub' | 'partner' | 'joiner';

export interface SteelmanView {
  /** send this as `at` with your next step */
  at: number;
  /** current turn (0-based) and how many there are */
  turn: number;
  turns: number;
  status: SteelmanStatus;
  /** the current turn's speaker and listener (null once done) */
  speaker: { id: string; nickname: string | null } | null;
  listener: { id: string; nickname: string | null } | null;
  /** restatements offered in the current turn */
  attempts: number;
  /** the steps this participant can take now (empty when it is someone else's move or the phase is not steelman) */
  canDo: SteelmanStep[];
  /** whose move it is (null once done) */
  waitingFor: { id: string; nickname: string | null } | null;
  /** what is happening, from this participant's point of view: a code the screen words (null: nothing to say) */
  prompt: SteelmanPrompt | null;
  /** the speaker's summary of their view this turn, and the latest restatement (if they typed one) */
  statedText: string | null;
  restatedText: string | null;
  /** server time the current turn began (its predecessor was accepted); null for the first turn */
  turnStartedAt: number | null;
  turnSeconds: number;
  /** the order of the conversation, for a "1 of 4" stepper */
  plan: Array<{ speaker: string | null; listener: string | null; status: 'done' | 'current' | 'next' }>;
}

export interface AdversariesParticipantView {
  scale: string[];
  /** every statement with this participant's stance before and re-rating after */
  statements: Array<{ id: string; text: string; before: number | null; after: number | null }>;
  /** the statement of the current round (null before the first pairing) */
  focus: string | null;
  round: number;
  /** this participant's pair in the current round */
  pair: {
    id: string;
    trio: boolean;
    role: AdversaryRole;
    /** their own stance as paired */
    stance: number | null;
    partners: AdversaryPartnerView[];
    steelman: SteelmanView;
    /** what this participant learned */
    learned: string;
  } | null;
  /** paired this round, but not this participant (no stance, or arrived late) */
  sittingOut: boolean;
  /** earlier rounds this participant talked in: with whom, and what each of them learned */
  earlier: Array<{
    round: number;
    statementId: string;
    partners: Array<{ id: string; nickname: string | null; learned: string }>;
    learned: string;
    done: boolean;
  }>;
}

/**
 * The participant's stances as they will be once the pending ones are stored (their own record is
 * the view's `before` and `after` per statement). The conversation's steps and notes go to the
 * pair's record and show once acknowledged: the preview leaves the pair as it is.
 */
export function previewAdversaries(
  view: AdversariesParticipantView,
  pending: readonly AdversariesInput[],
  ctx: PreviewContext<Pick<AdversariesConfig, 'statements'>>,
): AdversariesParticipantView {
  const rec: AdversaryOwnRecord = { before: {}, after: {} };
  for (const s of view.statements) {
    if (s.before !== null) rec.before[s.id] = s.before;
    if (s.after !== null) rec.after[s.id] = s.after;
  }
  const next = reduceEach<AdversaryOwnRecord, AdversariesInput>(rec, pending, (r, input) =>
    input.op === 'stance' || input.op === 'rerate' ? reduceOwn(r, input, ctx) : { ok: true, value: r },
  );
  if (next === rec) return view;
  return { ...view, statements: view.statements.map((s) => ({ ...s, before: next.before[s.id] ?? null, after: next.after[s.id] ?? null })) };
}

const roleOf = (members: readonly string[], id: string): AdversaryRole => {
  const i = members.indexOf(id);
  if (members.length === 2) return i === 0 ? 'A' : 'B';
  return (['hub', 'partner', 'joiner'] as const)[i] ?? 'joiner';
};

/**
 * What a participant is told about their conversation, from their point of view: a code and the
 * names it needs (`null`: a name that is gone), worded by each screen in its own language.
 * `you` is this participant's move; `listener` / `speaker` theirs to watch; `others` is for the one
 * in a trio who is neither speaking nor listening this turn.
 */
export type SteelmanPrompt =
  /** both (all three) have been steelmanned: note what you learned, re-rate */
  | { code: 'done' }
  /** pairing phase: find your partner; the conversation starts when the facilitator opens it */
  | { code: 'find-partner' }
  /** the phase is past the conversation */
  | { code: 'closed' }
  | { code: 'state-you'; listener: string | null }
  | { code: 'state-listener'; speaker: string | null }
  | { code: 'state-others'; speaker: string | null; listener: string | null }
  /** `again`: the speaker asked for another try */
  | { code: 'restate-you'; speaker: string | null; again: boolean }
  | { code: 'restate-speaker'; listener: string | null }
  | { code: 'restate-others'; speaker: string | null; listener: string | null }
  | { code: 'verdict-you'; listener: string | null }
  /** the listener waits for the speaker to accept their restatement */
  | { code: 'verdict-listener'; speaker: string | null }
  | { code: 'verdict-others'; speaker: string | null; listener: string | null };
export type SteelmanPromptCode = SteelmanPrompt['code'];

/** A participant's prompt, from their point of view (null: no turn to speak of). */
export function steelmanPrompt(
  rec: Pick<AdversaryPairRecord, 'done' | 'stage' | 'attempts'>,
  turn: { speaker: string; listener: string } | undefined,
  pid: string,
  phase: string,
  shared: AdversariesShared | undefined,
): SteelmanPrompt | null {
  if (rec.done) return { code: 'done' };
  if (!turn) return null;
  const speaker = nicknameIn(shared, turn.speaker);
  const listener = nicknameIn(shared, turn.listener);
  if (phase === 'pairing') return { code: 'find-partner' };
  if (phase !== 'steelman') return { code: 'closed' };
  if (rec.stage === 'state') {
    if (pid === turn.speaker) return { code: 'state-you', listener };
    if (pid === turn.listener) return { code: 'state-listener', speaker };
    return { code: 'state-others', speaker, listener };
  }
  if (rec.stage === 'restate') {
    if (pid === turn.listener) return { code: 'restate-you', speaker, again: rec.attempts > 0 };
    if (pid === turn.speaker) return { code: 'restate-speaker', listener };
    return { code: 'restate-others', speaker, listener };
  }
  if (pid === turn.speaker) return { code: 'verdict-you', listener };
  if (pid === turn.listener) return { code: 'verdict-listener', speaker };
  return { code: 'verdict-others', speaker, listener };
}

export function adversariesParticipantView(ctx: {
  config: AdversariesConfig;
  phase: string;
  participantId: string;
  own: AdversariesRecord;
  scoped: Record<string, AdversariesRecord>;
  shared: AdversariesShared | undefined;
}): AdversariesParticipantView {
  const { config, phase, participantId: pid, shared } = ctx;
  const own: AdversaryOwnRecord = isPairRecord(ctx.own) ? { before: {}, after: {} } : ctx.own;
  const statements = config.statements.map((s) => ({ id: s.id, text: s.text, before: own.before[s.id] ?? null, after: own.after[s.id] ?? null }));
  const earlier = (shared?.history ?? []).flatMap((h) =>
    h.pairs
      .filter((p) => p.members.includes(pid))
      .map((p) => {
        const rec = ctx.scoped[adversaryPairScope(h.round, p.id)];
        const notes = isPairRecord(rec) ? rec.notes : {};
        return {
          round: h.round,
          statementId: h.statementId,
          partners: p.members.filter((m) => m !== pid).map((m) => ({ id: m, nickname: nicknameIn(shared, m), learned: notes[m] ?? '' })),
          learned: notes[pid] ?? '',
          done: isPairRecord(rec) && rec.done,
        };
      }),
  );
  const base = { scale: [...ADVERSARY_SCALE], statements, focus: shared?.statementId ?? null, round: shared?.round ?? 0, earlier };
  const pair = pairOf(shared, pid);
  if (!shared || !pair) return { ...base, pair: null, sittingOut: (shared?.round ?? 0) > 0 };
  const scope = adversaryPairScope(shared.round, pair.id);
  const stored = ctx.scoped[scope];
  const rec = isPairRecord(stored) ? stored : (initialAdversaryRecord(scope) as AdversaryPairRecord);
  const turns = steelmanTurns(pair.members);
  const turn = rec.done ? undefined : turns[rec.turn];
  const actor = turn ? (rec.stage === 'restate' ? turn.listener : turn.speaker) : null;
  const who = (id: string) => ({ id, nickname: nicknameIn(shared, id) });
  const thisTurn = rec.log.filter((e) => e.turn === rec.turn);
  const lastText = (step: SteelmanStep) => [...thisTurn].reverse().find((e) => e.step === step)?.text ?? null;
  const lastAccept = [...rec.log].reverse().find((e) => e.step === 'accept');
  const canDo: SteelmanStep[] =
    phase === 'steelman' && actor === pid
      ? rec.stage === 'verdict'
        ? rec.attempts >= STEELMAN_MAX_ATTEMPTS
          ? ['accept']
          : ['accept', 'retry']
        : [...EXPECTED[rec.stage]]
      : [];
  const steelman: SteelmanView = {
    at: rec.log.length,
    turn: rec.turn,
    turns: turns.length,
    status: rec.done ? 'done' : rec.stage,
    speaker: turn ? who(turn.speaker) : null,
    listener: turn ? who(turn.listener) : null,
    attempts: rec.attempts,
    canDo,
    waitingFor: actor ? who(actor) : null,
    prompt: steelmanPrompt(rec, turn, pid, phase, shared),
    statedText: turn ? lastText('stated') : null,
    restatedText: turn ? lastText('restated') : null,
    turnStartedAt: rec.done || rec.turn === 0 ? null : (lastAccept?.t ?? null),
    turnSeconds: config.minutesPerTurn * 60,
    plan: turns.map((t, i) => ({
      speaker: nicknameIn(shared, t.speaker),
      listener: nicknameIn(shared, t.listener),
      status: i < rec.turn ? 'done' : i === rec.turn && !rec.done ? 'current' : 'next',
    })),
  };
  return {
    ...base,
    pair: {
      id: pair.id,
      trio: pair.members.length === 3,
      role: roleOf(pair.members, pid),
      stance: pair.stances[pid] ?? null,
      partners: pair.members
        .filter((m) => m !== pid)
        .map((m) => ({
          id: m,
          nickname: nicknameIn(shared, m),
          department: shared.people[m]?.department ?? null,
          stance: pair.stances[m] ?? null,
          role: roleOf(pair.members, m),
          learned: rec.notes[m] ?? '',
        })),
      steelman,
      learned: rec.notes[pid] ?? '',
    },
    sittingOut: false,
  };
}

/** The participant's pair record of this round, then those of earlier rounds they talked in. */
export function adversariesReadScopes(pid: string, shared: AdversariesShared | undefined): string[] {
  if (!shared) return [];
  const pair = pairOf(shared, pid);
  const earlier = shared.history.flatMap((h) => h.pairs.filter((p) => p.members.includes(pid)).map((p) => adversaryPairScope(h.round, p.id)));
  return [...(pair ? [adversaryPairScope(shared.round, pair.id)] : []), ...earlier];
}

// --- outcomes ----------------------------------------------------------------------------------

/** The seven points of the scale in `locale` (the `content` catalogue's, as `adversaryScale` in content.ts words them). */
const adversaryScaleIn = (locale: Locale): string[] =>
  locale === baseLocale ? [...ADVERSARY_SCALE] : ADVERSARY_SCALE.map((_, i) => say(`adv_scale_${i + 1}`, locale));

/**
 * The worthy adversaries in the report: each statement's before/after distribution and how many
 * moved (withheld below the minimum group size, as on the display), the conversations held, and
 * what people learned — not attributed, since it was written for their partner.
 */
export function adversariesOutcomes(ctx: OutcomesContext<AdversariesConfig, AdversariesShared>): ActivityOutcomes {
  const { config, counters: c } = ctx;
  const shared = ctx.shared ?? initialAdversariesShared();
  const results = adversaryStatementResults({ config, counters: c });
  const textOf = (id: string) => config.statements.find((s) => s.id === id)?.text ?? id;
  const statementOfRound = new Map<number, string>(shared.history.map((h) => [h.round, h.statementId]));
  if (shared.statementId !== null) statementOfRound.set(shared.round, shared.statementId);
  const learnings: Array<{ round: number; statementId: string; text: string }> = [];
  for (const r of ctx.records) {
    const v = r.value as AdversariesRecord;
    if (!isPairRecord(v)) continue;
    const sid = statementOfRound.get(v.round);
    if (sid === undefined) continue;
    for (const text of Object.values(v.notes)) learnings.push({ round: v.round, statementId: sid, text });
  }
  learnings.sort((a, b) => a.round - b.round);
  const conversations = shared.history.reduce((n, h) => n + h.pairs.length, 0) + shared.pairs.length;
  const locale = ctx.locale ?? baseLocale;
  const opts = { locale };
  const blocks: ReportBlock[] = [
    paragraph(
      m.server_report_adv_summary(
        {
          people: ofPeopleIn(c['people:placed'] ?? 0, ctx.participants, locale),
          conversations: m.server_report_adv_conversations({ count: conversations }, opts),
          rounds: m.server_report_rounds({ count: shared.round }, opts),
          rerated: c['people:rerated'] ?? 0,
        },
        opts,
      ),
    ),
  ];
  const scale = adversaryScaleIn(locale);
  for (const s of results) {
    const series = (label: string, d: StanceDistribution) => ({ label, answered: d.answered, counts: d.counts, mean: d.mean === null ? null : round1(d.mean) });
    blocks.push({
      kind: 'distribution',
      title: s.text,
      scale,
      series: [series(m.server_report_before({}, opts), s.before), series(m.server_report_after({}, opts), s.after)],
    });
    if (s.movement) blocks.push(paragraph(m.server_report_adv_after_conversation({ movement: describeMovement(s.movement, locale) }, opts)));
  }
  blocks.push(heading(m.server_report_adv_learned({}, opts)));
  if (learnings.length === 0) blocks.push(paragraph(m.server_report_adv_no_learnings({}, opts)));
  for (const sid of [...new Set(learnings.map((l) => l.statementId))]) {
    blocks.push(paragraph(m.server_report_adv_on_statement({ statement: textOf(sid) }, opts)));
    blocks.push(list(learnings.filter((l) => l.statementId === sid).map((l) => l.text)));
  }
  const scaleCols = Array.from({ length: STANCE_POINTS }, (_, i) => `count_${i + 1}`);
  const stanceRow = (id: string, text: string, when: string, d: StanceDistribution): Cell[] => [
    id,
    text,
    when,
    d.answered,
    ...(d.counts ?? scaleCols.map(() => null)),
    d.mean === null ? null : Math.round(d.mean * 100) / 100,
  ];
  return {
    section: { title: ctx.step.title, blocks },
    tables: [
      {
        name: 'adversaries_stances',
        columns: ['statement_id', 'statement', 'when', 'answered', ...scaleCols, 'mean', 'moved', 'compared'],
        rows: results.flatMap((s) => [
          [...stanceRow(s.id, s.text, 'before', s.before), null, null],
          [...stanceRow(s.id, s.text, 'after', s.after), s.movement?.moved ?? null, s.movement?.compared ?? null],
        ]),
      },
      { name: 'adversaries_learnings', columns: ['round', 'statement_id', 'learning'], rows: learnings.map((l) => [l.round, l.statementId, l.text]) },
    ],
  };
}

// --- the module --------------------------------------------------------------------------------

/** placing yourself on one statement: read it, think, tap */
export const ADVERSARY_STANCE_SEC_PER_STATEMENT = 60;
/** the display shows the pairs; people find their worthy adversary */
export const ADVERSARY_PAIRING_SEC = 60;
/** after the steelman: note what you learned and re-rate */
export const ADVERSARY_REFLECT_SEC = 120;

/**
 * One round of the exercise: stances on every statement, finding your partner, the steelman turns
 * of the longest conversation — four turns, since an odd room has a trio (a pair needs two) — and
 * a moment to note what you learned and re-rate.
 */
export function adversariesScheduleSeconds(config: Pick<AdversariesConfig, 'statements' | 'minutesPerTurn'>): number {
  const longest = steelmanTurns(['a', 'b', 'c']).length;
  return config.statements.length * ADVERSARY_STANCE_SEC_PER_STATEMENT + ADVERSARY_PAIRING_SEC + longest * config.minutesPerTurn * 60 + ADVERSARY_REFLECT_SEC;
}

/** what the phones and the display get of the config, with the scale's labels */
export type AdversariesParticipantConfig = Pick<AdversariesConfig, 'statements' | 'minutesPerTurn' | 'minGroupSize'> & { scale: string[] };

export const adversaries: ActivityModule<
  AdversariesConfig,
  AdversariesInput,
  AdversariesRecord,
  AdversariesShared,
  AdversariesAction,
  AdversariesParticipantConfig,
  AdversariesParticipantView
> = {
  type: 'adversaries',
  label: 'Worthy adversaries',
  configSchema: AdversariesConfig,
  defaultConfig: () => AdversariesConfig.parse({}),
  phases: ADVERSARY_PHASES,
  scheduleSeconds: adversariesScheduleSeconds,
  participantConfig: (config) => ({
    statements: config.statements,
    scale: [...ADVERSARY_SCALE],
    minutesPerTurn: config.minutesPerTurn,
    minGroupSize: config.minGroupSize,
  }),
  shared: {
    initial: initialAdversariesShared,
    actionSchema: AdversariesAction,
    act: actAdversaries,
    needsRecords: true,
    // what they learned stays with the pair's conversation; their name goes
    forget: (shared, id) => ({ ...shared, people: withoutKey(shared.people, id) }),
  },
  input: {
    schema: AdversariesInput,
    acceptIn: ['stance', 'steelman', 'results'],
    initial: initialAdversaryRecord,
    scope: (input, ctx) => adversariesScope(input, ctx),
    reduce: (rec, input, ctx) => reduceAdversaries(rec, input, ctx),
    contribution: adversariesContribution,
  },
  readScopes: adversariesReadScopes,
  audience: (scope, shared) => {
    const s = parseAdversaryPairScope(scope);
    if (!s || !shared || s.round !== shared.round) return [];
    return shared.pairs.find((p) => p.id === s.pairId)?.members ?? [];
  },
  participantView: adversariesParticipantView,
  preview: previewAdversaries,
  presenterView: adversariesPresenterView,
  participantRoomView: adversariesRoomView,
  outcomes: adversariesOutcomes,
};
