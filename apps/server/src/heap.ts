/**
 * Memory after a surge. When a room of hundreds joins at once, every join leaves garbage (its HTTP
 * request, its handshake, the welcome it was sent, the buffers its frames went out in). V8 grows
 * its heap to hold it and keeps the pages it committed; the process stays at the surge's
 * high-water mark — measured at 2,000 joins: about 95 KB of resident memory per participant, of
 * which about 7 KB is live JavaScript heap. One full collection once the node is quiet again
 * makes V8 give the pages back.
 *
 * `QuietCollector` decides when (pure, tested); `collectWhenQuiet` looks once a second at the
 * process's resident memory and at how busy the event loop was, and collects when the memory has
 * grown by GC_AFTER_GROWTH_MB over its lowest point since the last collection and the loop has been
 * mostly idle for QUIET_SECONDS in a row. A full collection pauses the process (about 100 ms after
 * 2,000 joins): it runs only on a quiet node, at most every MIN_GAP_MS.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from './log.js';

/** the event loop busy less than this share of a second: a quiet second */
export const QUIET_UTILIZATION = 0.25;
/** quiet seconds in a row before collecting (a room between two steps, not a pause within one) */
export const QUIET_SECONDS = 3;
/** two collections at least this far apart */
export const MIN_GAP_MS = 10_000;

export class QuietCollector {
  /** the lowest resident memory seen since the last collection (or the start) */
  private floor: number;
  private last = -Infinity;
  private quiet = 0;

  constructor(
    private readonly growthBytes: number,
    rss: number,
  ) {
    this.floor = rss;
  }

  /** One look (every second) at the resident memory and the loop's utilization: collect now? */
  shouldCollect(rss: number, utilization: number, now: number): boolean {
    if (rss < this.floor) this.floor = rss; // memory given back (V8 collected on its own, or after ours)
    this.quiet = utilization < QUIET_UTILIZATION ? this.quiet + 1 : 0;
    return rss - this.floor >= this.growthBytes && this.quiet >= QUIET_SECONDS && now - this.last >= MIN_GAP_MS;
  }

  /** A collection ran at `now`; the memory it gives back shows over the next looks. */
  collected(rss: number, now: number): void {
    this.floor = rss;
    this.last = now;
  }
}

/**
 * V8's full collection, without starting Node with --expose-gc, compacting every page: without
 * compaction V8 frees the garbage but keeps the pages it was spread over (measured: 230 MB of
 * heap kept for 70 MB live after 2,000 joins).
 */
function fullCollection(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    setFlagsFromString('--compact-on-every-full-gc');
    try {
      gc();
    } finally {
      setFlagsFromString('--no-compact-on-every-full-gc');
    }
  };
}

/** Start looking (GC_AFTER_GROWTH_MB > 0); the returned function stops it. */
export function collectWhenQuiet(growthMb: number, log: Logger): () => void {
  if (growthMb <= 0) return () => {};
  const gc = fullCollection();
  const decide = new QuietCollector(growthMb * 1024 * 1024, process.memoryUsage.rss());
  let elu = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const next = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(next, elu).utilization;
    elu = next;
    const rss = process.memoryUsage.rss();
    const now = performance.now();
    if (!decide.shouldCollect(rss, busy, now)) return;
    gc();
    decide.collected(process.memoryUsage.rss(), now);
    log.debug('collected the heap while quiet', { rssMb: Math.round(rss / 1048576), ms: Math.round(performance.now() - now) });
  }, 1000);
  timer.unref();
  return () => clearInterval(timer);
}
