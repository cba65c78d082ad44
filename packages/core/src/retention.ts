/**
 * How long a room is kept. A closed room: `retentionSeconds` counted from its closing. An open
 * room (never closed, or reopened): `retentionSeconds` counted from its last change (created, a
 * step moved on, a timer set…), so a room left open and forgotten still goes away. Never less
 * than a second: a room closed long ago (e.g. retention shortened since) goes at once.
 */
import type { RoomState } from './room.js';

export const DAY_SECONDS = 86_400;

export function roomLifetimeSeconds(room: Pick<RoomState, 'status' | 'closedAt'>, now: number, retentionSeconds: number): number {
  if (room.status !== 'closed' || room.closedAt === null) return retentionSeconds;
  return Math.max(1, Math.ceil((room.closedAt + retentionSeconds * 1000 - now) / 1000));
}
