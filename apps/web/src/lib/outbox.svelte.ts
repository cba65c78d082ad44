/**
 * A participant's submissions on their way to the server, in order, one at a time, kept in
 * localStorage until the server acknowledges them: a reload, a lost connection or a closed tab
 * loses nothing (each item keeps its submission id, so a replay is recognised as one). Items that
 * describe the same thing (e.g. the same person on a map) coalesce while they wait: only the last
 * state is sent. Inputs must be safe to keep on the device (private labels are already sealed).
 */
import type { LiveRoom } from './room.svelte';
import { randomId } from '@canopy/client';
import { RETRYABLE_CODES } from '@canopy/core';
import { getOutbox, saveOutbox } from './storage';

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

const MAX_ITEMS = 500;
const MAX_AGE_MS = 24 * 60 * 60 * 1000;

export class Outbox<I = unknown> {
  /** waiting and in-flight items, oldest first */
  items = $state.raw<OutboxItem<I>[]>([]);
  /** the last refusal from the server, cleared by the next success */
  error = $state('');
  /** submissions acknowledged since this outbox was made */
  acked = $state(0);
  readonly #live: LiveRoom;
  readonly #roomId: string;
  #inflight: string | null = null;
  #running = false;
  #stopped = false;

  constructor(live: LiveRoom, roomId: string) {
    this.#live = live;
    this.#roomId = roomId;
    const now = Date.now();
    this.items = getOutbox<OutboxItem<I>>(roomId).filter(
      (i) => i && typeof i.sid === 'string' && typeof i.stepId === 'string' && now - (i.at ?? 0) < MAX_AGE_MS,
    );
  }

  /** Items for one step, in the order the server will apply them. */
  for(stepId: string): OutboxItem<I>[] {
    return this.items.filter((i) => i.stepId === stepId);
  }

  push(stepId: string, input: I, key?: string) {
    const item: OutboxItem<I> = { sid: randomId(), stepId, input, at: Date.now(), ...(key ? { key } : {}) };
    const i = key ? this.items.findIndex((x) => x.key === key && x.stepId === stepId && x.sid !== this.#inflight) : -1;
    const next = [...this.items];
    if (i >= 0) next[i] = item;
    else next.push(item);
    this.#set(next.slice(-MAX_ITEMS));
    void this.flush();
  }

  /** Send what waits for the current step, one at a time. Safe to call any time. */
  async flush() {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    try {
      for (;;) {
        const stepId = this.#live.conn.state.stage?.step?.id;
        const next = this.items.find((i) => i.stepId === stepId);
        if (!next || this.#stopped) break;
        this.#inflight = next.sid;
        const res = await this.#live.conn.submit(next.stepId, next.input, next.sid);
        this.#inflight = null;
        if (this.#stopped) break; // a newer outbox owns the stored items now
        if (!res.ok && RETRYABLE_CODES.has(res.error.code)) break; // not saved, and the connection is gone: keep it for later
        this.#set(this.items.filter((i) => i.sid !== next.sid));
        if (res.ok) {
          this.error = '';
          this.acked++;
        } else this.error = res.error.message;
      }
    } finally {
      this.#running = false;
      this.#inflight = null;
    }
  }

  /** Stop sending (the component is going away); waiting items stay stored. */
  stop() {
    this.#stopped = true;
  }

  #set(items: OutboxItem<I>[]) {
    this.items = items;
    saveOutbox(this.#roomId, items);
  }
}
