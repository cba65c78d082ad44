/**
 * The room's effect for a facilitator's screen (console or display): asked for once, then kept
 * fresh by the server's `followUp:impact` push after each check-in. Make one during setup.
 */
import type { ImpactFigures } from '@canopy/core';
import { onDestroy, onMount } from 'svelte';
import type { LiveRoom } from '$lib/room.svelte';
import { errorText } from '$lib/errors';

export class LiveImpact {
  figures = $state.raw<ImpactFigures | null>(null);
  problem = $state('');

  constructor(liveRoom: () => LiveRoom) {
    const pushed = (f: ImpactFigures) => (this.figures = f);
    const live = liveRoom();
    onMount(() => {
      live.conn.socket.on('followUp:impact', pushed);
      void live.conn.impact().then((res) => {
        if (res.ok) this.figures = res.impact;
        else this.problem = errorText(res.error);
      });
    });
    onDestroy(() => live.conn.socket.off('followUp:impact', pushed));
  }
}
