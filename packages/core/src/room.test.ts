import { describe, expect, it } from 'vitest';
import { agendaPath, issueMessage } from './issues.js';
import {
  applyRoomCommand,
  createRoomState,
  NewRoomSchema,
  RoomCommandSchema,
  stageView,
  validateAgenda,
  type Reduced,
  type RoomCommand,
  type RoomState,
  type Step,
} from './room.js';

function workshop(): RoomState {
  const room = NewRoomSchema.parse({
    title: 'Building allies',
    agenda: [
      { id: 'welcome', type: 'slide', title: 'Welcome', durationSec: 120, config: { body: 'Hello' }, notes: 'say hi' },
      { id: 'why', type: 'slide', title: 'Why allies matter', config: { body: 'Roots intertwine' } },
      { id: 'wrap', type: 'slide', title: 'Wrap-up', durationSec: 300, config: {} },
    ],
  });
  const agenda = validateAgenda(room.agenda);
  if (!agenda.ok) throw new Error(agenda.error);
  return createRoomState({ id: 'room-1', code: 'K7FQ3MXD', now: 0, room: { ...room, agenda: agenda.agenda } });
}

/** A command as the server receives it (JSON from the console): checked by its schema, then applied. */
function received(state: RoomState, raw: unknown): Reduced {
  const cmd = RoomCommandSchema.safeParse(raw);
  return cmd.success ? applyRoomCommand(state, cmd.data, 0) : { ok: false, error: issueMessage(cmd.error, { where: agendaPath }) };
}

/** A plan as a room is created with it: checked by the steps' schema, then by `validateAgenda`. */
function checked(agenda: unknown) {
  const room = NewRoomSchema.safeParse({ title: 'Plan', agenda });
  return room.success ? validateAgenda(room.data.agenda) : { ok: false, error: issueMessage(room.error, { where: agendaPath }) };
}

function run(state: RoomState, ...cmds: Array<[RoomCommand, number?]>): RoomState {
  for (const [cmd, now = 0] of cmds) {
    const r = applyRoomCommand(state, cmd, now);
    if (!r.ok) throw new Error(r.error);
    state = r.state;
  }
  return state;
}

describe('a facilitator runs the agenda', () => {
  it('starts in the lobby, then moves forward and back through the steps', () => {
    let room = workshop();
    expect(room.current).toBe(-1);
    expect(stageView(room).step).toBeNull();
    room = run(room, [{ type: 'next' }]);
    expect(stageView(room).step?.title).toBe('Welcome');
    room = run(room, [{ type: 'next' }], [{ type: 'next' }]);
    expect(room.current).toBe(2);
    expect(applyRoomCommand(room, { type: 'next' }, 0)).toEqual({ ok: false, error: 'This is the last step.' });
    room = run(room, [{ type: 'prev' }], [{ type: 'goto', index: -1 }]);
    expect(room.current).toBe(-1);
    expect(applyRoomCommand(room, { type: 'prev' }, 0).ok).toBe(false);
    expect(applyRoomCommand(room, { type: 'goto', index: 3 }, 0).ok).toBe(false);
  });

  it('bumps the version on every accepted change and on no refused one', () => {
    const room = workshop();
    const after = run(room, [{ type: 'next' }], [{ type: 'lock', locked: true }]);
    expect(after.version).toBe(room.version + 2);
    expect(applyRoomCommand(after, { type: 'timer.pause' }, 0).ok).toBe(false);
  });

  it("arms each step's countdown from its duration, and the facilitator runs it", () => {
    let room = run(workshop(), [{ type: 'next' }]);
    expect(room.timer).toEqual({ status: 'idle', durationMs: 120_000 });
    room = run(room, [{ type: 'timer.start' }, 1_000], [{ type: 'timer.add', seconds: 60 }, 2_000]);
    expect(room.timer).toEqual({ status: 'running', durationMs: 180_000, endsAt: 181_000 });
    room = run(room, [{ type: 'timer.pause' }, 31_000], [{ type: 'timer.resume' }, 100_000]);
    expect(room.timer).toEqual({ status: 'running', durationMs: 180_000, endsAt: 250_000 });
    room = run(room, [{ type: 'timer.reset' }]);
    expect(room.timer).toEqual({ status: 'idle', durationMs: 120_000 });
    room = run(room, [{ type: 'next' }]);
    expect(applyRoomCommand(room, { type: 'timer.start' }, 0)).toEqual({ ok: false, error: 'Set a duration to start the timer.' });
    expect(run(room, [{ type: 'timer.start', durationSec: 90 }, 5]).timer).toEqual({ status: 'running', durationMs: 90_000, endsAt: 90_005 });
  });

  it('ends the session: timer stopped, nothing moves until reopened, and the lock is as it was', () => {
    let room = run(workshop(), [{ type: 'next' }], [{ type: 'timer.start' }, 0], [{ type: 'close' }, 30_000]);
    expect(room).toMatchObject({ status: 'closed', closedAt: 30_000, locked: false, timer: { status: 'paused', remainingMs: 90_000 } });
    expect(applyRoomCommand(room, { type: 'next' }, 0).ok).toBe(false);
    room = run(room, [{ type: 'reopen' }]);
    expect(room).toMatchObject({ status: 'open', locked: false, closedAt: null });
  });

  it('shows participants and the display the step without the facilitator notes, on every kind of step', () => {
    let room = run(workshop(), [{ type: 'next' }]);
    expect(room.agenda[0]?.notes).toBe('say hi');
    const view = stageView(room);
    expect(view.step?.config).toEqual({ body: 'Hello' });
    expect(JSON.stringify(view)).not.toContain('say hi');
    const map: Step = { id: 'map2', type: 'mental-map', title: 'Map', durationSec: 0, config: {}, notes: 'watch for people stuck on names' };
    room = run(room, [{ type: 'agenda.set', agenda: [...room.agenda, map] }], [{ type: 'goto', index: 3 }]);
    expect(stageView(room).step?.type).toBe('mental-map');
    expect(JSON.stringify(stageView(room))).not.toContain('stuck on names');
  });

  it('a slide saved before every step had notes keeps them, as the step’s notes', () => {
    const old = validateAgenda([{ id: 'w', type: 'slide', title: 'Welcome', durationSec: 0, config: { body: 'Hi', notes: 'Smile.' } }]);
    expect(old).toEqual({ ok: true, agenda: [{ id: 'w', type: 'slide', title: 'Welcome', durationSec: 0, config: { body: 'Hi' }, notes: 'Smile.' }] });
    // the step's own notes win, and blank notes are not kept
    const both = validateAgenda([{ id: 'w', type: 'slide', title: 'W', durationSec: 0, config: { notes: 'old' }, notes: ' new ' }]);
    expect(both.ok && both.agenda[0]?.notes).toBe('new');
    const blank = validateAgenda([{ id: 'w', type: 'slide', title: 'W', durationSec: 0, config: {}, notes: '  ' }]);
    expect(blank.ok && 'notes' in blank.agenda[0]!).toBe(false);
  });
});

describe('the facilitator edits the plan during the session', () => {
  it('changes to steps not yet run apply at once; steps already started stay as they were', () => {
    let room = run(workshop(), [{ type: 'next' }]);
    const [welcome, why, wrap] = room.agenda as [Step, Step, Step];
    const extra: Step = { id: 'map', type: 'mental-map', title: 'Map your allies', durationSec: 600, config: {} };
    room = run(room, [{ type: 'agenda.set', agenda: [welcome, extra, wrap, why] }]);
    expect(room.agenda.map((s) => s.id)).toEqual(['welcome', 'map', 'wrap', 'why']);
    expect(room.agenda[1]?.config).toMatchObject({ target: 5, minGroupSize: 3 }); // defaults filled in
    expect(run(room, [{ type: 'next' }]).agenda[1]?.title).toBe('Map your allies');

    expect(applyRoomCommand(room, { type: 'agenda.set', agenda: [why, welcome, wrap] }, 0)).toEqual({
      ok: false,
      error: 'Step 1 (Welcome) has already started; it cannot be changed, moved or removed.',
      why: { reason: 'AGENDA_STARTED', params: { step: 1 } }, // what the console words in its own language
    });
    expect(applyRoomCommand(room, { type: 'agenda.set', agenda: [{ ...welcome, title: 'Hi' }, wrap] }, 0).ok).toBe(false);
    expect(received(room, { type: 'agenda.set', agenda: [welcome, { ...wrap, type: 'poll' }] })).toEqual({
      ok: false,
      error: 'Step 2: unknown activity type "poll"',
    });
  });

  it('in the lobby the whole plan is open to change', () => {
    const room = workshop();
    const [welcome, why] = room.agenda as [Step, Step];
    expect(run(room, [{ type: 'agenda.set', agenda: [why, welcome] }]).agenda.map((s) => s.id)).toEqual(['why', 'welcome']);
  });
});

describe('agendas are checked before a room opens', () => {
  it('names the step and the problem', () => {
    const bad = checked([
      { id: 'a', type: 'slide', title: 'One', durationSec: 0, config: {} },
      { id: 'b', type: 'poll', title: 'Two', durationSec: 0, config: {} },
    ]);
    expect(bad).toEqual({ ok: false, error: 'Step 2: unknown activity type "poll"' });
    const dup = validateAgenda([
      { id: 'a', type: 'slide', title: 'One', durationSec: 0, config: {} },
      { id: 'a', type: 'slide', title: 'Two', durationSec: 0, config: {} },
    ]);
    expect(dup.ok).toBe(false);
    const big = validateAgenda([{ id: 'a', type: 'slide', title: 'One', durationSec: 0, config: { body: 'x'.repeat(5000) } }]);
    expect(big.ok === false && big.error).toMatch(/^Step 1 \(One\): body/);
  });
});

describe("the room's language", () => {
  const planned = (language?: unknown) =>
    NewRoomSchema.safeParse({
      title: 'Aliados',
      agenda: [{ id: 'hola', type: 'slide', title: 'Hola', config: {} }],
      ...(language === undefined ? {} : { language }),
    });

  it('is chosen when planning, and every screen learns it from the stage — also after a step change', () => {
    const room = planned('ar');
    if (!room.success) throw new Error(room.error.message);
    let state = createRoomState({ id: 'r', code: 'K7FQ3MXD', now: 0, room: room.data });
    expect(stageView(state).language).toBe('ar');
    state = run(state, [{ type: 'next' }]);
    expect(stageView(state)).toMatchObject({ index: 0, language: 'ar' });
  });

  it('is English when the plan names none, and English rooms do not spend bytes saying so', () => {
    const room = planned();
    if (!room.success) throw new Error(room.error.message);
    expect(room.data.language).toBe('en');
    expect('language' in stageView(createRoomState({ id: 'r', code: 'K7FQ3MXD', now: 0, room: room.data }))).toBe(false);
  });

  it('refuses a language Canopy does not speak', () => {
    expect(planned('xx').success).toBe(false);
  });
});
