import { ownScope, type ActivityModule, type PreviewContext } from '../activity.js';
import { adversaries } from './adversaries.js';
import { commitments } from './commitments.js';
import { mentalMap } from './mental-map.js';
import { openPrompt } from './open-prompt.js';
import { partnership } from './partnership.js';
import { selfAssessment } from './self-assessment.js';
import { slide } from './slide.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyActivity = ActivityModule<any, any, any, any, any, any, any>;

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

/** What a participant sees of a step type (its module's `ownView` or `participantView`), as `preview` reads and returns it. */
export type ParticipantViewOf<T extends ActivityType> = Parameters<NonNullable<(typeof activities)[T]['preview']>>[0];

/**
 * The participant's view of a step as it will be once their pending inputs (what waits in their
 * outbox, in order) are stored: the module's `preview`, given only the inputs the server would
 * take — those its input schema accepts (parsed as the server parses them), in a phase that
 * accepts input. The view itself when nothing would change it.
 */
export function previewParticipantView<T extends ActivityType>(
  type: T,
  view: ParticipantViewOf<T>,
  pending: readonly unknown[],
  ctx: PreviewContext<ParticipantConfigOf<T>>,
): ParticipantViewOf<T> {
  const mod: AnyActivity = activities[type];
  const input = mod.input;
  if (!mod.preview || !input || pending.length === 0 || !input.acceptIn.includes(ctx.phase)) return view;
  const inputs = pending.flatMap((p) => {
    const parsed = input.schema.safeParse(p);
    return parsed.success ? [parsed.data] : [];
  });
  return inputs.length > 0 ? mod.preview(view, inputs, ctx) : view;
}

export function isActivityType(type: string): type is ActivityType {
  return Object.prototype.hasOwnProperty.call(activities, type);
}

export function getActivity(type: string): AnyActivity | undefined {
  return isActivityType(type) ? activities[type] : undefined;
}

/** Whether phones show each person a view of their own in this step (an answer to give, or the room's picture), not only the step's content as on a slide. */
export const hasParticipantView = (mod: AnyActivity): boolean => Boolean(mod.input || mod.participantView);

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
