/**
 * The participant's outbox as Svelte 5 state: the SDK's `Outbox` (queue, coalescing, retries,
 * `packages/client/src/outbox.ts`) over this browser's localStorage, mirrored into `$state.raw`
 * fields that screens read reactively.
 */
import { Outbox as ClientOutbox, type OutboxItem, type OutboxStorage } from '@canopy/client';
import type { LiveRoom } from './room.svelte';
import { getOutbox, saveOutbox } from './storage';

/** The room's waiting submissions in localStorage: a reload, a closed tab or a lost connection loses nothing. */
export const localOutboxStorage = (roomId: string): OutboxStorage => ({
  load: () => getOutbox<unknown>(roomId),
  save: (items) => saveOutbox(roomId, [...items]),
});

export class Outbox<I = unknown> {
  /** waiting and in-flight items, oldest first */
  items = $state.raw<OutboxItem<I>[]>([]);
  /** the last refusal from the server, cleared by the next success */
  error = $state('');
  /** submissions acknowledged since this outbox was made */
  acked = $state(0);
  readonly #outbox: ClientOutbox<I>;
  readonly #off: () => void;

  constructor(live: LiveRoom, roomId: string) {
    this.#outbox = new ClientOutbox<I>(live.conn, localOutboxStorage(roomId));
    this.#off = this.#outbox.subscribe((s) => {
      this.items = s.items;
      this.error = s.error;
      this.acked = s.acked;
    });
  }

  /** Items for one step, in the order the server will apply them. */
  for(stepId: string): OutboxItem<I>[] {
    return this.items.filter((i) => i.stepId === stepId);
  }

  push(stepId: string, input: I, key?: string): void {
    this.#outbox.push(stepId, input, key);
  }

  /** Send what waits for the current step, one at a time. Safe to call any time. */
  flush(): Promise<void> {
    return this.#outbox.flush();
  }

  /** Stop sending (the component is going away); waiting items stay stored. */
  stop(): void {
    this.#outbox.stop();
    this.#off();
  }
}
