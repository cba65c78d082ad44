import { describe, expect, it } from 'vitest';
import { DAY_SECONDS, roomLifetimeSeconds } from './retention.js';

describe('how long a room is kept', () => {
  const month = 30 * DAY_SECONDS;
  const now = 1_700_000_000_000;

  it('an open room: the whole retention time from now (its last change)', () => {
    expect(roomLifetimeSeconds({ status: 'open', closedAt: null }, now, month)).toBe(month);
  });

  it('a closed room: the retention time counted from when it was closed', () => {
    expect(roomLifetimeSeconds({ status: 'closed', closedAt: now }, now, month)).toBe(month);
    expect(roomLifetimeSeconds({ status: 'closed', closedAt: now - 10 * DAY_SECONDS * 1000 }, now, month)).toBe(20 * DAY_SECONDS);
  });

  it('a room closed longer ago than the retention time goes at once', () => {
    expect(roomLifetimeSeconds({ status: 'closed', closedAt: now - 31 * DAY_SECONDS * 1000 }, now, month)).toBe(1);
  });
});

describe('how long a room with check-ins after the session is kept', () => {
  const month = 30 * DAY_SECONDS;
  const ended = 1_700_000_000_000;
  const week = 7 * DAY_SECONDS * 1000;

  it('until its last check-in plus the retention time, counted from the session’s end', () => {
    const room = { status: 'closed' as const, closedAt: ended, followUp: { weeks: [2, 6, 12] } };
    expect(roomLifetimeSeconds(room, ended, month)).toBe(12 * 7 * DAY_SECONDS + month);
    // on the day of the last check-in, the whole retention time is still ahead
    expect(roomLifetimeSeconds(room, ended + 12 * week, month)).toBe(month);
    expect(roomLifetimeSeconds(room, ended + 12 * week + month * 1000 + 5000, month)).toBe(1);
  });

  it('while the session runs, a room with check-ins is kept like any open room', () => {
    expect(roomLifetimeSeconds({ status: 'open', closedAt: null, followUp: { weeks: [2] } }, ended, month)).toBe(month);
  });

  it('without check-ins (or a room stored before follow-ups existed), as before', () => {
    expect(roomLifetimeSeconds({ status: 'closed', closedAt: ended, followUp: { weeks: [] } }, ended, month)).toBe(month);
    expect(roomLifetimeSeconds({ status: 'closed', closedAt: ended }, ended, month)).toBe(month);
  });
});
