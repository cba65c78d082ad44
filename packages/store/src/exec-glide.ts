/**
 * `RedisExec` over Valkey GLIDE (`@valkey/valkey-glide` 2.x, standalone `GlideClient`).
 *
 * - RESP2, like the node-redis executor, so both hand the store the same reply shapes (map
 *   replies, which GLIDE turns into records whatever the protocol, are flattened back).
 * - `requestTimeout` 2000 ms instead of GLIDE's 250 ms default (which fails healthy but busy
 *   servers); it bounds the whole request, reconnection included, so a request made while the
 *   server is down rejects within it. GLIDE reconnects by itself, forever, with backoff.
 * - Scripts go through GLIDE's `Script` + `invokeScript` (EVALSHA, loading on NOSCRIPT). Script
 *   objects are native and not garbage-collected: made once per client, released on close.
 */
import { GlideClient, ProtocolVersion, Script } from '@valkey/valkey-glide';
import type { LuaScript } from './lua.js';
import type { RedisExec } from './redis.js';

export interface GlideOptions {
  url: string;
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
  const { host, port, useTLS, databaseId, credentials } = glideAddressFromUrl(opts.url);
  const client = await GlideClient.createClient({
    addresses: [{ host, port }],
    useTLS,
    ...(databaseId !== undefined ? { databaseId } : {}),
    ...(credentials ? { credentials } : {}),
    requestTimeout: opts.requestTimeoutMs ?? 2000,
    protocol: ProtocolVersion.RESP2,
    connectionBackoff: { numberOfRetries: 5, factor: 50, exponentBase: 2 },
  });

  const scripts = new Map<string, Script>();
  const native = (s: LuaScript): Script => {
    let script = scripts.get(s.sha);
    if (!script) scripts.set(s.sha, (script = new Script(s.source)));
    return script;
  };

  return {
    driver: 'glide',
    script: (s, keys, args) => client.invokeScript(native(s), { keys, args }),
    command: async (args) => resp2(await client.customCommand(args)),
    async close() {
      client.close();
      for (const s of scripts.values()) s.release();
      scripts.clear();
    },
  };
}
