/**
 * Who gets into a room: the join form must not tell guessers which codes exist, must brake code
 * scanning per address, must keep "glitch" nicknames off the facilitator's screen, and must obey
 * the facilitator's lock, removals and participant cap.
 */
import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, CODE_LENGTH, formatCode } from '@canopy/core';
import { newParticipantToken, randomId } from '@canopy/client';
import { apiFailure, disconnected, postTrpc, refused, useWorkshops, WAIT_MS, welcomed } from './support.js';

const { server, workshop } = useWorkshops();

const NO_SUCH_ROOM = 'No open room matches that code. Check it with your facilitator.';

/** A well-formed code that is not `code` (so only the store can say it does not exist). */
function otherCode(code: string, n = 0): string {
  let out = '';
  for (let i = 0; i < CODE_LENGTH; i++) out += CODE_ALPHABET[(CODE_ALPHABET.indexOf(code[i]!) + 1 + n + i) % CODE_ALPHABET.length];
  return out;
}

describe('room codes', () => {
  it('unknown, locked and closed rooms all get the very same answer', async () => {
    const srv = await server();
    const open = await workshop(srv);
    const locked = await workshop(srv);
    const closed = await workshop(srv);
    expect((await locked.console.conn.command({ type: 'lock', locked: true })).ok).toBe(true);
    expect((await closed.console.conn.command({ type: 'close' })).ok).toBe(true);

    const answers = [];
    for (const code of [otherCode(open.code), formatCode(locked.code), closed.code.toLowerCase(), 'not a code', '']) {
      answers.push(await apiFailure(open.api.rooms.lookup.mutate({ code })));
      answers.push(await apiFailure(open.api.rooms.join.mutate({ code, nickname: 'Eve', token: newParticipantToken(), deviceId: randomId() })));
    }
    for (const a of answers) expect(a).toEqual({ code: 'NOT_FOUND', message: NO_SUCH_ROOM });
    // And over plain HTTP the status is the same too.
    const statuses = new Set<number>();
    for (const code of [otherCode(open.code), locked.code, closed.code]) statuses.add((await postTrpc(srv.url, 'rooms.lookup', { code })).status);
    expect([...statuses]).toEqual([404]);
  });

  it('a code scanner is blocked after a few wrong codes, even for the right code, while other addresses still join', async () => {
    const srv = await server({ JOIN_FAILURES_PER_10MIN: 5, TRUST_PROXY: true });
    const w = await workshop(srv);
    const scanner = { 'x-forwarded-for': '203.0.113.7' };
    for (let i = 0; i < 5; i++) {
      const miss = await postTrpc(srv.url, 'rooms.lookup', { code: otherCode(w.code, i) }, scanner);
      expect(miss, `guess ${i + 1}`).toMatchObject({ status: 404, code: 'NOT_FOUND', message: NO_SUCH_ROOM });
    }
    const blockedLookup = await postTrpc(srv.url, 'rooms.lookup', { code: w.code }, scanner);
    expect(blockedLookup).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(blockedLookup.message).toMatch(/^Too many attempts from this network\. Try again in \d+ s\.$/);
    const blockedJoin = await postTrpc(
      srv.url,
      'rooms.join',
      { code: w.code, nickname: 'Mallory', token: newParticipantToken(), deviceId: randomId() },
      scanner,
    );
    expect(blockedJoin).toMatchObject({ status: 429, code: 'RATE_LIMITED' });

    // Someone else, on another network, joins as usual.
    const colleague = await postTrpc(
      srv.url,
      'rooms.join',
      { code: w.code, nickname: 'Ana', token: newParticipantToken(), deviceId: randomId() },
      { 'x-forwarded-for': '198.51.100.20' },
    );
    expect(colleague).toMatchObject({ status: 200, data: { rejoined: false, participant: { nickname: 'Ana' } } });
    // The blocked scanner's count of joined people never moved.
    await w.console.conn.sync();
    expect(w.console.conn.state.count).toEqual({ joined: 1 });
  });

  it('a scanner cannot dodge the brake with a forged X-Forwarded-For when the server is not behind a proxy', async () => {
    const srv = await server({ JOIN_FAILURES_PER_10MIN: 3 });
    const w = await workshop(srv);
    for (let i = 0; i < 3; i++) {
      expect((await postTrpc(srv.url, 'rooms.lookup', { code: otherCode(w.code, i) }, { 'x-forwarded-for': `10.0.0.${i}` })).code).toBe('NOT_FOUND');
    }
    expect(await postTrpc(srv.url, 'rooms.lookup', { code: w.code }, { 'x-forwarded-for': '10.0.0.99' })).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect((await apiFailure(w.api.rooms.lookup.mutate({ code: w.code }))).code).toBe('RATE_LIMITED');
  });

  it('join attempts per minute are capped per address, right codes included', async () => {
    const w = await workshop(await server({ JOIN_RATE_PER_MIN: 3 }));
    for (let i = 0; i < 3; i++) expect((await w.api.rooms.lookup.mutate({ code: w.code })).roomId).toBe(w.roomId);
    expect(await apiFailure(w.api.rooms.lookup.mutate({ code: w.code }))).toMatchObject({ code: 'RATE_LIMITED' });
  });
});

describe('nicknames', () => {
  it('are normalized before anyone sees them: no bidi tricks, control characters, zalgo or endless names', async () => {
    const w = await workshop(await server());
    const cases: Array<[string, string]> = [
      ['\u202Eevil\u202C Ana', 'evil Ana'], // right-to-left override
      ['\u2067Ben\u2069\u200B\uFEFF', 'Ben'], // isolates, zero-width space, BOM
      ['Chl\u0000o\u0007\u001b[31m\u00e9\n\tX', 'Chl o [31mé X'], // NUL, bell, escape, newline, tab: each becomes a space, runs collapse
      [`Z${'\u0336'.repeat(300)}a${'\u0301\u0302\u0303\u0304'.repeat(50)}`, 'Z\u0336\u0336a\u0301\u0302'.normalize('NFC')], // combining flood
      ['Ｄａｖｅ', 'Dave'], // full-width letters (NFKC)
      ['   Eve    the   great   ', 'Eve the great'],
      ['👩🏽‍💻 Fay', '👩🏽‍💻 Fay'], // an emoji held together by zero-width joiners survives
      ['g'.repeat(1000), 'g'.repeat(32)], // capped at 32 characters
      ['🦊'.repeat(100), '🦊'.repeat(32)], // capped by characters people see, not code units
    ];
    const ids = new Map<string, string>();
    for (const [typed, shown] of cases) {
      const p = await w.join(typed);
      expect(p.nickname, JSON.stringify(typed.slice(0, 20))).toBe(shown);
      expect(p.welcome()?.you?.nickname).toBe(shown);
      ids.set(p.id, shown);
    }
    // What the console's roster receives.
    const roster = await w.console.conn.until((s) => s.roster.length === cases.length, WAIT_MS);
    for (const entry of roster.roster) expect(entry.nickname).toBe(ids.get(entry.id));
    for (const e of w.console.events.filter((x) => x.event === 'roster')) {
      expect(JSON.stringify(e.args)).not.toMatch(/\\u0000|\\u0007|\\u001b|\u202E|\u2067|\u200B/);
    }
  });

  it('a 10 KB nickname or one with nothing visible is refused, and nobody joins', async () => {
    const w = await workshop(await server());
    const huge = await apiFailure(w.api.rooms.join.mutate({ code: w.code, nickname: 'A'.repeat(10_240), token: newParticipantToken(), deviceId: randomId() }));
    expect(huge).toEqual({ code: 'BAD_REQUEST', message: 'nickname: Nickname is too long' });
    for (const nickname of ['', '   ', '\u202E\u200B\u2066', '\u0000\u0001']) {
      const empty = await apiFailure(w.api.rooms.join.mutate({ code: w.code, nickname, token: newParticipantToken(), deviceId: randomId() }));
      expect(empty, JSON.stringify(nickname)).toEqual({ code: 'BAD_REQUEST', message: 'nickname: Please enter a nickname' });
    }
    await w.console.conn.sync();
    expect(w.console.conn.state.roster).toEqual([]);
    expect(w.console.conn.state.count).toEqual({ joined: 0 });
  });
});

describe('department and level', () => {
  it('are required when the room asks, normalized like nicknames, and not kept when it does not ask', async () => {
    const srv = await server();
    const asking = await workshop(srv, {
      join: { askDepartment: true, askLevel: true, departments: ['Sales', 'R&D'], levels: ['Junior', 'Senior'], maxParticipants: 100 },
    });
    expect(await asking.api.rooms.lookup.mutate({ code: asking.code })).toMatchObject({
      askDepartment: true,
      askLevel: true,
      departments: ['Sales', 'R&D'],
      levels: ['Junior', 'Senior'],
    });
    const base = { code: asking.code, nickname: 'Ana', token: newParticipantToken(), deviceId: randomId() };
    expect(await apiFailure(asking.api.rooms.join.mutate(base))).toEqual({ code: 'BAD_REQUEST', message: 'Please say which department or team you are in.' });
    expect(await apiFailure(asking.api.rooms.join.mutate({ ...base, department: 'Sales' }))).toEqual({
      code: 'BAD_REQUEST',
      message: 'Please choose your level.',
    });
    const ana = await asking.api.rooms.join.mutate({ ...base, department: '  \u202ESales\u202C ', level: 'Ｓｅｎｉｏｒ' });
    expect(ana.participant).toMatchObject({ department: 'Sales', level: 'Senior' });
    const roster = await asking.console.conn.until((s) => s.roster.length === 1, WAIT_MS);
    expect(roster.roster[0]).toMatchObject({ nickname: 'Ana', department: 'Sales', level: 'Senior' });

    // A room that does not ask keeps nothing it was sent anyway.
    const plain = await workshop(srv);
    const ben = await plain.api.rooms.join.mutate({
      code: plain.code,
      nickname: 'Ben',
      department: 'Secret project',
      level: 'VP',
      token: newParticipantToken(),
      deviceId: randomId(),
    });
    expect(ben.participant).toMatchObject({ department: null, level: null });
  });
});

describe("the facilitator's door", () => {
  it('locking the room refuses new people while everyone inside stays and follows along', async () => {
    const w = await workshop(await server());
    const ana = await w.join('Ana');
    expect((await w.console.conn.command({ type: 'lock', locked: true })).ok).toBe(true);
    await ana.conn.until((s) => s.stage?.locked === true, WAIT_MS);

    expect(await apiFailure(w.api.rooms.join.mutate({ code: w.code, nickname: 'Late', token: newParticipantToken(), deviceId: randomId() }))).toEqual({
      code: 'NOT_FOUND',
      message: NO_SUCH_ROOM,
    });

    // Ana is still in: she follows the next step, and her own link still works after a reload.
    expect((await w.console.conn.command({ type: 'next' })).ok).toBe(true);
    await ana.conn.until((s) => s.stage?.index === 0, WAIT_MS);
    ana.conn.close();
    const reloaded = w.connect(ana.token);
    expect((await welcomed(reloaded.conn)).you?.id).toBe(ana.id);

    // Unlocked: the door opens again.
    expect((await w.console.conn.command({ type: 'lock', locked: false })).ok).toBe(true);
    const late = await w.join('Late');
    expect(late.welcome()?.stage).toMatchObject({ index: 0, locked: false });
  });

  it('someone whose join answer was lost can still retry it after the facilitator locks the room', async () => {
    const w = await workshop(await server());
    // The join reaches the server, but the answer never reaches the phone…
    const ana = { code: w.code, nickname: 'Ana', token: newParticipantToken(), deviceId: randomId() };
    const first = await w.api.rooms.join.mutate(ana);
    // …the facilitator locks the door, and the phone retries with the same token.
    expect((await w.console.conn.command({ type: 'lock', locked: true })).ok).toBe(true);
    const retry = await w.api.rooms.join.mutate(ana);
    expect(retry).toMatchObject({ rejoined: true, participant: { id: first.participant.id } });
  });

  it('a removed participant is told, disconnected, their link stops working, and their device cannot rejoin', async () => {
    const w = await workshop(await server());
    const ana = await w.join('Ana');
    const anaSecondTab = w.connect(ana.token);
    await welcomed(anaSecondTab.conn);
    const ben = await w.join('Ben');
    await w.console.conn.until((s) => s.count.joined === 2, WAIT_MS);
    const gone = [disconnected(ana.conn), disconnected(anaSecondTab.conn)];

    expect(await w.console.conn.remove(ana.id)).toEqual({ ok: true });

    // Ana sees why, in both tabs, and is disconnected.
    for (const tab of [ana, anaSecondTab]) {
      const s = await tab.conn.until((x) => x.status === 'failed', WAIT_MS);
      expect(s.error).toEqual({ code: 'REMOVED', message: 'The facilitator removed you from this room.' });
      expect(tab.received()).toContain('removed');
    }
    expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);

    // The console shows the removal; the count drops for everyone.
    const c = await w.console.conn.until((s) => s.roster.some((p) => p.id === ana.id && p.removed && !p.online) && s.count.joined === 1, WAIT_MS);
    expect(c.roster.find((p) => p.id === ben.id)).toMatchObject({ removed: false, online: true });
    await ben.conn.until((s) => s.count.joined === 1, WAIT_MS);

    // Her link no longer opens the room.
    const retry = w.connect(ana.token);
    expect((await refused(retry.conn)).error?.code).toBe('UNAUTHORIZED');
    // Joining again from the same device, with a fresh token or the old one, is refused.
    for (const token of [newParticipantToken(), ana.token]) {
      expect(await apiFailure(w.api.rooms.join.mutate({ code: w.code, nickname: 'Ana again', token, deviceId: ana.deviceId }))).toEqual({
        code: 'REMOVED',
        message: 'The facilitator removed you from this room.',
      });
    }
    // Removing twice is a no-op answer, not a crash; Ben never noticed any of it.
    expect(await w.console.conn.remove(ana.id)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(ben.conn.state.status).toBe('connected');
    expect(ben.received()).not.toContain('removed');
  });

  it('joins past the participant cap are refused as ROOM_FULL; people already in can still come back', async () => {
    const w = await workshop(await server(), { join: { askDepartment: false, askLevel: false, departments: [], levels: [], maxParticipants: 2 } });
    const ana = await w.join('Ana');
    const ben = await w.join('Ben');
    const chloe = { token: newParticipantToken(), deviceId: randomId() };
    expect(await apiFailure(w.api.rooms.join.mutate({ code: w.code, nickname: 'Chloé', ...chloe }))).toEqual({
      code: 'ROOM_FULL',
      message: 'This room is full.',
    });

    // Ana's phone retries its join: still the same Ana, not a third person.
    const again = await w.api.rooms.join.mutate({ code: w.code, nickname: 'Ana', token: ana.token, deviceId: ana.deviceId });
    expect(again).toMatchObject({ rejoined: true, participant: { id: ana.id } });

    // A seat frees up when someone is removed.
    expect((await w.console.conn.remove(ben.id)).ok).toBe(true);
    const seated = await w.api.rooms.join.mutate({ code: w.code, nickname: 'Chloé', ...chloe });
    expect(seated.rejoined).toBe(false);
    await w.console.conn.sync();
    expect(w.console.conn.state.count).toEqual({ joined: 2 });
  });
});
