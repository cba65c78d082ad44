/** Reading the self-assessment views off the live room, and what its screens say about phases and points. */
import type { SelfAssessmentPresenterView, SelfAssessmentRoomView, StatementResult } from '@canopy/core';
import type { RoomSnapshot } from '@canopy/client';
import { formatNumber, getLocale, m } from '@canopy/i18n';
import { activityData, activityRoom } from '../data';
import { phase } from '../phases';

export const presenterView = (snap: RoomSnapshot, stepId: string) => activityData<SelfAssessmentPresenterView>(snap, stepId);
/** the room's answers a phone sees once the results are shared */
export const roomView = (snap: RoomSnapshot, stepId: string) => activityRoom<SelfAssessmentRoomView>(snap, stepId);

/** The phases; their names and notes are read when shown, so they follow the screen's language. */
export const PHASES = [
  phase('answer', m.self_phase_answer, m.self_phase_answer_what),
  phase('results', m.self_phase_results, m.self_phase_results_what),
] as const;

/** An average as the screen's language writes it, with one decimal ("3.4", "3,4"). */
export const oneDecimal = (n: number) => formatNumber(getLocale(), n, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Colours of the points, low to high: warm for "rarely", grey in the middle, green for "almost always". */
export const POINT_COLOURS = ['var(--sun-600)', 'var(--sun-400)', 'var(--grey-300)', 'var(--green-400)', 'var(--green-700)'];
/** the number written on each point's colour (the same on the light console and the dark projector) */
export const POINT_INK = ['#ffffff', '#3d1f08', '#16211b', '#0a1f15', '#ffffff'];

export interface DivergingBar {
  /** where the bar starts, in % of the track (the middle of the scale sits at 50%) */
  offset: number;
  /** each point's share of the bar, in % of the track */
  widths: number[];
}

/**
 * A diverging bar: the answers below the middle of the scale extend left of the centre line,
 * those above extend right, the middle point straddles it. The whole bar is half the track, so
 * bars of different statements compare by where they sit.
 */
export function divergingBar(counts: readonly number[]): DivergingBar | null {
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0) return null;
  const mid = (counts.length - 1) / 2;
  let below = 0;
  counts.forEach((c, i) => {
    if (i < mid) below += c;
    else if (i === mid) below += c / 2;
  });
  return { offset: 50 - (below / n) * 50, widths: counts.map((c) => (c / n) * 50) };
}

/** "Mostly Often" — the point most people chose (ties go to the higher point). */
export function commonest(r: StatementResult, scale: readonly string[]): string | null {
  if (!r.counts) return null;
  let best = -1;
  r.counts.forEach((c, i) => {
    if (best === -1 || c >= (r.counts![best] ?? 0)) best = i;
  });
  return best >= 0 ? (scale[best] ?? null) : null;
}
