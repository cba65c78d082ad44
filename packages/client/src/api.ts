import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@canopy/api';

export type Api = ReturnType<typeof createApi>;

/** The typed HTTP API (create a room, look up a code, join). `baseUrl` '' means this page's origin. */
export function createApi(baseUrl = '') {
  return createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${baseUrl}/trpc` })] });
}

/** The message to show a person for a failed API call. */
export function apiErrorMessage(e: unknown): string {
  if (e instanceof TRPCClientError) return e.message;
  if (e instanceof TypeError) return 'Cannot reach the server. Check your connection and try again.';
  return e instanceof Error ? e.message : String(e);
}

/** Canopy's own error code from a failed API call (e.g. NOT_FOUND, RATE_LIMITED), if any. */
export function apiErrorCode(e: unknown): string | undefined {
  if (e instanceof TRPCClientError) {
    const data = e.data as { canopyCode?: string } | undefined;
    return data?.canopyCode;
  }
  return undefined;
}
