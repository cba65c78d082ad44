/** Reading the open-prompt views off the live room, the word cloud's layout, and what the phases mean. */
import type { OpenPromptConsoleView, OpenPromptDisplayView, WordCount } from '@canopy/core';
import type { RoomSnapshot } from '@canopy/client';
import { m } from '@canopy/i18n';
import { activityData } from '../data';
import { phase } from '../phases';

export function consoleView(snap: RoomSnapshot, stepId: string): OpenPromptConsoleView | null {
  const d = activityData<OpenPromptConsoleView>(snap, stepId);
  return d?.audience === 'console' ? d : null;
}

export function displayView(snap: RoomSnapshot, stepId: string): OpenPromptDisplayView | null {
  const d = activityData<OpenPromptDisplayView>(snap, stepId);
  return d?.audience === 'display' ? d : null;
}

/** The phases; their names and notes are read when shown, so they follow the screen's language. */
export const PHASES = [
  phase('answer', m.prompt_phase_answer, m.prompt_phase_answer_what),
  phase('vote', m.prompt_phase_vote, m.prompt_phase_vote_what),
  phase('results', m.prompt_phase_results, m.prompt_phase_results_what),
] as const;

export interface CloudWord extends WordCount {
  /** font size as a share of the biggest (0.42…1) */
  scale: number;
  /** one of a few colours, by rank */
  tone: number;
}

/**
 * The words of a cloud, laid out centre-out: the most frequent in the middle, the next ones
 * alternately after and before it, so a wrapped row reads as a cloud that thins towards its
 * edges. Sizes grow with the square root of the count (area, not height, tracks frequency).
 */
export function cloudLayout(words: readonly WordCount[]): CloudWord[] {
  if (words.length === 0) return [];
  const max = Math.max(...words.map((w) => w.count));
  const min = Math.min(...words.map((w) => w.count));
  const sized = words.map((w, i) => ({
    ...w,
    scale: max === min ? 0.7 : 0.42 + 0.58 * Math.sqrt((w.count - min) / (max - min)),
    tone: i % 4,
  }));
  const out: CloudWord[] = [];
  sized.forEach((w, i) => (i % 2 === 0 ? out.push(w) : out.unshift(w)));
  return out;
}
