/**
 * The Redis connections every node shares besides the store's: one node-redis client (one server,
 * or a Redis Cluster with `REDIS_CLUSTER=1`) for the shared rate limits and the Socket.IO adapter
 * that carries broadcasts between nodes. RESP2, which both the adapters and rate-limiter-flexible
 * read (they parse RESP2-shaped replies such as XREAD's arrays).
 *
 * The adapter (`SOCKETIO_ADAPTER`):
 * - `streams` (default) — `@socket.io/redis-streams-adapter`: every broadcast is an entry of one
 *   Redis stream, so a client that was away up to 2 minutes gets the broadcasts it missed
 *   (connection-state recovery), whichever node it comes back to. On a Cluster the stream is one
 *   key, so all broadcast traffic goes through one master.
 * - `sharded` — `@socket.io/redis-adapter`'s sharded Pub/Sub adapter (Redis 7+ `SPUBLISH`, a
 *   channel per Socket.IO room, so spread over the masters): no stream, so no recovery of missed
 *   broadcasts across nodes — a returning client gets a full resync (`welcome`) instead.
 * The bench measured both on a 3-master cluster (README, Performance).
 */
import { createShardedAdapter } from '@socket.io/redis-adapter';
import { createAdapter as createStreamsAdapter } from '@socket.io/redis-streams-adapter';
import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  createClient,
  createCluster,
  DisconnectsClientError,
  SocketClosedUnexpectedlyError,
} from 'redis';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { trimStreamPeriodically } from './stream-trim.js';

/** the Redis stream the Streams adapter broadcasts through (trimmed by age, see stream-trim.ts) */
export const SIO_STREAM = 'canopy:socket.io';

export interface SharedRedis {
  /** what rate-limiter-flexible is given (`useRedisPackage`) */
  client: object;
  /** the Socket.IO adapter factory */
  adapter: ReturnType<typeof createStreamsAdapter> | ReturnType<typeof createShardedAdapter>;
  close(): Promise<void>;
}

/** what is used here of either node-redis client (one server or cluster) */
interface Conn {
  on(event: 'error', listener: (e: Error) => void): unknown;
  connect(): Promise<unknown>;
  close(): Promise<unknown>;
  duplicate(): Conn;
}

const urlsOf = (url: string) =>
  url
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);

/**
 * The Streams adapter saves a disconnected socket's session (for recovery) with a SET whose promise
 * nobody awaits: when that SET fails — the master holding the session key is down, e.g. while a
 * Cluster fails over and the phones reconnect — the rejection would go unhandled and end the
 * process (found by the failover row of the chaos suite). Its `set` is given a catch here: the
 * session is then not saved, and that phone gets a full resync instead of a recovery.
 */
function sessionSetsCaught<T extends object>(client: T, log: Logger): T {
  return new Proxy(client, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (prop !== 'set') return fn.bind(target);
      return (...args: unknown[]) =>
        (fn.apply(target, args) as Promise<unknown>).catch((e: unknown) => {
          log.warn("could not save a disconnected socket's session (it will resync in full)", { err: e });
          return null;
        });
    },
  });
}

/** A node-redis command that failed because its connection went away (not a bug of ours). */
const LOST_CONNECTION = [DisconnectsClientError, ClientOfflineError, ClientClosedError, SocketClosedUnexpectedlyError, ConnectionTimeoutError];

let guarded = false;
/**
 * When a Cluster fails over, node-redis tears down the connection to the dead master and rejects
 * whatever was still queued on it — including commands that the Socket.IO adapter (or node-redis
 * itself, re-subscribing) sent without awaiting them. Such a rejection must not end the process
 * (the chaos suite's failover row saw it do so): it is logged, and the node goes on. Any other
 * unhandled rejection still ends the process, as Node does by default.
 */
function survivesLostRedisConnections(log: Logger): void {
  if (guarded) return;
  guarded = true;
  process.on('unhandledRejection', (reason) => {
    if (LOST_CONNECTION.some((E) => reason instanceof E)) {
      log.warn('a Redis command was dropped with its connection', { err: reason });
      return;
    }
    throw reason;
  });
}

export async function connectShared(config: Config & { REDIS_URL: string }, log: Logger): Promise<SharedRedis> {
  const urls = urlsOf(config.REDIS_URL);
  survivesLostRedisConnections(log);
  const onError = (e: Error) => log.error('redis (adapter) error', e);
  let client: Conn;
  /** one call shape for both: on a cluster, routed by the stream's key */
  let send: (args: string[]) => Promise<unknown>;
  if (config.REDIS_CLUSTER) {
    const cluster = createCluster({ rootNodes: urls.map((url) => ({ url })), RESP: 2, useReplicas: false, topologyRefreshOnReconnectionAttemptStrategy: 500 });
    send = (args) => cluster.sendCommand(SIO_STREAM, false, args);
    client = cluster;
  } else {
    const one = createClient({ url: urls[0], RESP: 2 });
    send = (args) => one.sendCommand(args);
    client = one;
  }
  client.on('error', onError);
  await client.connect();

  let stopTrimming = () => {};
  let subscriber: Conn | null = null;
  let adapter: SharedRedis['adapter'];
  if (config.SOCKETIO_ADAPTER === 'sharded') {
    const sub = client.duplicate();
    sub.on('error', onError);
    await sub.connect();
    subscriber = sub;
    adapter = createShardedAdapter(client, sub, { channelPrefix: 'canopy:sio', subscriptionMode: 'dynamic' });
  } else {
    adapter = createStreamsAdapter(sessionSetsCaught(client, log), { streamName: SIO_STREAM, sessionKeyPrefix: 'canopy:sio:session:', maxLen: 10_000 });
    stopTrimming = trimStreamPeriodically({ sendCommand: send }, SIO_STREAM, (e) => log.warn('could not trim the broadcast stream', { err: e }));
  }
  return {
    client,
    adapter,
    async close() {
      stopTrimming();
      await subscriber?.close().catch(() => {});
      await client.close().catch(() => {});
    },
  };
}
