import { describe, expect, it } from 'vitest';
import { applyRoomCommand, createRoomState, NewRoomSchema, stageChange, stageView, validateAgenda, type RoomCommand, type RoomState } from './room.js';
import { applySignal, lowerHand, signalsView, SIGNALS_STEP, type SignalPayload, type SignalRecord } from './signals.js';

function room(opts: { chimeOff?: boolean } = {}): RoomState {
  const parsed = NewRoomSchema.parse({
    title: 'Building allies',
    agenda: [
      { id: 'welcome', type: 'slide', title: 'Welcome', config: {} },
      { id: 'why', type: 'slide', title: 'Why allies matter', config: {} },
    ],
    ...opts,
  });
  const agenda = validateAgenda(parsed.agenda);
  if (!agenda.ok) throw new Error(agenda.error);
  return createRoomState({ id: 'room-1', code: 'K7FQ3MXD', now: 0, room: { ...parsed, agenda: agenda.agenda } });
}
const run = (state: RoomState, cmd: RoomCommand) => {
  const r = applyRoomCommand(state, cmd, 0);
  if (!r.ok) throw new Error(r.error);
  return r.state;
};
const apply = (prev: SignalRecord, signal: SignalPayload, state: RoomState, now = 1000) => {
  const r = applySignal(prev, signal, state, now);
  if (!r.ok) throw new Error(r.error);
  return r.record;
};

describe('"I\'m done" and raised hands', () => {
  it('"done" belongs to the run of the step it was said in; a hand stays up across steps, at the time it first went up', () => {
    let state = run(room(), { type: 'next' });
    let ada = apply({}, { type: 'done', done: true }, state);
    ada = apply(ada, { type: 'hand', raised: true }, state, 2000);
    ada = apply(ada, { type: 'hand', raised: true }, state, 3000);
    const everyone = new Set(['ada']);
    const mine = (s: RoomState) => signalsView(s, [{ scope: 'p:ada', value: ada }], everyone, { participantId: 'ada' }).mine;
    expect(mine(state)).toEqual({ done: true, hand: 2000 });

    state = run(state, { type: 'next' });
    expect(mine(state)).toEqual({ done: false, hand: 2000 });
    state = run(state, { type: 'prev' }); // the same step again is a new run of it
    expect(mine(state)).toEqual({ done: false, hand: 2000 });
    state = run(state, { type: 'goto', index: 0 });
    ada = apply(ada, { type: 'done', done: true }, state);
    expect(mine(state)).toEqual({ done: true, hand: 2000 });
    expect(mine(run(state, { type: 'goto', index: 0 }))?.done).toBe(false);
    expect(lowerHand(ada)).toEqual({ done: ada.done });
  });

  it('consoles see who in order, displays only counts; removed people do not count', () => {
    const state = run(room(), { type: 'next' });
    const records = [
      { scope: 'p:cy', value: apply(apply({}, { type: 'hand', raised: true }, state, 50), { type: 'done', done: true }, state, 90) },
      { scope: 'p:ada', value: apply({}, { type: 'done', done: true }, state, 10) },
      { scope: 'p:bo', value: apply({}, { type: 'hand', raised: true }, state, 20) },
      { scope: 'p:gone', value: apply({}, { type: 'hand', raised: true }, state, 1) },
    ];
    const active = new Set(['ada', 'bo', 'cy', 'di']);
    expect(signalsView(state, records, active, 'console')).toEqual({
      stepId: 'welcome',
      total: 4,
      done: 2,
      hands: 2,
      doneBy: [
        { participantId: 'ada', at: 10 },
        { participantId: 'cy', at: 90 },
      ],
      raised: [
        { participantId: 'bo', at: 20 },
        { participantId: 'cy', at: 50 },
      ],
    });
    expect(signalsView(state, records, active, 'display')).toEqual({ stepId: 'welcome', total: 4, done: 2, hands: 2 });
  });

  it('refuses "done" in the lobby and anything after the session; the signals step id is reserved', () => {
    expect(applySignal({}, { type: 'done', done: true }, room(), 0)).toMatchObject({ ok: false });
    expect(applySignal({}, { type: 'hand', raised: true }, room(), 0)).toMatchObject({ ok: true });
    expect(applySignal({}, { type: 'hand', raised: true }, run(room(), { type: 'close' }), 0)).toMatchObject({ ok: false });
    expect(validateAgenda([{ id: SIGNALS_STEP, type: 'slide', title: 'Sneaky', durationSec: 0, config: {} }])).toMatchObject({ ok: false });
  });

  it('the chime: muted from the console or from the start, and every screen knows', () => {
    const state = room();
    expect(stageView(state).chimeMuted).toBeUndefined();
    const muted = run(state, { type: 'chime', muted: true });
    expect(stageView(muted).chimeMuted).toBe(true);
    expect(stageChange(muted).chimeMuted).toBe(true);
    expect(stageView(run(muted, { type: 'chime', muted: false })).chimeMuted).toBeUndefined();
    expect(stageView(room({ chimeOff: true })).chimeMuted).toBe(true);
  });
});
