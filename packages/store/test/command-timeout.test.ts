/**
 * A Redis that stops answering (its process frozen, its socket still open) must not leave the
 * room service waiting: every command of the node-redis driver is bounded by its timeout, kept by
 * one sweep over the commands in flight rather than a timer each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNodeRedis } from '../src/exec-node-redis.js';
import { startRedisServer, type RedisServer } from '../src/testing/index.js';

describe('node-redis driver: a frozen Redis', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('answers while Redis answers, rejects every command in flight once Redis has been silent for the timeout, and answers again after', async () => {
    const exec = await connectNodeRedis({ url: redis.url, commandTimeoutMs: 300 });
    try {
      expect(await exec.command(['PING'])).toBe('PONG');
      const pid = redis.pid()!;
      process.kill(pid, 'SIGSTOP');
      const outcomes = await Promise.allSettled([exec.command(['PING']), exec.command(['GET', 'x'], 'x'), exec.command(['PING'])]);
      process.kill(pid, 'SIGCONT');
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(String((outcomes[1] as PromiseRejectedResult).reason)).toContain('did not answer GET within 300 ms');
      // the replies that were owed arrive now and are dropped; new commands are answered
      await expect.poll(() => exec.command(['PING']).catch(() => 'no'), { timeout: 5000 }).toBe('PONG');
    } finally {
      process.kill(redis.pid()!, 'SIGCONT');
      await exec.close();
    }
  });
});
