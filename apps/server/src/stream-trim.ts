/**
 * The Socket.IO Redis Streams adapter keeps every broadcast (roster changes with names, activity
 * pictures with answers' texts…) in one Redis stream, trimmed only by length. On a quiet
 * deployment that would keep a deleted room's broadcasts for a long time. Entries older than the
 * longest a client may be away and still recover (connection-state recovery: 2 minutes) serve no
 * one, so each node trims the stream by age (stream ids start with their time in ms).
 */
/** a node-redis client, or a wrapper that routes the command by the stream's key on a Cluster */
type Redis = { sendCommand(args: string[]): Promise<unknown> };

/** Entries kept: well past the 2-minute recovery window, so a lagging node still reads its backlog. */
export const STREAM_KEEP_MS = 5 * 60_000;

/** Delete the stream's entries older than `keepMs`. Resolves with how many went. */
export async function trimStream(redis: Redis, stream: string, keepMs = STREAM_KEEP_MS, now = Date.now()): Promise<number> {
  return Number(await redis.sendCommand(['XTRIM', stream, 'MINID', String(Math.max(0, now - keepMs))]));
}

/** Trim now and then every minute; returns the stop function. Errors (Redis away) wait for the next round. */
export function trimStreamPeriodically(redis: Redis, stream: string, onError: (e: unknown) => void): () => void {
  const run = () => void trimStream(redis, stream).catch(onError);
  run();
  const timer = setInterval(run, 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
