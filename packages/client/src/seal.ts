/**
 * Labels that must never reach the server in clear (names on an ally map, whom a commitment is
 * about) are sealed in the participant's browser with AES-GCM (256-bit key, fresh 96-bit IV per
 * label). The key lives in the browser and in the participant's resume link fragment (`#…&k=`),
 * which browsers never send to a server.
 */
import type { SealedLabel } from '@canopy/core';
import { fromBase64url as fromB64url, toBase64url as b64url } from './base64url.js';

/** The WebCrypto key type, spelled so it works with the DOM typings and with Node's. */
export type SealKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** A new random key, as the 43-character base64url string kept in the resume link. */
export async function newSealKey(): Promise<string> {
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
  return b64url(new Uint8Array(await crypto.subtle.exportKey('raw', key)));
}

export async function importSealKey(encoded: string): Promise<SealKey> {
  const raw = fromB64url(encoded);
  if (raw.length !== 32) throw new Error('Bad key: expected 256 bits');
  return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

export async function seal(key: SealKey, text: string): Promise<SealedLabel> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(text)));
  return { iv: b64url(iv), ct: b64url(ct) };
}

/** The label in clear, or null when this key cannot open it (another device's key, tampering). */
export async function unseal(key: SealKey, label: SealedLabel): Promise<string | null> {
  try {
    const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromB64url(label.iv) }, key, fromB64url(label.ct));
    return new TextDecoder().decode(pt);
  } catch {
    return null;
  }
}
