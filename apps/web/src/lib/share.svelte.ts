/**
 * The origin for the links this page hands out (join link and QR code, display and co-host links):
 * an address the phones in the room can open, not `localhost` (see `shareOrigin` in @canopy/core).
 * Starts as this page's origin and switches once the server has said where it can be reached.
 */
import { shareOrigin, type ShareOrigins } from '@canopy/core';

export class ShareOrigin {
  value = $state(location.origin);

  constructor() {
    void fetch('/api/share-origin')
      .then((r) => (r.ok ? (r.json() as Promise<ShareOrigins>) : null))
      .then((info) => (this.value = shareOrigin(location, info)))
      .catch(() => {
        /* an older server, or offline for a moment: this page's own origin still works for the laptop */
      });
  }

  /** "192.168.1.20:3000" — the address to read out or show under the code */
  get host(): string {
    return this.value.replace(/^https?:\/\//, '');
  }
}
