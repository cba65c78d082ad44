/**
 * A participant's submissions on their way to the server, in order, one at a time, kept in a
 * storage (the browser's localStorage; memory in tests) until the server acknowledges them: a
 * reload, a lost connection or a closed tab loses nothing, and each item keeps its submission id,
 * so a replay is recognised as one and stored once. Items that describe the same thing (e.g. the
 * same person on a map) coalesce while they wait: only the last state is sent. A refusal drops
 * the item and says why; an answer that means "not saved yet" (`RETRYABLE_CODES`) keeps it for
 * the next `flush`. Inputs must be safe to keep on the device (private labels are already sealed).
 * Framework-free: `subscribe` follows the Svelte store contract, like `RoomConnection`.
 */
import { RETRYABLE_CODES } from '@canopy/core';
import { randomId } from './ids.js';
import type { RoomConnection } from './room.js';

export interface OutboxItem<I = unknown> {
  /** submission id: the same on every retry and replay */
  sid: string;
  stepId: string;
  input: I;
  /** items with the same key replace each other while waiting */
  key?: string;
  /** when it was queued (ms); items for a step that never comes back expire */
  at: number;
}

/** Where the waiting items are kept between page loads (one outbox per room). */
export interface OutboxStorage {
  /** what was saved last (anything unreadable is dropped by the outbox) */
  load(): unknown[];
  /** the items now waiting (empty: nothing waits) */
  save(items: readonly OutboxItem[]): void;
}

/** Storage in memory: survives a new `Outbox` on the same object (a "reload" in tests), not a real reload. */
export function memoryOutboxStorage(): OutboxStorage & { saved: OutboxItem[] } {
  const store = {
    saved: [] as OutboxItem[],
    load: () => structuredClone(store.saved),
    save(items: readonly OutboxItem[]) {
      store.saved = structuredClone([...items]);
    },
  };
  return store;
}

export interface OutboxState<I = unknown> {
  /** waiting and in-flight items, oldest first */
  items: OutboxItem<I>[];
  /** the last refusal from the server, cleared by the next success */
  error: string;
  /** submissions acknowledged since this outbox was made */
  acked: number;
}

/** What the outbox needs of a room connection: the current step and `submit` (retried until stored or closed). */
export type OutboxConnection = Pick<RoomConnection, 'state' | 'submit'>;

export const OUTBOX_MAX_ITEMS = 500;
export const OUTBOX_MAX_AGE_MS = 24 * 60 * 60 * 1000;

function isItem(i: unknown): i is OutboxItem {
  if (!i || typeof i !== 'object') return false;
  const o = i as Partial<OutboxItem>;
  return typeof o.sid === 'string' && typeof o.stepId === 'string';
}

export class Outbox<I = unknown> {
  #state: OutboxState<I>;
  readonly #conn: OutboxConnection;
  readonly #storage: OutboxStorage;
  readonly #now: () => number;
  readonly #listeners = new Set<(s: OutboxState<I>) => void>();
  #inflight: string | null = null;
  #running = false;
  #stopped = false;

  constructor(conn: OutboxConnection, storage: OutboxStorage, opts: { now?: () => number } = {}) {
    this.#conn = conn;
    this.#storage = storage;
    this.#now = opts.now ?? Date.now;
    const now = this.#now();
    const items = storage.load().filter((i): i is OutboxItem<I> => isItem(i) && now - (i.at ?? 0) < OUTBOX_MAX_AGE_MS);
    this.#state = { items, error: '', acked: 0 };
  }

  get state(): OutboxState<I> {
    return this.#state;
  }

  /** Svelte store contract: called at once with the current state, then on every change. */
  subscribe(fn: (s: OutboxState<I>) => void): () => void {
    this.#listeners.add(fn);
    fn(this.#state);
    return () => this.#listeners.delete(fn);
  }

  /** Items for one step, in the order the server will apply them. */
  for(stepId: string): OutboxItem<I>[] {
    return this.#state.items.filter((i) => i.stepId === stepId);
  }

  /** Queue an input for a step (replacing a waiting one with the same key) and send when possible. */
  push(stepId: string, input: I, key?: string): OutboxItem<I> {
    const item: OutboxItem<I> = { sid: randomId(), stepId, input, at: this.#now(), ...(key ? { key } : {}) };
    const items = this.#state.items;
    const i = key ? items.findIndex((x) => x.key === key && x.stepId === stepId && x.sid !== this.#inflight) : -1;
    const next = [...items];
    if (i >= 0) next[i] = item;
    else next.push(item);
    this.#setItems(next.slice(-OUTBOX_MAX_ITEMS));
    void this.flush();
    return item;
  }

  /** Send what waits for the current step, one at a time. Safe to call any time (e.g. on every reconnect). */
  async flush(): Promise<void> {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    try {
      for (;;) {
        const stepId = this.#conn.state.stage?.step?.id;
        const next = this.#state.items.find((i) => i.stepId === stepId);
        if (!next || this.#stopped) break;
        this.#inflight = next.sid;
        const res = await this.#conn.submit(next.stepId, next.input, next.sid);
        this.#inflight = null;
        if (this.#stopped) break; // a newer outbox owns the stored items now
        if (!res.ok && RETRYABLE_CODES.has(res.error.code)) break; // not saved, and the connection is gone: keep it for later
        this.#setItems(this.#state.items.filter((i) => i.sid !== next.sid));
        this.#set(res.ok ? { error: '', acked: this.#state.acked + 1 } : { error: res.error.message });
      }
    } finally {
      this.#running = false;
      this.#inflight = null;
    }
  }

  /** Stop sending (the screen is going away); waiting items stay stored. */
  stop(): void {
    this.#stopped = true;
  }

  #setItems(items: OutboxItem<I>[]) {
    this.#storage.save(items);
    this.#set({ items });
  }

  #set(patch: Partial<OutboxState<I>>) {
    this.#state = { ...this.#state, ...patch };
    for (const fn of this.#listeners) fn(this.#state);
  }
}
