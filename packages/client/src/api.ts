import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@canopy/api';
import type { ErrorBody, ErrorCode, ErrorParams, ErrorReason } from '@canopy/core';

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

/**
 * What a failed call was, for a screen to word in its own language: the server's refusal (its
 * code, reason and parameters, with the English `message`), no answer at all (`network`), an answer
 * that is not Canopy's (`unreadable`), or a failure on this device (`browser`, with its reason).
 */
export type ApiFailure = { kind: 'server'; error: ErrorBody } | { kind: 'network' } | { kind: 'unreadable' } | { kind: 'browser'; reason: string };

export function apiFailure(e: unknown): ApiFailure {
  if (isNetworkError(e)) return { kind: 'network' };
  if (e instanceof TRPCClientError) {
    if (e.shape === undefined && e.data === undefined) return { kind: 'unreadable' };
    const data = e.data as { canopyCode?: ErrorCode; reason?: ErrorReason; params?: ErrorParams } | undefined;
    return {
      kind: 'server',
      error: {
        code: data?.canopyCode ?? 'INTERNAL',
        message: e.message,
        ...(data?.reason ? { reason: data.reason } : {}),
        ...(data?.params ? { params: data.params } : {}),
      },
    };
  }
  return { kind: 'browser', reason: e instanceof Error ? e.message : String(e) };
}
