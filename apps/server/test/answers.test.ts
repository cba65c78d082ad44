/**
 * How any activity's answers travel (here through the ally map): acknowledged only once stored,
 * applied once however often they are retried, refused when the step is not taking answers, and
 * shown on every screen the participant has open.
 */
import { describe, expect, it } from 'vitest';
import { importSealKey, newSealKey, randomId, seal } from '@canopy/client';
import type { MentalMapOwnView, MentalMapPresenterView } from '@canopy/core';
import { emitRaw, useWorkshops, WAIT_MS } from './support.js';

const { server, workshop } = useWorkshops();

async function mapWorkshop() {
  const w = await workshop(await server(), {
    agenda: [
      { id: 'hello', type: 'slide', title: 'Welcome', durationSec: 0, config: {} },
      { id: 'map', type: 'mental-map', title: 'Map your allies', durationSec: 600, config: { minGroupSize: 1 } },
    ],
  });
  const key = await importSealKey(await newSealKey());
  const entry = async (id: string, name: string, ring: 'ally' | 'contact' = 'ally') => ({
    op: 'put',
    entry: { id, label: await seal(key, name), sector: 'across', ring, tags: [] },
  });
  return { w, entry };
}

describe('answers', () => {
  it("a participant's phone and laptop stay in step: a person mapped on one appears on the other", async () => {
    const { w, entry } = await mapWorkshop();
    const phone = await w.join('Ana');
    const laptop = w.connect(phone.token);
    await laptop.conn.until((s) => s.you?.id === phone.id, WAIT_MS);
    await w.console.conn.command({ type: 'goto', index: 1 });
    await phone.conn.until((s) => s.stage?.step?.id === 'map' && s.activity?.stepId === 'map', WAIT_MS);

    expect(await phone.conn.submit('map', await entry('person01', 'Maria'))).toMatchObject({ ok: true, duplicate: false, rev: 1 });
    const seen = await laptop.conn.until((s) => (s.activity?.data as MentalMapOwnView | undefined)?.entries.length === 1, WAIT_MS);
    expect(seen.activity?.rev).toBe(1);
  });

  it('an answer retried after a lost acknowledgement is stored once and counted once', async () => {
    const { w, entry } = await mapWorkshop();
    const ana = await w.join('Ana');
    await w.console.conn.command({ type: 'goto', index: 1 });
    await ana.conn.until((s) => s.stage?.step?.id === 'map', WAIT_MS);

    const submissionId = randomId();
    const answer = await entry('person01', 'Maria');
    const first = await ana.conn.submit('map', answer, submissionId);
    const again = await ana.conn.submit('map', answer, submissionId);
    expect(first).toMatchObject({ ok: true, duplicate: false, rev: 1 });
    expect(again).toMatchObject({ ok: true, duplicate: true, rev: 1 });

    // A different answer about the same person (moved to another ring) is a new revision, not a new person.
    expect(await ana.conn.submit('map', await entry('person01', 'Maria', 'contact'))).toMatchObject({ ok: true, rev: 2 });
    const view = await w.console.conn.until((s) => (s.activity?.data as MentalMapPresenterView | undefined)?.cells?.across.contact === 1, WAIT_MS);
    const cells = (view.activity!.data as MentalMapPresenterView).cells!;
    expect(cells.across.ally).toBeNull(); // moved away: nobody there any more
  });

  it('answers are refused, with a reason, when the step takes none, is over, or the answer is malformed', async () => {
    const { w, entry } = await mapWorkshop();
    const ana = await w.join('Ana');
    await w.console.conn.command({ type: 'goto', index: 0 });
    await ana.conn.until((s) => s.stage?.step?.id === 'hello', WAIT_MS);
    expect(await ana.conn.submit('hello', { anything: true })).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'This step takes no answers.' } });
    expect(await ana.conn.submit('map', await entry('person01', 'Maria'))).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    await w.console.conn.command({ type: 'next' });
    await ana.conn.until((s) => s.stage?.step?.id === 'map', WAIT_MS);
    const plain = await ana.conn.submit('map', { op: 'put', entry: { id: 'person01', label: 'Maria Lopez', sector: 'across', ring: 'ally', tags: [] } });
    expect(plain).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('entry.label') } });
    expect(await emitRaw(ana.conn, 'submit', { stepId: 'map', submissionId: 'x', input: {} })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });

    // The console and the display cannot answer on anyone's behalf.
    expect(await w.console.conn.submit('map', await entry('person02', 'Joe'))).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
