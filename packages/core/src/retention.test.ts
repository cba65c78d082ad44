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
