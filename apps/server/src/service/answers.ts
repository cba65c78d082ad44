/**
 * Participant answers: one answer applied to the record it belongs to — their own, or a shared
 * one the module says they may write (e.g. their group's notes, checked against the server's shared
 * state) — idempotently by its client-made submission id, with the step's counters moved by the
 * change in that record's contribution, in one atomic store write.
 */
import { ServiceError } from '@canopy/api';
import { because, contributionDelta, getActivity, issueMessage, issueRefusal, ownScope, SHARED_SCOPE, type RoomState } from '@canopy/core';
import type { RecordWriteResult } from '@canopy/store';
import { DUPLICATE, LOST } from './apply-once.js';
import type { Identity, RecordRead, ServiceContext } from './context.js';
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

/** The room's running step, when it is `stepId` and its answers go to the person's own record (the module offers no choice of record and has no shared state). */
function ownRecordStep(room: RoomState | undefined, stepId: string) {
  const step = room?.agenda[room.current];
  if (!step || step.id !== stepId) return undefined;
  const mod = getActivity(step.type);
  return mod?.input && !mod.input.scope && !mod.shared ? step : undefined;
}

/**
 * The room's version and the record an answer will be decided on, read in one call (`readForAnswer`)
 * instead of the version first and then the record. Only where this node's last sight of the room has
 * `stepId` running with answers that go to the person's own record, and only while no change to that
 * record runs or waits here. The answer uses the record only if the room at that version leads to the
 * same record, and reads again if it failed; the write's compare-and-set and dedupe mark still settle
 * anything that came in between.
 */
async function readEarly(ctx: ServiceContext, roomId: string, stepId: string, pid: string, submissionId: string) {
  if (!ownRecordStep(ctx.knownRoom(roomId), stepId)) return undefined;
  const scope = ownScope(pid);
  const key = `${roomId}/${stepId}/${scope}`;
  if (!ctx.settled(key)) return undefined;
  const read = await ctx.store.readForAnswer(roomId, stepId, scope, submissionId).catch(() => null);
  return read ? { key, version: read.version, record: { applied: read.applied, stored: read.stored } } : undefined;
}

/** A quick answer's write was refused because the room moved on since this node last saw it: the answer is made again the usual way. */
const MOVED: unique symbol = Symbol('moved');

/**
 * Apply one participant answer. Resolves only once the store holds it; then every participant
 * shown that record gets their fresh view (the sender's other screens too, but not the socket it
 * came on, which gets it in the answer).
 *
 * Most answers take one round trip to the store: when this node last saw the room on `stepId`, the
 * answer goes to the person's own record and this node wrote or read that record before (their
 * earlier answers to the step), it is decided on both as the node saw them and written with a
 * compare-and-set on each (`roomVersion`, `expectedRev`). Another node's change to the room (a step
 * or phase moved on) makes the write refuse it as stale, and the answer is made again the usual way;
 * a record changed elsewhere (their other screen, on another node) comes back with the refusal and the
 * answer is decided again on it. Otherwise the answer is decided on the room as stored now
 * (`currentRoom`: one version read, the room itself from this node's cache when that version is the
 * one it holds), the person's record usually read in the same call (`readEarly`).
 */
export async function submit(ctx: ServiceContext, who: Identity, stepId: string, submissionId: string, input: unknown): Promise<Submitted> {
  if (who.role !== 'participant' || !who.participant)
    throw new ServiceError('FORBIDDEN', 'Only participants submit answers.', undefined, because('NOT_ALLOWED'));
  const pid = who.participant.id;
  const known = ctx.knownRoom(who.roomId);
  if (known && ownRecordStep(known, stepId) && ctx.knownRecord(`${known.id}/${stepId}/${ownScope(pid)}`)) {
    try {
      return await answer(ctx, who, pid, known, stepId, submissionId, input, { quick: true });
    } catch (e) {
      if (e !== MOVED) throw e;
    }
  }
  const early = await readEarly(ctx, who.roomId, stepId, pid, submissionId);
  const room = early ? await ctx.roomAt(who.roomId, early.version) : await ctx.currentRoom(who.roomId);
  return answer(ctx, who, pid, room, stepId, submissionId, input, { early });
}

/**
 * One answer decided on `room`: as stored now, or (`quick`) as this node last saw it, every write
 * then carrying the room's version so that a room moved on refuses it (thrown as MOVED).
 */
async function answer(
  ctx: ServiceContext,
  who: Identity,
  pid: string,
  room: RoomState,
  stepId: string,
  submissionId: string,
  input: unknown,
  how: { quick: true } | { early: Awaited<ReturnType<typeof readEarly>> },
): Promise<Submitted> {
  const quick = 'quick' in how;
  const { step, mod } = ctx.currentStep(room, stepId);
  const spec = mod.input;
  if (!spec) throw new ServiceError('BAD_REQUEST', 'This step takes no answers.');
  const parsed = spec.schema.safeParse(input);
  if (!parsed.success) throw new ServiceError('BAD_REQUEST', issueMessage(parsed.error, { about: 'Invalid answer' }), undefined, issueRefusal(parsed.error));
  const phase = room.phase ?? '';
  const shared = await ctx.readShared(room.id, step, mod);
  let scope = ownScope(pid);
  if (spec.scope) {
    const chosen = spec.scope(parsed.data, { config: step.config, participantId: pid, shared: shared?.value });
    if (!chosen.ok) throw new ServiceError('FORBIDDEN', chosen.error);
    scope = chosen.value;
  }
  if (scope === SHARED_SCOPE) throw new ServiceError('FORBIDDEN', 'Only the facilitator changes that.', undefined, because('NOT_ALLOWED'));
  const key = `${room.id}/${stepId}/${scope}`;
  // only a person's own records are kept on the node (a shared one is read every time)
  const own = scope === ownScope(pid);
  let first = 'early' in how && how.early?.key === key ? how.early.record : undefined;
  return ctx.applyOnce<RecordRead, Submitted>({
    key,
    async read() {
      // quick: the record as this node last wrote it, or as the store returned it with a lost race
      const kept = quick ? ctx.knownRecord(key) : undefined;
      if (kept) return { applied: null, stored: kept };
      const pre = first;
      first = undefined; // a second attempt (a lost race) reads again
      const got = pre ?? (await ctx.recordFor(room.id, stepId, scope, submissionId));
      if (own) ctx.keepRecord(key, got.stored);
      return got;
    },
    dedupe: {
      seen: ({ applied }) => applied !== null,
      async answer() {
        const view = await participantView(ctx, room, step, mod, pid, shared);
        return { duplicate: true, view: view.data, rev: view.rev ?? 0 };
      },
    },
    async write({ stored }) {
      if (!phase || !spec.acceptIn.includes(phase))
        throw new ServiceError('CONFLICT', 'Answers are closed for this step right now.', undefined, because('ANSWERS_CLOSED'));
      const prev = stored ? JSON.parse(stored.value) : spec.initial(scope);
      const next = spec.reduce(prev, parsed.data, { config: step.config, phase, now: ctx.now(), participantId: pid, shared: shared?.value });
      if (!next.ok) throw new ServiceError('BAD_REQUEST', next.error);
      const delta = contributionDelta(spec, prev, next.value, step.config);
      const value = JSON.stringify(next.value);
      const res = await ctx.store.writeRecord(room.id, stepId, scope, {
        submissionId,
        expectedRev: stored?.rev ?? 0,
        value,
        counters: delta,
        writer: pid,
        ...(quick ? { roomVersion: room.version } : {}),
        ...(ctx.maxRoomBytes === undefined ? {} : { maxRoomBytes: ctx.maxRoomBytes }),
      });
      if (res.status === 'stale' && quick) throw MOVED;
      if (res.status === 'conflict' && own) ctx.keepRecord(key, res.current);
      if (res.status !== 'ok') return writeRefusal(ctx, res.status);
      if (own) ctx.keepRecord(key, { rev: res.rev, value });
      ctx.broadcaster?.activityChanged(room.id, stepId);
      const written = new Map([[scope, { rev: res.rev, value: next.value }]]);
      const audience = own ? [pid] : (mod.audience?.(scope, shared?.value, step.config) ?? [pid]);
      if (!audience.includes(pid)) audience.push(pid);
      const views = await Promise.all(audience.map((id) => participantView(ctx, room, step, mod, id, shared, written)));
      audience.forEach((id, i) => ctx.broadcaster?.ownViewChanged(id, views[i]!, who.socketId));
      const mine = views[audience.indexOf(pid)]!;
      return { duplicate: false, view: mine.data, rev: mine.rev ?? 0 };
    },
    busy: () => new ServiceError('BUSY', 'Not saved yet: many changes at once. Retrying…'),
  });
}
