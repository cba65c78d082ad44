/**
 * `RedisExec` over node-redis (`redis` v6).
 *
 * - RESP2: replies come back as plain strings/integers/arrays, the shape `RedisRoomStore` reads
 *   (RESP3 would turn HGETALL into maps; nothing here needs RESP3).
 * - `disableOfflineQueue: true`: while the client is reconnecting, commands reject at once
 *   instead of waiting in an unbounded queue; commands already sent when the connection drops
 *   reject too (they may or may not have run). The client reconnects by itself (capped backoff).
 * - Every command is bounded by `commandTimeoutMs` (default 2 s), so a hung server (e.g. a
 *   stopped process with its socket still open) also rejects instead of waiting forever.
 */
import { createClient } from 'redis';
import type { LuaScript } from './lua.js';
import type { RedisExec } from './redis.js';

export interface NodeRedisOptions {
  url: string;
  /** per command; default 2000 ms */
  commandTimeoutMs?: number;
  /** how long the first connection may take; default 5000 ms */
  connectTimeoutMs?: number;
  /** connection errors (the client retries by itself); default: ignored */
  onError?: (err: Error) => void;
}

export async function connectNodeRedis(opts: NodeRedisOptions): Promise<RedisExec> {
  const commandTimeoutMs = opts.commandTimeoutMs ?? 2000;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
  const client = createClient({
    url: opts.url,
    RESP: 2,
    disableOfflineQueue: true,
    socket: { connectTimeout: Math.min(connectTimeoutMs, 2000), reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1000) },
  });
  client.on('error', (err: Error) => opts.onError?.(err));

  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`canopy store: could not connect to Redis within ${connectTimeoutMs} ms`)), connectTimeoutMs);
      }),
    ]);
  } catch (err) {
    client.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
  }

  const send = (args: string[]): Promise<unknown> => {
    let t: NodeJS.Timeout | undefined;
    return Promise.race([
      client.sendCommand(args),
      new Promise<never>((_, reject) => {
        t = setTimeout(() => reject(new Error(`canopy store: Redis did not answer ${args[0]} within ${commandTimeoutMs} ms`)), commandTimeoutMs);
      }),
    ]).finally(() => clearTimeout(t));
  };

  return {
    driver: 'node-redis',
    async script(script: LuaScript, keys: string[], args: string[]) {
      const tail = [String(keys.length), ...keys, ...args];
      try {
        return await send(['EVALSHA', script.sha, ...tail]);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
        return send(['EVAL', script.source, ...tail]); // EVAL also caches the script for the next EVALSHA
      }
    },
    command: send,
    async close() {
      if (client.isReady) await client.close().catch(() => client.destroy());
      else if (client.isOpen) client.destroy();
    },
  };
}
