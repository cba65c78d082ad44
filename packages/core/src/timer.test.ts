import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addTime, formatClock, idleTimer, pauseTimer, remainingMs, resumeTimer, startTimer } from './timer.js';

describe('countdowns run on deadlines, not ticks', () => {
  it('a five-minute timer started at t shows what is left at any later moment', () => {
    const t = startTimer(idleTimer(300_000), 1_000);
    expect(t).toEqual({ status: 'running', durationMs: 300_000, endsAt: 301_000 });
    expect(remainingMs(t, 61_000)).toBe(240_000);
    expect(remainingMs(t, 999_999)).toBe(0);
  });

  it('pausing keeps the time left; resuming sets a new deadline from it', () => {
    const paused = pauseTimer(startTimer(idleTimer(60_000), 0), 20_000);
    expect(paused).toEqual({ status: 'paused', durationMs: 60_000, remainingMs: 40_000 });
    expect(remainingMs(paused, 500_000)).toBe(40_000);
    expect(resumeTimer(paused, 100_000)).toEqual({ status: 'running', durationMs: 60_000, endsAt: 140_000 });
  });

  it('adding a minute extends a running, paused or idle timer; an expired one restarts from now', () => {
    expect(remainingMs(addTime(startTimer(idleTimer(60_000), 0), 10_000, 60_000), 10_000)).toBe(110_000);
    expect(addTime(idleTimer(60_000), 0, 60_000)).toEqual(idleTimer(120_000));
    expect(remainingMs(addTime(startTimer(idleTimer(60_000), 0), 90_000, 60_000), 90_000)).toBe(60_000);
  });

  it('never shows negative time, whatever the sequence', () => {
    const op = fc.oneof(
      fc.constant('pause' as const),
      fc.constant('resume' as const),
      fc.integer({ min: -600, max: 600 }).map((s) => ({ add: s * 1000 })),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(op, fc.integer({ min: 0, max: 100_000 })), { maxLength: 30 }), (ops) => {
        let now = 0;
        let t = startTimer(idleTimer(60_000), now);
        for (const [o, dt] of ops) {
          now += dt;
          t = o === 'pause' ? pauseTimer(t, now) : o === 'resume' ? resumeTimer(t, now) : addTime(t, now, o.add);
          expect(remainingMs(t, now)).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });

  it('is shown as m:ss, rounding up so 0:00 means time is up', () => {
    expect(formatClock(300_000)).toBe('5:00');
    expect(formatClock(59_001)).toBe('1:00');
    expect(formatClock(1)).toBe('0:01');
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(-5)).toBe('0:00');
  });
});
