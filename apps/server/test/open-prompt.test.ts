/**
 * Open prompt with votes, end to end on a real server: people answer, the facilitator moderates
 * and opens the vote, people vote within their budget, the console ranks the entries with the
 * merged tallies, and no author's id reaches the projector or another participant's phone.
 */
import { describe, expect, it } from 'vitest';
import type { OpenPromptConsoleView, OpenPromptDisplayView, OpenPromptParticipantView } from '@canopy/core';
import { useWorkshops, WAIT_MS, type ParticipantScreen, type Screen } from './support.js';

const { server, workshop } = useWorkshops();
const mine = (p: ParticipantScreen) => p.conn.state.activity?.data as OpenPromptParticipantView | undefined;
const presented = <V>(s: Screen) => s.conn.state.activity?.data as V | undefined;

describe('open prompt with votes', () => {
  it('answer, moderate, vote within the budget, rank with merged tallies; authors stay anonymous', async () => {
    const w = await workshop(await server(), {
      agenda: [{ id: 'ideas', type: 'open-prompt', title: 'What makes an ally?', durationSec: 0, config: { votes: 2 } }],
    });
    const display = w.connect(w.displayToken);
    const people = [await w.join('Ana'), await w.join('Ben'), await w.join('Chloé')];
    const [ana, ben, chloe] = people as [ParticipantScreen, ParticipantScreen, ParticipantScreen];
    await w.console.conn.command({ type: 'next' });
    await Promise.all(people.map((p) => p.conn.until((s) => s.activity?.stepId === 'ideas', WAIT_MS)));

    expect(await ana.conn.submit('ideas', { op: 'answer', id: 'a1', text: 'Shares credit openly' })).toMatchObject({ ok: true });
    expect(await ana.conn.submit('ideas', { op: 'answer', id: 'a2', text: 'Keeps confidences' })).toMatchObject({ ok: true });
    expect(await ben.conn.submit('ideas', { op: 'answer', id: 'b1', text: 'shares  credit openly' })).toMatchObject({ ok: true });
    expect(await chloe.conn.submit('ideas', { op: 'answer', id: 'c1', text: 'Offers help before being asked' })).toMatchObject({ ok: true });
    expect(await chloe.conn.submit('ideas', { op: 'answer', id: 'c2', text: 'Buy my course!' })).toMatchObject({ ok: true });
    // Voting is not open yet.
    expect(await ben.conn.submit('ideas', { op: 'vote', entry: 'b1', count: 1 })).toMatchObject({ ok: false });

    const consoleView = () => presented<OpenPromptConsoleView>(w.console);
    await w.console.conn.until(() => consoleView()?.entries.length === 5, WAIT_MS);

    // Moderation: Ben's duplicate goes into Ana's entry; Chloé's advert is removed.
    expect(await w.console.conn.act('ideas', { type: 'merge', from: `${ben.id}.b1`, into: `${ana.id}.a1` })).toMatchObject({ ok: true });
    expect(await w.console.conn.act('ideas', { type: 'remove', entry: `${chloe.id}.c2` })).toMatchObject({ ok: true });
    expect(await w.console.conn.act('ideas', { type: 'merge', from: `${ana.id}.a2`, into: `${chloe.id}.c2` })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    await chloe.conn.until(() => mine(chloe)?.answers.find((a) => a.id === 'c2')?.removed === true, WAIT_MS);
    expect(mine(chloe)?.answers.find((a) => a.id === 'c1')?.removed).toBe(false);
    await ben.conn.until(() => mine(ben)?.answers[0]?.merged === true, WAIT_MS);

    expect(await w.console.conn.command({ type: 'phase', phase: 'vote' })).toMatchObject({ ok: true });
    expect(await w.console.conn.act('ideas', { type: 'open-vote' })).toMatchObject({ ok: true });
    // The ballot: the three visible entries, texts only.
    await Promise.all(people.map((p) => p.conn.until(() => mine(p)?.phase === 'vote' && mine(p)?.ballot.length === 3, WAIT_MS)));
    const ballot = mine(ben)!.ballot;
    expect(ballot.map((b) => b.text).sort()).toEqual(['Keeps confidences', 'Offers help before being asked', 'Shares credit openly']);
    for (const p of people) {
      const others = people.filter((o) => o !== p).map((o) => o.id);
      const phone = JSON.stringify(p.conn.state.activity?.data);
      for (const id of others) expect(phone).not.toContain(id);
    }
    const ballotId = (p: ParticipantScreen, text: string) => mine(p)!.ballot.find((b) => b.text === text)!.id;

    // Nobody votes for their own answer (Ben's duplicate now lives on as Ana's entry, so that one is not his).
    expect(
      mine(ana)!
        .ballot.filter((b) => b.mine)
        .map((b) => b.text)
        .sort(),
    ).toEqual(['Keeps confidences', 'Shares credit openly']);
    expect(mine(ben)!.ballot.some((b) => b.mine)).toBe(false);
    expect(await ana.conn.submit('ideas', { op: 'vote', entry: ballotId(ana, 'Keeps confidences'), count: 1 })).toMatchObject({ ok: false });
    expect(await ben.conn.submit('ideas', { op: 'vote', entry: ballotId(ben, 'Keeps confidences'), count: 1 })).toMatchObject({ ok: true });
    expect(await ben.conn.submit('ideas', { op: 'vote', entry: ballotId(ben, 'Offers help before being asked'), count: 1 })).toMatchObject({ ok: true });
    expect(await chloe.conn.submit('ideas', { op: 'vote', entry: ballotId(chloe, 'Shares credit openly'), count: 1 })).toMatchObject({ ok: true });
    expect(await chloe.conn.submit('ideas', { op: 'vote', entry: ballotId(chloe, 'Keeps confidences'), count: 1 })).toMatchObject({ ok: true });
    // Over budget (2 votes each): refused, with the reason.
    const over = await ben.conn.submit('ideas', { op: 'vote', entry: ballotId(ben, 'Shares credit openly'), count: 1 });
    expect(over).toMatchObject({ ok: false, error: { message: expect.stringContaining('2 votes') } });
    // One vote per answer; taking back a vote never given is harmless.
    expect(await ana.conn.submit('ideas', { op: 'vote', entry: ballotId(ana, 'Offers help before being asked'), count: 2 })).toMatchObject({ ok: false });
    expect(await chloe.conn.submit('ideas', { op: 'vote', entry: ballotId(chloe, 'Offers help before being asked'), count: 0 })).toMatchObject({ ok: true });
    expect(await ana.conn.submit('ideas', { op: 'vote', entry: ballotId(ana, 'Offers help before being asked'), count: 1 })).toMatchObject({ ok: true });
    await ben.conn.until(() => mine(ben)?.remaining === 0, WAIT_MS);
    expect(
      mine(ben)
        ?.ballot.filter((b) => b.myVotes > 0)
        .map((b) => b.text)
        .sort(),
    ).toEqual(['Keeps confidences', 'Offers help before being asked']);
    await chloe.conn.until(() => mine(chloe)?.remaining === 0, WAIT_MS);
    expect(mine(chloe)?.used).toBe(2);

    // The console: ranked, with the duplicate's entry summed into the kept one.
    await w.console.conn.until(() => consoleView()?.voted === 3, WAIT_MS);
    expect(consoleView()!.entries.map((e) => [e.text, e.votes, e.status])).toEqual([
      ['Keeps confidences', 2, 'visible'],
      ['Offers help before being asked', 2, 'visible'],
      ['Shares credit openly', 1, 'visible'],
      ['shares credit openly', 0, 'merged'],
      ['Buy my course!', 0, 'removed'],
    ]);

    // The projector: the ranked visible list, and no participant id anywhere.
    await display.conn.until(() => presented<OpenPromptDisplayView>(display)?.voted === 3, WAIT_MS);
    expect(presented<OpenPromptDisplayView>(display)!.entries).toEqual([
      { text: 'Keeps confidences', votes: 2 },
      { text: 'Offers help before being asked', votes: 2 },
      { text: 'Shares credit openly', votes: 1 },
    ]);
    const projector = JSON.stringify(display.conn.state.activity?.data);
    for (const p of people) expect(projector).not.toContain(p.id);
    expect(projector).not.toContain('Buy my course');

    // Hide everything from the projector.
    expect(await w.console.conn.act('ideas', { type: 'hide' })).toMatchObject({ ok: true });
    await display.conn.until(() => presented<OpenPromptDisplayView>(display)?.hidden === true, WAIT_MS);
    expect(presented<OpenPromptDisplayView>(display)!.entries).toEqual([]);
  });
});
