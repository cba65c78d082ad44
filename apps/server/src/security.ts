import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { codeFromBytes } from '@canopy/core';

/** Bearer tokens: 192 random bits, URL-safe. */
export const newToken = () => randomBytes(24).toString('base64url');
/** Opaque ids (rooms, participants): 96 random bits. */
export const newId = () => randomBytes(12).toString('base64url');
export const newRoomCode = () => codeFromBytes(randomBytes(32));
/** A seed for the pure core's seeded randomness (grouping, pairing). */
export const newSeed = () => randomInt(0, 2 ** 31);

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    // The last hop is the one our own proxy added; earlier entries are whatever the client sent.
    const fwd = req.headers['x-forwarded-for'];
    const last = (Array.isArray(fwd) ? fwd.join(',') : fwd)?.split(',').at(-1)?.trim();
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * Browsers always send Origin on a WebSocket or XHR; it must be this server's own origin or one
 * on the allow-list. Non-browser clients (the SDK in Node, load tests) send none and rely on tokens.
 */
export function originAllowed(req: IncomingMessage, allowed: string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
