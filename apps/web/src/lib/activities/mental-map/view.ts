/** Reading the presenter view (console and display) off the live room. */
import type { MentalMapPresenterView } from '@canopy/core';
import type { RoomSnapshot } from '@canopy/client';

export function presenterView(snap: RoomSnapshot, stepId: string): MentalMapPresenterView | null {
  const a = snap.activity;
  return a && a.stepId === stepId && a.data && typeof a.data === 'object' ? (a.data as MentalMapPresenterView) : null;
}

/** "12 of 20 have placed at least 5 people" — out of everyone who joined (the live count). */
export function progressOf(view: MentalMapPresenterView | null, joined: number) {
  const total = Math.max(joined, view?.participants ?? 0);
  const done = view?.reachedTarget ?? 0;
  const target = view?.target ?? 0;
  return {
    done,
    total,
    mapping: view?.mapping ?? 0,
    fraction: total > 0 ? Math.min(1, done / total) : 0,
    text: `${done} of ${total} ${done === 1 && total === 1 ? 'has' : 'have'} placed at least ${target} ${target === 1 ? 'person' : 'people'}`,
  };
}

export const PHASES = [
  {
    id: 'collect',
    name: 'Collect',
    what: 'Everyone maps privately. The display shows the prompt and progress — its heatmap appears from “Reveal” on; you see it live below.',
  },
  { id: 'reveal', name: 'Reveal', what: 'The display shows the room’s heatmap, ally shares and biggest blind spot.' },
  { id: 'discuss', name: 'Discuss', what: 'The picture stays up while the room talks. Maps can still change.' },
] as const;
