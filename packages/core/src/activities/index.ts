import type { ActivityModule } from '../activity.js';
import { adversaries } from './adversaries.js';
import { commitments } from './commitments.js';
import { mentalMap } from './mental-map.js';
import { openPrompt } from './open-prompt.js';
import { partnership } from './partnership.js';
import { selfAssessment } from './self-assessment.js';
import { slide } from './slide.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyActivity = ActivityModule<any, any, any, any, any, any>;

/**
 * Every activity type the product knows, by its `type`. Adding one means adding its module here
 * (one line) and its folder in the web app's registry, which must have a key for each of these:
 * the server, store and views treat activities through `ActivityModule`.
 */
export const activities = {
  slide,
  'mental-map': mentalMap,
  'self-assessment': selfAssessment,
  commitments,
  adversaries,
  partnership,
  'open-prompt': openPrompt,
} satisfies Record<string, AnyActivity>;

/** The type of a step: one of the registry's keys. */
export type ActivityType = keyof typeof activities;
export const ACTIVITY_TYPES = Object.keys(activities) as [ActivityType, ...ActivityType[]];

/** A step type's config, as its module reads it (checked, defaults filled in). */
export type ConfigOf<T extends ActivityType> = ReturnType<(typeof activities)[T]['defaultConfig']>;
/** What a participant's screen and the display get of a step type's config. */
export type ParticipantConfigOf<T extends ActivityType> = ReturnType<(typeof activities)[T]['participantConfig']>;

export function isActivityType(type: string): type is ActivityType {
  return Object.prototype.hasOwnProperty.call(activities, type);
}

export function getActivity(type: string): AnyActivity | undefined {
  return isActivityType(type) ? activities[type] : (extraActivities.get(type) ?? undefined);
}

/**
 * Activities registered at run time, outside the typed registry: only tests use it (a throwaway
 * module to exercise a seam of the server). The product's activities are the ones above.
 */
const extraActivities = new Map<string, AnyActivity>();
export function registerTestActivity(mod: AnyActivity): void {
  extraActivities.set(mod.type, mod);
}

export { slide, mentalMap };
export * from './mental-map.js';
export * from './self-assessment.js';
export * from './commitments.js';
export * from './adversaries.js';
export * from './partnership.js';
export * from './open-prompt.js';
