/**
 * The live room as Svelte 5 state: wraps the SDK's `connectRoom` (a framework-free store) into a
 * `$state.raw` snapshot that components read reactively, and closes the connection when the
 * component that opened it is destroyed. Call `liveRoom()` during component initialisation.
 */
import { connectRoom, type RoomConnection, type RoomSnapshot } from '@canopy/client';
import { m } from '@canopy/i18n';
import { onDestroy } from 'svelte';

export class LiveRoom {
  readonly conn: RoomConnection;
  snap: RoomSnapshot;
  readonly #off: () => void;

  constructor(
    readonly roomId: string,
    token: string,
  ) {
    this.conn = connectRoom({ url: '', roomId, token });
    this.snap = $state.raw(this.conn.state);
    this.#off = this.conn.subscribe((s) => {
      this.snap = s;
    });
  }

  /** Server time now, corrected for this device's clock offset. */
  now = (): number => this.conn.serverNow();

  close() {
    this.#off();
    this.conn.close();
  }
}

export function liveRoom(roomId: string, token: string): LiveRoom {
  const room = new LiveRoom(roomId, token);
  onDestroy(() => room.close());
  return room;
}

/** A one-line description of what is wrong with the connection, or null when all is well. */
export function connectionProblem(s: RoomSnapshot): string | null {
  if (s.status === 'reconnecting') return s.error?.code === 'STORE_UNAVAILABLE' ? m.shell_connection_busy() : m.shell_connection_lost();
  return null;
}
