/**
 * Signals from the phones, on every step: "I'm done" (for the step running now; it no longer
 * counts once the room moves to another step or starts the same one again) and a raised hand
 * (raised until the person or a facilitator lowers it; the order of raising is kept).
 *
 * Each participant's signals are one small record under the reserved step `SIGNALS_STEP` (scope
 * `p:<id>`), so a reconnecting screen or another node reads them like any answer. Pure: the
 * server passes the room, the records and the time.
 */
import { z } from 'zod';
import type { RoomState } from './room.js';

/** the reserved step id the signals are stored under (no agenda step may use it) */
export const SIGNALS_STEP = '~signals';

/** One participant's signals as stored. `at` times are the server's (epoch ms). */
export interface SignalRecord {
  /** "I'm done" for the step `stepId` in its run that began at room version `entered` */
  done?: { stepId: string; entered: number; at: number };
  /** raised at; absent when lowered */
  hand?: number;
}

/** participant → server: say "I'm done" (or take it back), raise or lower their own hand */
export const SignalPayloadSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('done'), done: z.boolean() }),
  z.object({ type: z.literal('hand'), raised: z.boolean() }),
]);
export type SignalPayload = z.infer<typeof SignalPayloadSchema>;

/** facilitator or co-host → server: lower one person's hand, or every hand (no `participantId`) */
export const LowerHandsPayloadSchema = z.object({
  participantId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,40}$/)
    .optional(),
});
export type LowerHandsPayload = z.infer<typeof LowerHandsPayloadSchema>;

/** The room version at which its current step was entered (rooms stored before it: 0). */
export const stepRun = (room: RoomState): number => room.entered ?? 0;

/** Does this record say "done" for the step running now? */
export function isDone(record: SignalRecord, room: RoomState): boolean {
  const step = room.agenda[room.current];
  return !!step && record.done?.stepId === step.id && record.done.entered === stepRun(room);
}

export type SignalDecision = { ok: true; record: SignalRecord } | { ok: false; error: string };

/** A participant's signal applied to their record. */
export function applySignal(prev: SignalRecord, signal: SignalPayload, room: RoomState, now: number): SignalDecision {
  if (room.status === 'closed') return { ok: false, error: 'The session has ended.' };
  const { done: _done, hand: _hand, ...rest } = prev;
  const keepDone = isDone(prev, room) ? { done: prev.done } : {};
  if (signal.type === 'hand') {
    const hand = signal.raised ? { hand: prev.hand ?? now } : {};
    return { ok: true, record: { ...rest, ...keepDone, ...hand } };
  }
  const step = room.agenda[room.current];
  if (!step) return { ok: false, error: 'There is no step to be done with yet.' };
  const hand = prev.hand === undefined ? {} : { hand: prev.hand };
  const done = signal.done ? { done: isDone(prev, room) ? prev.done! : { stepId: step.id, entered: stepRun(room), at: now } } : {};
  return { ok: true, record: { ...rest, ...done, ...hand } };
}

/** The record with its hand lowered (the same object when it was not raised). */
export function lowerHand(prev: SignalRecord): SignalRecord {
  if (prev.hand === undefined) return prev;
  const { hand: _hand, ...rest } = prev;
  return rest;
}

/** What a screen sees of the signals. Consoles get who; displays the counts only; a participant their own. */
export interface SignalsView {
  /** the step "done" is about (null in the lobby) */
  stepId: string | null;
  /** presenters: people in the room (joined, let in, not removed) */
  total?: number;
  /** presenters: how many are done with the step */
  done?: number;
  /** presenters: how many hands are up */
  hands?: number;
  /** consoles: who is done, first done first */
  doneBy?: Array<{ participantId: string; at: number }>;
  /** consoles: raised hands, first raised first */
  raised?: Array<{ participantId: string; at: number }>;
  /** participants: their own */
  mine?: { done: boolean; hand: number | null };
}

export type SignalsAudience = 'console' | 'display' | { participantId: string };

const idOf = (scope: string) => (scope.startsWith('p:') ? scope.slice(2) : null);

/**
 * Build one screen's view from every participant's record (`active`: who still counts — of a set,
 * only `has` and `size` are used, so a room nobody has signalled in can pass its count alone).
 */
export function signalsView(
  room: RoomState,
  records: Array<{ scope: string; value: SignalRecord }>,
  active: Pick<ReadonlySet<string>, 'has' | 'size'>,
  audience: SignalsAudience,
): SignalsView {
  const stepId = room.agenda[room.current]?.id ?? null;
  if (typeof audience === 'object') {
    const own = records.find((r) => idOf(r.scope) === audience.participantId)?.value ?? {};
    return { stepId, mine: { done: isDone(own, room), hand: own.hand ?? null } };
  }
  const doneBy: Array<{ participantId: string; at: number }> = [];
  const raised: Array<{ participantId: string; at: number }> = [];
  for (const { scope, value } of records) {
    const participantId = idOf(scope);
    if (!participantId || !active.has(participantId)) continue;
    if (isDone(value, room)) doneBy.push({ participantId, at: value.done!.at });
    if (value.hand !== undefined) raised.push({ participantId, at: value.hand });
  }
  const order = (a: { participantId: string; at: number }, b: { participantId: string; at: number }) =>
    a.at - b.at || (a.participantId < b.participantId ? -1 : 1);
  doneBy.sort(order);
  raised.sort(order);
  const counts = { stepId, total: active.size, done: doneBy.length, hands: raised.length };
  return audience === 'console' ? { ...counts, doneBy, raised } : counts;
}
