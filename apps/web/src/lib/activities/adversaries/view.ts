/** Reading the adversaries views off the live room, and the words the screens share. */
import type { AdversariesPresenterView, AdversariesRoomView, StanceMovement, SteelmanPrompt, SteelmanStep } from '@canopy/core';
import type { RoomSnapshot } from '@canopy/client';
import { formatNumber, getLocale, m, type Locale } from '@canopy/i18n';
import { activityData, activityRoom } from '../data';
import { phase } from '../phases';

export const presenterView = (snap: RoomSnapshot, stepId: string) => activityData<AdversariesPresenterView>(snap, stepId);
/** the room's stances a phone sees once the results are shared */
export const roomView = (snap: RoomSnapshot, stepId: string) => activityRoom<AdversariesRoomView>(snap, stepId);

/** The phases; their names and notes are read when shown, so they follow the screen's language. */
export const PHASES = [
  phase('stance', m.adv_phase_stance, m.adv_phase_stance_what),
  phase('pairing', m.adv_phase_pairing, m.adv_phase_pairing_what),
  phase('steelman', m.adv_phase_steelman, m.adv_phase_steelman_what),
  phase('results', m.adv_phase_results, m.adv_phase_results_what),
] as const;

/** the button text of each steelman step, as a participant sees it (read when shown, in the screen's language) */
export const STEP_LABELS: Record<SteelmanStep, string> = {
  get stated() {
    return m.adv_step_stated();
  },
  get restated() {
    return m.adv_step_restated();
  },
  get accept() {
    return m.adv_step_accept();
  },
  get retry() {
    return m.adv_step_retry();
  },
};

/** A number as the screen's language writes it. */
export const fmt = (n: number) => formatNumber(getLocale(), n);

/** An average as the screen's language writes it, with one decimal ("3.4", "3,4"). */
export const oneDecimal = (n: number) => formatNumber(getLocale(), n, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export const SCALE_SHORT = ['1', '2', '3', '4', '5', '6', '7'];

/** "by 2 points on average, towards agreeing" — the average over those who moved (see describeMovement in @canopy/core). */
export function movedBy(mv: StanceMovement): string {
  if (mv.moved === 0) return m.adv_moved_nobody();
  const pts = Math.round(mv.movedShift * 10) / 10;
  const words = { count: pts, points: fmt(pts) };
  return mv.meanNet === 0 ? m.adv_moved_by(words) : mv.meanNet > 0 ? m.adv_moved_by_agree(words) : m.adv_moved_by_disagree(words);
}

/**
 * What a participant is told about their conversation (core's `SteelmanPrompt`), in the screen's
 * language; a name that is gone (the person deleted their data) reads "your partner".
 */
export function steelmanPromptText(prompt: SteelmanPrompt | null, locale: Locale = getLocale()): string {
  if (!prompt) return '';
  const o = { locale };
  const name = (n: string | null) => n ?? m.adv_prompt_partner({}, o);
  switch (prompt.code) {
    case 'done':
      return m.adv_prompt_done({}, o);
    case 'find-partner':
      return m.adv_prompt_find_partner({}, o);
    case 'closed':
      return m.adv_prompt_closed({}, o);
    case 'state-you':
      return m.adv_prompt_state_you({ listener: name(prompt.listener) }, o);
    case 'state-listener':
      return m.adv_prompt_state_listener({ speaker: name(prompt.speaker) }, o);
    case 'state-others':
      return m.adv_prompt_state_others({ speaker: name(prompt.speaker), listener: name(prompt.listener) }, o);
    case 'restate-you':
      return (prompt.again ? m.adv_prompt_restate_you_again : m.adv_prompt_restate_you)({ speaker: name(prompt.speaker) }, o);
    case 'restate-speaker':
      return m.adv_prompt_restate_speaker({ listener: name(prompt.listener) }, o);
    case 'restate-others':
      return m.adv_prompt_restate_others({ speaker: name(prompt.speaker), listener: name(prompt.listener) }, o);
    case 'verdict-you':
      return m.adv_prompt_verdict_you({ listener: name(prompt.listener) }, o);
    case 'verdict-listener':
      return m.adv_prompt_verdict_listener({ speaker: name(prompt.speaker) }, o);
    case 'verdict-others':
      return m.adv_prompt_verdict_others({ speaker: name(prompt.speaker), listener: name(prompt.listener) }, o);
  }
}
