/**
 * The plan, tied together (issue #16): while the commitments step runs, a person names someone
 * who is not on their ally map yet as a commitment's "whom", and their map gains that person —
 * appended to their own record in the room's past map step, label sealed. They keep sealed notes
 * on the people of their map (their goals, how I can help, what was given and received). After
 * the session their plan page adds a commitment, which the next check-in can mark. Only their own
 * records, only the room's map step, within the map's size; Redis never holds a name or a note.
 */
import { describe, expect, it } from 'vitest';
import { importSealKey, newSealKey, seal } from '@canopy/client';
import { WEEK_MS, type PlanEditInput, type PlanView } from '@canopy/core';
import { dumpRedis } from '@canopy/store/testing';
import { emitRaw, useWorkshops, type Screen, useRedis } from './support.js';

const { server, workshop } = useWorkshops();

const redis = useRedis();

/** What Ana types: none of it may reach the server in clear. */
const TYPED = {
  mapped: 'Hélène Marchetti',
  newcomer: 'Kwabena Asante-Oduro',
  later: 'Sigrún Þórsdóttir',
  goals: 'Wants to lead the Lisbon launch',
  help: 'Introduce her to our data team',
  given: 'Reviewed her budget deck',
  received: 'Gave me the Q3 hiring plan early',
};

async function edited(s: Screen, edit: PlanEditInput, submissionId?: string): Promise<PlanView> {
  const res = await s.conn.editPlan(edit, submissionId);
  if (!res.ok) throw new Error(`edit refused: ${res.error.message}`);
  return res.plan;
}

describe('the plan, tied together', () => {
  it('a new "whom" joins the map, notes are kept sealed, a commitment is added after the session; Redis holds no name or note', async () => {
    let now = Date.now();
    const srv = await server({ REDIS_URL: redis.url }, { now: () => now });
    const w = await workshop(srv, {
      title: 'Allies in practice',
      agenda: [
        { id: 'map', type: 'mental-map', title: 'Your ally map', durationSec: 0, config: { maxEntries: 3 } },
        { id: 'commit', type: 'commitments', title: 'Follow-ups', durationSec: 0, config: {} },
      ],
      followUp: { weeks: [2] },
    });
    const ana = await w.join('Ana');
    const ben = await w.join('Ben');
    const key = await importSealKey(await newSealKey());
    const sealed = (t: string) => seal(key, t);
    const command = async (cmd: Parameters<Screen['conn']['command']>[0]) => expect(await w.console.conn.command(cmd)).toMatchObject({ ok: true });

    await command({ type: 'next' }); // the map
    const mapped = { id: 'mapped-aaaa', label: await sealed(TYPED.mapped), sector: 'above' as const, ring: 'colleague' as const, tags: [] };
    expect(await ana.conn.submit('map', { op: 'put', entry: mapped })).toMatchObject({ ok: true });
    await command({ type: 'next' }); // the commitments: the map step is past

    // Ana's commitment is about someone not on her map: her phone adds them to it first
    const newcomer = {
      id: 'newcomer-aa',
      label: await sealed(TYPED.newcomer),
      sector: 'across' as const,
      ring: 'contact' as const,
      tags: ['uncontacted' as const],
    };
    const plan = await edited(ana, { op: 'person', entry: newcomer }, 'add-newcomer-1');
    expect(plan.basis.map?.entries.map((e) => e.id)).toEqual(['mapped-aaaa', 'newcomer-aa']);
    const record = await srv.store.getRecord(w.roomId, 'map', `p:${ana.id}`);
    expect((JSON.parse(record!.value) as { entries: Array<{ id: string }> }).entries.map((e) => e.id)).toEqual(['mapped-aaaa', 'newcomer-aa']);
    // the map step's counters moved as if she had placed them in the room
    expect((await srv.store.getCounters(w.roomId, 'map'))['cell:across:contact']).toBe(1);
    // sent again (a retry): saved once
    expect(await ana.conn.editPlan({ op: 'person', entry: newcomer }, 'add-newcomer-1')).toMatchObject({ ok: true, duplicate: true });

    // notes on someone of her map: their goals, how she can help, what was given and received
    const notes = {
      goals: await sealed(TYPED.goals),
      help: await sealed(TYPED.help),
      given: await sealed(TYPED.given),
      received: await sealed(TYPED.received),
    };
    const noted = await edited(ana, { op: 'notes', entryId: 'mapped-aaaa', notes });
    expect(noted.record.notes?.['mapped-aaaa']).toEqual(notes);

    // only her own plan, only people of her map, only the map's size; commitments go through the step while it runs
    expect(await ben.conn.editPlan({ op: 'notes', entryId: 'mapped-aaaa', notes })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: 'That person is not on your map.' },
    });
    expect(await emitRaw(w.console.conn, 'followUp:edit', { submissionId: 'facilitator-1', edit: { op: 'person', entry: newcomer } })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(
      await emitRaw(ana.conn, 'followUp:edit', { submissionId: 'bad-label-1', edit: { op: 'person', entry: { ...newcomer, label: TYPED.later } } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    await edited(ana, { op: 'person', entry: { ...newcomer, id: 'third-aaaa' } });
    expect(await ana.conn.editPlan({ op: 'person', entry: { ...newcomer, id: 'fourth-aaa' } })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: 'A map holds at most 3 people.' },
    });
    const item = { id: 'commit-late', whom: await sealed(TYPED.later), what: await sealed('Coffee'), start: '2027-01-10', cadence: 'once' as const };
    expect(await ana.conn.editPlan({ op: 'commitment', item })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    // after the session: a commitment added on the plan page, then marked at the check-in
    await command({ type: 'close' });
    const after = await edited(ana, { op: 'commitment', item });
    expect(after.basis.commitments.map((c) => c.id)).toEqual(['commit-late']);
    now += 2 * WEEK_MS + 3_600_000;
    expect(await ana.conn.checkIn({ index: 0, commitments: [{ id: 'commit-late', state: 'kept' }] })).toMatchObject({ ok: true });
    const kept = await ana.conn.plan();
    expect(kept.ok && kept.plan.record.commitments?.map((c) => c.id)).toEqual(['commit-late']);
    expect(kept.ok && kept.plan.record.notes?.['mapped-aaaa']).toEqual(notes);

    // a scan of everything Redis holds: no name and no note in clear
    const everything = await dumpRedis(redis.server);
    expect(everything).toContain('commit-late');
    for (const t of Object.values(TYPED)) expect(everything).not.toContain(t);
  });
}, 60_000);
