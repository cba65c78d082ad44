/**
 * The everyday story: a facilitator opens a room, people join with the code, and every screen
 * follows the steps. Real server, real Socket.IO clients through the SDK.
 */
import { describe, expect, it } from 'vitest';
import { formatCode } from '@canopy/core';
import { EVERY_ACTIVITY_AGENDA } from './every-activity.js';
import { allUntil, apiFailure, slides, useWorkshops, WAIT_MS, welcomed } from './support.js';

const { server, workshop } = useWorkshops();

describe('a workshop room', () => {
  it('a facilitator opens a room, three participants join, and everyone follows the steps', async () => {
    const w = await workshop(await server(), { title: 'Quarterly retro', agenda: slides([300, 600, 120]) });

    // The code as a person might type it on a phone: lower case, with the dash shown on the projector.
    const typed = formatCode(w.code).toLowerCase();
    expect(typed).toMatch(/^[a-z0-9]{4}-[a-z0-9]{4}$/);
    const found = await w.api.rooms.lookup.mutate({ code: typed });
    expect(found).toEqual({
      roomId: w.roomId,
      code: formatCode(w.code),
      title: 'Quarterly retro',
      askDepartment: false,
      askLevel: false,
      departments: [],
      levels: [],
    });

    // The console's welcome: the whole room, an empty roster, the lobby.
    const consoleHello = w.console.welcome()!;
    expect(consoleHello.role).toBe('facilitator');
    expect(consoleHello.room?.id).toBe(w.roomId);
    expect(consoleHello.room?.agenda.map((s) => s.id)).toEqual(['s1', 's2', 's3']);
    expect(consoleHello.roster).toEqual([]);
    expect(consoleHello.you).toBeUndefined();
    expect(consoleHello.stage).toMatchObject({ index: -1, total: 3, step: null, title: 'Quarterly retro', status: 'open', locked: false });
    expect(consoleHello.count).toEqual({ joined: 0 });

    // The projector.
    const display = w.connect(w.displayToken);
    await welcomed(display.conn);
    const displayHello = display.welcome()!;
    expect(displayHello.role).toBe('display');
    expect(displayHello.stage.index).toBe(-1);
    expect(displayHello.count).toEqual({ joined: 0 });
    expect(displayHello).not.toHaveProperty('room');
    expect(displayHello).not.toHaveProperty('roster');
    expect(displayHello).not.toHaveProperty('you');

    // Three people join with the typed code.
    const people = [];
    for (const nickname of ['Ana', 'Ben', 'Chloé']) people.push(await w.join(nickname, { code: typed }));
    for (const p of people) {
      const hello = p.welcome()!;
      expect(hello.role).toBe('participant');
      expect(hello.you).toMatchObject({ id: p.id, nickname: p.nickname, removed: false });
      expect(hello.stage.index).toBe(-1);
      expect(hello).not.toHaveProperty('room');
      expect(hello).not.toHaveProperty('roster');
    }

    // The console sees them arrive, online, and everyone sees the count.
    const roster = await w.console.conn.until((s) => s.roster.length === 3 && s.roster.every((p) => p.online), WAIT_MS);
    expect(roster.roster.map((p) => p.nickname).sort()).toEqual(['Ana', 'Ben', 'Chloé']);
    expect(roster.roster.map((p) => p.id).sort()).toEqual(people.map((p) => p.id).sort());
    await allUntil([w.console, display, ...people], (s) => s.count.joined === 3);

    // The facilitator moves through the agenda; every screen follows.
    const everyone = [w.console, display, ...people];
    const steps: Array<[Parameters<typeof w.console.conn.command>[0], number]> = [
      [{ type: 'next' }, 0],
      [{ type: 'goto', index: 2 }, 2],
      [{ type: 'prev' }, 1],
      [{ type: 'goto', index: -1 }, -1],
      [{ type: 'next' }, 0],
    ];
    let version = consoleHello.room!.version;
    for (const [cmd, index] of steps) {
      const ack = await w.console.conn.command(cmd);
      expect(ack).toEqual({ ok: true, version: version + 1 });
      version += 1;
      const states = await allUntil(everyone, (s) => s.stage?.v === version);
      for (const s of states) {
        expect(s.stage?.index).toBe(index);
        expect(s.stage?.step?.id ?? null).toBe(index < 0 ? null : `s${index + 1}`);
      }
    }

    // Participants see the slide, not the facilitator's notes; the console's room record has them.
    const onPhone = people[0]!.conn.state.stage!.step!;
    expect(onPhone).toMatchObject({ id: 's1', type: 'slide', title: 'Slide 1', config: { body: 'Body of slide 1' } });
    expect(JSON.stringify(people[0]!.events)).not.toContain('Facilitator notes');
    expect(JSON.stringify(display.events)).not.toContain('Facilitator notes');
    expect(w.console.conn.state.room?.agenda[0]?.notes).toBe('Facilitator notes 1');
    expect(w.console.conn.state.room?.version).toBe(version);

    // Console-only events never reach participants or the projector.
    for (const screen of [display, ...people]) {
      expect(screen.received()).not.toContain('room');
      expect(screen.received()).not.toContain('roster');
    }
    expect(w.console.received()).toContain('room');
    expect(w.console.received()).toContain('roster');
  });

  it('every step’s notes reach the console and the co-host only: on every kind of activity, never a phone or the display', async () => {
    const agenda = EVERY_ACTIVITY_AGENDA.map((s, i) => ({ ...s, notes: `Script ${i + 1}: only for the facilitator` }));
    const w = await workshop(await server(), { title: 'Notes', agenda });
    const cohost = w.connect(w.cohostToken);
    await welcomed(cohost.conn);
    const display = w.connect(w.displayToken);
    await welcomed(display.conn);
    const ana = await w.join('Ana');
    for (let i = 0; i < agenda.length; i++) {
      expect(await w.console.conn.command({ type: 'goto', index: i })).toMatchObject({ ok: true });
      await allUntil([display, ana, cohost], (s) => s.stage?.index === i && s.stage.step?.id === agenda[i]!.id);
    }
    // both consoles hold every step's notes, and show them from the room record
    for (const c of [w.console, cohost]) expect(c.conn.state.room?.agenda.map((s) => s.notes)).toEqual(agenda.map((s) => s.notes));
    for (const screen of [display, ana]) expect(JSON.stringify(screen.events)).not.toContain('only for the facilitator');
  });

  it('refuses to go before the lobby or past the last step, with a message the facilitator can read', async () => {
    const w = await workshop(await server(), { agenda: slides([0, 0]) });
    expect(await w.console.conn.command({ type: 'prev' })).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'Already in the lobby.' } });
    expect(await w.console.conn.command({ type: 'goto', index: 1 })).toMatchObject({ ok: true });
    expect(await w.console.conn.command({ type: 'next' })).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'This is the last step.' } });
    expect(await w.console.conn.command({ type: 'goto', index: 2 })).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'There is no step 3.' } });
    await w.console.conn.sync();
    expect(w.console.conn.state.stage?.index).toBe(1);
  });

  it('a co-host runs the room from a second console, and a stale console is told the room moved on', async () => {
    const w = await workshop(await server());
    const cohost = w.connect(w.cohostToken);
    const hello = await welcomed(cohost.conn);
    expect(hello.role).toBe('cohost');
    expect(hello.room?.id).toBe(w.roomId);
    expect(hello.roster).toEqual([]);

    const seen = w.console.conn.state.room!.version;
    expect(await cohost.conn.command({ type: 'next' }, seen)).toEqual({ ok: true, version: seen + 1 });
    await w.console.conn.until((s) => s.stage?.index === 0, WAIT_MS);

    // The facilitator clicks with the version they saw before the co-host's click.
    const stale = await w.console.conn.command({ type: 'next' }, seen);
    expect(stale).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await w.console.conn.sync();
    expect(w.console.conn.state.stage?.index).toBe(0);
    expect(w.console.conn.state.room?.version).toBe(seen + 1);
  });

  it('a room is created only from a valid agenda', async () => {
    const w = await workshop(await server());
    const unknownType = await apiFailure(
      // as a client that does not know Canopy's activities sends it (the typed client would not let it through)
      w.api.rooms.create.mutate({ title: 'X', agenda: JSON.parse('[{ "id": "a", "type": "karaoke", "title": "Sing", "durationSec": 0, "config": {} }]') }),
    );
    expect(unknownType).toEqual({ code: 'BAD_REQUEST', message: 'Step 1: unknown activity type "karaoke"' });
    const duplicate = await apiFailure(w.api.rooms.create.mutate({ title: 'X', agenda: [...slides([0]), ...slides([0])] }));
    expect(duplicate).toEqual({ code: 'BAD_REQUEST', message: 'Step 2: duplicate id "s1"' });
    const empty = await apiFailure(w.api.rooms.create.mutate({ title: 'X', agenda: [] }));
    expect(empty.code).toBe('BAD_REQUEST');
  });
});
