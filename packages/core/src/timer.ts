/**
 * Server-authoritative countdowns. The server stores a deadline (epoch ms) while running and the
 * remaining time while paused; clients compute what to show from their clock corrected by the
 * offset they measured against the server. Nothing ticks on the server.
 */
import { z } from 'zod';

export const TimerSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('idle'), durationMs: z.number().int().nonnegative() }),
  z.object({ status: z.literal('running'), durationMs: z.number().int().nonnegative(), endsAt: z.number() }),
  z.object({ status: z.literal('paused'), durationMs: z.number().int().nonnegative(), remainingMs: z.number() }),
]);
export type Timer = z.infer<typeof TimerSchema>;

export const idleTimer = (durationMs: number): Timer => ({ status: 'idle', durationMs });

export function remainingMs(timer: Timer, now: number): number {
  switch (timer.status) {
    case 'idle':
      return timer.durationMs;
    case 'paused':
      return timer.remainingMs;
    case 'running':
      return Math.max(0, timer.endsAt - now);
  }
}

export function startTimer(timer: Timer, now: number, durationMs?: number): Timer {
  const d = durationMs ?? timer.durationMs;
  return { status: 'running', durationMs: d, endsAt: now + d };
}

export function pauseTimer(timer: Timer, now: number): Timer {
  if (timer.status !== 'running') return timer;
  return { status: 'paused', durationMs: timer.durationMs, remainingMs: Math.max(0, timer.endsAt - now) };
}

export function resumeTimer(timer: Timer, now: number): Timer {
  if (timer.status !== 'paused') return timer;
  return { status: 'running', durationMs: timer.durationMs, endsAt: now + timer.remainingMs };
}

/** Add (or with a negative value, take away) time; a running timer never goes below now. */
export function addTime(timer: Timer, now: number, deltaMs: number): Timer {
  switch (timer.status) {
    case 'idle':
      return { ...timer, durationMs: Math.max(0, timer.durationMs + deltaMs) };
    case 'paused':
      return { ...timer, durationMs: Math.max(0, timer.durationMs + deltaMs), remainingMs: Math.max(0, timer.remainingMs + deltaMs) };
    case 'running': {
      const base = Math.max(timer.endsAt, now);
      return { ...timer, durationMs: Math.max(0, timer.durationMs + deltaMs), endsAt: Math.max(now, base + deltaMs) };
    }
  }
}

/** Format milliseconds as m:ss (rounding up, so 0:01 shows until the very end). */
export function formatClock(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${m}:${s.toString().padStart(2, '0')}`;
}
