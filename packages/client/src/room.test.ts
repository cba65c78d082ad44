/** When the SDK sends a refused write again. */
import { describe, expect, it } from 'vitest';
import { retryDelay } from './room.js';

describe('retrying a write the server could not take yet', () => {
  it('waits exactly as long as the server says when it says (a sooner send would be held longer)', () => {
    expect(retryDelay({ retryAfterMs: 350 }, 0)).toBe(350);
    expect(retryDelay({ retryAfterMs: 40 }, 6)).toBe(40);
  });

  it('backs off from 200 ms, doubling up to 5 s, when the server names no wait', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((a) => retryDelay({}, a))).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it('never sleeps longer than a minute on a server’s word', () => {
    expect(retryDelay({ retryAfterMs: 3_600_000 }, 0)).toBe(60_000);
  });
});
