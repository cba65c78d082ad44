/**
 * Participant answers: one answer applied to the record it belongs to — their own, or a shared
 * one the module says they may write (e.g. their group's notes, checked against the server's shared
 * state) — idempotently by its client-made submission id, with the step's counters moved by the
 * change in that record's contribution, in one atomic store write.
 */
import { ServiceError } from '@canopy/api';
import {
  because,
  counterDelta,
  issueMessage,
  issueRefusal,
  ownScope,
  SHARED_SCOPE,
  type AnyActivity,
  type Counters,
  type RoomState,
  type Step,
} from '@canopy/core';
import type { RecordWriteResult } from '@canopy/store';
import { DUPLICATE, LOST } from './apply-once.js';
import type { Identity, Loaded, RecordRead, ServiceContext } from './context.js';
import { participantView } from './views.js';

export interface Submitted {
  duplicate: boolean;
  /** what the participant now sees of the step */
  view: unknown;
  rev: number;
}

/** The refusal of an answer in a room at its storage cap: names the cap, and that nothing else is affected. */
export const roomCapMessage = (maxBytes: number) =>
  `Not saved: this room has reached its storage cap (ROOM_MAX_BYTES, ${Math.round(maxBytes / 1024)} KB of answers). Answers already given are kept; ask the facilitator.`;

/**
 * A participant's record write that did not land, as the service answers it: a replay (DUPLICATE),
 * a race to read again (LOST), or the refusal the person sees (removed, room at its cap).
 */
export function writeRefusal(ctx: ServiceContext, status: Exclude<RecordWriteResult['status'], 'ok'>): typeof DUPLICATE | typeof LOST {
  switch (status) {
    case 'gone':
      throw new ServiceError('REMOVED', 'You are no longer in this room.');
    case 'capped':
      throw new ServiceError('ROOM_FULL', roomCapMessage(ctx.maxRoomBytes ?? 0), undefined, because('ROOM_STORAGE_FULL'));
    case 'duplicate':
      return DUPLICATE;
    case 'conflict':
    case 'stale': // (not asked for without roomVersion) another writer came first
      return LOST;
  }
}

/**
 * Apply one participant answer. Resolves only once the store holds it; then every participant
 * shown that record gets their fresh view (the sender's other screens too, but not the socket it
 * came on, which gets it in the answer).
 *
 * Most answers take one round trip to the store: the answer is decided on the room as this node
 * last read it and on the record as this node last wrote it, and the write script checks, in the
 * same atomic step, that neither has moved since (`roomVersion`, `expectedRev`) and that this
 * submission id is new. When any of that does not hold — or the room as remembered refuses the
 * answer, or this node remembers nothing — the answer is decided again the careful way
 * (`submitOnStoredRoom`): the room's version read now, the record and the dedupe mark read, then
 * the write. Either way an answer is only ever decided on the room and record as stored when it
 * lands.
 */
export async function submit(ctx: ServiceContext, who: Identity, stepId: string, submissionId: string, input: unknown): Promise<Submitted> {
  if (who.role !== 'participant' || !who.participant)
    throw new ServiceError('FORBIDDEN', 'Only participants submit answers.', undefined, because('NOT_ALLOWED'));
  const answer: Answer = { pid: who.participant.id, stepId, submissionId, input, socketId: who.socketId };
  const known = ctx.knownRoom(who.roomId);
  if (known) {
    const quick = await submitOnKnownRoom(ctx, known, answer);
    if (quick !== AGAIN) return quick;
  }
  return submitOnStoredRoom(ctx, await ctx.currentRoom(who.roomId), answer);
}

/** One answer as it came: who, to which step, its client-made id, its input, and the socket it came on. */
interface Answer {
  pid: string;
  stepId: string;
  submissionId: string;
  input: unknown;
  socketId: string | undefined;
}

/** `submitOnKnownRoom` could not settle the answer on what this node remembers: decide again on the store. */
const AGAIN: unique symbol = Symbol('again');

/** A refusal decided on what this node remembers is not the answer's last word: `AGAIN` instead. */
async function refusedAgain<T>(decideOn: () => T | Promise<T>): Promise<T | typeof AGAIN> {
  try {
    return await decideOn();
  } catch (e) {
    if (e instanceof ServiceError) return AGAIN;
    throw e;
  }
}

/** What an answer is, decided on one state of the room: its step, its parsed input, whose record it goes to. */
interface Decided {
  room: RoomState;
  step: Step;
  mod: AnyActivity;
  spec: NonNullable<AnyActivity['input']>;
  input: unknown;
  pid: string;
  phase: string;
  shared: Loaded | undefined;
  scope: string;
  key: string;
}

/** Decide what this answer is on `room` (throws the refusal). Answers closed is checked at the write. */
async function decide(ctx: ServiceContext, pid: string, room: RoomState, stepId: string, input: unknown): Promise<Decided> {
  const { step, mod } = ctx.currentStep(room, stepId);
  const spec = mod.input;
  if (!spec) throw new ServiceError('BAD_REQUEST', 'This step takes no answers.');
  const parsed = spec.schema.safeParse(input);
  if (!parsed.success) throw new ServiceError('BAD_REQUEST', issueMessage(parsed.error, { about: 'Invalid answer' }), undefined, issueRefusal(parsed.error));
  const shared = await ctx.readShared(room.id, step, mod);
  let scope = ownScope(pid);
  if (spec.scope) {
    const chosen = spec.scope(parsed.data, { config: step.config, participantId: pid, shared: shared?.value });
    if (!chosen.ok) throw new ServiceError('FORBIDDEN', chosen.error);
    scope = chosen.value;
  }
  if (scope === SHARED_SCOPE) throw new ServiceError('FORBIDDEN', 'Only the facilitator changes that.', undefined, because('NOT_ALLOWED'));
  return { room, step, mod, spec, input: parsed.data, pid, phase: room.phase ?? '', shared, scope, key: `${room.id}/${stepId}/${scope}` };
}

/** The record after this answer, and what it adds to the step's counters (throws the refusal). */
function reduce(ctx: ServiceContext, d: Decided, prev: unknown): { next: unknown; delta: Counters } {
  if (!d.phase || !d.spec.acceptIn.includes(d.phase))
    throw new ServiceError('CONFLICT', 'Answers are closed for this step right now.', undefined, because('ANSWERS_CLOSED'));
  const next = d.spec.reduce(prev, d.input, { config: d.step.config, phase: d.phase, now: ctx.now(), participantId: d.pid, shared: d.shared?.value });
  if (!next.ok) throw new ServiceError('BAD_REQUEST', next.error);
  return { next: next.value, delta: counterDelta(d.spec.contribution(prev, d.step.config), d.spec.contribution(next.value, d.step.config)) };
}

/** Stored: remember the record, tell the room, and build the views of everyone shown it (the sender's is the answer). */
async function landed(ctx: ServiceContext, d: Decided, record: Loaded, bytes: number, socketId: string | undefined): Promise<Submitted> {
  ctx.rememberRecord(d.key, record, bytes);
  ctx.broadcaster?.activityChanged(d.room.id, d.step.id);
  const written = new Map([[d.scope, record]]);
  const audience = d.scope === ownScope(d.pid) ? [d.pid] : (d.mod.audience?.(d.scope, d.shared?.value, d.step.config) ?? [d.pid]);
  if (!audience.includes(d.pid)) audience.push(d.pid);
  const views = await Promise.all(audience.map((id) => participantView(ctx, d.room, d.step, d.mod, id, d.shared, written)));
  audience.forEach((id, i) => ctx.broadcaster?.ownViewChanged(id, views[i]!, socketId));
  const mine = views[audience.indexOf(d.pid)]!;
  return { duplicate: false, view: mine.data, rev: mine.rev ?? 0 };
}

const writeOf = (ctx: ServiceContext, d: Decided, submissionId: string, expectedRev: number, next: unknown, delta: Counters) => ({
  submissionId,
  expectedRev,
  value: JSON.stringify(next),
  counters: delta,
  writer: d.pid,
  ...(ctx.maxRoomBytes === undefined ? {} : { maxRoomBytes: ctx.maxRoomBytes }),
});

/**
 * One try on the room as this node last read it: `AGAIN` when it refuses the answer (the node's
 * room may be behind), when the store says the room or the record moved or the id was seen (the
 * careful path answers a resend), or on a record this node does not hold and finds one already
 * applied.
 */
async function submitOnKnownRoom(ctx: ServiceContext, room: RoomState, a: Answer): Promise<Submitted | typeof AGAIN> {
  const d = await refusedAgain(() => decide(ctx, a.pid, room, a.stepId, a.input));
  if (d === AGAIN) return AGAIN;
  return ctx.inOrder(d.key, async () => {
    let known = ctx.rememberedRecord(d.key);
    if (!known) {
      const read = await ctx.recordFor(room.id, a.stepId, d.scope, a.submissionId);
      if (read.applied !== null) return AGAIN;
      known = read.stored ? { rev: read.stored.rev, value: JSON.parse(read.stored.value) as unknown } : { rev: 0, value: d.spec.initial(d.scope) };
    }
    const prev = known.value;
    const change = await refusedAgain(() => reduce(ctx, d, prev));
    if (change === AGAIN) return AGAIN;
    const write = { ...writeOf(ctx, d, a.submissionId, known.rev, change.next, change.delta), roomVersion: room.version };
    const res = await ctx.store.writeRecord(room.id, a.stepId, d.scope, write);
    if (res.status === 'ok') return landed(ctx, d, { rev: res.rev, value: change.next }, write.value.length, a.socketId);
    ctx.forgetRecord(d.key);
    if (res.status === 'gone' || res.status === 'capped') writeRefusal(ctx, res.status);
    return AGAIN;
  });
}

/** The careful way: decided on the room as stored now, with the record and the dedupe mark read before the write. */
async function submitOnStoredRoom(ctx: ServiceContext, room: RoomState, a: Answer): Promise<Submitted> {
  const { pid, stepId, submissionId, socketId } = a;
  const d = await decide(ctx, pid, room, stepId, a.input);
  return ctx.applyOnce<RecordRead, Submitted>({
    key: d.key,
    read: () => ctx.recordFor(room.id, stepId, d.scope, submissionId),
    dedupe: {
      seen: ({ applied }) => applied !== null,
      async answer() {
        const view = await participantView(ctx, room, d.step, d.mod, pid, d.shared);
        return { duplicate: true, view: view.data, rev: view.rev ?? 0 };
      },
    },
    async write({ stored }) {
      const { next, delta } = reduce(ctx, d, stored ? JSON.parse(stored.value) : d.spec.initial(d.scope));
      const write = writeOf(ctx, d, submissionId, stored?.rev ?? 0, next, delta);
      const res = await ctx.store.writeRecord(room.id, stepId, d.scope, write);
      if (res.status !== 'ok') {
        ctx.forgetRecord(d.key);
        return writeRefusal(ctx, res.status);
      }
      return landed(ctx, d, { rev: res.rev, value: next }, write.value.length, socketId);
    },
    busy: () => new ServiceError('BUSY', 'Not saved yet: many changes at once. Retrying…'),
  });
}
