import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { apiErrorMessage, createApi, isNetworkError, NETWORK_ERROR_MESSAGE } from './api.js';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}

describe('what a person is told when a call fails', () => {
  it('a server that cannot be reached is a network error', async () => {
    const api = createApi(`http://127.0.0.1:${await closedPort()}`);
    const e = await failure(api.rooms.lookup.mutate({ code: 'K7FQ2MXD' }));
    expect(isNetworkError(e)).toBe(true);
    expect(apiErrorMessage(e)).toBe(NETWORK_ERROR_MESSAGE);
  });

  it('a failure on this device (no WebCrypto on a plain-HTTP page) is not reported as a network error', () => {
    const local = new TypeError("Cannot read properties of undefined (reading 'generateKey')");
    expect(isNetworkError(local)).toBe(false);
    expect(apiErrorMessage(local)).not.toBe(NETWORK_ERROR_MESSAGE);
    expect(apiErrorMessage(local)).toBe(
      "Something went wrong in this browser (Cannot read properties of undefined (reading 'generateKey')). Reload the page and try again.",
    );
  });

  it('a server that answers with something other than the API (a proxy error page) says so', async () => {
    const s = createServer((_req, res) => res.writeHead(502, { 'Content-Type': 'text/html' }).end('<h1>Bad gateway</h1>'));
    await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
    try {
      const api = createApi(`http://127.0.0.1:${(s.address() as AddressInfo).port}`);
      const e = await failure(api.rooms.lookup.mutate({ code: 'K7FQ2MXD' }));
      expect(isNetworkError(e)).toBe(false);
      expect(apiErrorMessage(e)).toBe('The server sent an answer this page cannot read. Try again in a moment.');
    } finally {
      await new Promise<void>((ok) => s.close(() => ok()));
    }
  });
});
