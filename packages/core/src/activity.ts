/**
 * The shape of every activity. An activity is one self-contained module: its config
 * schema, its phases, the participant input it accepts with a pure reducer over a record (the
 * participant's own, or a shared one such as their group's notes), the contribution of one
 * record to the room's aggregate counters (so aggregates are maintained incrementally:
 * delta = contribution(next) − contribution(prev)), optionally a facilitator-driven shared state
 * (groups, pairs, moderation), and projections of what each audience may see. No I/O, no clocks,
 * no randomness here (the server passes `now` and seeds).
 */
import type { z } from 'zod';
import type { ActivityOutcomes, OutcomesContext } from './report.js';

export type Counters = Record<string, number>;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

export interface InputContext<Config, Shared = unknown> {
  config: Config;
  phase: string;
  now: number;
  /** who is answering (server-verified) */
  participantId: string;
  /** the step's shared state, for activities that have one (e.g. the groups of the round) */
  shared?: Shared | undefined;
}

export interface PresenterContext<Config, Shared = unknown> {
  config: Config;
  phase: string;
  /** the facilitator's console sees more than the projector (e.g. before a reveal) */
  audience: 'console' | 'display';
  /** the step's aggregate counters, summed over every record */
  counters: Counters;
  /** participants who have joined the room (not removed) */
  participants: number;
  /** the step's shared state, for activities that have one */
  shared?: Shared | undefined;
  /** every record of the step (only for modules with `presenterNeedsRecords`, e.g. to list answers' texts) */
  records?: Array<{ scope: string; value: unknown }>;
}

/** A participant as facilitator actions see them (e.g. to form groups by department). */
export interface RosterMember {
  id: string;
  nickname: string;
  department: string | null;
  level: string | null;
}

export interface ActContext<Config> {
  config: Config;
  phase: string;
  now: number;
  /** fresh randomness from the server for this action: store it in the result if it must be replayable */
  seed: number;
  /** active participants, in join order */
  roster: RosterMember[];
  /** every record of the step (only when the module asks for them with `needsRecords`) */
  records: Array<{ scope: string; value: unknown }>;
}

export interface ParticipantViewContext<Config, Rec, Shared> {
  config: Config;
  phase: string;
  participantId: string;
  /** their own record (the module's `initial('p:<id>')` before their first answer) */
  own: Rec;
  /** the other records they may read (`readScopes`), by scope; absent ones are `initial(scope)` */
  scoped: Record<string, Rec>;
  shared: Shared | undefined;
}

/** What a participant's screen knows when it previews its pending inputs (see `ActivityModule.preview`). */
export interface PreviewContext<PConfig> {
  /** the step's config as the participant's screen gets it (`participantConfig`) */
  config: PConfig;
  phase: string;
  /** server time as this device estimates it (times stamped on new items) */
  now: number;
  participantId: string;
}

/**
 * `PConfig` is what a participant's screen gets of the config (`participantConfig`): the config
 * itself unless the module strips facilitator-only fields. `View` is what a participant sees of
 * the step (`ownView` or `participantView`).
 */
export interface ActivityModule<Config, Input = never, Rec = never, Shared = never, Action = never, PConfig = Config, View = unknown> {
  type: string;
  /** human name shown in the agenda editor */
  label: string;
  configSchema: z.ZodType<Config>;
  defaultConfig(): Config;
  /** the phases the facilitator moves through; the first is where a step starts */
  phases: readonly string[];
  /**
   * How long the activity's own schedule takes with this config, in seconds: its timed parts
   * (prompt timers × rounds, steelman turns, the phases it needs time for). 0 for an activity that
   * runs on the step's timer alone. A step's `durationSec` must leave room for it (the built-in
   * templates are checked against it with `overrunningSteps`).
   */
  scheduleSeconds(config: Config): number;
  /** what a participant sees of the step (facilitator-only config stripped) */
  participantConfig(config: Config): PConfig;
  /** participant input, for activities that take any */
  input?: {
    schema: z.ZodType<Input>;
    /** phases in which input is accepted */
    acceptIn: readonly string[];
    /** the record before its first write; `scope` says which record (own `p:<id>`, or e.g. a group's) */
    initial(scope?: string): Rec;
    /**
     * Which record this input writes. Default: the participant's own (`p:<participantId>`).
     * Return another scope (e.g. `g:<round>:<group>`) only for records the participant may
     * write — the check runs on the server against the shared state, never trusting the client.
     */
    scope?(input: Input, ctx: { config: Config; participantId: string; shared: Shared | undefined }): Outcome<string>;
    /**
     * Apply one input to the record. Must accept a replay of an input it has already applied
     * (answer the record unchanged, not an error): the store dedupes by submission id, but a
     * replay may be reduced before the store sees it is one.
     */
    reduce(record: Rec, input: Input, ctx: InputContext<Config, Shared>): Outcome<Rec>;
    /** one record's share of the step's counters */
    contribution(record: Rec, config: Config): Counters;
    /**
     * The counters' change from `prev` to `next`, where a module can say it more cheaply than two
     * contributions and their difference (it runs on every answer). Must equal
     * `counterDelta(contribution(prev), contribution(next))`; the module's tests check that.
     */
    delta?(prev: Rec, next: Rec, config: Config): Counters;
    /** what the participant sees of their own record (defaults to the record itself) */
    ownView?(record: Rec): unknown;
  };
  /**
   * Facilitator-driven state of the step shared by the whole room: the groups of a round, the
   * pairs, which answers are hidden. Stored as the step's `shared` record; changed only by
   * facilitator actions (`act`), each applied once by its client-made action id.
   */
  shared?: {
    initial(config: Config): Shared;
    actionSchema: z.ZodType<Action>;
    act(shared: Shared, action: Action, ctx: ActContext<Config>): Outcome<Shared>;
    /** pass every record of the step to `act` (e.g. everyone's stance, to pair them) */
    needsRecords?: boolean;
    /** when given, decides `needsRecords` per action (reading a large room's records is not free) */
    needsRecordsFor?(action: Action): boolean;
    /**
     * A participant deleted their data: the shared state without what it holds of them (a copy of
     * their name, their texts) — who was grouped or paired with whom may stay, as bare ids.
     */
    forget?(shared: Shared, participantId: string): Shared;
  };
  /** other records a participant reads besides their own (e.g. their group's), from the shared state */
  readScopes?(participantId: string, shared: Shared | undefined, config: Config): string[];
  /** the participants shown a record's change live (default: its owner), e.g. every member of a group */
  audience?(scope: string, shared: Shared | undefined, config: Config): string[];
  /** what a participant sees of the step, when it is more than their own record (replaces `ownView`) */
  participantView?(ctx: ParticipantViewContext<Config, Rec, Shared>): View;
  /**
   * The optimistic display: the participant's view as it will be once `pending` — their inputs not
   * yet acknowledged, in the order they will be sent, each already checked against `input.schema` —
   * are stored, computed on their device from the view they have, with the same reducer and text
   * normalisation as the server (the screen shows "Saving…" on it). An input the server would refuse
   * changes nothing (the refusal arrives through the outbox). Every activity whose screen shows
   * answers before they are acknowledged has one; its tests check it against the server's reducer.
   */
  preview?(view: View, pending: readonly Input[], ctx: PreviewContext<PConfig>): View;
  /** the aggregate picture for the console and display */
  presenterView?(ctx: PresenterContext<Config, Shared>): unknown;
  /**
   * Pass every record of the step to `presenterView` (answers' texts, not just counters). It costs
   * a read of all records per (coalesced) push: use it only where counters cannot carry the picture.
   */
  presenterNeedsRecords?: boolean;
  /**
   * What a participant may see of the room's aggregate (e.g. the room's answers next to their
   * own, after a reveal). Sent with their own view when they (re)load the step or its phase
   * changes — pulled, never pushed per submission to every phone. `audience` is 'display'.
   */
  participantRoomView?(ctx: PresenterContext<Config, Shared>): unknown;
  /**
   * What the session produced in this step, for the facilitator's report and data downloads: a
   * report section and raw data tables. Only what the facilitator may see — never sealed labels
   * (nor their ciphertext), and the module's small-group hiding applies as on the display. The
   * section's own words are in `ctx.locale` (the room's language); data tables keep their stable
   * snake_case names.
   */
  outcomes?(ctx: OutcomesContext<Config, Shared>): ActivityOutcomes;
}

/**
 * Apply inputs one after another with a reducer, as the server does one submission at a time; an
 * input it refuses leaves the record as it was (the server refuses that submission and goes on).
 */
export function reduceEach<Rec, Input>(record: Rec, inputs: readonly Input[], reduce: (record: Rec, input: Input) => Outcome<Rec>): Rec {
  let rec = record;
  for (const input of inputs) {
    const out = reduce(rec, input);
    if (out.ok) rec = out.value;
  }
  return rec;
}

/** `record` without the entry `key` (the same object when there is none). */
export function withoutKey<V>(record: Record<string, V>, key: string): Record<string, V> {
  if (!Object.prototype.hasOwnProperty.call(record, key)) return record;
  const { [key]: _gone, ...rest } = record;
  return rest;
}

/** The participant's own record's scope. Other scopes are the module's to name; `shared` is reserved. */
export const ownScope = (participantId: string) => `p:${participantId}`;
export const SHARED_SCOPE = 'shared';

/** How an answer from `prev` to `next` moves the step's counters: the module's own `delta`, or the difference of the two contributions. */
export function contributionDelta<Rec, Config>(
  spec: { contribution(record: Rec, config: Config): Counters; delta?(prev: Rec, next: Rec, config: Config): Counters },
  prev: Rec,
  next: Rec,
  config: Config,
): Counters {
  return spec.delta ? spec.delta(prev, next, config) : counterDelta(spec.contribution(prev, config), spec.contribution(next, config));
}

/** Counter delta between two contributions: only keys that change. */
export function counterDelta(prev: Counters, next: Counters): Counters {
  const out: Counters = {};
  for (const [k, v] of Object.entries(next)) {
    const d = v - (prev[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  for (const [k, v] of Object.entries(prev)) if (!(k in next) && v !== 0) out[k] = -v;
  return out;
}

export function addCounters(into: Counters, delta: Counters): Counters {
  for (const [k, v] of Object.entries(delta)) {
    const n = (into[k] ?? 0) + v;
    if (n === 0) delete into[k];
    else into[k] = n;
  }
  return into;
}
