import type { ActivityModule } from '../activity.js';
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
