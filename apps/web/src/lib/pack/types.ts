/**
 * A participant's pack as a small document model: each activity turns its step's outcome into a
 * section (text, lists and vector figures) and, where it has one, files of its own (the map as
 * SVG and PNG, the commitments as .ics). The PDF and the separate files are drawn from the same
 * model, so a picture in the PDF and the file next to it never disagree.
 */
import type { ActivityType, MyOutcomes, SealedLabel, StepOutcome } from '@canopy/core';
import type { Figure } from './figure';

export type PackBlock =
  | { kind: 'heading'; text: string }
  /** `label`: a short bold line that introduces what follows (kept on its page) */
  | { kind: 'text'; text: string; tone?: 'muted' | 'quote' | 'label' }
  | { kind: 'list'; items: string[] }
  | { kind: 'figure'; figure: Figure; caption?: string };

export interface PackFile {
  name: string;
  mime: string;
  /** what the download button says ("Ally map (PNG)") */
  label: string;
  data: Uint8Array | string;
}

export interface PackSection {
  /** the step's title */
  title: string;
  /** what kind of activity it was ("Ally map"), shown under the title */
  kind: string;
  blocks: PackBlock[];
  files?: PackFile[];
}

export interface PackContext<T extends ActivityType = ActivityType> {
  /** the step, typed for the activity whose hook it is */
  step: StepOutcome<T>;
  outcomes: MyOutcomes;
  /** open a label sealed in this participant's browser; null when this key cannot open it */
  unseal(label: SealedLabel): Promise<string | null>;
  /** the file name start for this step's files: `allies-at-work-2-ally-map` */
  fileBase: string;
}

/** What an activity contributes to the pack for one of its steps (null: nothing to take home). */
export type PackHook<T extends ActivityType = ActivityType> = (ctx: PackContext<T>) => Promise<PackSection | null>;
