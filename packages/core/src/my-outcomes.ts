/**
 * "My outcomes": what one participant takes home from a session — for every step that has run,
 * their own view of it (their record, their groups' notes and actions, their pair's learnings)
 * and, where the activity shows one, the room's anonymous aggregate next to it. The server
 * answers with the same projections the participant's phone already gets (`participantView`,
 * `ownView`, `participantRoomView`); the browser turns them into their pack (PDF, map, calendar
 * file), opening the sealed labels with the key only it holds.
 */
import { z } from 'zod';
import { getActivity, type ActivityType, type ParticipantConfigOf } from './activities/index.js';
import type { Participant } from './participant.js';
import type { RoomState, Step } from './room.js';

/** `outcomes:mine` takes no options: a participant only ever gets their own outcomes. */
export const OutcomesPayloadSchema = z.object({}).strict();

/** One step's outcome for the participant, typed by its activity (`StepOutcome<'open-prompt'>`); without `T`, any step. */
export type StepOutcome<T extends ActivityType = ActivityType> = { [K in T]: StepOutcomeOf<K> }[T];

interface StepOutcomeOf<T extends ActivityType> {
  stepId: string;
  /** 0-based position in the agenda */
  index: number;
  type: T;
  title: string;
  /** the step's config as participants see it (facilitator-only fields stripped, defaults filled in) */
  config: ParticipantConfigOf<T>;
  /** the phase the view was made for: the room's phase for the current step, the last one for earlier steps */
  phase: string;
  /** the step the room is on now (it may still change) */
  current: boolean;
  /** the participant's view of the step, or null for steps without one (slides) */
  data: unknown;
  /** the room's aggregate next to theirs, for activities that show one */
  room?: unknown;
}

export interface MyOutcomes {
  roomId: string;
  title: string;
  createdAt: number;
  status: RoomState['status'];
  closedAt: number | null;
  you: Participant;
  steps: StepOutcome[];
  /** server time the outcomes were read */
  at: number;
}

/**
 * The phase a step is seen in once the room has moved on: the room's phase for the step it is on,
 * the last phase for earlier steps (so reveals that come at the end of a step — the room's
 * answers — count even if the facilitator moved on without showing them), null for steps not run.
 * The facilitator's session data and a participant's outcomes read steps the same way.
 */
export function seenPhase(room: Pick<RoomState, 'agenda' | 'current' | 'phase'>, index: number): string | null {
  if (index > room.current) return null;
  if (index === room.current) return room.phase;
  const step = room.agenda[index];
  return (step && getActivity(step.type)?.phases.at(-1)) ?? null;
}

/** The steps a participant has outcomes for: every step up to the one the room is on (after the session, the last one it reached). */
export function outcomeSteps(room: Pick<RoomState, 'agenda' | 'current' | 'phase'>): Array<{ step: Step; index: number; phase: string; current: boolean }> {
  return room.agenda
    .slice(0, Math.max(0, room.current + 1))
    .map((step, index) => ({ step, index, phase: seenPhase(room, index) ?? '', current: index === room.current }));
}
