/**
 * What an activity brings to the web app: one component per screen and, for the agenda editor,
 * its config fields. Pages render the frame (header, step count, timer placement, links) and hand
 * the step to these components; a step type without an entry renders its title only.
 */
import {
  because,
  issueMessage,
  issuePath,
  type ActivityModule,
  type ActivityType,
  type ConfigOf,
  type ParticipantConfigOf,
  type RoomCommand,
  type StageView,
  type Step,
} from '@canopy/core';
import type { Component } from 'svelte';
import { refusalText } from '$lib/errors';
import type { Outbox } from '$lib/outbox.svelte';
import type { PackHook } from '$lib/pack/types';
import type { LiveRoom } from '$lib/room.svelte';

/**
 * The step as every screen sees it (participant config: facilitator-only fields stripped), typed
 * for one activity. The server checked the config against the activity's schema and filled in its
 * defaults, so screens read it as it is.
 */
export type StageStep<T extends ActivityType = ActivityType> = Omit<NonNullable<StageView['step']>, 'type' | 'config'> & {
  type: T;
  config: ParticipantConfigOf<T>;
};
/** The full step (facilitator notes included) of one activity, as the console sees it. */
export type ConsoleStep<T extends ActivityType = ActivityType> = Omit<Step, 'type' | 'config'> & { type: T; config: ConfigOf<T> };

export interface ParticipantViewProps<T extends ActivityType = ActivityType> {
  live: LiveRoom;
  stage: StageView;
  step: StageStep<T>;
  /** submissions that must survive reloads go through here */
  outbox: Outbox;
  /** the participant's sealing key for private labels (null until made) */
  sealKey: string | null;
}

export interface DisplayViewProps<T extends ActivityType = ActivityType> {
  live: LiveRoom;
  stage: StageView;
  step: StageStep<T>;
}

export interface ConsoleViewProps<T extends ActivityType = ActivityType> {
  live: LiveRoom;
  stage: StageView | null;
  /** the full step, facilitator notes included */
  step: ConsoleStep<T>;
  /** participants who have joined (not removed) */
  joined: number;
  busy: boolean;
  /** send a facilitator command; errors show in the console's alert */
  run: (cmd: RoomCommand, done?: string) => Promise<boolean>;
}

export interface EditorProps<D> {
  draft: D;
  /** the draft step's id (for element ids) */
  id: string;
  /** 0-based position in the agenda */
  index: number;
}

export interface StepEditor<D> {
  /**
   * the draft of a new step of this type, from the activity's default config worded in the room's
   * language (`defaultConfigIn(type, locale)` from core)
   */
  blank(defaults: unknown): D;
  /** the draft of a saved step (template, live agenda): its config fills the form; a config that does not fit gives the defaults */
  fromConfig(config: unknown): D;
  Editor: Component<EditorProps<D>, object, 'draft'>;
  /** a problem to fix before opening the room, or null: the config the draft makes, checked by the activity's schema */
  check(draft: D, index: number): { message: string; field: string } | null;
  toConfig(draft: D): unknown;
}

export interface ActivityUi<T extends ActivityType = ActivityType> {
  /** shown in the agenda editor's type picker */
  label: string;
  /** the participant screen needs more room than a phone column on wide screens */
  wide?: boolean;
  Participant?: Component<ParticipantViewProps<T>>;
  Display?: Component<DisplayViewProps<T>>;
  /** inside the console's stage card, under the step title */
  Console?: Component<ConsoleViewProps<T>>;
  /** cards under the console's stage card (live results) */
  ConsolePanel?: Component<ConsoleViewProps<T>>;
  editor?: StepEditor<object>;
  /** the participant's pack ("my outcomes"): this activity's section and files for one of its steps */
  pack?: PackHook<T>;
}

/**
 * Register an editor with its own draft type. `fromConfig` receives the step's config as the
 * module reads it (checked, defaults filled in); `blank` receives the default config in the room's
 * language, read the same way, and defaults to `fromConfig` of it.
 */
export function stepEditor<C, D extends object>(
  mod: Pick<ActivityModule<C>, 'configSchema' | 'defaultConfig'>,
  def: Omit<StepEditor<D>, 'blank' | 'fromConfig' | 'check'> & {
    blank?: (defaults: C) => D;
    fromConfig(config: C): D;
    /** the form field (its id before the step's id) where a config path is typed, to focus it when the schema refuses it */
    field?(path: PropertyKey[], draft: D): string;
  },
): StepEditor<object> {
  const read = (raw: unknown): C => {
    const parsed = mod.configSchema.safeParse(raw ?? {});
    return parsed.success ? parsed.data : mod.defaultConfig();
  };
  const editor: StepEditor<D> = {
    ...def,
    blank: (defaults) => (def.blank ?? def.fromConfig)(read(defaults)),
    fromConfig: (raw) => def.fromConfig(read(raw)),
    check(draft, index) {
      const parsed = mod.configSchema.safeParse(def.toConfig(draft));
      if (parsed.success) return null;
      const path = issuePath(parsed.error);
      // English keeps the schema's own precise sentence; other languages word the step's refusal
      const english = `${issueMessage(parsed.error, { where: () => `Step ${index + 1}` })}.`;
      const refusal = because('AGENDA_INVALID', { step: index + 1, field: path.map(String).join('.') });
      return { message: refusalText({ code: 'BAD_REQUEST', message: english, ...refusal }), field: def.field?.(path, draft) ?? String(path[0] ?? '') };
    },
  };
  return editor as unknown as StepEditor<object>;
}
