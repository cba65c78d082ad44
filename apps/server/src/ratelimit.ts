import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from './config.js';

/** Redis client shape rate-limiter-flexible accepts for node-redis (v4+). */
type RedisLike = object;

export interface Limiters {
  /** every join or lookup attempt, per client address */
  joinAttempts: RateLimiterAbstract;
  /** wrong, locked or closed codes, per client address: the brute-force brake */
  joinFailures: RateLimiterAbstract;
  /** rooms created, per client address */
  creates: RateLimiterAbstract;
  /** report and data downloads, per client address */
  downloads: RateLimiterAbstract;
}

function limiter(redis: RedisLike | undefined, keyPrefix: string, points: number, duration: number, blockDuration = 0): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix, points, duration, blockDuration });
  if (!redis) return memory;
  // Shared by every node through Redis; falls back to a per-node limiter while Redis is away.
  return new RateLimiterRedis({
    storeClient: redis,
    useRedisPackage: true,
    keyPrefix: `canopy:rl:${keyPrefix}`,
    points,
    duration,
    blockDuration,
    insuranceLimiter: memory,
  });
}

export function createLimiters(config: Config, redis?: RedisLike): Limiters {
  return {
    joinAttempts: limiter(redis, 'join', config.JOIN_RATE_PER_MIN, 60),
    joinFailures: limiter(redis, 'joinfail', config.JOIN_FAILURES_PER_10MIN, 600, 600),
    creates: limiter(redis, 'create', config.CREATE_RATE_PER_HOUR, 3600),
    downloads: limiter(redis, 'download', config.DOWNLOAD_RATE_PER_MIN, 60),
  };
}

/** Consume one point; resolves the seconds to wait when the limit is hit, or 0. */
export async function take(l: RateLimiterAbstract, key: string): Promise<number> {
  try {
    await l.consume(key, 1);
    return 0;
  } catch (e) {
    if (e instanceof RateLimiterRes) return Math.max(1, Math.ceil(e.msBeforeNext / 1000));
    throw e;
  }
}

/** Give back a point taken with `take` (e.g. a reservation that turned out not to count). */
export async function giveBack(l: RateLimiterAbstract, key: string): Promise<void> {
  await l.reward(key, 1);
}
