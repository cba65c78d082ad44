/**
 * How long a room is kept. A closed room: `retentionSeconds` counted from its closing — or, with
 * check-ins after the session, from its last check-in's date. An open
 * room (never closed, or reopened): `retentionSeconds` counted from its last change (created, a
 * step moved on, a timer set…), so a room left open and forgotten still goes away. Never less
 * than a second: a room closed long ago (e.g. retention shortened since) goes at once.
 */
import { followUpKeptUntil } from './follow-up.js';
import type { RoomState } from './room.js';

export const DAY_SECONDS = 86_400;

export function roomLifetimeSeconds(room: Pick<RoomState, 'status' | 'closedAt' | 'followUp'>, now: number, retentionSeconds: number): number {
  if (room.status !== 'closed' || room.closedAt === null) return retentionSeconds;
  const until = followUpKeptUntil(room, retentionSeconds) ?? room.closedAt + retentionSeconds * 1000;
  return Math.max(1, Math.ceil((until - now) / 1000));
}
