/**
 * Step type → the web app's screens for it. The participant, console and display pages and the
 * agenda editor look activities up here; adding an activity means adding its folder and one line.
 */
import type { ActivityUi } from './types';
import { slideUi } from './slide';
import { mentalMapUi } from './mental-map';
import { adversariesUi } from './adversaries';
import { partnershipUi } from './partnership';
import { commitmentsPack } from './commitments/pack';
import { openPromptPack } from './open-prompt/pack';
import { selfAssessmentPack } from './self-assessment/pack';

export const activityUis: Record<string, ActivityUi> = {
  slide: slideUi,
  'mental-map': mentalMapUi,
  adversaries: adversariesUi,
  partnership: partnershipUi,
  // Screens for these come separately; their part of the participant's pack works already.
  'self-assessment': { label: 'Self-assessment', pack: selfAssessmentPack },
  commitments: { label: 'Commitments', pack: commitmentsPack },
  'open-prompt': { label: 'Open prompt', pack: openPromptPack },
};

export function activityUi(type: string | null | undefined): ActivityUi | undefined {
  return type && Object.prototype.hasOwnProperty.call(activityUis, type) ? activityUis[type] : undefined;
}

export type * from './types';
