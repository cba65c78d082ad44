/**
 * A console screen's facilitator actions on a step's shared state (merge, remove, open the vote…):
 * one at a time, with the server's refusal shown and a line for screen readers when it worked.
 */
import type { LiveRoom } from '$lib/room.svelte';
import { errorText } from '$lib/errors';

export class StepActions<A> {
  acting = $state(false);
  error = $state('');
  notice = $state('');
  readonly #live: () => LiveRoom;
  readonly #stepId: () => string;

  /** getters, so the screen's current room and step are used */
  constructor(live: () => LiveRoom, stepId: () => string) {
    this.#live = live;
    this.#stepId = stepId;
  }

  async act(action: A, done: string): Promise<boolean> {
    this.acting = true;
    try {
      const res = await this.#live().conn.act(this.#stepId(), action);
      if (res.ok) {
        this.error = '';
        this.notice = done;
      } else this.error = errorText(res.error);
      return res.ok;
    } finally {
      this.acting = false;
    }
  }
}
