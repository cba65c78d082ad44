/**
 * "My outcomes": what one participant takes home from a session — for every step that has run,
 * their own view of it (their record, their groups' notes and actions, their pair's learnings)
 * and, where the activity shows one, the room's anonymous aggregate next to it. The server
 * answers with the same projections the participant's phone already gets (`participantView`,
 * `ownView`, `participantRoomView`); the browser turns them into their pack (PDF, map, calendar
 * file), opening the sealed labels with the key only it holds.
 */
import { z } from 'zod';
import { getActivity } from './activities/index.js';
import type { Participant } from './participant.js';
import type { RoomState, Step } from './room.js';

/** `outcomes:mine` takes no options: a participant only ever gets their own outcomes. */
export const OutcomesPayloadSchema = z.object({}).strict();

export interface StepOutcome {
  stepId: string;
  /** 0-based position in the agenda */
  index: number;
  type: string;
  title: string;
  /** the step's config as participants see it (facilitator-only fields stripped) */
  config: unknown;
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
 * The steps a participant has outcomes for: every step up to the one the room is on (after the
 * session, the last one it reached). A finished step is seen as it ended: in its last phase, so
 * reveals that come at the end of a step (the room's answers) are in the pack even if the
 * facilitator moved on without showing them.
 */
export function outcomeSteps(room: Pick<RoomState, 'agenda' | 'current' | 'phase'>): Array<{ step: Step; index: number; phase: string; current: boolean }> {
  const out: Array<{ step: Step; index: number; phase: string; current: boolean }> = [];
  room.agenda.forEach((step, index) => {
    if (index > room.current) return;
    const current = index === room.current;
    const phases = getActivity(step.type)?.phases ?? [];
    const phase = current ? (room.phase ?? phases[0] ?? '') : (phases[phases.length - 1] ?? '');
    out.push({ step, index, phase, current });
  });
  return out;
}
