import { toBase64url } from './base64url.js';

/** Random URL-safe ids made on the client (submission ids, participant tokens, device ids). */
export function randomId(bytes = 16): string {
  return toBase64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A participant's bearer token: 192 random bits. */
export const newParticipantToken = () => randomId(24);

/** A version 4 UUID from `crypto.getRandomValues`, which every page has (unlike `crypto.randomUUID`). */
export function uuid4(): `${string}-${string}-${string}-${string}-${string}` {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Browsers give `crypto.randomUUID` only to secure contexts (HTTPS, localhost); a phone on the
 * workshop's Wi-Fi at `http://192.168.…` has none. A library that calls it (ical-generator does,
 * for every event's default id) gets one made from `getRandomValues` there.
 */
export function ensureRandomUUID(): void {
  const c = globalThis.crypto as typeof globalThis.crypto & { randomUUID?: unknown };
  if (typeof c.randomUUID === 'function') return;
  Object.defineProperty(c, 'randomUUID', { value: uuid4, configurable: true, writable: true });
}
