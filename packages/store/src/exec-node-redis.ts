/**
 * `RedisExec` over node-redis (`redis` v6): one server (`createClient`) or a Redis Cluster
 * (`createCluster`, which routes each command to the master of its first key's slot and follows
 * MOVED/ASK redirects and failovers by itself).
 *
 * - RESP2: replies come back as plain strings/integers/arrays, the shape `RedisRoomStore` reads
 *   (RESP3 would turn HGETALL into maps; nothing here needs RESP3).
 * - `disableOfflineQueue: true`: while a connection is reconnecting, commands for it reject at
 *   once instead of waiting in an unbounded queue; commands already sent when the connection
 *   drops reject too (they may or may not have run). Clients reconnect by themselves (capped
 *   backoff); on a cluster, a connection that keeps failing (its master died) also makes the
 *   client ask the other nodes for the new topology after `topologyRefreshMs`.
 * - Every command is bounded by `commandTimeoutMs` (default 2 s), so a hung server (e.g. a
 *   stopped process with its socket still open) also rejects instead of waiting forever. The
 *   bound is kept by one sweep over the commands in flight (`Deadlines`), not by a timer or an
 *   `AbortSignal` per command (node-redis's own per-command timeout is turned off): those were a
 *   large share of the CPU an answer costs.
 */
import { createClient, createCluster } from 'redis';
import type { LuaScript } from './lua.js';
import type { RedisExec } from './redis.js';
import { keySlot } from './slot.js';
import { WaitQueues } from './wait.js';

export interface NodeRedisOptions {
  /** one `redis[s]://` URL; with `cluster`, one or more (comma separated) seed nodes */
  url: string;
  /** Redis Cluster: discover the nodes from the seed URLs and route by key slot */
  cluster?: boolean;
  /** per command; default 2000 ms */
  commandTimeoutMs?: number;
  /** how long the first connection may take; default 5000 ms */
  connectTimeoutMs?: number;
  /** cluster only: after a node's connection has failed this long, refresh the topology; default 500 ms */
  topologyRefreshMs?: number;
  /** connection errors (the client retries by itself); default: ignored */
  onError?: (err: Error) => void;
}

/** `a,b,c` → the URLs, each checked. */
export function seedUrls(url: string): string[] {
  const urls = url
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  for (const u of urls) {
    const proto = new URL(u).protocol;
    if (proto !== 'redis:' && proto !== 'rediss:') throw new Error(`canopy store: not a redis URL: ${u}`);
  }
  if (!urls.length) throw new Error('canopy store: no Redis URL given');
  return urls;
}

/**
 * Commands in flight, oldest first, each rejected once it is older than `ms`: one interval timer
 * (running only while something is in flight) sweeps the front of the queue. Every command has the
 * same bound, so the insertion order is the deadline order.
 */
export class Deadlines {
  private readonly pending = new Set<{ due: number; fail: () => void }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ms: number,
    private readonly now: () => number = performance.now.bind(performance),
  ) {}

  /** `reply`, or a rejection with `timeoutError()` once `ms` have passed without it. */
  bound<T>(reply: Promise<T>, timeoutError: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry = { due: this.now() + this.ms, fail: () => reject(timeoutError()) };
      this.pending.add(entry);
      if (!this.timer) {
        this.timer = setInterval(() => this.sweep(), Math.max(10, Math.min(this.ms / 4, 250)));
        this.timer.unref();
      }
      reply.then(
        (v) => {
          this.pending.delete(entry);
          resolve(v);
        },
        (e: unknown) => {
          this.pending.delete(entry);
          reject(e as Error);
        },
      );
    });
  }

  private sweep() {
    const t = this.now();
    for (const entry of this.pending) {
      if (entry.due > t) break;
      this.pending.delete(entry);
      entry.fail();
    }
    if (!this.pending.size && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}

type Send = (key: string | undefined, args: string[]) => Promise<unknown>;

interface Opened {
  send: Send;
  /** which connection serves `key` (standalone: the only one) */
  connectionOf: (key: string) => string;
  /** send on that connection itself (for WAIT, which is about the connection's own writes) */
  sendOn: (connection: string, args: string[]) => Promise<unknown>;
  close: () => Promise<void>;
  destroy: () => void;
  connect: () => Promise<unknown>;
}

/** node-redis's own per-command timeout (an `AbortSignal` each) off: `Deadlines` bounds every command instead */
const NO_TIMEOUT = { timeout: 0 };

/** The client, connected, and how to send a raw command on it. */
function open(opts: NodeRedisOptions, socket: object): Opened {
  const urls = seedUrls(opts.url);
  if (!opts.cluster) {
    if (urls.length > 1) throw new Error('canopy store: several Redis URLs are only for a cluster (set REDIS_CLUSTER=1)');
    const client = createClient({ url: urls[0], RESP: 2, disableOfflineQueue: true, socket, commandOptions: NO_TIMEOUT });
    client.on('error', (err: Error) => opts.onError?.(err));
    return {
      send: (_key, args) => client.sendCommand(args),
      connectionOf: () => '',
      sendOn: (_c, args) => client.sendCommand(args),
      connect: () => client.connect(),
      destroy: () => client.destroy(),
      async close() {
        if (client.isReady) await client.close().catch(() => client.destroy());
        else if (client.isOpen) client.destroy();
      },
    };
  }
  // Seed URLs may carry credentials: `defaults` applies them to every discovered node too.
  const first = new URL(urls[0]!);
  const auth = first.password
    ? { password: decodeURIComponent(first.password), ...(first.username ? { username: decodeURIComponent(first.username) } : {}) }
    : {};
  const cluster = createCluster({
    rootNodes: urls.map((url) => ({ url })),
    RESP: 2,
    commandOptions: NO_TIMEOUT,
    defaults: { disableOfflineQueue: true, socket: { ...socket, ...(first.protocol === 'rediss:' ? { tls: true } : {}) }, ...auth },
    useReplicas: false,
    topologyRefreshOnReconnectionAttemptStrategy: opts.topologyRefreshMs ?? 500,
  });
  cluster.on('error', (err: Error) => opts.onError?.(err));
  return {
    send: (key, args) => cluster.sendCommand(key, false, args),
    connectionOf: (key) => cluster.slots[keySlot(key)]?.master.address ?? '',
    async sendOn(address, args) {
      const node = cluster.nodeByAddress.get(address);
      if (!node) throw new Error(`canopy store: no cluster node ${address}`);
      return (await cluster.nodeClient(node)).sendCommand(args, NO_TIMEOUT);
    },
    connect: () => cluster.connect(),
    destroy: () => void cluster.destroy(),
    async close() {
      if (cluster.isOpen) await cluster.close().catch(() => cluster.destroy());
    },
  };
}

export async function connectNodeRedis(opts: NodeRedisOptions): Promise<RedisExec> {
  const commandTimeoutMs = opts.commandTimeoutMs ?? 2000;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
  const client = open(opts, { connectTimeout: Math.min(connectTimeoutMs, 2000), reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000) });

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

  const deadlines = new Deadlines(commandTimeoutMs);
  const bounded = (what: string, reply: Promise<unknown>): Promise<unknown> =>
    deadlines.bound(reply, () => new Error(`canopy store: Redis did not answer ${what} within ${commandTimeoutMs} ms`));
  const send = (key: string | undefined, args: string[]) => bounded(args[0]!, client.send(key, args));
  const waits = new WaitQueues((q: { connection: string; args: string[] }) => async () => Number(await bounded('WAIT', client.sendOn(q.connection, q.args))));

  return {
    driver: 'node-redis',
    cluster: !!opts.cluster,
    async script(script: LuaScript, keys: string[], args: string[]) {
      const tail = [String(keys.length), ...keys, ...args];
      try {
        return await send(keys[0], ['EVALSHA', script.sha, ...tail]);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
        return send(keys[0], ['EVAL', script.source, ...tail]); // EVAL also caches the script for the next EVALSHA
      }
    },
    command: (args, key) => send(key, args),
    wait: (key, replicas, timeoutMs) => waits.wait({ connection: client.connectionOf(key), args: ['WAIT', String(replicas), String(timeoutMs)] }),
    close: () => client.close(),
  };
}
