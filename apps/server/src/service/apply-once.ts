/**
 * The one write loop of the room service: read, decide, write with compare-and-set; a change
 * whose client-made id was applied already is answered as a duplicate without writing; a lost race
 * reads again after a short random pause. Facilitator commands, participant answers, facilitator
 * actions and erasure all write through it.
 */
import { ServiceError } from '@canopy/api';

/** attempts before a change that keeps losing its race gives up (with its `busy` refusal) */
export const CAS_ATTEMPTS = 8;

/** `write`'s answer when another writer came first: nothing changed; read again and retry. */
export const LOST: unique symbol = Symbol('lost');
/** `write`'s answer when the store says this id was applied already (by a racing resend). */
export const DUPLICATE: unique symbol = Symbol('duplicate');

export interface Change<S, T> {
  /** Changes with the same key run one after another on this node (they never race each other here). */
  key?: string;
  /** What the change needs to decide, read again on every attempt (with the dedupe look-up, in one round trip). */
  read(): Promise<S>;
  /**
   * For changes carrying a client-made id: `seen` says whether `read` found it applied already, and
   * `answer` is what a resend gets then (also when the write itself answers DUPLICATE). Checked
   * before anything else: the change might be refused now (the record or the step moved on since).
   */
  dedupe?: { seen(state: S): boolean; answer(state: S): T | Promise<T> };
  /** Decide (throwing a ServiceError to refuse) and write with compare-and-set. */
  write(state: S): Promise<T | typeof LOST | typeof DUPLICATE>;
  /** The refusal once every attempt lost its race. */
  busy(): ServiceError;
}

/** A short random pause before retrying a lost compare-and-set, so racing writers spread out. */
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** attempt));

/** Apply `change` once: see `Change`. Resolves only once the store holds it (or it was there already). */
export function applyOnce<S, T>(queues: KeyedQueue, change: Change<S, T>): Promise<T> {
  const loop = async (): Promise<T> => {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const state = await change.read();
      if (change.dedupe?.seen(state)) return change.dedupe.answer(state);
      const out = await change.write(state);
      if (out === DUPLICATE) {
        if (!change.dedupe) throw new ServiceError('INTERNAL', 'A change without an id was answered as a duplicate.');
        return change.dedupe.answer(state);
      }
      if (out !== LOST) return out;
      await backoff(attempt);
    }
    throw change.busy();
  };
  return change.key === undefined ? loop() : queues.run(change.key, loop);
}

/**
 * Runs work one after another per key on this node, so writes to one record never race each
 * other here; compare-and-set still settles races with other nodes.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.tails.get(key) ?? Promise.resolve()).then(fn, fn);
    const tail = run.then(
      () => {},
      () => {},
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }

  /** Nothing runs or waits under `key` on this node now. */
  idle(key: string): boolean {
    return !this.tails.has(key);
  }
}
