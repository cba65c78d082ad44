/**
 * The room's questions (core `questions.ts`): participants ask, upvote and withdraw their own;
 * facilitators and co-hosts moderate. Stored under the reserved step `QUESTIONS_STEP` — one record
 * per question, written with compare-and-set, and one moderation record — so every node and every
 * reconnect sees the same questions, and deleting the room deletes them.
 *
 * Nobody is named: a question keeps only its asker's pseudonym in this room (a hash of the room and
 * the participant, never sent to any screen), enough to let them withdraw it and to count their
 * questions; votes keep the voters' pseudonyms, enough to count each person once.
 */
import { createHash } from 'node:crypto';
import { ServiceError } from '@canopy/api';
import {
  because,
  canAsk,
  canonicalEntry,
  castVote,
  emptyQuestionsMod,
  moderateQuestions,
  myQuestionsBoard,
  questionsBoard,
  questionScope,
  questionText,
  QUESTIONS_MOD_SCOPE,
  QUESTIONS_STEP,
  type MyQuestionsBoard,
  type QuestionModeration,
  type QuestionRecord,
  type QuestionsBoard,
  type QuestionsMod,
  type RoomState,
} from '@canopy/core';
import type { RecordWriteResult } from '@canopy/store';
import { newId } from '../security.js';
import { DUPLICATE, LOST } from './apply-once.js';
import { writeRefusal } from './answers.js';
import type { Identity, ServiceContext } from './context.js';

/** The room's questions as stored: each with its rev, and the moderation record with its rev. */
export interface StoredQuestions {
  records: QuestionRecord[];
  revs: Map<string, number>;
  mod: QuestionsMod;
  modRev: number;
}

/** A participant's pseudonym in one room: the same for all their questions and votes there, no use anywhere else. */
export const pseudonym = (roomId: string, participantId: string) =>
  createHash('sha256').update(`canopy-questions\0${roomId}\0${participantId}`).digest('base64url').slice(0, 22);

export async function readQuestions(ctx: ServiceContext, roomId: string): Promise<StoredQuestions> {
  const stored = await ctx.store.listRecords(roomId, QUESTIONS_STEP);
  const out: StoredQuestions = { records: [], revs: new Map(), mod: emptyQuestionsMod(), modRev: 0 };
  for (const r of stored) {
    if (r.scope === QUESTIONS_MOD_SCOPE) {
      out.mod = { ...emptyQuestionsMod(), ...(JSON.parse(r.value) as Partial<QuestionsMod>) };
      out.modRev = r.rev;
    } else if (r.scope.startsWith('q:')) {
      const q = JSON.parse(r.value) as QuestionRecord;
      out.records.push(q);
      out.revs.set(q.id, r.rev);
    }
  }
  out.records.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  return out;
}

/** What consoles (hidden questions too) or everyone else sees. */
export function boardFor(room: Pick<RoomState, 'questions'>, q: StoredQuestions, audience: 'console' | 'public'): QuestionsBoard {
  return questionsBoard({ on: room.questions === true, records: q.records, mod: q.mod, audience });
}

async function participantBoard(ctx: ServiceContext, room: RoomState, me: string): Promise<MyQuestionsBoard> {
  const q = await readQuestions(ctx, room.id);
  return myQuestionsBoard(boardFor(room, q, 'public'), q.records, me);
}

/** The board as this screen sees it: a participant's with their own questions and votes marked. */
export async function listQuestions(ctx: ServiceContext, who: Identity): Promise<QuestionsBoard | MyQuestionsBoard> {
  const room = await ctx.getRoom(who.roomId);
  if (who.role === 'participant') return participantBoard(ctx, room, pseudonym(room.id, participant(who)));
  return boardFor(room, await readQuestions(ctx, room.id), who.role === 'display' ? 'public' : 'console');
}

function participant(who: Identity): string {
  if (who.role !== 'participant' || !who.participant) throw new ServiceError('FORBIDDEN', 'Only participants ask and vote.', undefined, because('NOT_ALLOWED'));
  return who.participant.id;
}

/** A participant's room, refused when questions are off or the session has ended. */
async function openRoom(ctx: ServiceContext, who: Identity): Promise<RoomState> {
  const room = await ctx.getRoom(who.roomId);
  if (!room.questions) throw new ServiceError('CONFLICT', 'Questions are off in this room.', undefined, because('QUESTIONS_CLOSED'));
  if (room.status === 'closed') throw new ServiceError('CONFLICT', 'The session has ended: questions are closed.', undefined, because('QUESTIONS_CLOSED'));
  return room;
}

/** A record write's refusals, as the service's; LOST for a race to read again. */
function settled(res: RecordWriteResult, ctx: ServiceContext): typeof LOST | typeof DUPLICATE | null {
  return res.status === 'ok' ? null : writeRefusal(ctx, res.status);
}

const busy = () => new ServiceError('BUSY', 'Not saved yet: many changes at once. Retrying…');

/** A participant asks a question; `submissionId` (client-made) is its id, so a resend is saved once. */
export async function askQuestion(
  ctx: ServiceContext,
  who: Identity,
  submissionId: string,
  typed: string,
): Promise<{ duplicate: boolean; id: string; board: MyQuestionsBoard }> {
  const pid = participant(who);
  const room = await openRoom(ctx, who);
  const text = questionText(typed);
  if (!text.ok) throw new ServiceError('BAD_REQUEST', text.error);
  const me = pseudonym(room.id, pid);
  const scope = questionScope(submissionId);
  const duplicate = await ctx.applyOnce<StoredQuestions, boolean>({
    // one person's questions one after another on this node (their cap counts them)
    key: `${room.id}/${QUESTIONS_STEP}/ask:${me}`,
    read: () => readQuestions(ctx, room.id),
    dedupe: { seen: (q) => q.records.some((r) => r.id === submissionId && r.author === me), answer: () => true },
    async write(q) {
      if (q.records.some((r) => r.id === submissionId) || q.mod.removed.includes(submissionId)) {
        throw new ServiceError('CONFLICT', 'That question id is taken; send it again with a new one.');
      }
      const allowed = canAsk(q.records, me);
      if (!allowed.ok) throw new ServiceError('CONFLICT', allowed.error);
      const record: QuestionRecord = { id: submissionId, text: text.value, at: ctx.now(), author: me, voters: [] };
      const res = await ctx.store.writeRecord(room.id, QUESTIONS_STEP, scope, {
        submissionId,
        expectedRev: 0,
        value: JSON.stringify(record),
        counters: {},
        writer: pid,
        ...(ctx.maxRoomBytes ? { maxRoomBytes: ctx.maxRoomBytes } : {}),
      });
      return settled(res, ctx) ?? false;
    },
    busy,
  });
  if (!duplicate) ctx.broadcaster?.questionsChanged(room.id);
  return { duplicate, id: submissionId, board: await participantBoard(ctx, room, me) };
}

/** A participant upvotes a question (`up`) or takes their vote back: one vote per person, merges followed. */
export async function voteQuestion(ctx: ServiceContext, who: Identity, id: string, up: boolean): Promise<{ board: MyQuestionsBoard }> {
  const pid = participant(who);
  const room = await openRoom(ctx, who);
  const me = pseudonym(room.id, pid);
  const changed = await ctx.applyOnce<StoredQuestions, boolean>({
    key: `${room.id}/${QUESTIONS_STEP}/vote:${id}`,
    read: () => readQuestions(ctx, room.id),
    async write(q) {
      const writes = castVote(q.records, q.mod, id, me, up);
      if (!writes.ok) throw new ServiceError('CONFLICT', writes.error);
      // a vote taken back from a question and its duplicates is one write each (rare); a lost race reads all again
      for (const rec of writes.value) {
        const res = await ctx.store.writeRecord(room.id, QUESTIONS_STEP, questionScope(rec.id), {
          submissionId: newId(),
          expectedRev: q.revs.get(rec.id) ?? 0,
          value: JSON.stringify(rec),
          counters: {},
          writer: pid,
          ...(ctx.maxRoomBytes ? { maxRoomBytes: ctx.maxRoomBytes } : {}),
        });
        const out = settled(res, ctx);
        if (out) return LOST;
      }
      return writes.value.length > 0;
    },
    busy,
  });
  if (changed) ctx.broadcaster?.questionsChanged(room.id);
  return { board: await participantBoard(ctx, room, me) };
}

/** A participant withdraws a question of their own: it is deleted (votes and all). */
export async function withdrawQuestion(ctx: ServiceContext, who: Identity, id: string): Promise<{ board: MyQuestionsBoard }> {
  const pid = participant(who);
  const room = await ctx.getRoom(who.roomId);
  const me = pseudonym(room.id, pid);
  await ctx.applyOnce<StoredQuestions, void>({
    key: `${room.id}/${QUESTIONS_STEP}/ask:${me}`,
    read: () => readQuestions(ctx, room.id),
    async write(q) {
      const rec = q.records.find((r) => r.id === id);
      if (!rec) return; // gone already: a resend finds nothing to do
      if (rec.author !== me) throw new ServiceError('FORBIDDEN', 'Only the person who asked a question can withdraw it.', undefined, because('NOT_ALLOWED'));
      const res = await ctx.store.deleteRecord(room.id, QUESTIONS_STEP, questionScope(id), { expectedRev: q.revs.get(id) ?? 0, counters: {} });
      if (res.status === 'conflict') return LOST;
    },
    busy,
  });
  ctx.broadcaster?.questionsChanged(room.id);
  return { board: await participantBoard(ctx, room, me) };
}

/** A facilitator or co-host moderates: hide or show, remove, merge, mark answered, pin to the display. */
export async function moderateQuestion(ctx: ServiceContext, who: Identity, action: QuestionModeration): Promise<{ board: QuestionsBoard }> {
  if (who.role !== 'facilitator' && who.role !== 'cohost')
    throw new ServiceError('FORBIDDEN', 'Only the facilitator and co-hosts moderate questions.', undefined, because('NOT_ALLOWED'));
  const room = await ctx.getRoom(who.roomId);
  const after = await ctx.applyOnce<StoredQuestions, StoredQuestions>({
    key: `${room.id}/${QUESTIONS_STEP}/${QUESTIONS_MOD_SCOPE}`,
    read: () => readQuestions(ctx, room.id),
    async write(q) {
      const next = moderateQuestions(q.mod, action, q.records);
      if (!next.ok) throw new ServiceError('CONFLICT', next.error);
      const res = await ctx.store.writeRecord(room.id, QUESTIONS_STEP, QUESTIONS_MOD_SCOPE, {
        submissionId: newId(),
        expectedRev: q.modRev,
        value: JSON.stringify(next.value),
        counters: {},
      });
      if (settled(res, ctx)) return LOST;
      return { ...q, mod: next.value };
    },
    busy,
  });
  if (action.type === 'remove') await eraseRemoved(ctx, room.id, after);
  ctx.broadcaster?.questionsChanged(room.id);
  return { board: boardFor(room, await readQuestions(ctx, room.id), 'console') };
}

/** A removed question's text goes from the store, with the questions merged into it (their ids stay in the moderation record). */
async function eraseRemoved(ctx: ServiceContext, roomId: string, q: StoredQuestions): Promise<void> {
  const removed = new Set(q.mod.removed);
  for (const rec of q.records) {
    if (!removed.has(rec.id) && !removed.has(canonicalEntry(q.mod, rec.id))) continue;
    // best effort: a vote racing the removal may leave the record (it is shown nowhere); the next removal takes it
    await ctx.store.deleteRecord(roomId, QUESTIONS_STEP, questionScope(rec.id), { expectedRev: q.revs.get(rec.id) ?? 0, counters: {} }).catch(() => undefined);
  }
}

/**
 * A participant deleted their data: their questions go, and their votes are taken back. Called by
 * erasure after they left the roster; each write is idempotent, so a retried erasure is safe.
 */
export async function forgetQuestions(ctx: ServiceContext, roomId: string, participantId: string): Promise<void> {
  const me = pseudonym(roomId, participantId);
  await ctx.applyOnce<StoredQuestions, void>({
    key: `${roomId}/${QUESTIONS_STEP}/ask:${me}`,
    read: () => readQuestions(ctx, roomId),
    async write(q) {
      for (const rec of q.records) {
        const expectedRev = q.revs.get(rec.id) ?? 0;
        if (rec.author === me) {
          if ((await ctx.store.deleteRecord(roomId, QUESTIONS_STEP, questionScope(rec.id), { expectedRev, counters: {} })).status === 'conflict') return LOST;
        } else if (rec.voters.includes(me)) {
          const value = JSON.stringify({ ...rec, voters: rec.voters.filter((v) => v !== me) });
          const res = await ctx.store.writeRecord(roomId, QUESTIONS_STEP, questionScope(rec.id), { submissionId: newId(), expectedRev, value, counters: {} });
          if (res.status !== 'ok') return LOST;
        }
      }
    },
    busy,
  });
  ctx.broadcaster?.questionsChanged(roomId);
}
