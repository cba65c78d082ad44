/**
 * Names on an ally map are about people who are not in the room, and so are a commitment's whom
 * and what. After participants map people and write commitments through the real client, a scan
 * of every key and value in the real Redis finds none of what they typed — on one Redis, and on
 * a Redis Cluster (every master scanned).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRoom, createApi, importSealKey, newParticipantToken, newSealKey, randomId, seal, unseal, type RoomConnection } from '@canopy/client';
import { startServer, loadConfig, type CanopyServer } from '@canopy/server';
import { dumpRedis, startRedisCluster, startRedisServer, type RedisCluster, type RedisServer } from '@canopy/store/testing';
import type { CommitmentsRecord, MentalMapOwnView, MentalMapPresenterView } from '@canopy/core';

const NAMES = ['Margarethe Vanterpool', 'Oluwaseun Adeyemi-Brandt', 'Zhu Qianwen', 'Dr. Ines Falkenrath'];
/** every text a participant types into a commitment: whom, and what they will do */
const COMMITMENTS = [
  { whom: 'Bartholomew Quenneville', what: 'Congratulate him on the Lisbon reorganisation' },
  { whom: 'Ms. Xiadani Okonkwo', what: 'Offer my notes from the pricing offsite' },
];

describe.each(['one Redis', 'a Redis Cluster'])('ally map names and commitments stay in the browser, on %s', (backend) => {
  let redis: RedisServer | RedisCluster;
  let server: CanopyServer;
  const open: RoomConnection[] = [];

  beforeAll(async () => {
    redis = backend === 'one Redis' ? await startRedisServer() : await startRedisCluster();
    const env = 'env' in redis ? { REDIS_URL: redis.url, REDIS_CLUSTER: true } : { REDIS_URL: redis.url };
    server = await startServer(loadConfig({}, { PORT: 0, HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env }));
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await server?.close();
    await redis?.stop();
  });

  it('stores sector, ring and tags for the heatmap, counts and cadences for commitments, and never a name or a commitment in clear', async () => {
    const api = createApi(server.url);
    const room = await api.rooms.create.mutate({
      title: 'Allies',
      agenda: [
        { id: 'map', type: 'mental-map', title: 'Your ally map', durationSec: 600, config: { minGroupSize: 1 } },
        { id: 'commit', type: 'commitments', title: 'Your commitments', durationSec: 300, config: {} },
      ],
    });
    const console_ = connectRoom({ url: server.url, roomId: room.roomId, token: room.facilitatorToken });
    open.push(console_);
    await console_.until((s) => s.status === 'connected' && s.room !== null);

    const people = await Promise.all(
      ['Ana', 'Ben'].map(async (nickname) => {
        const token = newParticipantToken();
        await api.rooms.join.mutate({ code: room.code, nickname, token, deviceId: randomId() });
        const conn = connectRoom({ url: server.url, roomId: room.roomId, token });
        open.push(conn);
        await conn.until((s) => s.status === 'connected' && s.you !== null);
        return { conn, key: await importSealKey(await newSealKey()) };
      }),
    );

    expect((await console_.command({ type: 'next' })).ok).toBe(true);
    for (const [i, name] of NAMES.entries()) {
      const { conn, key } = people[i % 2]!;
      const stepId = (await conn.until((s) => s.stage?.step?.id === 'map')).stage!.step!.id;
      const res = await conn.submit(stepId, {
        op: 'put',
        entry: { id: `entry${i}00`, label: await seal(key, name), sector: i % 2 ? 'across' : 'above', ring: 'ally', tags: ['trusted'] },
      });
      expect(res).toMatchObject({ ok: true, duplicate: false });
    }

    // The participant's own view comes back sealed, and opens with their key.
    const ana = people[0]!;
    await ana.conn.sync();
    const mine = ana.conn.state.activity?.data as MentalMapOwnView;
    expect(mine.entries).toHaveLength(2);
    expect(await Promise.all(mine.entries.map((e) => unseal(ana.key, e.label)))).toEqual([NAMES[0], NAMES[2]]);

    // The console's heatmap counts them.
    // (pushes are coalesced: wait for the picture with all four entries, not just both people)
    const counted = (v: MentalMapPresenterView | undefined) => v?.mapping === 2 && v.cells?.above.ally === 2 && v.cells.across.ally === 2;
    const view = (await console_.until((s) => counted(s.activity?.data as MentalMapPresenterView | undefined))).activity!.data as MentalMapPresenterView;
    expect(view.cells?.above.ally).toBe(2);
    expect(view.cells?.across.ally).toBe(2);

    // Commitments: whom and what are sealed before they are sent; the room counts cadences.
    expect((await console_.command({ type: 'next' })).ok).toBe(true);
    for (const [i, c] of COMMITMENTS.entries()) {
      const { conn, key } = people[i]!;
      await conn.until((s) => s.stage?.step?.id === 'commit');
      const res = await conn.submit('commit', {
        op: 'put',
        item: { id: `commit${i}00`, whom: await seal(key, c.whom), what: await seal(key, c.what), start: '2030-01-07', cadence: 'monthly', time: '09:30' },
      });
      expect(res).toMatchObject({ ok: true, duplicate: false });
      const own = (await conn.until((s) => s.activity?.stepId === 'commit' && (s.activity.data as CommitmentsRecord | null)?.items?.length === 1)).activity!
        .data as CommitmentsRecord;
      expect(await unseal(key, own.items[0]!.whom)).toBe(c.whom);
      expect(await unseal(key, own.items[0]!.what)).toBe(c.what);
    }

    // Every key and every value in Redis, whatever its type.
    const everything = await dumpRedis(redis);
    expect(everything).toContain('Ana'); // the scan does see plain data: nicknames are not secret
    expect(everything).toContain('monthly'); // and it sees the commitments' stored records
    for (const text of [...NAMES, ...COMMITMENTS.flatMap((c) => [c.whom, c.what])]) {
      expect(everything).not.toContain(text);
      expect(everything.toLowerCase()).not.toContain(text.split(' ').at(-1)!.toLowerCase());
    }
  });
});
