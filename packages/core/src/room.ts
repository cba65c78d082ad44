/**
 * A room: one live run of a workshop. The facilitator's transitions are a pure reducer over the
 * room state; the server loads the state, applies a command, stores it with compare-and-set on
 * `version`, and broadcasts the participant projection.
 */
import { z } from 'zod';
import { baseLocale, locales, type Locale } from '@canopy/i18n';
import { ACTIVITY_TYPES, activities, getActivity } from './activities/index.js';
import { issueMessage, issuePath } from './issues.js';
import { because, type Refusal } from './refusals.js';
import { ATTRIBUTE_MAX } from './text.js';
import { FOLLOW_UP_STEP, FollowUpSettingsSchema, type FollowUpSettings } from './follow-up.js';
import { SIGNALS_STEP } from './signals.js';
import { QUESTIONS_STEP } from './questions.js';
import { addTime, idleTimer, pauseTimer, resumeTimer, startTimer, TimerSchema, type Timer } from './timer.js';

export const MAX_STEPS = 60;
export const MAX_TIMER_SEC = 4 * 60 * 60;
export const STEP_NOTES_MAX = 4000;

export const StepSchema = z.object({
  id: z.string().min(1).max(40),
  /** which activity the step runs: one of the registry's types */
  type: z.enum(ACTIVITY_TYPES, { error: (issue) => `unknown activity type${unknownType(issue.input)}` }),
  title: z.string().trim().min(1).max(120),
  /** suggested duration; arms the step's countdown when the step starts (0 = no timer) */
  durationSec: z.number().int().min(0).max(MAX_TIMER_SEC).default(0),
  config: z.unknown(),
  /** the facilitator's script for the step (what to say, what to watch for): on the console only, never on phones or the display */
  notes: z.string().max(STEP_NOTES_MAX).optional(),
});
export type Step = z.infer<typeof StepSchema>;

/** the refused type, quoted when it is short enough to repeat back */
function unknownType(input: unknown): string {
  return typeof input === 'string' && input.length <= 40 ? ` "${input}"` : '';
}

export const JoinSettingsSchema = z.object({
  askDepartment: z.boolean().default(false),
  askLevel: z.boolean().default(false),
  /** suggestions offered in the join form; participants may also type their own */
  departments: z.array(z.string().trim().min(1).max(ATTRIBUTE_MAX)).max(30).default([]),
  levels: z.array(z.string().trim().min(1).max(ATTRIBUTE_MAX)).max(12).default([]),
  maxParticipants: z.number().int().min(1).max(5000).default(2000),
  /** "new joins need my approval": people who join wait until the facilitator lets them in (absent: off) */
  waitingRoom: z.boolean().optional(),
});
export type JoinSettings = z.infer<typeof JoinSettingsSchema>;

export const NewRoomSchema = z.object({
  title: z.string().trim().min(1).max(120),
  agenda: z.array(StepSchema).min(1).max(MAX_STEPS),
  join: JoinSettingsSchema.default({ askDepartment: false, askLevel: false, departments: [], levels: [], maxParticipants: 2000 }),
  /** check-ins after the session (weeks after its end); none by default */
  followUp: FollowUpSettingsSchema.default({ weeks: [] }),
  /** the display stays silent when a timer runs out until the console turns the chime on */
  chimeOff: z.boolean().default(false),
  /** the room's questions (anonymous Q&A with upvotes) open from the start; the console turns them on and off any time */
  questions: z.boolean().default(false),
  /** the room's language: the display speaks it, and every phone starts in it (a phone may switch its own) */
  language: z.enum(locales).default(baseLocale),
});
export type NewRoom = z.input<typeof NewRoomSchema>;

export interface RoomState {
  id: string;
  code: string;
  title: string;
  createdAt: number;
  status: 'open' | 'closed';
  closedAt: number | null;
  locked: boolean;
  join: JoinSettings;
  /** check-ins after the session; absent in rooms stored before follow-ups existed (none) */
  followUp?: FollowUpSettings;
  /** phones may ask and upvote questions (questions.ts); absent in rooms stored before questions existed (off) */
  questions?: boolean;
  agenda: Step[];
  /** index into agenda; -1 is the lobby before the first step */
  current: number;
  phase: string | null;
  timer: Timer;
  /** the room version at which the current step was entered ("I'm done" counts for that run only); absent in older rooms */
  entered?: number;
  /** the display plays no chime when a timer runs out (toggled on the console) */
  chimeMuted?: boolean;
  /** the room's language; absent in rooms planned in English or stored before languages existed */
  language?: Locale;
  /** bumped by every accepted transition; the store compares and sets on it */
  version: number;
}

/** Check each step's config against its activity's schema (filling defaults). */
export function validateAgenda(agenda: Step[]): { ok: true; agenda: Step[] } | { ok: false; error: string; why: Refusal } {
  const ids = new Set<string>();
  const out: Step[] = [];
  for (const [i, step] of agenda.entries()) {
    if (ids.has(step.id)) return { ok: false, error: `Step ${i + 1}: duplicate id "${step.id}"`, why: because('AGENDA_DUPLICATE_ID', { step: i + 1 }) };
    if (step.id === FOLLOW_UP_STEP || step.id === SIGNALS_STEP || step.id === QUESTIONS_STEP)
      return { ok: false, error: `Step ${i + 1}: the id "${step.id}" is reserved`, why: because('AGENDA_INVALID', { step: i + 1, field: 'id' }) };
    ids.add(step.id);
    const mod = activities[step.type];
    const parsed = mod.configSchema.safeParse(step.config ?? mod.defaultConfig());
    if (!parsed.success) {
      return {
        ok: false,
        error: issueMessage(parsed.error, { about: `Step ${i + 1} (${step.title})`, whole: 'config' }),
        why: because('AGENDA_INVALID', { step: i + 1, field: ['config', ...issuePath(parsed.error).map(String)].join('.') }),
      };
    }
    const notes = (step.notes ?? legacySlideNotes(step)).trim();
    const { notes: _old, ...rest } = step;
    out.push({ ...rest, config: parsed.data, ...(notes ? { notes } : {}) });
  }
  return { ok: true, agenda: out };
}

/** Slides saved before every step had notes kept them in their config: they become the step's notes. */
function legacySlideNotes(step: Step): string {
  const config = step.config as { notes?: unknown } | null | undefined;
  return step.type === 'slide' && typeof config?.notes === 'string' ? config.notes.slice(0, STEP_NOTES_MAX) : '';
}

export function createRoomState(input: {
  id: string;
  code: string;
  now: number;
  room: Omit<z.output<typeof NewRoomSchema>, 'followUp' | 'chimeOff' | 'questions' | 'language'> & {
    followUp?: FollowUpSettings;
    chimeOff?: boolean;
    questions?: boolean;
    language?: Locale;
  };
}): RoomState {
  return {
    id: input.id,
    code: input.code,
    title: input.room.title,
    createdAt: input.now,
    status: 'open',
    closedAt: null,
    locked: false,
    join: input.room.join,
    followUp: input.room.followUp ?? { weeks: [] },
    questions: input.room.questions ?? false,
    agenda: input.room.agenda,
    current: -1,
    phase: null,
    timer: idleTimer(0),
    ...(input.room.chimeOff ? { chimeMuted: true } : {}),
    ...(input.room.language && input.room.language !== baseLocale ? { language: input.room.language } : {}),
    version: 1,
  };
}

// ---------------------------------------------------------------------------------------------
// Facilitator commands

export const RoomCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('goto'), index: z.number().int().min(-1).max(MAX_STEPS) }),
  z.object({ type: z.literal('next') }),
  z.object({ type: z.literal('prev') }),
  z.object({ type: z.literal('phase'), phase: z.string().min(1).max(40) }),
  z.object({ type: z.literal('timer.start'), durationSec: z.number().int().min(1).max(MAX_TIMER_SEC).optional() }),
  z.object({ type: z.literal('timer.pause') }),
  z.object({ type: z.literal('timer.resume') }),
  z.object({ type: z.literal('timer.add'), seconds: z.number().int().min(-MAX_TIMER_SEC).max(MAX_TIMER_SEC) }),
  z.object({ type: z.literal('timer.reset') }),
  z.object({ type: z.literal('lock'), locked: z.boolean() }),
  /** the waiting room on or off: new joins wait for the facilitator (those already waiting stay waiting) */
  z.object({ type: z.literal('waitingRoom'), on: z.boolean() }),
  /** the display's chime when a timer runs out */
  z.object({ type: z.literal('chime'), muted: z.boolean() }),
  z.object({ type: z.literal('close') }),
  z.object({ type: z.literal('reopen') }),
  /** phones may ask and upvote questions (on) or not (off); what was asked stays */
  z.object({ type: z.literal('questions'), on: z.boolean() }),
  /** replace the plan: steps not yet run may change freely; those run so far (and the current one) stay */
  z.object({ type: z.literal('agenda.set'), agenda: z.array(StepSchema).min(1).max(MAX_STEPS) }),
]);
export type RoomCommand = z.infer<typeof RoomCommandSchema>;

/** A refusal carries the English `error` and, where the client words it itself, `why` (see ErrorReasons). */
export type Reduced = { ok: true; state: RoomState } | { ok: false; error: string; why?: Refusal };

function enterStep(state: RoomState, index: number): RoomState {
  const step = state.agenda[index];
  const mod = step ? getActivity(step.type) : undefined;
  return {
    ...state,
    current: index,
    phase: mod?.phases[0] ?? null,
    timer: idleTimer((step?.durationSec ?? 0) * 1000),
    entered: state.version + 1,
  };
}

export function applyRoomCommand(state: RoomState, cmd: RoomCommand, now: number): Reduced {
  if (state.status === 'closed' && cmd.type !== 'reopen') return { ok: false, error: 'The session has ended; reopen it first.' };
  const next = reduce(state, cmd, now);
  if (!next.ok) return next;
  return { ok: true, state: { ...next.state, version: state.version + 1 } };
}

function reduce(state: RoomState, cmd: RoomCommand, now: number): Reduced {
  const last = state.agenda.length - 1;
  switch (cmd.type) {
    case 'goto':
      if (cmd.index > last) return { ok: false, error: `There is no step ${cmd.index + 1}.` };
      return { ok: true, state: enterStep(state, cmd.index) };
    case 'next':
      if (state.current >= last) return { ok: false, error: 'This is the last step.' };
      return { ok: true, state: enterStep(state, state.current + 1) };
    case 'prev':
      if (state.current < 0) return { ok: false, error: 'Already in the lobby.' };
      return { ok: true, state: enterStep(state, state.current - 1) };
    case 'phase': {
      const step = state.agenda[state.current];
      const mod = step ? getActivity(step.type) : undefined;
      if (!mod || !mod.phases.includes(cmd.phase)) return { ok: false, error: `This step has no phase "${cmd.phase}".` };
      return { ok: true, state: { ...state, phase: cmd.phase } };
    }
    case 'timer.start':
      if (cmd.durationSec === undefined && state.timer.durationMs <= 0) return { ok: false, error: 'Set a duration to start the timer.' };
      return { ok: true, state: { ...state, timer: startTimer(state.timer, now, cmd.durationSec === undefined ? undefined : cmd.durationSec * 1000) } };
    case 'timer.pause':
      if (state.timer.status !== 'running') return { ok: false, error: 'The timer is not running.' };
      return { ok: true, state: { ...state, timer: pauseTimer(state.timer, now) } };
    case 'timer.resume':
      if (state.timer.status !== 'paused') return { ok: false, error: 'The timer is not paused.' };
      return { ok: true, state: { ...state, timer: resumeTimer(state.timer, now) } };
    case 'timer.add':
      return { ok: true, state: { ...state, timer: addTime(state.timer, now, cmd.seconds * 1000) } };
    case 'timer.reset':
      return { ok: true, state: { ...state, timer: idleTimer((state.agenda[state.current]?.durationSec ?? 0) * 1000) } };
    case 'lock':
      return { ok: true, state: { ...state, locked: cmd.locked } };
    case 'waitingRoom':
      return { ok: true, state: { ...state, join: { ...state.join, waitingRoom: cmd.on } } };
    case 'chime':
      return { ok: true, state: { ...state, chimeMuted: cmd.muted } };
    case 'close':
      // A closed room admits no one whatever `locked` says; reopening returns to the lock as it was.
      return { ok: true, state: { ...state, status: 'closed', closedAt: now, timer: pauseTimer(state.timer, now) } };
    case 'reopen':
      if (state.status === 'open') return { ok: false, error: 'The session is already open.' };
      return { ok: true, state: { ...state, status: 'open', closedAt: null } };
    case 'questions':
      return { ok: true, state: { ...state, questions: cmd.on } };
    case 'agenda.set': {
      const checked = validateAgenda(cmd.agenda);
      if (!checked.ok) return checked;
      // read the old plan the same way (a room made before steps had notes compares equal to itself)
      const before = validateAgenda(state.agenda);
      const old = before.ok ? before.agenda : state.agenda;
      for (let i = 0; i <= state.current; i++) {
        const was = old[i]!;
        const kept = checked.agenda[i];
        if (!kept || JSON.stringify(kept) !== JSON.stringify(was)) {
          return {
            ok: false,
            error: `Step ${i + 1} (${was.title}) has already started; it cannot be changed, moved or removed.`,
            why: because('AGENDA_STARTED', { step: i + 1 }),
          };
        }
      }
      return { ok: true, state: { ...state, agenda: checked.agenda } };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Projections

/** What every screen of the room sees about where the session is. Kept small: it is the step-change broadcast. */
export interface StageView {
  v: number;
  title: string;
  status: RoomState['status'];
  locked: boolean;
  index: number;
  total: number;
  step: { id: string; type: string; title: string; config: unknown } | null;
  phase: string | null;
  timer: Timer;
  /** check-in weeks after the session (e.g. [2, 6, 12]); absent without a follow-up */
  followUp?: number[];
  /** the display stays silent when a timer runs out */
  chimeMuted?: boolean;
  /** present while the room's questions are on: every phone offers "Questions" */
  questions?: true;
  /** the room's language when it is not English */
  language?: Locale;
}

export function stageView(state: RoomState): StageView {
  const step = state.agenda[state.current];
  const mod = step ? getActivity(step.type) : undefined;
  return {
    v: state.version,
    title: state.title,
    status: state.status,
    locked: state.locked,
    index: state.current,
    total: state.agenda.length,
    step: step && mod ? { id: step.id, type: step.type, title: step.title, config: mod.participantConfig(step.config) } : null,
    phase: state.phase,
    timer: state.timer,
    ...(state.followUp?.weeks.length ? { followUp: state.followUp.weeks } : {}),
    ...(state.chimeMuted ? { chimeMuted: true } : {}),
    ...(state.questions ? { questions: true as const } : {}),
    ...(state.language ? { language: state.language } : {}),
  };
}

/** What a participant in the waiting room sees of the room: its title and whether it is open — no step, no agenda. */
export function waitingStage(state: RoomState): StageView {
  return {
    v: state.version,
    title: state.title,
    status: state.status,
    locked: state.locked,
    index: -1,
    total: 0,
    step: null,
    phase: null,
    timer: idleTimer(0),
    ...(state.language ? { language: state.language } : {}),
  };
}

/** What every screen shows of one step of the agenda: static for the step's whole run (participants' config only). */
export type StepContent = NonNullable<StageView['step']>;

/** Every step's content, in agenda order: sent once, with the full state (welcome) and when the agenda changes. */
export function stepContents(state: RoomState): StepContent[] {
  return state.agenda.map((step) => {
    const mod = getActivity(step.type);
    return { id: step.id, type: step.type, title: step.title, config: mod ? mod.participantConfig(step.config) : null };
  });
}

/**
 * Entering a step (or a phase of it) where nobody has anything yet (no record, no shared state):
 * every participant's view is the one their phone builds from the step's content
 * (`initialParticipantView`, from its part of the config), and, with `roomInitial` (the head
 * count), so is the room's picture (`initialRoomView`). The step change says so, and no participant
 * gets a view of their own for it.
 */
export interface FreshView {
  initial: true;
  roomInitial?: number;
}

/**
 * The step-change broadcast: the stage without what a screen already has (the room's title, the
 * steps' content — it came with the welcome or the last `steps`): the step is named by its id;
 * `initial` (and `roomInitial`) when the step's views are all fresh (`FreshView`).
 */
export type StageChange = Omit<StageView, 'title' | 'total' | 'step'> & { stepId: string | null } & Partial<FreshView>;

export function stageChange(state: RoomState, fresh?: FreshView | null): StageChange {
  const step = state.agenda[state.current];
  return {
    ...fresh,
    v: state.version,
    status: state.status,
    locked: state.locked,
    index: state.current,
    stepId: step && getActivity(step.type) ? step.id : null,
    phase: state.phase,
    timer: state.timer,
    // a phone open when the session ends turns into the plan page: it needs to know there are check-ins
    ...(state.followUp?.weeks.length ? { followUp: state.followUp.weeks } : {}),
    ...(state.chimeMuted ? { chimeMuted: true } : {}),
    ...(state.questions ? { questions: true as const } : {}),
    ...(state.language ? { language: state.language } : {}),
  };
}

/**
 * The whole stage again from a change and what the screen has: null when the change names a step
 * the screen does not have (its agenda is out of date: ask for the full state).
 */
export function applyStageChange(change: StageChange, steps: StepContent[], title: string): StageView | null {
  const { stepId, initial: _initial, roomInitial: _roomInitial, ...rest } = change;
  const step = stepId === null ? null : (steps[change.index] ?? null);
  if (step?.id !== (stepId ?? undefined)) return null;
  return { ...rest, title, total: steps.length, step };
}

/** What the console sees: everything in the room state. */
export type ConsoleRoomView = Omit<RoomState, 'agenda'> & { agenda: Step[] };
export const consoleView = (state: RoomState): ConsoleRoomView => state;

export { TimerSchema };
