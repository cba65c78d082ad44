/**
 * Countdowns are server-authoritative: the server stores a deadline while a timer runs and the
 * time left while it is paused; every screen counts down from its own clock corrected by the
 * offset it measured. The server runs in this process, so `Date.now()` read before and after a
 * command brackets the server's own "now" for that command exactly.
 */
import { describe, expect, it } from 'vitest';
import type { Timer } from '@canopy/core';
import type { RoomConnection } from '@canopy/client';
import { allUntil, emitRaw, slides, useWorkshops, welcomed, type Workshop } from './support.js';

const { server, workshop } = useWorkshops();

/** Run a facilitator command and return the server-time window it ran in, and the resulting timer on every screen. */
async function timed(w: Workshop, screens: Array<{ conn: RoomConnection }>, cmd: Parameters<RoomConnection['command']>[0]) {
  const before = Date.now();
  const ack = await w.console.conn.command(cmd);
  const after = Date.now();
  if (!ack.ok) throw new Error(`${cmd.type} refused: ${ack.error.message}`);
  const states = await allUntil(screens, (s) => s.stage?.v === ack.version);
  const timers = states.map((s) => s.stage!.timer);
  for (const t of timers) expect(t).toEqual(timers[0]);
  return { before, after, timer: timers[0]! };
}

function running(t: Timer): Extract<Timer, { status: 'running' }> {
  expect(t.status).toBe('running');
  return t as Extract<Timer, { status: 'running' }>;
}
function paused(t: Timer): Extract<Timer, { status: 'paused' }> {
  expect(t.status).toBe('paused');
  return t as Extract<Timer, { status: 'paused' }>;
}

describe('the step timer', () => {
  it('a step arms its countdown with the step duration, idle until the facilitator starts it', async () => {
    const w = await workshop(await server(), { agenda: slides([300, 0]) });
    const ana = await w.join('Ana');
    expect(ana.conn.state.stage?.timer).toEqual({ status: 'idle', durationMs: 0 });
    const { timer } = await timed(w, [w.console, ana], { type: 'next' });
    expect(timer).toEqual({ status: 'idle', durationMs: 300_000 });
    // A step without a duration has no countdown to start until the facilitator gives one.
    await timed(w, [w.console, ana], { type: 'next' });
    expect(await w.console.conn.command({ type: 'timer.start' })).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'Set a duration to start the timer.' },
    });
    const custom = await timed(w, [w.console, ana], { type: 'timer.start', durationSec: 90 });
    expect(running(custom.timer).durationMs).toBe(90_000);
  });

  it('start, pause, resume, add a minute and reset: every screen gets a deadline it can count down from', async () => {
    const w = await workshop(await server(), { agenda: slides([300]) });
    const display = w.connect(w.displayToken);
    await welcomed(display.conn);
    const ana = await w.join('Ana');
    const ben = await w.join('Ben');
    const screens = [w.console, display, ana, ben];
    await timed(w, screens, { type: 'next' });

    // Start: the deadline is the server's now plus the step's five minutes.
    const start = await timed(w, screens, { type: 'timer.start' });
    const started = running(start.timer);
    expect(started.durationMs).toBe(300_000);
    expect(started.endsAt - 300_000).toBeGreaterThanOrEqual(start.before);
    expect(started.endsAt - 300_000).toBeLessThanOrEqual(start.after);
    // What a phone would display: the time left by its corrected clock, never more than the duration.
    const left = started.endsAt - ana.conn.serverNow();
    expect(left).toBeLessThanOrEqual(300_000 + 1_000);
    expect(left).toBeGreaterThan(300_000 - 60_000);

    // Pause: the time left is frozen, as the server measured it at the pause.
    const pause = await timed(w, screens, { type: 'timer.pause' });
    const frozen = paused(pause.timer);
    expect(frozen.durationMs).toBe(300_000);
    expect(frozen.remainingMs).toBeGreaterThanOrEqual(started.endsAt - pause.after);
    expect(frozen.remainingMs).toBeLessThanOrEqual(started.endsAt - pause.before);
    expect(frozen).not.toHaveProperty('endsAt');

    // Add a minute while paused: a minute more to go.
    const addPaused = await timed(w, screens, { type: 'timer.add', seconds: 60 });
    expect(paused(addPaused.timer)).toEqual({ status: 'paused', durationMs: 360_000, remainingMs: frozen.remainingMs + 60_000 });

    // Resume: a new deadline, the time left from now.
    const resume = await timed(w, screens, { type: 'timer.resume' });
    const resumed = running(resume.timer);
    expect(resumed.endsAt - (frozen.remainingMs + 60_000)).toBeGreaterThanOrEqual(resume.before);
    expect(resumed.endsAt - (frozen.remainingMs + 60_000)).toBeLessThanOrEqual(resume.after);

    // Add a minute while running: the deadline moves by exactly a minute.
    const addRunning = await timed(w, screens, { type: 'timer.add', seconds: 60 });
    expect(running(addRunning.timer)).toEqual({ status: 'running', durationMs: 420_000, endsAt: resumed.endsAt + 60_000 });

    // Take two minutes away.
    const takeAway = await timed(w, screens, { type: 'timer.add', seconds: -120 });
    expect(running(takeAway.timer).endsAt).toBe(resumed.endsAt - 60_000);

    // Reset: back to the step's own duration, idle.
    const reset = await timed(w, screens, { type: 'timer.reset' });
    expect(reset.timer).toEqual({ status: 'idle', durationMs: 300_000 });

    // A restart with a custom duration.
    const again = await timed(w, screens, { type: 'timer.start', durationSec: 30 });
    expect(running(again.timer).endsAt - 30_000).toBeGreaterThanOrEqual(again.before);
    expect(running(again.timer).endsAt - 30_000).toBeLessThanOrEqual(again.after);
  });

  it('taking away more time than is left ends the countdown now, and never leaves a negative duration', async () => {
    const w = await workshop(await server(), { agenda: slides([300]) });
    const ana = await w.join('Ana');
    await timed(w, [w.console, ana], { type: 'next' });
    await timed(w, [w.console, ana], { type: 'timer.start' });
    const cut = await timed(w, [w.console, ana], { type: 'timer.add', seconds: -600 });
    const t = running(cut.timer);
    expect(t.endsAt).toBeGreaterThanOrEqual(cut.before);
    expect(t.endsAt).toBeLessThanOrEqual(cut.after);
    // The progress ring is drawn from durationMs: it must stay a duration.
    expect(t.durationMs).toBeGreaterThanOrEqual(0);

    await timed(w, [w.console, ana], { type: 'timer.reset' });
    await timed(w, [w.console, ana], { type: 'timer.start' });
    await timed(w, [w.console, ana], { type: 'timer.pause' });
    const cutPaused = await timed(w, [w.console, ana], { type: 'timer.add', seconds: -600 });
    expect(paused(cutPaused.timer).remainingMs).toBe(0);
    expect(cutPaused.timer.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('refuses timer moves that make no sense, and leaves the timer as it was', async () => {
    const w = await workshop(await server(), { agenda: slides([60]) });
    await w.console.conn.command({ type: 'next' });
    expect(await w.console.conn.command({ type: 'timer.pause' })).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'The timer is not running.' } });
    expect(await w.console.conn.command({ type: 'timer.resume' })).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'The timer is not paused.' } });
    expect(await w.console.conn.command({ type: 'timer.start' })).toMatchObject({ ok: true });
    expect(await w.console.conn.command({ type: 'timer.resume' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    // Out-of-range values never reach the reducer.
    for (const cmd of [
      { type: 'timer.start', durationSec: 0 },
      { type: 'timer.start', durationSec: 4 * 3600 + 1 },
      { type: 'timer.start', durationSec: 1.5 },
      { type: 'timer.add', seconds: 1e12 },
    ]) {
      expect(await emitRaw(w.console.conn, 'command', { cmd })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    await w.console.conn.sync();
    expect(w.console.conn.state.stage?.timer).toMatchObject({ status: 'running', durationMs: 60_000 });
  });

  it("measures the clock offset to the server, and the server's clock answers bracket the real time", async () => {
    const w = await workshop(await server());
    const joining = Date.now();
    const ana = await w.join('Ana');
    // A welcome carries the server's time, taken while the participant was connecting.
    expect(ana.welcome()!.serverNow).toBeGreaterThanOrEqual(joining);
    expect(ana.welcome()!.serverNow).toBeLessThanOrEqual(Date.now());
    // The SDK's measured offset (same machine, same clock): small. A correctness check, not a timing one.
    for (const conn of [w.console.conn, ana.conn]) {
      expect(Math.abs(conn.state.clockOffsetMs)).toBeLessThan(1_000);
      expect(Math.abs(conn.serverNow() - Date.now())).toBeLessThan(1_000);
    }
    // The clock exchange itself: the client's time echoed, the server's time taken while answering.
    const before = Date.now();
    const res = await emitRaw(ana.conn, 'clock', before);
    const after = Date.now();
    expect(res).toMatchObject({ ok: true, clientNow: before });
    const serverNow = (res as unknown as { serverNow: number }).serverNow;
    expect(serverNow).toBeGreaterThanOrEqual(before);
    expect(serverNow).toBeLessThanOrEqual(after);
  });
});
