import { MemoryRoomStore } from './memory.js';
import { RedisRoomStore } from './redis.js';
import type { RoomStore } from './types.js';

export type * from './types.js';
export type { RedisExec } from './redis.js';
export { MemoryRoomStore } from './memory.js';
export { RedisRoomStore, roomKeys, codeKey } from './redis.js';
export { RoomNotFoundError } from './shared.js';

export interface CreateStoreOptions {
  /** `redis[s]://…`; without it the store is in-process memory */
  redisUrl?: string;
  /** Redis client library; default node-redis (faster here, see DESIGN §5) */
  driver?: 'node-redis' | 'glide';
  /** per Redis request, both drivers; default 2000 ms */
  timeoutMs?: number;
}

/**
 * The store for this process: memory without `redisUrl`, else Redis through the chosen driver,
 * connected before this resolves (rejects if Redis cannot be reached). Client libraries are
 * loaded only when used, so the embedded mode never loads GLIDE's native module.
 */
export async function createStore(opts: CreateStoreOptions = {}): Promise<RoomStore> {
  if (!opts.redisUrl) return new MemoryRoomStore();
  const url = opts.redisUrl;
  const driver = opts.driver ?? 'node-redis';
  if (driver === 'node-redis') {
    const { connectNodeRedis } = await import('./exec-node-redis.js');
    return new RedisRoomStore(await connectNodeRedis({ url, commandTimeoutMs: opts.timeoutMs }));
  }
  if (driver === 'glide') {
    const { connectGlide } = await import('./exec-glide.js');
    return new RedisRoomStore(await connectGlide({ url, requestTimeoutMs: opts.timeoutMs }));
  }
  throw new Error(`canopy store: unknown driver ${String(driver)} (use node-redis or glide)`);
}
