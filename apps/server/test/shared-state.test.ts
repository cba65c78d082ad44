/**
 * The machinery every group activity stands on (partnership meetings, adversary pairs,
 * moderated answers), driven through the smallest use of it the product has — pairs meeting
 * and writing notes (partnership, one question): the facilitator forms the groups; members write
 * notes into their group's shared record; the server decides which group a note belongs to, shows
 * it live to that group only, and never loses one to a concurrent write. (Steps run only the
 * product's activities: a step's type is one of the registry's.)
 */
import { describe, expect, it } from 'vitest';
import type { PartnershipConsoleView, PartnershipInput, PartnershipParticipantView } from '@canopy/core';
import { randomId } from '@canopy/client';
import { useWorkshops, WAIT_MS, type ParticipantScreen } from './support.js';

const { server, workshop } = useWorkshops();
const view = (p: ParticipantScreen) => p.conn.state.activity?.data as PartnershipParticipantView | undefined;
const group = (p: ParticipantScreen) => view(p)?.group?.members.map((m) => m.id) ?? [];
const notes = (p: ParticipantScreen) => view(p)?.notes.talk ?? [];
const console_ = (s: ParticipantScreen['conn']['state']) => s.activity?.data as PartnershipConsoleView | undefined;
/** a note for the pair's one question (note ids are 6–40 characters) */
const note = (id: string, text: string): PartnershipInput => ({ op: 'add-note', promptId: 'talk', id: `note-${id}`, text });

async function huddleRoom() {
  const w = await workshop(await server(), {
    agenda: [
      {
        id: 'talk',
        type: 'partnership',
        title: 'Talk in pairs',
        durationSec: 0,
        config: { groupSize: 2, rounds: 1, prompts: [{ id: 'talk', title: 'What do you both want?', minutes: 5 }] },
      },
    ],
  });
  const people = [await w.join('Ana'), await w.join('Ben'), await w.join('Chloé'), await w.join('Dev')];
  await w.console.conn.command({ type: 'next' });
  await Promise.all(people.map((p) => p.conn.until((s) => s.stage?.step?.id === 'talk' && s.activity?.stepId === 'talk', WAIT_MS)));
  return { w, people };
}

/** the facilitator forms the pairs; resolves once everyone sees theirs */
async function formPairs(w: Awaited<ReturnType<typeof huddleRoom>>['w'], people: ParticipantScreen[]) {
  expect(await w.console.conn.act('talk', { type: 'start-round' })).toMatchObject({ ok: true });
  await Promise.all(people.map((p) => p.conn.until(() => group(p).length === 2, WAIT_MS)));
}

/** the one participant in `p`'s pair besides `p` */
const mateOf = (p: ParticipantScreen, people: ParticipantScreen[]) => people.find((x) => x.id !== p.id && group(p).includes(x.id))!;

describe('group work on shared records', () => {
  it('only the facilitator forms the groups; a retried action is applied once; everyone then sees their own group', async () => {
    const { w, people } = await huddleRoom();
    const [ana] = people as [ParticipantScreen];
    expect(await ana.conn.submit('talk', note('n1', 'hi'))).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'The groups are not formed yet. The facilitator will start the first round.' },
    });
    expect(await ana.conn.act('talk', { type: 'start-round' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await w.console.conn.act('talk', { type: 'nonsense' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });

    const actionId = randomId();
    expect(await w.console.conn.act('talk', { type: 'start-round' }, actionId)).toEqual({ ok: true, duplicate: false, rev: 1 });
    expect(await w.console.conn.act('talk', { type: 'start-round' }, actionId)).toEqual({ ok: true, duplicate: true, rev: 1 });

    // Everyone sees their own pair, and the pairs agree: the four make two pairs.
    await Promise.all(people.map((p) => p.conn.until(() => group(p).length === 2, WAIT_MS)));
    for (const p of people) {
      expect(group(p)).toContain(p.id);
      expect(group(mateOf(p, people)).sort()).toEqual(group(p).sort());
    }
    await w.console.conn.until((s) => console_(s)?.groups.length === 2, WAIT_MS);
    expect(console_(w.console.conn.state)?.round).toBe(1);
  });

  it("a note appears live on the group mates' screens and nowhere else; nobody can write into another group", async () => {
    const { w, people } = await huddleRoom();
    await formPairs(w, people);
    const [ana] = people as [ParticipantScreen];
    const ben = mateOf(ana, people);
    const [chloe, dev] = people.filter((p) => p !== ana && p !== ben) as [ParticipantScreen, ParticipantScreen];

    expect(await ana.conn.submit('talk', note('n1', 'We both want faster releases'))).toMatchObject({ ok: true });
    await ben.conn.until(() => notes(ben).length === 1, WAIT_MS);
    expect(notes(ben)[0]).toMatchObject({ id: 'note-n1', by: ana.id, text: 'We both want faster releases' });

    // Chloé "writes to Ana's pair" (the same note id): the server puts the note where Chloé belongs, in her own pair.
    expect(await chloe.conn.submit('talk', note('n1', 'mine'))).toMatchObject({ ok: true });
    await dev.conn.until(() => notes(dev).length === 1, WAIT_MS);
    await chloe.conn.sync();
    await ana.conn.sync();
    expect(notes(ana).map((n) => n.text)).toEqual(['We both want faster releases']);
    expect(notes(chloe).map((n) => n.text)).toEqual(['mine']);
    await w.console.conn.until((s) => console_(s)?.totals.notes === 2, WAIT_MS);
  });

  it('two members typing at the same time never lose a note', async () => {
    const { w, people } = await huddleRoom();
    await formPairs(w, people);
    const [ana] = people as [ParticipantScreen];
    const ben = mateOf(ana, people);

    const writes = [];
    for (let i = 0; i < 10; i++) {
      writes.push(ana.conn.submit('talk', note(`a${i}`, `Ana ${i}`)));
      writes.push(ben.conn.submit('talk', note(`b${i}`, `Ben ${i}`)));
    }
    expect((await Promise.all(writes)).filter((r) => !r.ok)).toEqual([]);
    await ana.conn.sync();
    expect(notes(ana)).toHaveLength(20);
    await w.console.conn.until((s) => console_(s)?.totals.notes === 20, WAIT_MS);
  });
});
