import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@canopy/api';

export type Api = ReturnType<typeof createApi>;

/** The typed HTTP API (create a room, look up a code, join). `baseUrl` '' means this page's origin. */
export function createApi(baseUrl = '') {
  return createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${baseUrl}/trpc` })] });
}

export const NETWORK_ERROR_MESSAGE = 'Cannot reach the server. Check your connection and try again.';

/**
 * The call never got an answer from the server: the request itself failed (offline, server down,
 * connection refused). Only such failures are network errors; the server's own refusals and
 * exceptions raised on this device are not.
 */
export function isNetworkError(e: unknown): boolean {
  if (!(e instanceof TRPCClientError)) return false;
  if (e.shape !== undefined || e.data !== undefined) return false; // the server answered
  const response = (e.meta as { response?: unknown } | undefined)?.response;
  return response === undefined && e.cause instanceof TypeError;
}

/**
 * The message to show a person for a failed call. A network error says so; the server's answer
 * is shown as it is; anything else went wrong on this device and says that, with its reason —
 * never "cannot reach the server" for an error the server never saw.
 */
export function apiErrorMessage(e: unknown): string {
  if (isNetworkError(e)) return NETWORK_ERROR_MESSAGE;
  if (e instanceof TRPCClientError) {
    if (e.shape !== undefined || e.data !== undefined) return e.message; // the server's own answer
    // an answer came, but not from Canopy's API (a proxy's error page, a cut-off body)
    return 'The server sent an answer this page cannot read. Try again in a moment.';
  }
  const reason = e instanceof Error ? e.message : String(e);
  return `Something went wrong in this browser (${reason}). Reload the page and try again.`;
}

/** Canopy's own error code from a failed API call (e.g. NOT_FOUND, RATE_LIMITED), if any. */
export function apiErrorCode(e: unknown): string | undefined {
  if (e instanceof TRPCClientError) {
    const data = e.data as { canopyCode?: string } | undefined;
    return data?.canopyCode;
  }
  return undefined;
}
