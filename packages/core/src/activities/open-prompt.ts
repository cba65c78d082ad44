/**
 * Open prompt with votes. Everyone posts a few short answers to one question; the
 * facilitator then opens the vote and everyone spends a small budget of votes on the answers they
 * find best; the console and the projector show a live ranked list and a word cloud. The
 * facilitator moderates: hide every answer from the projector (and show them again), remove an
 * entry, merge a duplicate into the entry it repeats (its votes count for that one), restore.
 *
 * Answers are anonymous. An entry is known inside the server as `<participantId>.<answerId>`
 * (the key of votes, counters and moderation), but no participant ever sees another's key: the
 * facilitator's `open-vote` copies the answers into a ballot in the shared state, each under an
 * opaque ballot id (`b1`, `b2`, … in a seeded-shuffled order), and phones vote by ballot id. The
 * projector shows texts and tallies only. Only the author sees that an answer is theirs (and
 * that it was removed or merged).
 *
 * Decisions:
 * - Nobody votes for their own answers (nor for an entry merged into one of theirs).
 * - A vote sets the number of votes for one entry (idempotent: a replay sets the same number).
 *   Votes for entries the facilitator removed do not use the budget; lowering a vote is always
 *   allowed, even when a restore has left someone over their budget.
 * - `hide` only affects the projector; phones keep their ballot so voting can go on.
 * - The ballot is a snapshot: answers edited or added after `open-vote` reach phones when the
 *   facilitator opens the vote again (ballot ids of known entries never change).
 */
import { z } from 'zod';
import {
  reduceEach,
  type ActContext,
  type ActivityModule,
  type Counters,
  type InputContext,
  type Outcome,
  type PresenterContext,
  type PreviewContext,
} from '../activity.js';
import { wholeNumber } from '../issues.js';
import { seededRandom } from '../pairing.js';
import { list, ofPeopleIn, paragraph, table, type ActivityOutcomes, type OutcomesContext, type ReportBlock } from '../report.js';
import { baseLocale, m } from '@canopy/i18n';
import { normalizeText } from '../text.js';

export const OPEN_PROMPT_MAX_LENGTH = 280;
export const DISPLAY_TOP = 10;
export const WORD_CLOUD_SIZE = 40;
/** the projector's list of texts while people are still answering */
export const DISPLAY_ANSWERS_MAX = 60;

export const AnswerIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1–40 letters, digits, - or _');
/** `<participantId>.<answerId>` */
export const EntryKeySchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,40}$/, 'must be an entry key');
export const BallotIdSchema = z.string().regex(/^b[0-9]{1,9}$/, 'must be a ballot id');

export const OpenPromptConfig = z.object({
  question: z.string().min(1, 'write the question').max(300).default('What makes someone a real ally at work? One idea per answer.'),
  maxAnswersPerPerson: wholeNumber(1, 10, 'answers per person').default(3),
  maxLength: wholeNumber(10, OPEN_PROMPT_MAX_LENGTH, 'the longest answer (characters)').default(140),
  /** votes each participant may spend */
  votes: wholeNumber(1, 20, 'votes per person').default(3),
  /** may one person put several of their votes on the same entry */
  allowMultipleVotesPerAnswer: z.boolean().default(false),
});
export type OpenPromptConfig = z.infer<typeof OpenPromptConfig>;

export const OpenPromptInput = z.discriminatedUnion('op', [
  /** add or edit one of your answers (normalized and capped to `maxLength`) */
  z.object({ op: z.literal('answer'), id: AnswerIdSchema, text: z.string().max(OPEN_PROMPT_MAX_LENGTH * 8) }),
  z.object({ op: z.literal('withdraw'), id: AnswerIdSchema }),
  /** set how many of your votes go to one ballot entry (0 takes them back) */
  z.object({ op: z.literal('vote'), entry: BallotIdSchema, count: z.number().int().min(0).max(20) }),
]);
export type OpenPromptInput = z.infer<typeof OpenPromptInput>;

export interface OpenPromptAnswer {
  id: string;
  text: string;
}

export interface OpenPromptRecord {
  answers: OpenPromptAnswer[];
  /** entry key → votes given (never 0) */
  votes: Record<string, number>;
}

export interface BallotItem {
  /** opaque id shown to phones */
  id: string;
  /** `<participantId>.<answerId>`: never leaves the server except on the facilitator's console */
  entry: string;
  text: string;
}

export interface OpenPromptShared {
  /** hide every answer from the projector */
  hidden: boolean;
  removed: string[];
  /** duplicate entry → the entry it was merged into (chains resolve) */
  merged: Record<string, string>;
  /** what phones vote on, built by `open-vote`; empty until then */
  ballot: BallotItem[];
  nextBallot: number;
}

export const OpenPromptAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hide') }),
  z.object({ type: z.literal('reveal') }),
  z.object({ type: z.literal('remove'), entry: EntryKeySchema }),
  /** undo a removal or a merge */
  z.object({ type: z.literal('restore'), entry: EntryKeySchema }),
  z.object({ type: z.literal('merge'), from: EntryKeySchema, into: EntryKeySchema }),
  /** copy the current answers into the ballot phones vote on */
  z.object({ type: z.literal('open-vote') }),
]);
export type OpenPromptAction = z.infer<typeof OpenPromptAction>;

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

export const entryKey = (participantId: string, answerId: string) => `${participantId}.${answerId}`;
const authorOf = (key: string) => key.slice(0, key.lastIndexOf('.'));

export function initialOpenPromptShared(): OpenPromptShared {
  return { hidden: false, removed: [], merged: {}, ballot: [], nextBallot: 1 };
}

/** The entry a key stands for once merges are followed (itself when not merged). */
export function canonicalEntry(shared: Pick<OpenPromptShared, 'merged'> | undefined, key: string): string {
  let k = key;
  const seen = new Set<string>();
  while (shared && hasOwn(shared.merged, k) && !seen.has(k)) {
    seen.add(k);
    k = shared.merged[k]!;
  }
  return k;
}

/**
 * Merge `from` into `into` (`from` ≠ `into`): the merge map with `from → into`, the same map when
 * it is already so, or 'loop' when `into` already stands for `from` (it was merged into it).
 * Shared with the room's questions (questions.ts), whose merges work the same way.
 */
export function linkMerge(merged: Record<string, string>, from: string, into: string): Record<string, string> | 'loop' {
  // Follow `into`'s chain: reaching `from` would make a loop.
  const withoutFrom = { ...merged };
  delete withoutFrom[from];
  if (canonicalEntry({ merged: withoutFrom }, into) === from) return 'loop';
  if (merged[from] === into) return merged;
  return { ...withoutFrom, [from]: into };
}

/** Removed itself, or merged into an entry that was removed. */
export function isRemoved(shared: Pick<OpenPromptShared, 'merged' | 'removed'> | undefined, key: string): boolean {
  if (!shared) return false;
  return shared.removed.includes(key) || shared.removed.includes(canonicalEntry(shared, key));
}

// --- participant input -------------------------------------------------------------------------

export function initialOpenPromptRecord(): OpenPromptRecord {
  return { answers: [], votes: {} };
}

function sameVotes(a: Record<string, number>, b: Record<string, number>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => hasOwn(b, k) && b[k] === a[k]);
}

/** Votes that use the budget: those for entries still on show. */
export function votesUsed(rec: OpenPromptRecord, shared: OpenPromptShared | undefined): number {
  let n = 0;
  for (const [k, v] of Object.entries(rec.votes)) if (!isRemoved(shared, k)) n += v;
  return n;
}

export function reduceOpenPrompt(
  rec: OpenPromptRecord,
  input: OpenPromptInput,
  ctx: Pick<InputContext<OpenPromptParticipantConfig, OpenPromptShared>, 'config' | 'participantId' | 'shared'>,
): Outcome<OpenPromptRecord> {
  const { config, participantId, shared } = ctx;
  switch (input.op) {
    case 'answer': {
      const text = normalizeText(input.text, { maxLength: config.maxLength });
      if (!text) return { ok: false, error: 'Write something first.' };
      const i = rec.answers.findIndex((a) => a.id === input.id);
      if (i >= 0) {
        if (rec.answers[i]!.text === text) return { ok: true, value: rec };
        const answers = rec.answers.slice();
        answers[i] = { id: input.id, text };
        return { ok: true, value: { ...rec, answers } };
      }
      if (rec.answers.length >= config.maxAnswersPerPerson) {
        return { ok: false, error: `You can post up to ${config.maxAnswersPerPerson} answers: withdraw one to add another.` };
      }
      return { ok: true, value: { ...rec, answers: [...rec.answers, { id: input.id, text }] } };
    }
    case 'withdraw': {
      if (!rec.answers.some((a) => a.id === input.id)) return { ok: true, value: rec };
      return { ok: true, value: { ...rec, answers: rec.answers.filter((a) => a.id !== input.id) } };
    }
    case 'vote': {
      const item = shared?.ballot.find((b) => b.id === input.entry);
      if (!item) return { ok: false, error: 'That answer is not on the ballot.' };
      const target = canonicalEntry(shared, item.entry);
      if (input.count > 0) {
        if (isRemoved(shared, target)) return { ok: false, error: 'That answer has been removed.' };
        if (authorOf(target) === participantId) return { ok: false, error: 'You cannot vote for your own answer.' };
        if (input.count > 1 && !config.allowMultipleVotesPerAnswer) return { ok: false, error: 'One vote per answer.' };
      }
      const votes: Record<string, number> = {};
      for (const [k, v] of Object.entries(rec.votes)) if (canonicalEntry(shared, k) !== target) votes[k] = v;
      if (input.count > 0) votes[target] = input.count;
      if (sameVotes(votes, rec.votes)) return { ok: true, value: rec };
      const next = { ...rec, votes };
      const used = votesUsed(next, shared);
      if (used > config.votes && used > votesUsed(rec, shared)) {
        return { ok: false, error: `You have ${config.votes} votes in all: take one back from another answer first.` };
      }
      return { ok: true, value: next };
    }
  }
}

/** One participant's share of the counters: their answers, whether they took part, their votes. */
export function openPromptContribution(rec: OpenPromptRecord): Counters {
  const c: Counters = {};
  if (rec.answers.length > 0) {
    c.answers = rec.answers.length;
    c['people:answered'] = 1;
  }
  let voted = false;
  for (const [k, v] of Object.entries(rec.votes)) {
    if (v > 0) {
      c[`v:${k}`] = v;
      voted = true;
    }
  }
  if (voted) c['people:voted'] = 1;
  return c;
}

// --- facilitator moderation --------------------------------------------------------------------

interface LiveEntry {
  entry: string;
  text: string;
}

/** Every answer of the step, from the participants' records (`p:<id>` scopes), in record order. */
export function liveEntries(records: ReadonlyArray<{ scope: string; value: unknown }> | undefined): LiveEntry[] {
  const out: LiveEntry[] = [];
  for (const r of records ?? []) {
    if (!r.scope.startsWith('p:')) continue;
    const pid = r.scope.slice(2);
    const rec = r.value as Partial<OpenPromptRecord> | null;
    for (const a of rec?.answers ?? []) out.push({ entry: entryKey(pid, a.id), text: a.text });
  }
  return out;
}

export function actOpenPrompt(
  shared: OpenPromptShared,
  action: OpenPromptAction,
  ctx: Pick<ActContext<OpenPromptConfig>, 'seed' | 'records'>,
): Outcome<OpenPromptShared> {
  const exists = (key: string) => liveEntries(ctx.records).some((e) => e.entry === key);
  switch (action.type) {
    case 'hide':
      return { ok: true, value: shared.hidden ? shared : { ...shared, hidden: true } };
    case 'reveal':
      return { ok: true, value: shared.hidden ? { ...shared, hidden: false } : shared };
    case 'remove': {
      if (shared.removed.includes(action.entry)) return { ok: true, value: shared };
      if (!exists(action.entry)) return { ok: false, error: 'There is no such answer.' };
      return { ok: true, value: { ...shared, removed: [...shared.removed, action.entry] } };
    }
    case 'restore': {
      const merged = { ...shared.merged };
      delete merged[action.entry];
      return { ok: true, value: { ...shared, removed: shared.removed.filter((k) => k !== action.entry), merged } };
    }
    case 'merge': {
      const { from, into } = action;
      if (from === into) return { ok: false, error: 'An answer cannot be merged into itself.' };
      if (!exists(from) || !exists(into)) return { ok: false, error: 'There is no such answer.' };
      if (isRemoved(shared, into)) return { ok: false, error: 'That answer has been removed: restore it first.' };
      const merged = linkMerge(shared.merged, from, into);
      if (merged === 'loop') return { ok: false, error: 'That answer is already merged into this one.' };
      return { ok: true, value: merged === shared.merged ? shared : { ...shared, merged } };
    }
    case 'open-vote': {
      const live = liveEntries(ctx.records);
      const text = new Map(live.map((e) => [e.entry, e.text]));
      // Known entries keep their ballot id (votes and phones refer to it) and get today's text.
      const ballot = shared.ballot.filter((b) => text.has(b.entry)).map((b) => ({ ...b, text: text.get(b.entry)! }));
      const known = new Set(shared.ballot.map((b) => b.entry));
      const fresh = shuffle(
        live.filter((e) => !known.has(e.entry)),
        ctx.seed,
      );
      let next = shared.nextBallot;
      for (const e of fresh) ballot.push({ id: `b${next++}`, entry: e.entry, text: e.text });
      return { ok: true, value: { ...shared, ballot, nextBallot: next } };
    }
  }
}

function shuffle<X>(items: X[], seed: number): X[] {
  const rnd = seededRandom(seed);
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor((rnd() / 4294967296) * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

// --- what each audience sees -------------------------------------------------------------------

export interface OwnAnswerView {
  id: string;
  text: string;
  /** the facilitator removed it (only its author is told) */
  removed: boolean;
  /** the facilitator merged it into a similar answer */
  merged: boolean;
}

export interface BallotEntryView {
  id: string;
  text: string;
  /** this participant's own answer (or one merged into it): they cannot vote for it */
  mine: boolean;
  /** votes this participant gave it */
  myVotes: number;
}

export interface OpenPromptParticipantView {
  phase: string;
  answers: OwnAnswerView[];
  canAddAnswer: boolean;
  budget: number;
  used: number;
  remaining: number;
  /** what to vote on (in the vote and results phases, once the facilitator opened the vote) */
  ballot: BallotEntryView[];
}

export function openPromptParticipantView(ctx: {
  config: OpenPromptParticipantConfig;
  phase: string;
  participantId: string;
  own: OpenPromptRecord;
  shared: OpenPromptShared | undefined;
}): OpenPromptParticipantView {
  const { config, phase, participantId, own, shared } = ctx;
  const used = votesUsed(own, shared);
  const myVotes = new Map<string, number>();
  for (const [k, v] of Object.entries(own.votes)) {
    const t = canonicalEntry(shared, k);
    myVotes.set(t, (myVotes.get(t) ?? 0) + v);
  }
  const showBallot = phase === 'vote' || phase === 'results';
  const ballot = showBallot
    ? (shared?.ballot ?? [])
        .filter((b) => !isRemoved(shared, b.entry) && canonicalEntry(shared, b.entry) === b.entry)
        .map((b) => ({ id: b.id, text: b.text, mine: authorOf(b.entry) === participantId, myVotes: myVotes.get(b.entry) ?? 0 }))
    : [];
  return {
    phase,
    answers: own.answers.map((a) => {
      const key = entryKey(participantId, a.id);
      return { id: a.id, text: a.text, removed: isRemoved(shared, key), merged: !!shared && canonicalEntry(shared, key) !== key };
    }),
    canAddAnswer: own.answers.length < config.maxAnswersPerPerson,
    budget: config.votes,
    used,
    remaining: Math.max(0, config.votes - used),
    ballot,
  };
}

/** Answers are taken in the answer phase, votes in the vote phase. */
function reduceOpenPromptIn(
  rec: OpenPromptRecord,
  input: OpenPromptInput,
  ctx: Pick<InputContext<OpenPromptParticipantConfig, OpenPromptShared>, 'config' | 'phase' | 'participantId' | 'shared'>,
): Outcome<OpenPromptRecord> {
  const phaseFor = input.op === 'vote' ? 'vote' : 'answer';
  if (ctx.phase !== phaseFor) return { ok: false, error: input.op === 'vote' ? 'Voting is not open.' : 'Answers are closed.' };
  return reduceOpenPrompt(rec, input, ctx);
}

/**
 * The participant's answers and votes as they will be once the pending ones are stored. The phone
 * has no shared state (entry keys never reach it), so the record and as much of the shared state
 * as the view reflects are read back from the view: own answers with their removed and merged
 * marks, the ballot as shown (own entries known by `mine`), the votes given to it, and the votes
 * counted but not on show (for an entry merged into one not on the ballot) as one hidden entry.
 * Then the server's reducer and the server's view. (Votes for an answer the facilitator both
 * removed and merged into a visible one show on its ballot entry but do not count: the view does
 * not tell them apart, so the preview counts them.)
 */
export function previewOpenPrompt(
  view: OpenPromptParticipantView,
  pending: readonly OpenPromptInput[],
  ctx: PreviewContext<OpenPromptParticipantConfig>,
): OpenPromptParticipantView {
  const pid = ctx.participantId;
  const shared: OpenPromptShared = { ...initialOpenPromptShared(), ballot: [] };
  const rec: OpenPromptRecord = { answers: view.answers.map((a) => ({ id: a.id, text: a.text })), votes: {} };
  for (const a of view.answers) {
    const key = entryKey(pid, a.id);
    if (a.merged) shared.merged[key] = '~.merged';
    if (a.removed) shared.removed.push(key);
  }
  let shown = 0;
  for (const b of view.ballot) {
    const entry = b.mine ? `${pid}.~${b.id}` : `~.${b.id}`;
    shared.ballot.push({ id: b.id, entry, text: b.text });
    if (b.myVotes > 0) rec.votes[entry] = b.myVotes;
    shown += b.myVotes;
  }
  if (view.used > shown) rec.votes['~.hidden'] = view.used - shown;
  const next = reduceEach<OpenPromptRecord, OpenPromptInput>(rec, pending, (r, input) =>
    reduceOpenPromptIn(r, input, { config: ctx.config, phase: ctx.phase, participantId: pid, shared }),
  );
  if (next === rec) return view;
  return openPromptParticipantView({ config: ctx.config, phase: view.phase, participantId: pid, own: next, shared });
}

export type EntryStatus = 'visible' | 'merged' | 'removed';

export interface ConsoleEntry {
  /** the key moderation actions take */
  entry: string;
  /** its ballot id, once on the ballot */
  ballotId: string | null;
  text: string;
  /** for a visible entry: its votes plus those of every entry merged into it; else its own votes */
  votes: number;
  status: EntryStatus;
  /** for a merged entry: the visible entry it counts for */
  mergedInto: string | null;
}

export interface DisplayEntry {
  text: string;
  /** null while people are still answering */
  votes: number | null;
}

export interface WordCount {
  word: string;
  count: number;
}

interface Common {
  phase: string;
  question: string;
  hidden: boolean;
  participants: number;
  answered: number;
  voted: number;
  /** visible entries (not removed, not merged into another) */
  entriesShown: number;
  words: WordCount[];
}

export interface OpenPromptConsoleView extends Common {
  audience: 'console';
  ballotOpen: boolean;
  entries: ConsoleEntry[];
}

export interface OpenPromptDisplayView extends Common {
  audience: 'display';
  /** ranked (top 10) in vote and results; the texts so far (alphabetical) while answering; empty when hidden */
  entries: DisplayEntry[];
}

export type OpenPromptPresenterView = OpenPromptConsoleView | OpenPromptDisplayView;

/** Visible entries' tallies: each counts its own votes and those of the entries merged into it. */
export function tallies(counters: Counters, shared: OpenPromptShared | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries(counters)) {
    if (!k.startsWith('v:')) continue;
    const key = k.slice(2);
    if (isRemoved(shared, key)) continue;
    const t = canonicalEntry(shared, key);
    out.set(t, (out.get(t) ?? 0) + v);
  }
  return out;
}

const byVotesThenText = <E extends { votes: number | null; text: string }>(a: E, b: E) =>
  (b.votes ?? 0) - (a.votes ?? 0) || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);

/** A participant deleted their data: their answers leave the ballot and the moderation lists. */
export function forgetOpenPromptAuthor(shared: OpenPromptShared, participantId: string): OpenPromptShared {
  const theirs = (key: string) => authorOf(key) === participantId;
  return {
    ...shared,
    ballot: shared.ballot.filter((b) => !theirs(b.entry)),
    removed: shared.removed.filter((k) => !theirs(k)),
    merged: Object.fromEntries(Object.entries(shared.merged).filter(([from, into]) => !theirs(from) && !theirs(into))),
  };
}

export function openPromptPresenterView(ctx: PresenterContext<OpenPromptConfig, OpenPromptShared>): OpenPromptPresenterView {
  const { config, counters, shared, phase } = ctx;
  const live = liveEntries(ctx.records);
  const votes = tallies(counters, shared);
  const ballotIds = new Map((shared?.ballot ?? []).map((b) => [b.entry, b.id]));
  const statusOf = (key: string): EntryStatus => (isRemoved(shared, key) ? 'removed' : canonicalEntry(shared, key) !== key ? 'merged' : 'visible');
  const visible = live.filter((e) => statusOf(e.entry) === 'visible');
  const common: Common = {
    phase,
    question: config.question,
    hidden: shared?.hidden ?? false,
    participants: ctx.participants,
    answered: counters['people:answered'] ?? 0,
    voted: counters['people:voted'] ?? 0,
    entriesShown: visible.length,
    words: wordCloud(visible.map((e) => e.text)),
  };
  if (ctx.audience === 'console') {
    const rank: Record<EntryStatus, number> = { visible: 0, merged: 1, removed: 2 };
    const entries = live
      .map((e): ConsoleEntry => {
        const status = statusOf(e.entry);
        return {
          entry: e.entry,
          ballotId: ballotIds.get(e.entry) ?? null,
          text: e.text,
          votes: status === 'visible' ? (votes.get(e.entry) ?? 0) : (counters[`v:${e.entry}`] ?? 0),
          status,
          mergedInto: status === 'merged' ? canonicalEntry(shared, e.entry) : null,
        };
      })
      .sort((a, b) => rank[a.status] - rank[b.status] || byVotesThenText(a, b) || (a.entry < b.entry ? -1 : 1));
    return { ...common, audience: 'console', ballotOpen: (shared?.ballot.length ?? 0) > 0, entries };
  }
  if (common.hidden) return { ...common, audience: 'display', words: [], entries: [] };
  const entries: DisplayEntry[] =
    phase === 'answer'
      ? visible
          .map((e) => ({ text: e.text, votes: null }))
          .sort(byVotesThenText)
          .slice(0, DISPLAY_ANSWERS_MAX)
      : visible
          .map((e) => ({ text: e.text, votes: votes.get(e.entry) ?? 0 }))
          .sort(byVotesThenText)
          .slice(0, DISPLAY_TOP);
  return { ...common, audience: 'display', entries };
}

// --- word cloud ---------------------------------------------------------------------------------

export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by can could did do does doing down during ' +
    'each few for from further had has have having he her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not ' +
    'now of off on once only or other our ours ourselves out over own same she should so some such than that the their theirs them themselves then there these they ' +
    'this those through to too under until up very was we were what when where which while who whom why will with would you your yours yourself yourselves ' +
    "also get gets really someone something one ones let lets make makes us it's i'm don't can't won't isn't doesn't they're you're we're"
  ).split(' '),
);

/**
 * Word → in how many answers it appears: lower-cased, stop words left out, top `WORD_CLOUD_SIZE`.
 * An answer counts once for a word however often it repeats it ("share, share, share!" is one
 * voice), so the cloud shows how many people brought a word up.
 */
export function wordCloud(texts: readonly string[], size = WORD_CLOUD_SIZE): WordCount[] {
  const counts = new Map<string, number>();
  for (const t of texts) {
    const words = new Set<string>();
    for (const m of t.toLowerCase().matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu)) {
      const word = m[0].replace(/’/g, "'");
      if (word.length < 2 || STOP_WORDS.has(word) || /^\p{N}+$/u.test(word)) continue;
      words.add(word);
    }
    for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts]
    .map(([word, count]) => ({ word, count }))
    .sort((a, b) => b.count - a.count || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0))
    .slice(0, size);
}

/** how many answers the report lists by votes */
export const REPORT_TOP = 10;

/**
 * The question's answers in the report: the top-voted list and the words that came up most. The
 * data table has every answer as the console sees it (removed and merged ones flagged), without
 * who wrote it.
 */
export function openPromptOutcomes(ctx: OutcomesContext<OpenPromptConfig, OpenPromptShared>): ActivityOutcomes {
  const view = openPromptPresenterView({
    config: ctx.config,
    phase: ctx.phase ?? 'answer',
    audience: 'console',
    counters: ctx.counters,
    participants: ctx.participants,
    shared: ctx.shared,
    records: ctx.records,
  }) as OpenPromptConsoleView;
  const visible = view.entries.filter((e) => e.status === 'visible');
  const rankOf = new Map(visible.map((e, i) => [e.entry, i + 1]));
  const locale = ctx.locale ?? baseLocale;
  const opts = { locale };
  const blocks: ReportBlock[] = [
    paragraph(m.server_report_quoted({ text: ctx.config.question }, opts)),
    paragraph(
      m.server_report_op_summary(
        {
          people: ofPeopleIn(view.answered, view.participants, locale),
          answers: m.server_report_op_answers({ count: visible.length }, opts),
          voted: view.voted,
        },
        opts,
      ),
    ),
  ];
  if (visible.length > 0) {
    blocks.push({ kind: 'heading', text: m.server_report_op_top({}, opts) });
    blocks.push(
      table(
        ['#', m.server_report_op_col_answer({}, opts), m.server_report_col_votes({}, opts)],
        visible.slice(0, REPORT_TOP).map((e, i) => [i + 1, e.text, e.votes]),
      ),
    );
    if (visible.length > REPORT_TOP) blocks.push(list(visible.slice(REPORT_TOP).map((e) => `${e.text} (${e.votes})`)));
  }
  // words people used more than once (a word used once is noise, not a theme)
  const repeated = view.words.filter((w) => w.count > 1).slice(0, 12);
  if (repeated.length > 0)
    blocks.push({ kind: 'bars', title: m.server_report_op_words({}, opts), bars: repeated.map((w) => ({ label: w.word, value: w.count })) });
  return {
    section: { title: ctx.step.title, blocks },
    tables: [
      {
        name: 'open_prompt_answers',
        columns: ['rank', 'answer', 'votes', 'status', 'merged_into_rank'],
        rows: view.entries.map((e) => [rankOf.get(e.entry) ?? null, e.text, e.votes, e.status, e.mergedInto ? (rankOf.get(e.mergedInto) ?? null) : null]),
      },
    ],
  };
}

/** what the phones and the display get of the config */
export type OpenPromptParticipantConfig = Pick<OpenPromptConfig, 'question' | 'maxAnswersPerPerson' | 'maxLength' | 'votes' | 'allowMultipleVotesPerAnswer'>;

export const openPrompt: ActivityModule<
  OpenPromptConfig,
  OpenPromptInput,
  OpenPromptRecord,
  OpenPromptShared,
  OpenPromptAction,
  OpenPromptParticipantConfig,
  OpenPromptParticipantView
> = {
  type: 'open-prompt',
  label: 'Open prompt',
  configSchema: OpenPromptConfig,
  defaultConfig: () => OpenPromptConfig.parse({}),
  phases: ['answer', 'vote', 'results'],
  scheduleSeconds: () => 0,
  participantConfig: (c) => ({
    question: c.question,
    maxAnswersPerPerson: c.maxAnswersPerPerson,
    maxLength: c.maxLength,
    votes: c.votes,
    allowMultipleVotesPerAnswer: c.allowMultipleVotesPerAnswer,
  }),
  input: {
    schema: OpenPromptInput,
    acceptIn: ['answer', 'vote'],
    initial: initialOpenPromptRecord,
    reduce: reduceOpenPromptIn,
    contribution: (rec) => openPromptContribution(rec),
  },
  shared: {
    initial: initialOpenPromptShared,
    actionSchema: OpenPromptAction,
    act: actOpenPrompt,
    // the ballot copies the answers, and moderation checks the entry exists; hiding and revealing
    // the answers on the projector needs none of them
    needsRecords: true,
    needsRecordsFor: (action) => action.type !== 'hide' && action.type !== 'reveal',
    forget: forgetOpenPromptAuthor,
  },
  participantView: ({ config, phase, participantId, own, shared }) => openPromptParticipantView({ config, phase, participantId, own, shared }),
  preview: previewOpenPrompt,
  presenterView: openPromptPresenterView,
  presenterNeedsRecords: true,
  outcomes: openPromptOutcomes,
};
