/**
 * "My outcomes": a participant asks for what they take home from the session, and gets their own
 * map (sealed labels, as stored), their own answers next to the room's, their own group's notes —
 * never another participant's map or another group's notes — during the session and after it has
 * closed. Only participants may ask, and the payload is checked.
 */
import { describe, expect, it } from 'vitest';
import { importSealKey, newSealKey, seal } from '@canopy/client';
import type { MentalMapOwnView, MyOutcomes, PartnershipParticipantView, SelfAssessmentParticipantView, SelfAssessmentRoomView } from '@canopy/core';
import { emitRaw, useWorkshops, WAIT_MS, type ParticipantScreen, type Screen } from './support.js';

const { server, workshop } = useWorkshops();

const outcomesOf = async (s: Screen): Promise<MyOutcomes> => {
  const res = await s.conn.myOutcomes();
  if (!res.ok) throw new Error(`outcomes refused: ${res.error.message}`);
  return res.outcomes;
};
const stepOf = (o: MyOutcomes, id: string) => o.steps.find((s) => s.stepId === id);

describe('my outcomes', () => {
  it('a participant gets their own map, answers and group notes — never anyone else’s — during and after the session', async () => {
    const w = await workshop(await server(), {
      title: 'Allies at work',
      agenda: [
        { id: 'map', type: 'mental-map', title: 'Your ally map', durationSec: 0, config: {} },
        {
          id: 'self',
          type: 'self-assessment',
          title: 'How you build allies',
          durationSec: 0,
          config: { statements: [{ id: 'thanks', text: 'I thank people.' }], minGroupSize: 3 },
        },
        { id: 'meet', type: 'partnership', title: 'Partnership meetings', durationSec: 0, config: { groupSize: 2, rounds: 1 } },
        { id: 'end', type: 'slide', title: 'Thank you', durationSec: 0, config: { body: 'Bye' } },
      ],
    });
    const people: ParticipantScreen[] = [];
    for (const name of ['Ana', 'Ben', 'Chloé', 'Dev']) people.push(await w.join(name));
    const [ana, ben] = people as [ParticipantScreen, ParticipantScreen];

    // In the lobby nothing has run yet: no steps, but who they are and the workshop.
    const lobby = await outcomesOf(ana);
    expect(lobby).toMatchObject({ roomId: w.roomId, title: 'Allies at work', status: 'open', you: { id: ana.id, nickname: 'Ana' }, steps: [] });

    // The ally map: Ana and Ben each place people, with labels sealed by their own keys.
    await w.console.conn.command({ type: 'next' });
    await Promise.all(people.map((p) => p.conn.until((s) => s.activity?.stepId === 'map', WAIT_MS)));
    const anaKey = await importSealKey(await newSealKey());
    const benKey = await importSealKey(await newSealKey());
    const anaLabel = await seal(anaKey, 'Maria');
    const benLabel = await seal(benKey, 'Zoltan');
    expect(
      await ana.conn.submit('map', { op: 'put', entry: { id: 'ana-maria', label: anaLabel, sector: 'above', ring: 'ally', tags: ['trusted'] } }),
    ).toMatchObject({ ok: true });
    expect(await ben.conn.submit('map', { op: 'put', entry: { id: 'ben-zoltan', label: benLabel, sector: 'below', ring: 'core', tags: [] } })).toMatchObject({
      ok: true,
    });

    // The self-assessment: everyone answers; the facilitator moves on without showing the results.
    await w.console.conn.command({ type: 'next' });
    await Promise.all(people.map((p) => p.conn.until((s) => s.activity?.stepId === 'self', WAIT_MS)));
    for (const [i, p] of people.entries())
      expect(await p.conn.submit('self', { op: 'rate', statementId: 'thanks', value: i < 3 ? 4 : 2 })).toMatchObject({ ok: true });

    // Partnership meetings: pairs write notes.
    await w.console.conn.command({ type: 'next' });
    await Promise.all(people.map((p) => p.conn.until((s) => s.activity?.stepId === 'meet', WAIT_MS)));
    expect(await w.console.conn.act('meet', { type: 'start-round' })).toMatchObject({ ok: true });
    const group = (p: ParticipantScreen) =>
      p.conn
        .until((s) => (s.activity?.data as PartnershipParticipantView | undefined)?.group != null, WAIT_MS)
        .then((s) => (s.activity!.data as PartnershipParticipantView).group!);
    const anaGroup = await group(ana);
    const other = people.find((p) => !anaGroup.members.some((m) => m.id === p.id))!;
    expect(await ana.conn.submit('meet', { op: 'add-note', promptId: 'purpose', id: 'note-ana-1', text: 'We both want fewer surprises' })).toMatchObject({
      ok: true,
    });
    await group(other);
    expect(await other.conn.submit('meet', { op: 'add-note', promptId: 'purpose', id: 'note-oth-1', text: 'A secret of the other pair' })).toMatchObject({
      ok: true,
    });

    // During the session: Ana's outcomes hold the three steps run so far, each her own.
    const during = await outcomesOf(ana);
    expect(during.steps.map((s) => [s.stepId, s.current])).toEqual([
      ['map', false],
      ['self', false],
      ['meet', true],
    ]);
    const map = stepOf(during, 'map')!;
    expect(map).toMatchObject({ type: 'mental-map', title: 'Your ally map', phase: 'discuss' });
    expect((map.data as MentalMapOwnView).entries).toEqual([{ id: 'ana-maria', label: anaLabel, sector: 'above', ring: 'ally', tags: ['trusted'] }]);
    expect(JSON.stringify(during)).not.toContain(benLabel.ct);

    // The self-assessment is seen as it ended (its results phase): her answer next to the room's.
    const self = stepOf(during, 'self')!;
    expect(self.phase).toBe('results');
    expect((self.data as SelfAssessmentParticipantView).answers).toEqual([{ id: 'thanks', value: 4 }]);
    expect(self.config).toMatchObject({ statements: [{ id: 'thanks', text: 'I thank people.' }] }); // the texts come with the step
    expect((self.room as SelfAssessmentRoomView).statements[0]).toMatchObject({ id: 'thanks', answered: 4, counts: [0, 1, 0, 3, 0] });

    const meet = stepOf(during, 'meet')!.data as PartnershipParticipantView;
    expect(meet.notes.purpose!.map((n) => n.text)).toEqual(['We both want fewer surprises']);
    expect(JSON.stringify(during)).not.toContain('A secret of the other pair');
    // …and the other pair gets their own note, not Ana's.
    const theirs = await outcomesOf(other);
    expect((stepOf(theirs, 'meet')!.data as PartnershipParticipantView).notes.purpose!.map((n) => n.text)).toEqual(['A secret of the other pair']);
    expect(JSON.stringify(theirs)).not.toContain('fewer surprises');
    expect(JSON.stringify(theirs)).not.toContain(anaLabel.ct);

    // After the session has closed, the outcomes are still there (the slide has no view of its own).
    await w.console.conn.command({ type: 'next' });
    await w.console.conn.command({ type: 'close' });
    await ana.conn.until((s) => s.stage?.status === 'closed', WAIT_MS);
    const after = await outcomesOf(ana);
    expect(after.status).toBe('closed');
    expect(after.closedAt).toEqual(expect.any(Number));
    expect(after.steps.map((s) => s.stepId)).toEqual(['map', 'self', 'meet', 'end']);
    expect(stepOf(after, 'end')).toMatchObject({ data: null, title: 'Thank you' });
    expect((stepOf(after, 'map')!.data as MentalMapOwnView).entries.map((e) => e.id)).toEqual(['ana-maria']);
  });

  it('only participants may ask, and only with an empty request', async () => {
    const w = await workshop(await server());
    const ana = await w.join('Ana');
    const display = w.connect(w.displayToken);
    await display.conn.until((s) => s.status === 'connected' && s.stage !== null, WAIT_MS);
    expect(await w.console.conn.myOutcomes()).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', reason: 'NOT_ALLOWED', message: 'Only participants have outcomes of their own.' },
    });
    expect(await display.conn.myOutcomes()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // Asking for someone else's outcomes is not a thing the request can say.
    expect(await emitRaw(ana.conn, 'outcomes:mine', { participantId: 'someone-else-1' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await emitRaw(ana.conn, 'outcomes:mine', 'mine please')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await emitRaw(ana.conn, 'outcomes:mine', {})).toMatchObject({ ok: true, outcomes: { you: { id: ana.id } } });
  });
});
