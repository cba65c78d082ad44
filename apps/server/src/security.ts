import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
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
  return addressOf(req.headers, req.socket.remoteAddress, trustProxy);
}

/** The client's address from a request's headers and its peer's address (a Socket.IO handshake keeps both). */
export function addressOf(headers: IncomingMessage['headers'], remote: string | undefined, trustProxy: boolean): string {
  if (trustProxy) {
    // The last hop is the one our own proxy added; earlier entries are whatever the client sent.
    const fwd = headers['x-forwarded-for'];
    const last = (Array.isArray(fwd) ? fwd.join(',') : fwd)?.split(',').at(-1)?.trim();
    if (last) return last;
  }
  return remote || 'unknown';
}

/** A host name that is an address (IPv4, [IPv6]) or localhost: no DNS answer can make another site's page come from it. */
function isAddressHost(hostname: string): boolean {
  return hostname === 'localhost' || isIP(hostname) !== 0 || (hostname.startsWith('[') && isIP(hostname.slice(1, -1)) === 6);
}

/**
 * Browsers always send Origin on a WebSocket or XHR; it must be one of the configured origins
 * (ALLOWED_ORIGINS and the origin of PUBLIC_URL) or this server's own address. The Host header
 * alone is not trusted for a named host: a DNS-rebinding page (evil.example resolving to this
 * server) sends matching Origin and Host. So a page reached by name must be configured; a page
 * reached at an IP address or localhost is allowed when Origin and Host agree, since no other site
 * can serve a page from that origin. Non-browser clients (the SDK in Node, load tests) send no
 * Origin and rely on tokens.
 */
export function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    const url = new URL(origin);
    return url.host === req.headers.host && isAddressHost(url.hostname);
  } catch {
    return false;
  }
}

/** The origins a browser page may come from: ALLOWED_ORIGINS and PUBLIC_URL's. */
export function configuredOrigins(config: { ALLOWED_ORIGINS: readonly string[]; PUBLIC_URL?: string | undefined }): string[] {
  const list = config.ALLOWED_ORIGINS.map((o) => (URL.canParse(o) ? new URL(o).origin : o));
  if (config.PUBLIC_URL) list.push(new URL(config.PUBLIC_URL).origin);
  return list;
}

/**
 * What a room remembers of a removed person's nickname: an HMAC keyed by the room, of the name in
 * its compared form (case and spacing ignored) — the same name in another room gives another
 * hash, and the name itself is not kept. A nickname is short and guessable: the hash only lets
 * the room recognise the same name again, it does not hide it from someone who holds the
 * database and guesses names.
 */
export const removedNameHash = (roomId: string, nickname: string) =>
  createHmac('sha256', `canopy:removed-name:${roomId}`).update(nickname.toLocaleLowerCase('en').replace(/\s+/g, ' ').trim()).digest('hex');
