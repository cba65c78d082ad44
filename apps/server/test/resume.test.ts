/**
 * People lose their connection, reload the page, press "join" twice: they must come back as the
 * same participant, see where the session is now, and never be counted twice.
 */
import { describe, expect, it, vi } from 'vitest';
import { useWorkshops, WAIT_MS, welcomed } from './support.js';

const { server, workshop } = useWorkshops();

describe('coming back to a room', () => {
  it('a participant who reloads the page comes back as the same person and sees the current step', async () => {
    const w = await workshop(await server());
    const ana = await w.join('Ana');
    await w.console.conn.command({ type: 'next' });
    await ana.conn.until((s) => s.stage?.index === 0, WAIT_MS);

    // The page goes away; the console sees Ana go offline; the session moves on without her.
    ana.conn.close();
    await w.console.conn.until((s) => s.roster.some((p) => p.id === ana.id && !p.online), WAIT_MS);
    expect((await w.console.conn.command({ type: 'goto', index: 2 })).ok).toBe(true);

    // Same token, new page.
    const again = w.connect(ana.token);
    const back = await welcomed(again.conn);
    expect(back.you).toMatchObject({ id: ana.id, nickname: 'Ana' });
    expect(again.welcome()?.you?.id).toBe(ana.id);
    expect(again.welcome()?.stage).toMatchObject({ index: 2, step: { id: 's3' } });

    // The console shows one Ana, online again, and the count did not move.
    const seen = await w.console.conn.until((s) => s.roster.some((p) => p.id === ana.id && p.online), WAIT_MS);
    expect(seen.roster).toHaveLength(1);
    await w.console.conn.sync();
    expect(w.console.conn.state.count).toEqual({ joined: 1 });
  });

  it('a participant whose network drops for a moment catches up on what they missed', async () => {
    const w = await workshop(await server());
    const ana = await w.join('Ana');
    await w.console.conn.command({ type: 'next' });
    await ana.conn.until((s) => s.stage?.index === 0, WAIT_MS);

    // The transport dies under the socket (not a clean leave): socket.io reconnects by itself.
    ana.conn.socket.io.engine.close();
    await ana.conn.until((s) => s.status === 'reconnecting', WAIT_MS);
    await w.console.conn.until((s) => s.roster.some((p) => p.id === ana.id && !p.online), WAIT_MS);
    const moved = await w.console.conn.command({ type: 'next' });
    expect(moved.ok).toBe(true);

    const caughtUp = await ana.conn.until((s) => s.status === 'connected' && s.stage?.index === 1, WAIT_MS);
    expect(caughtUp.you?.id).toBe(ana.id);
    expect(caughtUp.error).toBeNull();
    // Connection-state recovery replayed the missed step change instead of a fresh welcome.
    expect(ana.conn.socket.recovered).toBe(true);
    await w.console.conn.until((s) => s.roster.some((p) => p.id === ana.id && p.online), WAIT_MS);
  });

  it('a join sent twice with the same token is the same participant, and the count does not grow', async () => {
    const w = await workshop(await server());
    const ana = await w.join('Ana');

    // The answer to the first join was lost; the phone retries (even with an edited nickname).
    const retry = await w.api.rooms.join.mutate({ code: w.code, nickname: 'Ana B.', token: ana.token, deviceId: ana.deviceId });
    expect(retry.rejoined).toBe(true);
    expect(retry.participant).toMatchObject({ id: ana.id, nickname: 'Ana' });

    // Two taps at once from another phone: one participant.
    const ben = { token: 'ben-token-0123456789abcdefghij', deviceId: 'ben-device-01' };
    const [first, second] = await Promise.all([
      w.api.rooms.join.mutate({ code: w.code, nickname: 'Ben', ...ben }),
      w.api.rooms.join.mutate({ code: w.code, nickname: 'Ben', ...ben }),
    ]);
    expect(first.participant.id).toBe(second.participant.id);
    expect([first.rejoined, second.rejoined].sort()).toEqual([false, true]);

    await w.console.conn.sync();
    expect(w.console.conn.state.count).toEqual({ joined: 2 });
    expect(w.console.conn.state.roster.map((p) => p.nickname).sort()).toEqual(['Ana', 'Ben']);
    const joinedEvents = w.console.events.filter((e) => e.event === 'roster' && (e.args[0] as { type: string }).type === 'joined');
    expect(joinedEvents).toHaveLength(2);
    await ana.conn.until((s) => s.count.joined === 2, WAIT_MS);
  });

  it('the console, reconnecting, gets the full roster with who is online right now', async () => {
    const w = await workshop(await server());
    const [ana, ben, chloe] = [await w.join('Ana'), await w.join('Ben'), await w.join('Chloé')];
    await w.console.conn.until((s) => s.roster.length === 3 && s.roster.every((p) => p.online), WAIT_MS);

    ben.conn.close();
    await w.console.conn.until((s) => s.roster.some((p) => p.id === ben.id && !p.online), WAIT_MS);
    w.console.conn.close();

    const console2 = w.connect(w.facilitatorToken);
    const hello = await welcomed(console2.conn);
    expect(hello.role).toBe('facilitator');
    const byName = Object.fromEntries(hello.roster.map((p) => [p.nickname, p]));
    expect(Object.keys(byName).sort()).toEqual(['Ana', 'Ben', 'Chloé']);
    expect(byName.Ana).toMatchObject({ id: ana.id, online: true, removed: false });
    expect(byName.Ben).toMatchObject({ id: ben.id, online: false, removed: false });
    expect(byName['Chloé']).toMatchObject({ id: chloe.id, online: true, removed: false });
    expect(hello.count).toEqual({ joined: 3 });
  });

  it('a resync that crosses a step change never takes the screen back to the older step', async () => {
    const srv = await server();
    const w = await workshop(srv);
    const ana = await w.join('Ana');

    // Hold the server's answer to Ana's resync halfway: after it read the room, before it answers.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const halfway = new Promise<void>((r) => (reached = r));
    const getParticipant = srv.store.getParticipant.bind(srv.store);
    const spy = vi.spyOn(srv.store, 'getParticipant').mockImplementationOnce(async (...args) => {
      reached();
      await gate;
      return getParticipant(...args);
    });
    try {
      const resync = ana.conn.sync();
      await halfway;
      // Meanwhile the facilitator moves on, and Ana's screen follows.
      const moved = await w.console.conn.command({ type: 'next' });
      if (!moved.ok) throw new Error(moved.error.message);
      await ana.conn.until((s) => s.stage?.v === moved.version, WAIT_MS);
      // The resync answer, read before the step change, arrives after it.
      release();
      await resync;
      expect(ana.conn.state.stage?.v).toBe(moved.version);
      expect(ana.conn.state.stage?.index).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });
});
