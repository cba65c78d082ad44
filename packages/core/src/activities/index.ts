import { ownScope, type ActivityModule } from '../activity.js';
import { adversaries } from './adversaries.js';
import { commitments } from './commitments.js';
import { mentalMap } from './mental-map.js';
import { openPrompt } from './open-prompt.js';
import { partnership } from './partnership.js';
import { selfAssessment } from './self-assessment.js';
import { slide } from './slide.js';

/**
 * Every activity type the product knows. Adding one means adding its module here and nothing
 * else: the server, store and views treat activities through `ActivityModule`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyActivity = ActivityModule<any, any, any, any, any>;

export const activities: Record<string, AnyActivity> = {
  [slide.type]: slide,
  [mentalMap.type]: mentalMap,
  [selfAssessment.type]: selfAssessment,
  [commitments.type]: commitments,
  [adversaries.type]: adversaries,
  [partnership.type]: partnership,
  [openPrompt.type]: openPrompt,
};

export function getActivity(type: string): AnyActivity | undefined {
  return Object.prototype.hasOwnProperty.call(activities, type) ? activities[type] : undefined;
}

export { slide, mentalMap };
export * from './mental-map.js';
export * from './self-assessment.js';
export * from './commitments.js';
export * from './adversaries.js';
export * from './partnership.js';
export * from './open-prompt.js';

/**
 * What a participant sees of a step they have nothing in yet — when nobody whose records they see
 * has either and the step has no shared state yet — from the step's content alone (the config
 * participants get, `participantConfig`). The server pushes `initial` instead of such a view only
 * after checking it builds the same; the phone builds it with this.
 */
export function initialParticipantView(mod: AnyActivity, config: unknown, phase: string, participantId: string): unknown {
  const shared = mod.shared?.initial(config);
  const own = mod.input?.initial(ownScope(participantId));
  if (mod.participantView) {
    const scopes = mod.readScopes?.(participantId, shared, config) ?? [];
    return mod.participantView({ config, phase, participantId, own, scoped: Object.fromEntries(scopes.map((s) => [s, mod.input?.initial(s)])), shared });
  }
  return mod.input?.ownView ? mod.input.ownView(own) : own;
}

/**
 * What a participant sees of the room's aggregate before anyone has answered (no counters yet), with
 * `participants` people in the room: pushed as `roomInitial` (the count) when it builds the same.
 */
export function initialRoomView(mod: AnyActivity, config: unknown, phase: string, participants: number): unknown {
  return mod.participantRoomView?.({ config, phase, audience: 'display', counters: {}, participants, shared: mod.shared?.initial(config) });
}
