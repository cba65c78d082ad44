/**
 * Fair shares on one node: what one token, one client address and one room may take of the
 * server, so that a busy or hostile room waits behind its own work and not everyone's.
 *
 * - Sockets: at most SOCKETS_PER_TOKEN open connections per token (one person's tabs and devices)
 *   and SOCKETS_PER_ADDRESS per client address (a venue's NAT shares one address: keep it high).
 * - Messages: every socket has its own bucket (SOCKET_MSGS_PER_SEC) and, on top, all the sockets
 *   of one token share one (TOKEN_MSGS_PER_SEC): opening more sockets buys no more messages.
 * - Costly reads (`outcomes:mine`, `sync`: they read every step or the whole room) come out of a
 *   smaller bucket per token (COSTLY_READS_PER_MIN), and one token's run one at a time; asking a
 *   question (`questions:ask`) out of its own (QUESTION_ASKS_PER_MIN), so a phone cannot flood the room's questions.
 * - A socket over its budget is not read until the budget allows (realtime.ts, `holdBack`).
 * - Work per room: at most ROOM_CONCURRENCY handlers of one room run at once; the rest queue, in
 *   order, behind that room's own work (ROOM_QUEUE_MAX waiting, then BUSY), so another room's
 *   messages never wait behind them.
 *
 * These counts are per node (in process): behind a load balancer each node enforces its share.
 */
import type { Config } from './config.js';

/** A token bucket: `perSec` a second, holding at most `burst`. */
export class Bucket {
  private tokens: number;
  private last = Date.now();
  constructor(
    private readonly perSec: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }
  /** Take one: 0 if granted, else the milliseconds until one is there. */
  take(): number {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSec);
    this.last = now;
    if (this.tokens < 1) return Math.ceil(((1 - this.tokens) / this.perSec) * 1000);
    this.tokens -= 1;
    return 0;
  }
  /** Full again (nothing taken for a while): the entry can be dropped. */
  idle(): boolean {
    return this.tokens + ((Date.now() - this.last) / 1000) * this.perSec >= this.burst;
  }
}

/** the longest a socket that keeps ignoring its limit is left unread */
export const MAX_HOLD_MS = 2000;

/**
 * How long to stop reading a socket that is over its budget. A client that waits as told
 * (`retryAfterMs`, as the SDK does) is held for exactly the wait; one that sends again before its
 * last hold was over is ignoring it, and each time it does the hold doubles (up to MAX_HOLD_MS),
 * so a flooding socket costs the server a few messages a second, not thousands.
 */
export class Brake {
  private until = 0;
  private strikes = 0;
  /** `wait`: what the budget said; returns the ms to hold the socket (and to tell it to wait) */
  hold(wait: number): number {
    const now = Date.now();
    this.strikes = now < this.until ? this.strikes + 1 : 0;
    const ms = Math.min(MAX_HOLD_MS, Math.max(wait, wait * 2 ** this.strikes));
    this.until = now + ms;
    return ms;
  }
}

export type FairConfig = Pick<
  Config,
  | 'SOCKET_MSGS_PER_SEC'
  | 'TOKEN_MSGS_PER_SEC'
  | 'COSTLY_READS_PER_MIN'
  | 'QUESTION_ASKS_PER_MIN'
  | 'SOCKETS_PER_TOKEN'
  | 'SOCKETS_PER_ADDRESS'
  | 'ROOM_CONCURRENCY'
  | 'ROOM_QUEUE_MAX'
>;

/** Events that read every step or the whole room. */
export const COSTLY_EVENTS: ReadonlySet<string> = new Set(['outcomes:mine', 'sync', 'questions:list']);

/**
 * A room's queue is full: answered BUSY (the client retries). Made without a stack trace: it is
 * thrown by the thousand exactly when the server has no time to spare, is never logged, and
 * capturing a trace was a visible share of an overloaded server's CPU.
 */
export class RoomBusyError extends Error {
  constructor() {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super('This room has too much work queued right now; retrying…');
    Error.stackTraceLimit = limit;
  }
}

/** One room's (or one token's costly) work: at most a limit at once, the rest waiting in order. */
class Lane {
  running = 0;
  readonly waiting: Array<() => void> = [];
}

export class Fairness {
  private readonly sockets = { byToken: new Map<string, number>(), byAddress: new Map<string, number>() };
  private readonly tokenBuckets = new Map<string, Bucket>();
  private readonly costlyBuckets = new Map<string, Bucket>();
  private readonly askBuckets = new Map<string, Bucket>();
  private readonly lanes = new Map<string, Lane>();
  private readonly costlyLanes = new Map<string, Lane>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly config: FairConfig) {
    // forget the buckets of tokens that went quiet (they are full again)
    this.sweeper = setInterval(() => {
      for (const map of [this.tokenBuckets, this.costlyBuckets, this.askBuckets]) for (const [k, b] of map) if (b.idle()) map.delete(k);
    }, 30_000);
    this.sweeper.unref();
  }

  /**
   * A socket of `token` from `address` wants to open: null if it may (it then counts until
   * `release`), else why not.
   */
  admit(token: string, address: string): string | null {
    const t = this.sockets.byToken.get(token) ?? 0;
    if (t >= this.config.SOCKETS_PER_TOKEN)
      return `Too many open connections for this link (SOCKETS_PER_TOKEN, ${this.config.SOCKETS_PER_TOKEN}). Close another tab and try again.`;
    const a = this.sockets.byAddress.get(address) ?? 0;
    if (a >= this.config.SOCKETS_PER_ADDRESS) return `Too many open connections from this network (SOCKETS_PER_ADDRESS, ${this.config.SOCKETS_PER_ADDRESS}).`;
    this.sockets.byToken.set(token, t + 1);
    this.sockets.byAddress.set(address, a + 1);
    return null;
  }

  release(token: string, address: string): void {
    for (const [map, key] of [
      [this.sockets.byToken, token],
      [this.sockets.byAddress, address],
    ] as const) {
      const n = (map.get(key) ?? 1) - 1;
      if (n > 0) map.set(key, n);
      else map.delete(key);
    }
  }

  /** A socket's own bucket. */
  socketBucket(): Bucket {
    return new Bucket(this.config.SOCKET_MSGS_PER_SEC, this.config.SOCKET_MSGS_PER_SEC * 2);
  }

  /** One message of `event` from `token`: 0 if it may go on, else the milliseconds to wait. */
  take(token: string, event: string): number {
    const shared = bucketOf(this.tokenBuckets, token, () => new Bucket(this.config.TOKEN_MSGS_PER_SEC, this.config.TOKEN_MSGS_PER_SEC * 2));
    const wait = shared.take();
    if (wait) return wait;
    if (event === 'questions:ask') {
      const asks = this.config.QUESTION_ASKS_PER_MIN;
      return bucketOf(this.askBuckets, token, () => new Bucket(asks / 60, Math.max(1, Math.ceil(asks / 3)))).take();
    }
    if (!COSTLY_EVENTS.has(event)) return 0;
    const perMin = this.config.COSTLY_READS_PER_MIN;
    return bucketOf(this.costlyBuckets, token, () => new Bucket(perMin / 60, Math.max(1, Math.ceil(perMin / 6)))).take();
  }

  /** Run `work` in `roomId`'s lane: after the room's earlier work, never more than ROOM_CONCURRENCY at once. */
  inRoom<T>(roomId: string, work: () => Promise<T>): Promise<T> {
    return this.inLane(this.lanes, roomId, this.config.ROOM_CONCURRENCY, work);
  }

  /**
   * Run a costly read of `token` after that token's earlier ones: one at a time, so a burst of
   * them is spread out instead of landing on the event loop at once (each reads every step).
   * Bounded by the costly-read bucket (COSTLY_READS_PER_MIN), so the queue stays short.
   */
  costly<T>(token: string, work: () => Promise<T>): Promise<T> {
    return this.inLane(this.costlyLanes, token, 1, work);
  }

  private async inLane<T>(lanes: Map<string, Lane>, key: string, limit: number, work: () => Promise<T>): Promise<T> {
    let lane = lanes.get(key);
    if (!lane) lanes.set(key, (lane = new Lane()));
    if (lane.running >= limit) {
      if (lane.waiting.length >= this.config.ROOM_QUEUE_MAX) throw new RoomBusyError();
      await new Promise<void>((resolve) => lane.waiting.push(resolve));
    } else lane.running += 1;
    try {
      return await work();
    } finally {
      const next = lane.waiting.shift();
      if (next)
        next(); // the slot passes on as it is
      else {
        lane.running -= 1;
        if (lane.running === 0) lanes.delete(key);
      }
    }
  }

  /** For tests and the bench: open sockets counted for a token and an address, rooms with work in flight. */
  stats(token?: string, address?: string) {
    return {
      token: token === undefined ? 0 : (this.sockets.byToken.get(token) ?? 0),
      address: address === undefined ? 0 : (this.sockets.byAddress.get(address) ?? 0),
      busyRooms: this.lanes.size,
    };
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}

function bucketOf(map: Map<string, Bucket>, key: string, make: () => Bucket): Bucket {
  let b = map.get(key);
  if (!b) map.set(key, (b = make()));
  return b;
}
