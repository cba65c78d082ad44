import { MemoryRoomStore } from './memory.js';
import { RedisRoomStore } from './redis.js';
import type { RoomStore } from './types.js';

export type * from './types.js';
export type { RedisExec } from './redis.js';
export { MemoryRoomStore } from './memory.js';
export { RedisRoomStore, ReplicationError, roomKeys, codeKey, type RedisStoreOptions } from './redis.js';
export { keySlot } from './slot.js';
export { DEDUPE_WINDOW, RoomNotFoundError, SUBMISSION_OVERHEAD, submissionCost } from './shared.js';

export interface CreateStoreOptions {
  /** `redis[s]://…` (with `cluster`, one or more comma-separated seed nodes); without it the store is in-process memory */
  redisUrl?: string;
  /** a Redis/Valkey Cluster: node-redis `createCluster`, GLIDE `GlideClusterClient` */
  cluster?: boolean;
  /** acknowledge writes only once this many replicas have them (`WAIT`); default 0 */
  waitReplicas?: number;
  /** how long a write waits for them before it rejects; default 500 ms */
  waitTimeoutMs?: number;
  /** Redis client library; default node-redis (the faster of the two in `pnpm bench`) */
  driver?: 'node-redis' | 'glide';
  /** per Redis request, both drivers; default 2000 ms */
  timeoutMs?: number;
  /** submission ids each record remembers (its dedupe window); default DEDUPE_WINDOW */
  dedupeWindow?: number;
  /** the memory store's clock for retention (tests move it on); Redis keeps its own time */
  now?: () => number;
}

/**
 * The store for this process: memory without `redisUrl`, else Redis through the chosen driver,
 * connected before this resolves (rejects if Redis cannot be reached). Client libraries are
 * loaded only when used, so the embedded mode never loads GLIDE's native module.
 */
export async function createStore(opts: CreateStoreOptions = {}): Promise<RoomStore> {
  if (!opts.redisUrl)
    return new MemoryRoomStore({ ...(opts.dedupeWindow === undefined ? {} : { dedupeWindow: opts.dedupeWindow }), ...(opts.now ? { now: opts.now } : {}) });
  const url = opts.redisUrl;
  const driver = opts.driver ?? 'node-redis';
  const cluster = opts.cluster ?? false;
  const wait = {
    waitReplicas: opts.waitReplicas ?? 0,
    waitTimeoutMs: opts.waitTimeoutMs ?? 500,
    ...(opts.dedupeWindow === undefined ? {} : { dedupeWindow: opts.dedupeWindow }),
  };
  // a request must be allowed to outlast the WAIT it may carry
  const timeoutMs = Math.max(opts.timeoutMs ?? 2000, wait.waitReplicas ? wait.waitTimeoutMs + 1000 : 0);
  if (driver === 'node-redis') {
    const { connectNodeRedis } = await import('./exec-node-redis.js');
    return new RedisRoomStore(await connectNodeRedis({ url, cluster, commandTimeoutMs: timeoutMs }), wait);
  }
  if (driver === 'glide') {
    const { connectGlide } = await import('./exec-glide.js');
    return new RedisRoomStore(await connectGlide({ url, cluster, requestTimeoutMs: timeoutMs }), wait);
  }
  throw new Error(`canopy store: unknown driver ${String(driver)} (use node-redis or glide)`);
}
