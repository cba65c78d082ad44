/**
 * The room's questions (issue #18, Slido-like Q&A): an optional layer over every step. A person
 * asks a short question from their phone, everyone sees the room's questions and upvotes them
 * (one vote per person, a second press takes it back), sorted by votes, then the oldest first.
 * Nobody sees who asked or who voted — not even the facilitator: the server keeps, per question,
 * only a pseudonym of its author (so they can withdraw it and stay under their cap) and of its
 * voters (so nobody votes twice).
 *
 * The facilitator (or a co-host) moderates: hide (and show again), remove, merge a duplicate into
 * the question it repeats (its voters count for that one, each person once), mark answered, and
 * pin one question to the display. Merges and removals work like the open prompt's (the same
 * merge map, `canonicalEntry`, `isRemoved`, `linkMerge`).
 *
 * Stored under the room's reserved step `QUESTIONS_STEP`: one record per question (`q:<id>`,
 * written by its asker and by voters, compare-and-set) and one moderation record (`mod`, written
 * by facilitators). Pure: the server hashes, reads and writes.
 */
import { z } from 'zod';
import { canonicalEntry, isRemoved, linkMerge } from './activities/open-prompt.js';
import type { Outcome } from './activity.js';
import { ClientIdSchema } from './participant.js';
import { table, type OutcomeTable, type ReportSection } from './report.js';
import { baseLocale, m, type Locale } from '@canopy/i18n';
import { normalizeText } from './text.js';

/** the reserved step id the questions are stored under (never an agenda step's id) */
export const QUESTIONS_STEP = '~questions';
/** the moderation record's scope */
export const QUESTIONS_MOD_SCOPE = 'mod';
export const questionScope = (id: string) => `q:${id}`;

/** a question's length, in characters people see */
export const QUESTION_MAX_LENGTH = 240;
/** questions a room holds at most (withdrawn and removed ones do not count) */
export const QUESTIONS_PER_ROOM = 200;
/** questions one person may have at once */
export const QUESTIONS_PER_PERSON = 5;

export const QuestionIdSchema = ClientIdSchema;

// --- stored ------------------------------------------------------------------------------------

export interface QuestionRecord {
  id: string;
  text: string;
  /** when it was asked (server ms) */
  at: number;
  /** the asker's pseudonym in this room (never sent to any screen) */
  author: string;
  /** voters' pseudonyms (never sent to any screen) */
  voters: string[];
}

export interface QuestionsMod {
  hidden: string[];
  /** removed by a facilitator: the record is deleted, the id stays so questions merged into it go too */
  removed: string[];
  /** duplicate → the question it was merged into (chains resolve) */
  merged: Record<string, string>;
  answered: string[];
  /** the question on the display, if any */
  pinned: string | null;
}

export const emptyQuestionsMod = (): QuestionsMod => ({ hidden: [], removed: [], merged: {}, answered: [], pinned: null });

// --- payloads ----------------------------------------------------------------------------------

export const QuestionsListPayloadSchema = z.object({}).strict();
export const QuestionAskPayloadSchema = z.object({
  /** client-made: a retried question is saved once (it becomes the question's id) */
  submissionId: ClientIdSchema,
  text: z.string().max(QUESTION_MAX_LENGTH * 4),
});
export type QuestionAskPayload = z.infer<typeof QuestionAskPayloadSchema>;
export const QuestionVotePayloadSchema = z.object({ id: QuestionIdSchema, up: z.boolean() });
export const QuestionWithdrawPayloadSchema = z.object({ id: QuestionIdSchema });

export const QuestionModerationSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hide'), id: QuestionIdSchema, hidden: z.boolean() }),
  z.object({ type: z.literal('remove'), id: QuestionIdSchema }),
  z.object({ type: z.literal('merge'), from: QuestionIdSchema, into: QuestionIdSchema }),
  z.object({ type: z.literal('answered'), id: QuestionIdSchema, answered: z.boolean() }),
  /** pin a question to the display; null takes it down */
  z.object({ type: z.literal('pin'), id: QuestionIdSchema.nullable() }),
]);
export type QuestionModeration = z.infer<typeof QuestionModerationSchema>;
export const QuestionModeratePayloadSchema = z.object({ action: QuestionModerationSchema });

// --- deciding ----------------------------------------------------------------------------------

/** The question as typed, normalized; an error for people when it is empty. */
export function questionText(input: string): Outcome<string> {
  const text = normalizeText(input, { maxLength: QUESTION_MAX_LENGTH });
  return text ? { ok: true, value: text } : { ok: false, error: 'Type a question first.' };
}

/** May this person ask one more question? (`records`: every question of the room) */
export function canAsk(records: readonly QuestionRecord[], author: string): Outcome<true> {
  if (records.length >= QUESTIONS_PER_ROOM) return { ok: false, error: `This room has ${QUESTIONS_PER_ROOM} questions, the most it takes.` };
  if (records.filter((r) => r.author === author).length >= QUESTIONS_PER_PERSON) {
    return { ok: false, error: `You have ${QUESTIONS_PER_PERSON} questions in the room, the most one person may ask. Withdraw one to ask another.` };
  }
  return { ok: true, value: true };
}

/** A question is live when it exists, is not merged away, and neither it nor what it was merged into was removed. */
function alive(mod: QuestionsMod, ids: ReadonlySet<string>, id: string): boolean {
  return ids.has(id) && !isRemoved(mod, id) && ids.has(canonicalEntry(mod, id));
}

/** The questions that count for `id` once merges are followed: it and every question merged into it. */
export function mergedGroup(records: readonly QuestionRecord[], mod: QuestionsMod, id: string): QuestionRecord[] {
  const target = canonicalEntry(mod, id);
  return records.filter((r) => canonicalEntry(mod, r.id) === target);
}

/** People who voted for a question, merges followed: each person once. */
export function votersOf(records: readonly QuestionRecord[], mod: QuestionsMod, id: string): Set<string> {
  return new Set(mergedGroup(records, mod, id).flatMap((r) => r.voters));
}

/**
 * One person's vote on a question (merges followed: a vote for a duplicate is a vote for the
 * question it was merged into). Answers the records to write: up adds the voter to the surviving
 * question (nothing when they have voted for it, or a duplicate of it, already); down takes them
 * off every question of the group.
 */
export function castVote(records: readonly QuestionRecord[], mod: QuestionsMod, id: string, voter: string, up: boolean): Outcome<QuestionRecord[]> {
  const ids = new Set(records.map((r) => r.id));
  if (!alive(mod, ids, id) || mod.hidden.includes(canonicalEntry(mod, id))) return { ok: false, error: 'That question is no longer in the room.' };
  const group = mergedGroup(records, mod, id);
  const has = group.some((r) => r.voters.includes(voter));
  if (up) {
    if (has) return { ok: true, value: [] };
    const target = group.find((r) => r.id === canonicalEntry(mod, id))!;
    return { ok: true, value: [{ ...target, voters: [...target.voters, voter] }] };
  }
  return { ok: true, value: group.filter((r) => r.voters.includes(voter)).map((r) => ({ ...r, voters: r.voters.filter((v) => v !== voter) })) };
}

/** A facilitator's moderation: the moderation record after it, or why not. */
export function moderateQuestions(mod: QuestionsMod, action: QuestionModeration, records: readonly QuestionRecord[]): Outcome<QuestionsMod> {
  const ids = new Set(records.map((r) => r.id));
  const live = (id: string) => alive(mod, ids, id);
  const gone: Outcome<QuestionsMod> = { ok: false, error: 'That question is no longer in the room.' };
  const toggle = (list: string[], id: string, on: boolean) => (on ? [...new Set([...list, id])] : list.filter((x) => x !== id));
  switch (action.type) {
    case 'hide': {
      const id = canonicalEntry(mod, action.id);
      if (!live(id)) return gone;
      return { ok: true, value: { ...mod, hidden: toggle(mod.hidden, id, action.hidden), pinned: action.hidden && mod.pinned === id ? null : mod.pinned } };
    }
    case 'remove': {
      const id = canonicalEntry(mod, action.id);
      if (!ids.has(id) && !mod.removed.includes(id)) return gone;
      return { ok: true, value: { ...mod, removed: toggle(mod.removed, id, true), pinned: mod.pinned === id ? null : mod.pinned } };
    }
    case 'merge': {
      const { from, into } = action;
      if (from === into) return { ok: false, error: 'A question cannot be merged into itself.' };
      if (!live(from) || !live(into)) return gone;
      const merged = linkMerge(mod.merged, from, into);
      if (merged === 'loop') return { ok: false, error: 'That question is already merged into this one.' };
      const target = canonicalEntry({ merged }, into);
      return {
        ok: true,
        value: {
          ...mod,
          merged,
          // a pinned duplicate hands the display to the question it joined; answered carries over
          pinned: mod.pinned === from ? target : mod.pinned,
          answered: mod.answered.includes(from) ? toggle(mod.answered, target, true) : mod.answered,
        },
      };
    }
    case 'answered': {
      const id = canonicalEntry(mod, action.id);
      if (!live(id)) return gone;
      return { ok: true, value: { ...mod, answered: toggle(mod.answered, id, action.answered) } };
    }
    case 'pin': {
      if (action.id === null) return { ok: true, value: { ...mod, pinned: null } };
      const id = canonicalEntry(mod, action.id);
      if (!live(id)) return gone;
      if (mod.hidden.includes(id)) return { ok: false, error: 'Show that question again before pinning it.' };
      return { ok: true, value: { ...mod, pinned: id } };
    }
  }
}

// --- what screens see --------------------------------------------------------------------------

export interface QuestionView {
  id: string;
  text: string;
  votes: number;
  answered: boolean;
  /** when it was asked (server ms) */
  at: number;
  /** the questions merged into this one (a vote for one of them counts for this one) */
  from: string[];
  /** consoles only: hidden from phones and the display */
  hidden?: boolean;
}

export interface QuestionsBoard {
  /** the facilitator has questions on for the room */
  on: boolean;
  /** live questions by votes, then the oldest first (consoles also see hidden ones) */
  questions: QuestionView[];
  /** the question on the display */
  pinned: QuestionView | null;
}

/** A participant's own board: which questions are theirs and which they voted for (never sent to others). */
export interface MyQuestionsBoard extends QuestionsBoard {
  mine: string[];
  voted: string[];
}

export function questionsBoard(input: { on: boolean; records: readonly QuestionRecord[]; mod: QuestionsMod; audience: 'console' | 'public' }): QuestionsBoard {
  const { records, mod } = input;
  const ids = new Set(records.map((r) => r.id));
  const questions: QuestionView[] = [];
  for (const r of records) {
    if (canonicalEntry(mod, r.id) !== r.id || !alive(mod, ids, r.id)) continue;
    const hidden = mod.hidden.includes(r.id);
    if (hidden && input.audience !== 'console') continue;
    const group = mergedGroup(records, mod, r.id);
    questions.push({
      id: r.id,
      text: r.text,
      votes: new Set(group.flatMap((g) => g.voters)).size,
      answered: mod.answered.includes(r.id),
      at: r.at,
      from: group.filter((g) => g.id !== r.id).map((g) => g.id),
      ...(input.audience === 'console' ? { hidden } : {}),
    });
  }
  questions.sort(byVotes);
  const pinned = questions.find((q) => q.id === mod.pinned && !q.hidden) ?? null;
  return { on: input.on, questions, pinned };
}

export function myQuestionsBoard(board: QuestionsBoard, records: readonly QuestionRecord[], me: string): MyQuestionsBoard {
  return {
    ...board,
    mine: records.filter((r) => r.author === me).map((r) => r.id),
    voted: records.filter((r) => r.voters.includes(me)).map((r) => r.id),
  };
}

/** Votes first, then the oldest; ties broken by id so every screen shows the same order. */
export function byVotes(a: Pick<QuestionView, 'votes' | 'at' | 'id'>, b: Pick<QuestionView, 'votes' | 'at' | 'id'>): number {
  return b.votes - a.votes || a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Has this person voted for the question (or a question merged into it)? `voted` as their board said. */
export const hasVoted = (q: Pick<QuestionView, 'id' | 'from'>, voted: ReadonlySet<string>) => voted.has(q.id) || q.from.some((f) => voted.has(f));

// --- the report --------------------------------------------------------------------------------

/**
 * The report's "Questions" section and table: every question still in the room that the
 * facilitator did not hide (hidden, removed, withdrawn and merged-away ones left out), with its
 * votes and whether it was answered. Null when nobody asked anything.
 */
export function questionsOutcomes(
  records: readonly QuestionRecord[],
  mod: QuestionsMod,
  locale: Locale = baseLocale,
): { section: ReportSection; tables: OutcomeTable[] } | null {
  const board = questionsBoard({ on: true, records, mod, audience: 'public' });
  if (records.length === 0) return null;
  const opts = { locale };
  const [yes, no] = [m.server_report_yes({}, opts), m.server_report_no({}, opts)];
  const rows = board.questions.map((q) => [q.text, q.votes, q.answered ? yes : no]);
  return {
    section: {
      title: m.server_report_questions({}, opts),
      blocks: [
        { kind: 'paragraph', text: m.server_report_questions_summary({ count: board.questions.length }, opts) },
        table([m.server_report_questions_col_question({}, opts), m.server_report_col_votes({}, opts), m.server_report_questions_col_answered({}, opts)], rows),
      ],
    },
    tables: [{ name: 'questions', columns: ['question', 'votes', 'answered'], rows: board.questions.map((q) => [q.text, q.votes, q.answered ? 1 : 0]) }],
  };
}
