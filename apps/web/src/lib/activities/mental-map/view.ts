/** Reading the presenter view (console and display) off the live room. */
import { m } from '@canopy/i18n';
import type { MentalMapPresenterView } from '@canopy/core';
import type { RoomSnapshot } from '@canopy/client';
import { phase } from '../phases';

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
    /** "12 of 20 have placed at least 5 people" */
    text: done === 1 && total === 1 ? m.map_progress_one_of_one({ count: target }) : m.map_progress({ done, total, count: target }),
    /** the same, after the big "12" on the display: "of 20" … */
    of: m.map_progress_of({ total }),
    /** … "have placed at least 5 people" */
    caption: done === 1 && total === 1 ? m.map_progress_caption_one({ count: target }) : m.map_progress_caption({ count: target }),
  };
}

/** The phases, named in the screen's language (getters: read them where they are shown). */
export const PHASES = [
  phase('collect', m.map_phase_collect, m.map_phase_collect_what),
  phase('reveal', m.map_phase_reveal, m.map_phase_reveal_what),
  phase('discuss', m.map_phase_discuss, m.map_phase_discuss_what),
] as const;
