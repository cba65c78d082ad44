/**
 * The waiting room ("new joins need my approval") and the mark on someone who comes back after a
 * removal, on a server whose rooms live in Redis (a redis-server of this file's own), through the
 * SDK over real Socket.IO. A waiting person holds a token but sees nothing of the session, is
 * counted nowhere and can send nothing that acts; the facilitator lets them in (their phone moves
 * on to the step live) or refuses them (their phone says so and what was stored of them is gone).
 */
import { describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { importSealKey, newParticipantToken, newSealKey, randomId, seal } from '@canopy/client';
import type { RosterEntry } from '@canopy/core';
import { roomKeys } from '@canopy/store';
import { apiFailure, emitRaw, refused, useWorkshops, WAIT_MS, welcomed, type Workshop, useRedis } from './support.js';

const { server, workshop, connect } = useWorkshops();

const redis = useRedis();

/** A room on Redis with a welcome slide and the ally map (a step that takes answers). */
async function mapWorkshop(waitingRoom?: boolean): Promise<Workshop> {
  return workshop(await server({ REDIS_URL: redis.url }), {
    agenda: [
      { id: 'hello', type: 'slide', title: 'Welcome', durationSec: 0, config: {} },
      { id: 'map', type: 'mental-map', title: 'Map your allies', durationSec: 600, config: { minGroupSize: 1 } },
    ],
    ...(waitingRoom === undefined ? {} : { join: { waitingRoom } }),
  });
}

async function mapEntry(name: string) {
  const key = await importSealKey(await newSealKey());
  return { op: 'put', entry: { id: randomId(), label: await seal(key, name), sector: 'across', ring: 'ally', tags: [] } };
}

/** Someone joins by code; their phone connects and gets its first welcome (waiting or not). */
async function asksToJoin(w: Workshop, nickname: string, opts: { token?: string; deviceId?: string } = {}) {
  const token = opts.token ?? newParticipantToken();
  const res = await w.api.rooms.join.mutate({ code: w.code, nickname, token, deviceId: opts.deviceId ?? randomId() });
  const phone = w.connect(token);
  await welcomed(phone.conn);
  return { ...phone, id: res.participant.id, joined: res };
}

const rosterEntry = (w: Workshop, id: string): RosterEntry | undefined => w.console.conn.state.roster.find((p) => p.id === id);

describe('the waiting room', () => {
  it('a new person waits with no step content, uncounted and unable to act, until the facilitator lets them in live', async () => {
    const w = await mapWorkshop();
    const ana = await w.join('Ana'); // in before the waiting room is switched on
    expect((await w.console.conn.command({ type: 'waitingRoom', on: true })).ok).toBe(true);
    expect(w.console.conn.state.room?.join.waitingRoom).toBe(true);
    expect((await w.console.conn.command({ type: 'goto', index: 1 })).ok).toBe(true);

    const ben = await asksToJoin(w, 'Ben');
    expect(ben.joined.participant.waiting).toBe(true);
    // his phone: who he is and the room's name, nothing of the session
    const first = ben.conn.state;
    expect(first.waiting).toBe(true);
    expect(first.stage).toMatchObject({ title: 'Team retro', step: null, index: -1, total: 0 });
    expect(ben.welcome()).toMatchObject({ waiting: true, steps: [], count: { joined: 0 } });
    expect(ben.welcome()?.activity).toBeUndefined();

    // the console lists him live as waiting; nobody counts him
    const listed = await w.console.conn.until((s) => s.roster.some((p) => p.id === ben.id), WAIT_MS);
    expect(listed.roster.find((p) => p.id === ben.id)).toMatchObject({ nickname: 'Ben', waiting: true });
    // a console opened afterwards (the facilitator reloads) sees him waiting with his phone open
    const reloaded = w.connect(w.facilitatorToken);
    expect((await welcomed(reloaded.conn)).roster?.find((p) => p.id === ben.id)).toMatchObject({ waiting: true, online: true });
    reloaded.conn.close();
    const projector = w.connect(w.displayToken);
    expect((await welcomed(projector.conn)).count.joined).toBe(1);

    // every message that acts is refused by the server, whatever his screen shows
    const answer = await mapEntry('Maria');
    const tries = {
      submit: await emitRaw(ben.conn, 'submit', { stepId: 'map', submissionId: randomId(), input: answer }),
      outcomes: await emitRaw(ben.conn, 'outcomes:mine', {}),
      plan: await emitRaw(ben.conn, 'followUp:plan', {}),
      forgetMe: await emitRaw(ben.conn, 'forgetMe', { confirm: true }),
      command: await emitRaw(ben.conn, 'command', { cmd: { type: 'next' } }),
      admitHimself: await emitRaw(ben.conn, 'admit', { participantIds: [ben.id] }),
    };
    for (const [what, ack] of Object.entries(tries)) {
      expect(ack, what).toEqual({ ok: false, error: { code: 'WAITING', message: 'The facilitator will let you in shortly.' } });
    }
    // asking for the state again gives the same empty room
    const again = await emitRaw(ben.conn, 'sync');
    expect(again).toMatchObject({ ok: true, welcome: { waiting: true, steps: [], stage: { step: null } } });

    // the facilitator moves on: the room hears it, the waiting phone hears nothing of it
    expect((await w.console.conn.command({ type: 'phase', phase: 'reveal' })).ok).toBe(true);
    await ana.conn.until((s) => s.stage?.phase === 'reveal', WAIT_MS);
    expect(ben.received().filter((e) => ['stage', 'steps', 'count', 'activity', 'room', 'roster'].includes(e))).toEqual([]);
    expect(ben.conn.state.waiting).toBe(true);

    // Ana, let in before, resumes on a second device without waiting
    const again2 = await w.api.rooms.join.mutate({ code: w.code, nickname: 'Ana', token: ana.token, deviceId: ana.deviceId });
    expect(again2).toMatchObject({ rejoined: true, participant: { id: ana.id } });
    expect(again2.participant.waiting).toBeUndefined();
    const anaLaptop = w.connect(ana.token);
    expect((await welcomed(anaLaptop.conn)).stage?.step?.id).toBe('map');

    // let in: his phone moves on to the current step by itself, and his answers count
    expect(await w.console.conn.admit([ben.id])).toEqual({ ok: true, admitted: 1 });
    const inRoom = await ben.conn.until((s) => !s.waiting && s.stage?.step?.id === 'map' && s.status === 'connected', WAIT_MS);
    expect(inRoom.stage?.phase).toBe('reveal');
    expect(await ben.conn.submit('map', answer)).toMatchObject({ ok: true, rev: 1 });
    await w.console.conn.until((s) => s.roster.some((p) => p.id === ben.id && !p.waiting), WAIT_MS);
    await projector.conn.until((s) => s.count.joined === 2, WAIT_MS);
    // admitting again changes nothing
    expect(await w.console.conn.admit([ben.id])).toEqual({ ok: true, admitted: 0 });
  });

  it('refusing someone closes their phone with a clear answer and erases what was stored of them', async () => {
    const w = await mapWorkshop(true);
    const cara = await asksToJoin(w, 'Cara');
    const dev = await asksToJoin(w, 'Dev');
    expect(cara.conn.state.waiting).toBe(true);
    await w.console.conn.until((s) => s.roster.filter((p) => p.waiting).length === 2, WAIT_MS);

    expect(await w.console.conn.refuse(cara.id)).toEqual({ ok: true });
    const closed = await refused(cara.conn);
    expect(closed.error).toEqual({ code: 'NOT_ADMITTED', message: 'The facilitator did not let you into this room.' });
    await w.console.conn.until((s) => !s.roster.some((p) => p.id === cara.id), WAIT_MS);

    // nothing of her is left: her token opens nothing, the room does not list her, in Redis either
    const back = w.connect(cara.token);
    expect((await refused(back.conn)).error?.code).toBe('UNAUTHORIZED');
    const fresh = w.connect(w.facilitatorToken);
    expect((await welcomed(fresh.conn)).roster.map((p) => p.nickname)).toEqual(['Dev']);
    const admin = createClient({ url: redis.url });
    await admin.connect();
    try {
      const k = roomKeys(w.roomId);
      const stored = JSON.stringify([await admin.hGetAll(k.participants), await admin.hGetAll(k.pmeta), await admin.hGetAll(k.tokens)]);
      expect(stored).not.toContain('Cara');
      expect(stored).not.toContain(cara.id);
    } finally {
      await admin.close();
    }

    // refused once is refused: again, or someone not waiting, is no one waiting
    expect(await w.console.conn.refuse(cara.id)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // "Admit all": everyone the console lists as waiting
    expect(await w.console.conn.admit([dev.id, cara.id])).toEqual({ ok: true, admitted: 1 });
    await dev.conn.until((s) => !s.waiting && s.stage !== null && s.stage.total === 2, WAIT_MS);
    expect(await w.console.conn.refuse(dev.id)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('on two nodes: a phone waiting on one node is let in from a console on the other', async () => {
    const w = await mapWorkshop(true);
    const other = await server({ REDIS_URL: redis.url });
    const token = newParticipantToken();
    const res = await w.api.rooms.join.mutate({ code: w.code, nickname: 'Jo', token, deviceId: randomId() });
    const phone = connect(other.url, w.roomId, token);
    expect((await welcomed(phone.conn)).waiting).toBe(true);
    await w.console.conn.until((s) => s.roster.some((p) => p.id === res.participant.id && p.waiting), WAIT_MS);
    expect(await w.console.conn.command({ type: 'goto', index: 0 })).toMatchObject({ ok: true });
    expect(await w.console.conn.admit([res.participant.id])).toEqual({ ok: true, admitted: 1 });
    await phone.conn.until((s) => !s.waiting && s.stage?.step?.id === 'hello', WAIT_MS);
  });

  it('only the facilitator and co-host switch it, let people in or refuse them; malformed requests are refused clearly', async () => {
    const w = await mapWorkshop(true);
    const waiting = await asksToJoin(w, 'Eli');
    expect((await w.console.conn.command({ type: 'waitingRoom', on: false })).ok).toBe(true);
    const fay = await w.join('Fay'); // the waiting room is off: straight in
    expect(fay.conn.state.waiting).toBe(false);
    expect(fay.conn.state.stage?.total).toBe(2);
    const projector = w.connect(w.displayToken);
    await welcomed(projector.conn);

    for (const screen of [fay, projector]) {
      expect(await screen.conn.admit([waiting.id])).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await screen.conn.refuse(waiting.id)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await screen.conn.command({ type: 'waitingRoom', on: true })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(await emitRaw(w.console.conn, 'admit', { participantIds: 'everyone' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await emitRaw(w.console.conn, 'admit', { participantIds: [] })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await emitRaw(w.console.conn, 'refuse', { participantId: '../../x' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await emitRaw(w.console.conn, 'command', { cmd: { type: 'waitingRoom', on: 'yes' } })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    // still waiting (nothing above let them in); the co-host may
    expect(waiting.conn.state.waiting).toBe(true);
    const cohost = w.connect(w.cohostToken);
    await welcomed(cohost.conn);
    expect(await cohost.conn.admit([waiting.id])).toEqual({ ok: true, admitted: 1 });
    await waiting.conn.until((s) => !s.waiting && s.stage?.total === 2, WAIT_MS);
  });
});

describe('coming back after a removal', () => {
  it('someone removed who joins again under their name on a new device is marked on the console; others are not', async () => {
    const w = await mapWorkshop();
    const troll = await w.join('Gus Grim');
    expect((await w.console.conn.remove(troll.id)).ok).toBe(true);
    // the same device stays refused
    const sameDevice = await apiFailure(
      w.api.rooms.join.mutate({ code: w.code, nickname: 'Gus Grim', token: newParticipantToken(), deviceId: troll.deviceId }),
    );
    expect(sameDevice.code).toBe('REMOVED');

    // a fresh device and token, the name typed a little differently
    const back = await w.join('  gus   GRIM ');
    const marked = await w.console.conn.until((s) => s.roster.some((p) => p.id === back.id), WAIT_MS);
    expect(marked.roster.find((p) => p.id === back.id)).toMatchObject({ rejoin: true });
    const newcomer = await w.join('Hana');
    await w.console.conn.until((s) => s.roster.some((p) => p.id === newcomer.id), WAIT_MS);
    expect(rosterEntry(w, newcomer.id)?.rejoin).toBeUndefined();
    // a console opened later sees the mark too
    const later = w.connect(w.cohostToken);
    expect((await welcomed(later.conn)).roster.find((p) => p.id === back.id)?.rejoin).toBe(true);

    // what the room keeps to recognise the name: a keyed hash, never the name
    const admin = createClient({ url: redis.url });
    await admin.connect();
    try {
      const bans = await admin.sMembers(roomKeys(w.roomId).banned);
      expect(bans.filter((b) => b.startsWith('n:'))).toEqual([expect.stringMatching(/^n:[0-9a-f]{64}$/)]);
      expect(bans.join(' ').toLowerCase()).not.toContain('gus');
    } finally {
      await admin.close();
    }
  });

  it('with the waiting room on, the mark is there while they wait, and the facilitator can refuse them', async () => {
    const w = await mapWorkshop(true);
    const first = await asksToJoin(w, 'Ivo');
    expect(await w.console.conn.admit([first.id])).toEqual({ ok: true, admitted: 1 });
    await first.conn.until((s) => !s.waiting && s.stage?.total === 2, WAIT_MS);
    expect((await w.console.conn.remove(first.id)).ok).toBe(true);

    const again = await asksToJoin(w, 'Ivo');
    expect(again.conn.state.waiting).toBe(true);
    const seen = await w.console.conn.until((s) => s.roster.some((p) => p.id === again.id), WAIT_MS);
    expect(seen.roster.find((p) => p.id === again.id)).toMatchObject({ waiting: true, rejoin: true });
    expect(await w.console.conn.refuse(again.id)).toEqual({ ok: true });
    expect((await refused(again.conn)).error?.code).toBe('NOT_ADMITTED');
  });
});
