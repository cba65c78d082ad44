/** Reading the adversaries views off the live room, and the words the screens share. */
import type { AdversariesPresenterView, AdversariesRoomView, StanceMovement, SteelmanStep } from '@canopy/core';
import type { RoomSnapshot } from '@canopy/client';
import { activityData, activityRoom } from '../data';

export const presenterView = (snap: RoomSnapshot, stepId: string) => activityData<AdversariesPresenterView>(snap, stepId);
/** the room's stances a phone sees once the results are shared */
export const roomView = (snap: RoomSnapshot, stepId: string) => activityRoom<AdversariesRoomView>(snap, stepId);

export const PHASES = [
  { id: 'stance', name: 'Stance', what: 'Everyone places themselves on each statement. The display shows the room’s stances live, without names.' },
  { id: 'pairing', name: 'Pairing', what: 'Stances are closed. Pair the room on one statement: the display shows who talks with whom.' },
  { id: 'steelman', name: 'Steelman', what: 'Pairs take turns: state, restate until accepted, swap. Then everyone notes what they learned and re-rates.' },
  { id: 'results', name: 'Results', what: 'The display shows the room’s before and after, and how many moved.' },
] as const;

/** the button text of each steelman step, as a participant sees it */
export const STEP_LABELS: Record<SteelmanStep, string> = {
  stated: 'I’ve stated my view',
  restated: 'I’ve restated it',
  accept: 'Yes, that’s my view',
  retry: 'Not quite — try again',
};

export const SCALE_SHORT = ['1', '2', '3', '4', '5', '6', '7'];

export const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "by 2 points on average, towards agreeing" — the average over those who moved (see describeMovement in @canopy/core). */
export function movedBy(m: StanceMovement): string {
  if (m.moved === 0) return 'nobody changed their view';
  const pts = Math.round(m.movedShift * 10) / 10;
  const toward = m.meanNet === 0 ? '' : `, towards ${m.meanNet > 0 ? 'agreeing' : 'disagreeing'}`;
  return `those who moved: by ${pts} ${pts === 1 ? 'point' : 'points'} on average${toward}`;
}
