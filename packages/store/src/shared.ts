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
