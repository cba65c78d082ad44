/**
 * Private labels on a participant's screen (names on an ally map, whom a commitment is about):
 * sealed here before they leave the browser, opened here with the key from the resume link. The
 * server and everyone else see only ciphertext. Make one per screen, during its setup.
 */
import { importSealKey, seal, unseal, type SealKey } from '@canopy/client';
import type { SealedLabel } from '@canopy/core';
import { SvelteMap } from 'svelte/reactivity';

const sealedId = (l: SealedLabel) => `${l.iv}.${l.ct}`;

export class Sealer {
  /** the imported key, once ready */
  key = $state.raw<SealKey | null>(null);
  /** the key in this browser is not a key (a damaged link) */
  problem = $state(false);
  /** sealed label → text, or null when this key cannot open it */
  readonly #opened = new SvelteMap<string, string | null>();
  // bookkeeping only (labels being opened right now): nothing renders from it
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #opening = new Set<string>();
  readonly #encoded: () => string | null;

  constructor(encodedKey: () => string | null) {
    this.#encoded = encodedKey;
    $effect(() => {
      const k = encodedKey();
      if (!k) return;
      let current = true;
      importSealKey(k).then(
        (v) => current && ((this.key = v), (this.problem = false)),
        () => current && ((this.key = null), (this.problem = true)),
      );
      return () => (current = false);
    });
  }

  /** No key here (or a broken one): labels cannot be opened or written on this device. */
  get locked(): boolean {
    return this.problem || !this.#encoded();
  }

  /**
   * The label in clear; `null` when it cannot be opened here (another device's key); `undefined`
   * while it is being opened (it is opened on first ask).
   */
  open(label: SealedLabel): string | null | undefined {
    const id = sealedId(label);
    if (this.#opened.has(id)) return this.#opened.get(id) ?? null;
    if (this.locked) return null;
    const k = this.key;
    if (k && !this.#opening.has(id)) {
      this.#opening.add(id);
      void unseal(k, label).then((text) => {
        this.#opening.delete(id);
        this.#opened.set(id, text);
      });
    }
    return undefined;
  }

  /** Seal a text (null when there is no key yet); the sealed label opens at once here. */
  async seal(text: string): Promise<SealedLabel | null> {
    const k = this.key;
    if (!k) return null;
    const label = await seal(k, text);
    this.#opened.set(sealedId(label), text);
    return label;
  }
}
