/** Checks and errors shared by every driver, so they refuse the same inputs the same way. */
import type { RoomState } from '@canopy/core';
import type { RecordDelete } from './types.js';

/**
 * `addParticipant` or `writeRecord` was called for a room that does not exist (never created, or
 * deleted meanwhile). Nothing was written: a write racing `deleteRoom` must not bring keys back.
 */
export class RoomNotFoundError extends Error {
  constructor(readonly roomId: string) {
    super(`canopy store: no room ${roomId}`);
    this.name = 'RoomNotFoundError';
  }
}

/** Counter deltas must be safe integers (HINCRBY); checked before anything is written. */
export function checkRecordWrite(write: RecordDelete): void {
  if (!Number.isSafeInteger(write.expectedRev) || write.expectedRev < 0) {
    throw new TypeError(`canopy store: expectedRev must be a non-negative integer, got ${write.expectedRev}`);
  }
  for (const [name, delta] of Object.entries(write.counters)) {
    if (!Number.isSafeInteger(delta)) throw new TypeError(`canopy store: counter "${name}" delta must be an integer, got ${delta}`);
  }
}

export function checkNextRoom(roomId: string, next: RoomState): void {
  if (next.id !== roomId) throw new Error(`canopy store: casRoom(${roomId}) was given room ${next.id}`);
}

/** A room's lifetime: a positive number of seconds (at least one millisecond once rounded). */
export function checkExpiry(seconds: number): void {
  if (!Number.isFinite(seconds) || Math.round(seconds * 1000) < 1)
    throw new TypeError(`canopy store: expiry must be a positive number of seconds, got ${seconds}`);
}

/**
 * How many submission ids each record remembers by default (its dedupe window): a retry is
 * recognised as a duplicate as long as fewer than this many later writes were applied to the same
 * record. The oldest id is forgotten when a newer one comes, so resending with fresh ids cannot
 * make a record's memory grow.
 */
export const DEDUPE_WINDOW = 32;

/** Bytes a remembered submission id is counted for besides its own field (its rev and its ring slot). */
export const SUBMISSION_OVERHEAD = 32;

/** The name a remembered submission id is kept under (per step): unique per (scope, id). */
export const subsField = (scope: string, submissionId: string): string => `${scope.length}:${scope}${submissionId}`;

/** What remembering one submission id counts towards the room's bytes. */
export const submissionCost = (scope: string, submissionId: string): number => subsField(scope, submissionId).length + SUBMISSION_OVERHEAD;

export function checkWindow(window: number): number {
  if (!Number.isInteger(window) || window < 1) throw new TypeError(`canopy store: dedupeWindow must be a positive whole number, got ${window}`);
  return window;
}
