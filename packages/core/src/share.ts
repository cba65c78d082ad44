/**
 * Which address the links a facilitator hands out (join link, QR code, display and co-host links)
 * should carry. A console opened on the laptop that runs Canopy shows `localhost`, which no phone
 * can open; the server tells which addresses it can be reached at (`GET /api/share-origin`).
 */

/** What the server answers at `/api/share-origin`. */
export interface ShareOrigins {
  /** the configured public address (PUBLIC_URL): every link uses it */
  publicUrl: string | null;
  /** `http://<address>:<port>` for each local-network IPv4 address the server listens on */
  lan: string[];
}

/** `localhost`, `127.x.y.z`, `[::1]` and `::1`: names only this machine can use. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * The origin for shared links: PUBLIC_URL when set; else, for a page opened on a loopback name,
 * the server's first local-network address; else the page's own origin (it is reachable: the
 * facilitator reached it).
 */
export function shareOrigin(page: { origin: string; hostname: string }, server: ShareOrigins | null): string {
  if (server?.publicUrl) return server.publicUrl;
  if (isLoopbackHost(page.hostname) && server?.lan[0]) return server.lan[0];
  return page.origin;
}
