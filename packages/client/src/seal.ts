/**
 * Labels that must never reach the server in clear (names on an ally map, whom and what a
 * commitment is about) are sealed in the participant's browser with AES-GCM (256-bit key, fresh
 * 96-bit IV per label, 128-bit tag). The key lives in the browser and in the participant's resume
 * link fragment (`#…&k=`), which browsers never send to a server.
 *
 * Two engines, one format. WebCrypto (`crypto.subtle`) where the page has it — pages served over
 * HTTPS or from localhost. Browsers leave `crypto.subtle` out of every other page (a phone on the
 * workshop's Wi-Fi opening `http://192.168.1.20:3000`), so there the same AES-GCM runs in
 * JavaScript (`@noble/ciphers`, audited). Both write `{ iv, ct }` with `ct` = ciphertext ‖ tag,
 * base64url, so a label sealed by one opens with the other (a phone on plain HTTP, the same
 * person's laptop on HTTPS). Randomness comes from `crypto.getRandomValues`, which every page has.
 */
import { gcm } from '@noble/ciphers/aes.js';
import type { SealedLabel } from '@canopy/core';
import { fromBase64url as fromB64url, toBase64url as b64url } from './base64url.js';

/** The WebCrypto types, spelled so they work with the DOM typings and with Node's. */
type Subtle = typeof globalThis.crypto.subtle;
type WebKey = Awaited<ReturnType<Subtle['importKey']>>;

export type SealEngine = 'webcrypto' | 'js';

/** An imported sealing key: the raw 256 bits and, where WebCrypto exists, its key object. */
export interface SealKey {
  readonly engine: SealEngine;
  readonly raw: Uint8Array<ArrayBuffer>;
  readonly web: WebKey | null;
}

/** WebCrypto's AES-GCM, when this page has it (secure contexts only). */
const subtle = (): Subtle | null => (typeof globalThis.crypto !== 'undefined' && globalThis.crypto.subtle ? globalThis.crypto.subtle : null);

/** Which engine seals on this page: WebCrypto where it exists, JavaScript AES-GCM elsewhere. */
export const sealEngine = (): SealEngine => (subtle() ? 'webcrypto' : 'js');

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

/** A new random key, as the 43-character base64url string kept in the resume link. */
export function newSealKey(): Promise<string> {
  return Promise.resolve(b64url(random(32)));
}

/** Import a key from its link form; `engine` forces one (tests), otherwise the page's best. */
export async function importSealKey(encoded: string, engine: SealEngine = sealEngine()): Promise<SealKey> {
  const raw = fromB64url(encoded);
  if (raw.length !== 32) throw new Error('Bad key: expected 256 bits');
  if (engine === 'js') return { engine, raw, web: null };
  const s = subtle();
  if (!s) throw new Error('WebCrypto is not available on this page');
  return { engine, raw, web: await s.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']) };
}

export async function seal(key: SealKey, text: string): Promise<SealedLabel> {
  const iv = random(12);
  const plain = new TextEncoder().encode(text);
  const s = key.web ? subtle() : null;
  const ct = s && key.web ? new Uint8Array(await s.encrypt({ name: 'AES-GCM', iv }, key.web, plain)) : gcm(key.raw, iv).encrypt(plain);
  return { iv: b64url(iv), ct: b64url(ct) };
}

/** The label in clear, or null when this key cannot open it (another device's key, tampering). */
export async function unseal(key: SealKey, label: SealedLabel): Promise<string | null> {
  try {
    const iv = fromB64url(label.iv);
    const ct = fromB64url(label.ct);
    const s = key.web ? subtle() : null;
    const pt = s && key.web ? new Uint8Array(await s.decrypt({ name: 'AES-GCM', iv }, key.web, ct)) : gcm(key.raw, iv).decrypt(ct);
    return new TextDecoder('utf-8', { fatal: true }).decode(pt);
  } catch {
    return null;
  }
}
