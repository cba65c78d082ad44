/**
 * What every HTTP answer carries and what every HTTP request may weigh, whoever answers it: Hono
 * (the API), the SvelteKit handler (the screens) or Engine.IO (Socket.IO's polling transport).
 *
 * - Security headers on every response. The screens' Content-Security-Policy comes from SvelteKit
 *   (`kit.csp` in apps/web/svelte.config.js, with a nonce per page); everything else gets a policy
 *   that allows nothing, since JSON, files and plain text never run code.
 * - A body limit on every route, checked before anything is parsed (a 413 that says the limit).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/** Headers every response carries, screens included. */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  // no page of Canopy is meant to be shown inside another site's frame (clickjacking the console)
  'X-Frame-Options': 'DENY',
  // a join link carries the room code, and a console or projector link its token: never pass them on
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

/** For everything that is not a screen (the API, downloads, health, plain-text answers). */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Put the headers on the raw response, so they hold whoever ends up writing it. The SvelteKit
 * handler replaces the Content-Security-Policy with its page's own (`setHeader` replaces); static
 * files and everything else keep the one that allows nothing.
 */
export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(COMMON_HEADERS)) res.setHeader(name, value);
  res.setHeader('Content-Security-Policy', API_CSP);
}

/** The Hono middleware: security headers on the raw response, before any handler runs. */
export function securityHeaders(): MiddlewareHandler<{ Bindings: HttpBindings }> {
  return async (c, next) => {
    setSecurityHeaders(c.env.outgoing);
    await next();
  };
}

/** Engine.IO's own answers (polling transport, handshake errors) get the same headers. */
export function socketHeaders(headers: Record<string, string>, _req: IncomingMessage): void {
  Object.assign(headers, COMMON_HEADERS, { 'Content-Security-Policy': API_CSP });
}

/** Refuse a body over `maxBytes` before reading it into memory (Content-Length checked first, else counted as it streams). */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) =>
      c.json(
        {
          error: {
            message: `Request body too large: the limit is ${maxBytes} bytes (HTTP_BODY_LIMIT_BYTES).`,
            code: -32413,
            data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413, limitBytes: maxBytes },
          },
        },
        413,
        { Connection: 'close' },
      ),
  });
}
