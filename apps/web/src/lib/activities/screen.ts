/**
 * What a phone's or the display's screen of a step reads before anything of its own: the phase
 * (the activity's first until the facilitator moves on), the step's view off the live room and,
 * on a phone, that view with what waits in the outbox applied. Screens take it in one `$derived`.
 */
import { getActivity, type ActivityType, type ParticipantViewOf, type StageView } from '@canopy/core';
import type { RoomSnapshot } from '@canopy/client';
import { activityData } from './data';
import { previewed } from './preview';
import type { DisplayViewProps, ParticipantViewProps, StageStep } from './types';

/** The step's phase: the one the facilitator set, or the activity's first. */
export function phaseOf(stage: StageView, step: StageStep): string {
  return stage.phase ?? getActivity(step.type)?.phases[0] ?? '';
}

/**
 * A phone's step: its config, the view the server sent, the phase, `after` (the view as it will be
 * stored) and, for an activity that shares one (read by its `readRoom`), the room's picture.
 */
export function participantScreen<T extends ActivityType, R = never>(
  { live, stage, step, outbox }: Omit<ParticipantViewProps<T>, 'sealKey'>,
  readRoom?: (snap: RoomSnapshot, stepId: string) => R | null,
) {
  const view = activityData<ParticipantViewOf<T>>(live.snap, step.id);
  return {
    config: step.config,
    view,
    room: readRoom?.(live.snap, step.id) ?? null,
    phase: phaseOf(stage, step),
    after: previewed(view, { live, stage, step, outbox }),
  };
}

/** The display's step: its picture (read by the activity's `read`), the phase, the timer, and how many are in the room. */
export function displayScreen<T extends ActivityType, V extends { participants: number }>(
  { live, stage, step }: DisplayViewProps<T>,
  read: (snap: RoomSnapshot, stepId: string) => V | null,
) {
  const view = read(live.snap, step.id);
  return { view, phase: phaseOf(stage, step), timer: stage.timer, total: Math.max(live.snap.count.joined, view?.participants ?? 0) };
}
