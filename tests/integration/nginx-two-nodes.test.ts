/**
 * Two nodes behind one address, as deployed: nginx (infra/local-cluster.mjs, the rules of
 * infra/nginx.conf) in front of two server processes on one Redis. Phones open their WebSocket
 * through nginx and are spread over both nodes; a browser that starts with HTTP long-polling stays
 * on one node until it upgrades; a step started from the console reaches everyone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRoom, createApi, newParticipantToken, randomId, type RoomConnection } from '@canopy/client';
import { startRedisServer, type RedisServer } from '@canopy/store/testing';
import { NGINX, startCluster, type Cluster } from '../../infra/local-cluster.mjs';

const WAIT_MS = 10_000;
const haveNginx = existsSync(NGINX);
if (!haveNginx) console.warn(`nginx-two-nodes: skipped — no nginx at ${NGINX} (apt-get install nginx, or set NGINX_BIN)`);

describe.skipIf(!haveNginx)('two nodes behind nginx', () => {
  let redis: RedisServer;
  let cluster: Cluster;
  const open: RoomConnection[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    cluster = await startCluster({ nodes: 2, redisUrl: redis.url, env: { LOG_LEVEL: 'silent', JOIN_RATE_PER_MIN: '10000', CREATE_RATE_PER_HOUR: '1000' } });
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await cluster?.stop();
    await redis?.stop();
  });

  /** The node each finished WebSocket request through nginx went to, from nginx's access log. */
  const websocketUpstreams = () =>
    readFileSync(cluster.accessLog, 'utf8')
      .split('\n')
      .filter((l) => l.includes('transport=websocket') && l.includes(' 101 '))
      .map((l) => /upstream=(\S+)/.exec(l)?.[1]);

  it('participants on both nodes see the step the facilitator starts, all through one address', async () => {
    const api = createApi(cluster.url);
    const room = await api.rooms.create.mutate({
      title: 'Allies offsite',
      agenda: [{ id: 's1', type: 'slide', title: 'Welcome', durationSec: 60, config: {} }],
    });
    // The facilitator's laptop starts the way a browser does: long-polling first, then the upgrade.
    const console_ = connectRoom({ url: cluster.url, roomId: room.roomId, token: room.facilitatorToken, transports: ['polling', 'websocket'] });
    open.push(console_);
    await console_.until((s) => s.status === 'connected' && s.room !== null, WAIT_MS);

    // Two phones join through nginx and open their WebSocket directly.
    const phones = await Promise.all(
      ['Ana', 'Ben'].map(async (nickname) => {
        const token = newParticipantToken();
        await api.rooms.join.mutate({ code: room.code, nickname, token, deviceId: randomId() });
        const conn = connectRoom({ url: cluster.url, roomId: room.roomId, token, transports: ['websocket'] });
        open.push(conn);
        await conn.until((s) => s.status === 'connected' && s.stage !== null, WAIT_MS);
        return conn;
      }),
    );
    await console_.until((s) => s.roster.length === 2 && s.roster.every((p) => p.online), WAIT_MS);

    const ack = await console_.command({ type: 'next' });
    expect(ack.ok).toBe(true);
    for (const phone of phones) expect((await phone.until((s) => s.stage?.step?.id === 's1', WAIT_MS)).stage?.step?.title).toBe('Welcome');

    // nginx logs a WebSocket when it closes: close the phones, then read where each one was.
    for (const phone of phones) phone.close();
    const nodes = cluster.nodes.map((n) => `${n.host}:${n.port}`);
    let seen: Array<string | undefined> = [];
    for (let i = 0; i < 50 && new Set(seen).size < 2; i++) {
      seen = websocketUpstreams();
      await new Promise((r) => setTimeout(r, 100));
    }
    const phonesLanded = new Set(seen.filter((u) => u && nodes.includes(u)));
    expect([...phonesLanded].sort()).toEqual([...nodes].sort());
  });
});
