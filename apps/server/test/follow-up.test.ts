/**
 * After the room (issue #16): a whole workshop with every activity runs and ends with check-ins
 * at 2, 6 and 12 weeks. The server's clock is moved through the weeks (an injected clock, as only
 * tests do). At each check-in people reopen their plan with their personal token alone and check
 * in — notes and new names sealed on their device — and after every check-in a scan of everything
 * Redis holds finds none of those names or notes. The facilitator sees the room's effect with a
 * small-group figure hidden and downloads the impact report (PDF, CSV, JSON against its published
 * schema) holding no name and no note. A person deletes their plan; after the last check-in plus
 * the retention time the room is gone.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'csv-parse/sync';
import { createClient } from 'redis';
import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { importSealKey, seal } from '@canopy/client';
import { DAY_MS, WEEK_MS, type CheckInInput, type ImpactData, type ImpactFigures, type PlanView } from '@canopy/core';
import { MemoryRoomStore } from '@canopy/store';
import { dumpRedis } from '@canopy/store/testing';
import { PEOPLE, runEveryActivitySession } from './every-activity.js';
import { emitRaw, nextEvent, useWorkshops, welcomed, type Screen, useRedis } from './support.js';

const run = promisify(execFile);
const { server, connect } = useWorkshops();

const redis = useRedis();

/** What people type after the session: none of it may reach the server in clear. */
const NOTES = ['Had coffee with Hélène, she offered to review my plan', 'Kwame was travelling, try again', 'Sent the roadmap to 王芳芳'];
const NEW_NAMES = ['Sigrún Þórsdóttir', 'Bartholomew Ng', 'Anaïs Lefèvre-Okafor'];

async function planOf(s: Screen): Promise<PlanView> {
  const res = await s.conn.plan();
  if (!res.ok) throw new Error(`plan refused: ${res.error.message}`);
  return res.plan;
}

/** One person's check-in as their browser makes it: notes and new names sealed with their key. */
async function answer(plan: PlanView, key: string, i: number): Promise<CheckInInput> {
  const k = await importSealKey(key);
  const moved = plan.basis.map!.entries[0]!;
  return {
    index: plan.open!.index,
    commitments: plan.basis.commitments.map((c) => ({ id: c.id, state: i < 2 ? ('kept' as const) : ('not-yet' as const) })),
    map: {
      put: [
        { ...moved, ring: 'core' as const, tags: [] },
        { id: `new-${i}-aaaa`, label: await seal(k, NEW_NAMES[i]!), sector: 'outside' as const, ring: 'contact' as const, tags: [] },
      ],
      remove: [],
    },
    ratings: { help: 5 },
    partnerships: plan.basis.partnerships.map((p) => ({ id: p.id, met: i !== 1 })),
  };
}

describe('after the room: plans, check-ins and the room’s effect', () => {
  it('three people check in over twelve weeks with their link alone; Redis never holds a typed name or note; the impact report holds none', async () => {
    let now = Date.now();
    const srv = await server({ REDIS_URL: redis.url }, { now: () => now });
    const session = await runEveryActivitySession(srv.url, { followUp: { weeks: [2, 6, 12] } });
    session.close();
    const ended = now;

    // the session is over; each person comes back later with their personal link only
    const people = session.participantTokens.map((t) => connect(srv.url, session.roomId, t));
    await Promise.all(people.map((p) => welcomed(p.conn)));
    const first = await planOf(people[0]!);
    expect(first).toMatchObject({ roomId: session.roomId, endedAt: ended, open: null, next: { index: 0, weeks: 2 } });
    expect(first.schedule.map((c) => c.due)).toEqual([2, 6, 12].map((w) => ended + w * WEEK_MS));
    expect(first.keptUntil).toBe(ended + 12 * WEEK_MS + 30 * DAY_MS);
    expect(first.basis.commitments).toHaveLength(1);
    expect(first.basis.map?.entries.length).toBe(2);
    expect(first.basis.partnerships).toHaveLength(1);
    // too early: nothing to answer yet
    const early = await people[0]!.conn.checkIn(await answer({ ...first, open: { index: 0, weeks: 2, due: 0 } }, session.sealKeys[0]!, 0));
    expect(early).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: 'No check-in is open yet.' } });

    // the room is kept until the last check-in plus the retention time: every key's TTL says so
    const admin = await createClient({ url: redis.url }).connect();
    const ttl = await admin.ttl(`canopy:{${session.roomId}}:room`);
    await admin.close();
    expect(ttl).toBeGreaterThan((12 * 7 + 29) * 86_400);

    const facilitator = connect(srv.url, session.roomId, session.facilitatorToken);
    await welcomed(facilitator.conn);

    // week 2: three of the four check in, one after the other
    now = ended + 2 * WEEK_MS + 3_600_000;
    const typed: string[] = [];
    for (const i of [0, 1, 2]) {
      const plan = await planOf(people[i]!);
      expect(plan.open?.index).toBe(0);
      const k = await importSealKey(session.sealKeys[i]!);
      const a = await answer(plan, session.sealKeys[i]!, i);
      const withNote = { ...a, commitments: await Promise.all(a.commitments!.map(async (c) => ({ ...c, note: await seal(k, NOTES[i]!) }))) };
      const pushed = nextEvent<ImpactFigures>(facilitator.conn.socket as unknown as Socket, 'followUp:impact');
      const res = await people[i]!.conn.checkIn(withNote);
      expect(res).toMatchObject({ ok: true, duplicate: false });
      if (!res.ok) return;
      expect(res.plan.record.checkIns).toHaveLength(1);
      expect(res.plan.record.checkIns[0]!.commitments[0]!.note).toBeDefined();
      typed.push(NOTES[i]!, NEW_NAMES[i]!);
      expect((await pushed).checkIns[0]!.checkedIn.value).toBe(i + 1 >= 3 ? 3 : null);
      // a scan of everything Redis holds: no name and no note typed so far, in any key
      const everything = await dumpRedis(redis.server);
      for (const t of typed) expect(everything).not.toContain(t);
      expect(everything).toContain('~follow-up'); // the check-ins are there, sealed
    }

    // answering the same check-in again replaces the answer; a retried submission is saved once
    const again = await answer(await planOf(people[2]!), session.sealKeys[2]!, 2);
    const r1 = await people[2]!.conn.checkIn(again, 'retry-check-in-1');
    const r2 = await people[2]!.conn.checkIn(again, 'retry-check-in-1');
    expect([r1.ok && r1.duplicate, r2.ok && r2.duplicate]).toEqual([false, true]);

    // the figures: 3 checked in; kept by two people only — hidden; partnerships answered
    const impact = await facilitator.conn.impact();
    expect(impact.ok).toBe(true);
    if (!impact.ok) return;
    const f = impact.impact;
    expect(f.minGroupSize).toBe(3);
    expect(f.cohort.value).toBe(3);
    expect(f.checkIns[0]).toMatchObject({ checkedIn: { value: 3 }, kept: { value: null }, notYet: { value: null }, dropped: { value: 0 } });
    expect(f.checkIns[1]!.checkedIn.value).toBe(0);
    expect(f.assessment.find((a) => a.id === 'help')).toMatchObject({ compared: 3, now: 5 });
    // at the workshop one of them had a contact outside (one person: hidden); now each added one
    expect(f.heatmap.before[3]![0]).toBeNull();
    expect(f.heatmap.now[3]![0]).toBe(4);

    // only the people of the plan answer check-ins; only the facilitator's screens see the effect
    expect(await emitRaw(people[0]!.conn, 'followUp:impact', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await emitRaw(facilitator.conn, 'followUp:plan', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await emitRaw(people[0]!.conn, 'followUp:checkIn', { submissionId: 'short', checkIn: {} })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    const foreign = await people[0]!.conn.checkIn({ index: 0, commitments: [{ id: 'commit-3-aa', state: 'kept' }] });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: 'That commitment is not in your plan.' } });
    expect(await people[0]!.conn.checkIn({ index: 1 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    // week 6: the fourth person checks in, then deletes their plan: their check-ins go with it
    now = ended + 6 * WEEK_MS + DAY_MS;
    const dev = await planOf(people[3]!);
    expect(await people[3]!.conn.checkIn(await answer(dev, session.sealKeys[3]!, 2))).toMatchObject({ ok: true });
    expect((await srv.store.listRecords(session.roomId, '~follow-up')).length).toBe(4);
    expect(await people[3]!.conn.forgetMe()).toMatchObject({ ok: true });
    expect((await srv.store.listRecords(session.roomId, '~follow-up')).map((r) => r.scope)).not.toContain(`p:${session.participantIds[3]}`);

    // the impact report: PDF, CSV and JSON, aggregates only
    const auth = { headers: { Authorization: `Bearer ${session.facilitatorToken}` } };
    const get = async (what: string) => {
      const res = await fetch(`${srv.url}/api/rooms/${session.roomId}/${what}`, auth);
      expect(res.status).toBe(200);
      return Buffer.from(await res.arrayBuffer());
    };
    const json = await get('impact.json');
    const schema = (await (await fetch(`${srv.url}/api/schema/impact.json`)).json()) as object;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const data = JSON.parse(json.toString('utf8')) as ImpactData;
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...data, schemaVersion: 2 })).toBe(false);
    // the fourth person's check-in went with their plan
    expect(data.checkIns.map((c) => c.checkedIn)).toEqual([3, 0, 0]);
    const csv = parse(await get('impact.csv?table=check_ins'), { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(csv.map((r) => [r.check_in, r.weeks_after, r.checked_in, r.commitments_kept])).toEqual([
      ['1', '2', '3', ''],
      ['2', '6', '0', '0'],
      ['3', '12', '0', '0'],
    ]);
    const dir = await mkdtemp(join(tmpdir(), 'canopy-impact-'));
    try {
      await writeFile(join(dir, 'impact.pdf'), await get('impact.pdf'));
      const { stdout: pdf } = await run('pdftotext', ['-enc', 'UTF-8', join(dir, 'impact.pdf'), '-']);
      expect(pdf).toContain('Impact report');
      expect(pdf).toContain('Check-ins and commitments');
      const zip = await get('impact.zip');
      for (const text of [json.toString('utf8'), pdf, zip.toString('latin1')]) {
        for (const t of [...typed, ...session.secrets, ...session.participantTokens]) expect(text).not.toContain(t);
        for (const p of PEOPLE) expect(text).not.toContain(p.nickname);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // a participant cannot download it
    const refused = await fetch(`${srv.url}/api/rooms/${session.roomId}/impact.json`, { headers: { Authorization: `Bearer ${session.participantTokens[0]}` } });
    expect(refused.status).toBe(403);
  });

  it('after the last check-in plus the retention time the room and every key of it are gone', async () => {
    let now = Date.now();
    const srv = await server({ ROOM_RETENTION_DAYS: 30 }, { now: () => now });
    const session = await runEveryActivitySession(srv.url, { followUp: { weeks: [2, 6] } });
    session.close();
    const ended = now;
    const store = srv.store as MemoryRoomStore;
    const ana = connect(srv.url, session.roomId, session.participantTokens[0]!);
    await welcomed(ana.conn);
    now = ended + 6 * WEEK_MS + 29 * DAY_MS; // a day before the end: still there
    expect((await planOf(ana)).open?.index).toBe(1);
    expect(store.debugKeys().some((k) => k.includes(session.roomId))).toBe(true);
    now = ended + 6 * WEEK_MS + 30 * DAY_MS + 1000;
    expect(await srv.store.getRoom(session.roomId)).toBeNull();
    expect(store.debugKeys().filter((k) => k.includes(session.roomId))).toEqual([]);
    expect(await ana.conn.plan()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  }, 60_000);
}, 120_000);
