/**
 * `RedisExec` over Valkey GLIDE (`@valkey/valkey-glide` 2.x): `GlideClient` for one server,
 * `GlideClusterClient` for a Redis/Valkey Cluster (every command routed to the master of its key's
 * slot; GLIDE follows redirects and failovers by itself).
 *
 * - RESP2, like the node-redis executor, so both hand the store the same reply shapes (map
 *   replies, which GLIDE turns into records whatever the protocol, are flattened back).
 * - `requestTimeout` 2000 ms instead of GLIDE's 250 ms default (which fails healthy but busy
 *   servers); it bounds the whole request, reconnection included, so a request made while the
 *   server is down rejects within it. GLIDE reconnects by itself, forever, with backoff.
 * - Scripts go through GLIDE's `Script` + `invokeScript` (EVALSHA, loading on NOSCRIPT). Script
 *   objects are native and not garbage-collected: made once per client, released on close.
 */
import { GlideClient, GlideClusterClient, ProtocolVersion, Script } from '@valkey/valkey-glide';
import { seedUrls } from './exec-node-redis.js';
import type { LuaScript } from './lua.js';
import type { RedisExec } from './redis.js';
import { keySlot } from './slot.js';
import { WaitQueues } from './wait.js';

export interface GlideOptions {
  /** one `redis[s]://` URL; with `cluster`, one or more (comma separated) seed nodes */
  url: string;
  /** Redis/Valkey Cluster (`GlideClusterClient`) */
  cluster?: boolean;
  /** per request; default 2000 ms */
  requestTimeoutMs?: number;
}

/** `redis[s]://[[user]:password@]host[:port][/db]` → GLIDE's connection settings. */
export function glideAddressFromUrl(url: string) {
  const u = new URL(url);
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`canopy store: not a redis URL: ${u.protocol}`);
  const db = u.pathname.replace(/^\//, '');
  const password = decodeURIComponent(u.password);
  const username = decodeURIComponent(u.username);
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : 6379,
    useTLS: u.protocol === 'rediss:',
    databaseId: db ? Number(db) : undefined,
    credentials: password ? { password, ...(username ? { username } : {}) } : undefined,
  };
}

/** GLIDE hands map replies (HGETALL) back as `[{ key, value }, …]`, even over RESP2: flatten them. */
function resp2(reply: unknown): unknown {
  if (!Array.isArray(reply) || !reply.every((e) => e !== null && typeof e === 'object' && 'key' in e && 'value' in e)) return reply;
  return reply.flatMap((e: { key: unknown; value: unknown }) => [e.key, e.value]);
}

export async function connectGlide(opts: GlideOptions): Promise<RedisExec> {
  const seeds = seedUrls(opts.url).map(glideAddressFromUrl);
  const { useTLS, databaseId, credentials } = seeds[0]!;
  const common = {
    addresses: seeds.map(({ host, port }) => ({ host, port })),
    useTLS,
    ...(credentials ? { credentials } : {}),
    requestTimeout: opts.requestTimeoutMs ?? 2000,
    protocol: ProtocolVersion.RESP2,
    connectionBackoff: { numberOfRetries: 5, factor: 50, exponentBase: 2 },
  };

  const scripts = new Map<string, Script>();
  const native = (s: LuaScript): Script => {
    let script = scripts.get(s.sha);
    if (!script) scripts.set(s.sha, (script = new Script(s.source)));
    return script;
  };
  const release = () => {
    for (const s of scripts.values()) s.release();
    scripts.clear();
  };

  if (opts.cluster) {
    const client = await GlideClusterClient.createClient(common);
    // WAIT goes to the master of the key's slot, on the connection its writes used. One queue per
    // slot, routed by the first key seen in it (GLIDE's `primarySlotId` route did not reach the
    // same connection in our tests; `primarySlotKey` does).
    const routeKeys = new Map<number, string>();
    const waits = new WaitQueues(
      (q: { slot: number; args: string[] }) => async () =>
        Number(await client.customCommand(q.args, { route: { type: 'primarySlotKey', key: routeKeys.get(q.slot)! } })),
    );
    return {
      driver: 'glide',
      cluster: true,
      script: (s, keys, args) => client.invokeScript(native(s), { keys, args }),
      command: async (args, key) => resp2(await client.customCommand(args, { route: key === undefined ? 'allPrimaries' : { type: 'primarySlotKey', key } })),
      wait(key, replicas, timeoutMs) {
        const slot = keySlot(key);
        if (!routeKeys.has(slot)) routeKeys.set(slot, key);
        return waits.wait({ slot, args: ['WAIT', String(replicas), String(timeoutMs)] });
      },
      async close() {
        client.close();
        release();
      },
    };
  }

  if (seeds.length > 1) throw new Error('canopy store: several Redis URLs are only for a cluster (set REDIS_CLUSTER=1)');
  const client = await GlideClient.createClient({ ...common, ...(databaseId !== undefined ? { databaseId } : {}) });
  const waits = new WaitQueues((args: string[]) => async () => Number(await client.customCommand(args)));
  return {
    driver: 'glide',
    cluster: false,
    script: (s, keys, args) => client.invokeScript(native(s), { keys, args }),
    command: async (args) => resp2(await client.customCommand(args)),
    wait: (_key, replicas, timeoutMs) => waits.wait(['WAIT', String(replicas), String(timeoutMs)]),
    async close() {
      client.close();
      release();
    },
  };
}
