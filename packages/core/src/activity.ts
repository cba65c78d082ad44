/**
 * The shape of every activity (DESIGN §3). An activity is one self-contained module: its config
 * schema, its phases, the participant input it accepts with a pure reducer over that
 * participant's own record, the contribution of one record to the room's aggregate counters
 * (so aggregates are maintained incrementally: delta = contribution(next) − contribution(prev)),
 * and projections of what each audience may see. No I/O, no clocks, no randomness here.
 */
import type { z } from 'zod';

export type Counters = Record<string, number>;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

export interface InputContext<Config> {
  config: Config;
  phase: string;
  now: number;
}

export interface PresenterContext<Config> {
  config: Config;
  phase: string;
  /** the facilitator's console sees more than the projector (e.g. before a reveal) */
  audience: 'console' | 'display';
  /** the step's aggregate counters, summed over participants */
  counters: Counters;
  /** participants who have joined the room (not removed) */
  participants: number;
}

export interface ActivityModule<Config, Input = never, Rec = never> {
  type: string;
  /** human name shown in the agenda editor */
  label: string;
  configSchema: z.ZodType<Config>;
  defaultConfig(): Config;
  /** the phases the facilitator moves through; the first is where a step starts */
  phases: readonly string[];
  /** what a participant sees of the step (facilitator-only config stripped) */
  participantConfig(config: Config): unknown;
  /** participant input, for activities that take any */
  input?: {
    schema: z.ZodType<Input>;
    /** phases in which input is accepted */
    acceptIn: readonly string[];
    initial(): Rec;
    /**
     * Apply one input to the participant's own record. Must accept a replay of an input it has
     * already applied (answer the record unchanged, not an error): the store dedupes by
     * submission id, but a replay may be reduced before the store sees it is one.
     */
    reduce(record: Rec, input: Input, ctx: InputContext<Config>): Outcome<Rec>;
    /** one participant's share of the step's counters */
    contribution(record: Rec, config: Config): Counters;
    /** what the participant sees of their own record (defaults to the record itself) */
    ownView?(record: Rec): unknown;
  };
  /** the aggregate picture for the console and display */
  presenterView?(ctx: PresenterContext<Config>): unknown;
  /**
   * What a participant may see of the room's aggregate (e.g. the room's answers next to their
   * own, after a reveal). Sent with their own view when they (re)load the step or its phase
   * changes — pulled, never pushed per submission to every phone. `audience` is 'display'.
   */
  participantRoomView?(ctx: PresenterContext<Config>): unknown;
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
