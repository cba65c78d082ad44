/**
 * Step type → the web app's screens for it. The participant, console and display pages and the
 * agenda editor look activities up here; adding an activity means adding its folder and one line.
 */
import type { ActivityType } from '@canopy/core';
import type { ActivityUi } from './types';
import { slideUi } from './slide';
import { mentalMapUi } from './mental-map';
import { adversariesUi } from './adversaries';
import { partnershipUi } from './partnership';
import { selfAssessmentUi } from './self-assessment';
import { openPromptUi } from './open-prompt';
import { commitmentsUi } from './commitments';

export const activityUis = {
  slide: slideUi,
  'mental-map': mentalMapUi,
  adversaries: adversariesUi,
  partnership: partnershipUi,
  'self-assessment': selfAssessmentUi,
  'open-prompt': openPromptUi,
  commitments: commitmentsUi,
} satisfies { [T in ActivityType]: ActivityUi<T> };

/**
 * A step's screens as the pages use them: they hand over the step as the room sent it, so the
 * step's config is whatever its type's module made of it. `activityUis` pairs each type with its
 * own screens, which is what makes this one widening sound.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PageActivityUi = ActivityUi<any>;

export function activityUi(type: string | null | undefined): PageActivityUi | undefined {
  return type && Object.prototype.hasOwnProperty.call(activityUis, type) ? (activityUis[type as ActivityType] as PageActivityUi) : undefined;
}

export type * from './types';
