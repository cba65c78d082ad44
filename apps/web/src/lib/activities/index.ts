/**
 * Step type → the web app's screens for it. The participant, console and display pages and the
 * agenda editor look activities up here; adding an activity means adding its folder and one line.
 */
import type { ActivityUi } from './types';
import { slideUi } from './slide';
import { mentalMapUi } from './mental-map';
import { adversariesUi } from './adversaries';
import { partnershipUi } from './partnership';
import { selfAssessmentUi } from './self-assessment';
import { openPromptUi } from './open-prompt';
import { commitmentsUi } from './commitments';

export const activityUis: Record<string, ActivityUi> = {
  slide: slideUi,
  'mental-map': mentalMapUi,
  adversaries: adversariesUi,
  partnership: partnershipUi,
  'self-assessment': selfAssessmentUi,
  'open-prompt': openPromptUi,
  commitments: commitmentsUi,
};

export function activityUi(type: string | null | undefined): ActivityUi | undefined {
  return type && Object.prototype.hasOwnProperty.call(activityUis, type) ? activityUis[type] : undefined;
}

export type * from './types';
