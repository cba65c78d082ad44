/**
 * Partnership meetings. People from different departments meet in small groups (2–4) for a few
 * rounds; the grouping engine mixes departments and never lets two people meet twice. Each round
 * follows a short, timed agenda of prompts (shared purpose → what works → what doesn't → what each
 * side can offer → next steps). Group members write notes per prompt together, live, and record
 * the actions they agree on, each with an owner from the group and a date.
 *
 * State lives in two places:
 * - the step's shared state (facilitator-driven): the rounds as played (groups), a snapshot of
 *   names and departments, the current prompt and its countdown, the last nudge;
 * - one record per group and round (`g:<round>:<groupId>`): its notes and agreed actions. Items
 *   are keyed by client-made ids and every input changes one item of the latest record, so
 *   concurrent writers never lose each other's items and a replay changes nothing.
 *
 * Pure: the only randomness is the seed the server passes to the first `start-round`, stored and
 * reused so every round can be replayed from the stored state.
 */
import { z } from 'zod';
import {
  reduceEach,
  withoutKey,
  type ActContext,
  type ActivityModule,
  type Counters,
  type Outcome,
  type PresenterContext,
  type PreviewContext,
  type RosterMember,
} from '../activity.js';
import { wholeNumber } from '../issues.js';
import { nextRound, placeLateJoiner, removeFromRound, roundStats, type Person, type Round } from '../grouping.js';
import { addTime, idleTimer, pauseTimer, resumeTimer, startTimer, type Timer } from '../timer.js';
import { heading, list, ofPeopleIn, paragraph, type ActivityOutcomes, type Cell, type OutcomesContext, type ReportBlock } from '../report.js';
import { baseLocale, formatDate, formatList, m } from '@canopy/i18n';
import { normalizeText } from '../text.js';
import { isCalendarDate } from './commitments.js';

// --- config ------------------------------------------------------------------------------------

export const PARTNERSHIP_NOTE_MAX = 280;
export const AGREED_ACTION_MAX = 200;
/** items one group may hold in one round (a guard against runaway clients, far above real use) */
export const PARTNERSHIP_MAX_NOTES = 150;
export const PARTNERSHIP_MAX_ACTIONS = 20;
export const PARTNERSHIP_NUDGE_MAX = 140;
export const PARTNERSHIP_MAX_PROMPTS = 8;
/** how far ahead an agreed action may be dated */
const MAX_DUE_DAYS = 3 * 366;
const DAY_MS = 86_400_000;

export const PartnershipPromptSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,24}$/, 'must be 1–24 lower-case letters, digits or -'),
  title: z.string().trim().min(1, 'a question needs a title').max(80),
  hint: z.string().max(300).default(''),
  /** time for this prompt in each round */
  minutes: wholeNumber(1, 30, 'minutes per question'),
});
export type PartnershipPrompt = z.infer<typeof PartnershipPromptSchema>;

export const DEFAULT_PARTNERSHIP_PROMPTS: PartnershipPrompt[] = [
  {
    id: 'purpose',
    title: 'Why we are talking',
    hint: 'What is each of you trying to achieve this year? Find the place where your goals touch.',
    minutes: 3,
  },
  {
    id: 'working',
    title: 'What already works',
    hint: 'Where do your teams already help each other? Name one recent moment that went well.',
    minutes: 3,
  },
  {
    id: 'not-working',
    title: 'What gets in the way',
    hint: 'Hand-offs, delays, surprises, crossed wires. Describe situations, not people.',
    minutes: 3,
  },
  {
    id: 'offer',
    title: 'What each side can offer',
    hint: 'What could you do that would make the other’s work easier? Look for a trade where both of you win.',
    minutes: 3,
  },
  {
    id: 'next-steps',
    title: 'What we will do next',
    hint: 'Agree on one or two concrete steps. Give each an owner and a date, and record them as actions.',
    minutes: 3,
  },
];

export const PartnershipConfig = z.object({
  /** shown to participants before they are placed in a group */
  intro: z
    .string()
    .max(600)
    .default('You will meet colleagues from other teams in small groups, a few minutes per question. Take notes together and agree on what you will do next.'),
  groupSize: z.union([z.literal(2), z.literal(3), z.literal(4)]).default(2),
  rounds: wholeNumber(1, 6, 'the number of rounds').default(2),
  prompts: z
    .array(PartnershipPromptSchema)
    .min(1, 'add at least one question')
    .max(PARTNERSHIP_MAX_PROMPTS, `at most ${PARTNERSHIP_MAX_PROMPTS} questions`)
    .refine((ps) => new Set(ps.map((p) => p.id)).size === ps.length, 'prompt ids must be different')
    .default(() => DEFAULT_PARTNERSHIP_PROMPTS.map((p) => ({ ...p }))),
});
export type PartnershipConfig = z.infer<typeof PartnershipConfig>;

// --- shared state and facilitator actions -------------------------------------------------------

export interface PartnershipGroup {
  /** unique within its round, stable while the round is played (joins and leaves keep it) */
  id: string;
  /** participant ids */
  members: string[];
}

export interface PartnershipShared {
  /** made from the server's seed at the first round and reused for every round (replayable) */
  seed: number | null;
  /** the round being played, 1-based; 0 = none started yet */
  round: number;
  /** every round started so far, as played (late joiners and leavers applied): rounds[round − 1] is the current one */
  rounds: Array<{ groups: PartnershipGroup[] }>;
  /** nickname and department of everyone ever placed, as they were when placed (for the screens) */
  names: Record<string, { nickname: string; department: string | null }>;
  /** the prompt the room is on and its countdown (a deadline while running, like the room timer) */
  prompt: { index: number; timer: Timer };
  /** the facilitator's last nudge ("2 minutes left"); screens show it when `at` changes */
  nudge: PartnershipNudge | null;
  /** people the facilitator took out (they left): not grouped again until placed by name */
  away: string[];
}

/**
 * A nudge to every group, as the screens get it: the facilitator's own words as typed, or a kind
 * (with its minutes) that each screen words in its own language. A nudge stored before kinds
 * existed (`{ at, text }`) reads as `text` (`partnershipNudgeView`).
 */
export type PartnershipNudge =
  /** the facilitator's own words */
  | { at: number; kind: 'text'; text: string }
  /** the console's quick nudge: "{minutes} minutes left — start wrapping up this question." */
  | { at: number; kind: 'left'; minutes: number }
  /** made from the countdown: "About {minutes} minutes left on this question." (1: "About one minute left…") */
  | { at: number; kind: 'about'; minutes: number }
  /** the countdown has run out */
  | { at: number; kind: 'time-up' }
  /** the countdown is not running */
  | { at: number; kind: 'wrap-up' };
export type PartnershipNudgeKind = PartnershipNudge['kind'];

/** A stored nudge as the screens get it (one stored as `{ at, text }` before kinds existed is `text`). */
export function partnershipNudgeView(nudge: PartnershipNudge | { at: number; text: string } | null | undefined): PartnershipNudge | null {
  if (!nudge) return null;
  if (!('kind' in nudge)) return { at: nudge.at, kind: 'text', text: nudge.text };
  return nudge;
}

const ParticipantIdSchema = z.string().min(1).max(64);

export const PartnershipAction = z.discriminatedUnion('type', [
  /** form the next round's groups from everyone present (except those marked away) and start its first prompt */
  z.object({ type: z.literal('start-round') }),
  z.object({ type: z.literal('next-prompt') }),
  z.object({ type: z.literal('prev-prompt') }),
  z.object({
    type: z.literal('goto-prompt'),
    index: z
      .number()
      .int()
      .min(0)
      .max(PARTNERSHIP_MAX_PROMPTS - 1),
  }),
  /** add (or with a negative number, take away) minutes on the current prompt's countdown */
  z.object({
    type: z.literal('extend'),
    minutes: z
      .number()
      .int()
      .min(-30)
      .max(30)
      .refine((m) => m !== 0, 'must not be 0'),
  }),
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
  /**
   * A short message to every group: `text`, the facilitator's own words; else `minutes`, "that many
   * minutes left" (each screen words it in its language); else one made from the time left.
   */
  z.object({ type: z.literal('nudge'), text: z.string().max(1000).optional(), minutes: z.number().int().min(1).max(30).optional() }),
  /**
   * Put people who are not in the current round into groups without moving anyone else: the
   * ones named, or else everyone present who is neither placed nor marked away.
   */
  z.object({ type: z.literal('place-late'), participantIds: z.array(ParticipantIdSchema).min(1).max(5000).optional() }),
  /** someone left: only their group changes (one left alone joins another group); they are marked away */
  z.object({ type: z.literal('remove-member'), participantId: ParticipantIdSchema }),
]);
export type PartnershipAction = z.infer<typeof PartnershipAction>;

export function initialPartnershipShared(): PartnershipShared {
  return { seed: null, round: 0, rounds: [], names: {}, prompt: { index: 0, timer: idleTimer(0) }, nudge: null, away: [] };
}

export const partnershipGroupScope = (round: number, groupId: string) => `g:${round}:${groupId}`;

/** `g:<round>:<groupId>` → its parts, or null for any other scope. */
export function parsePartnershipScope(scope: string | undefined): { round: number; group: string } | null {
  const m = /^g:(\d{1,3}):([A-Za-z0-9]{1,12})$/.exec(scope ?? '');
  return m ? { round: Number(m[1]), group: m[2]! } : null;
}

export function partnershipCurrentGroups(shared: PartnershipShared | undefined): PartnershipGroup[] {
  if (!shared || shared.round < 1) return [];
  return shared.rounds[shared.round - 1]?.groups ?? [];
}

/** The participant's group in the current round, if they have one. */
export function partnershipGroupOf(shared: PartnershipShared | undefined, participantId: string): PartnershipGroup | undefined {
  return partnershipCurrentGroups(shared).find((g) => g.members.includes(participantId));
}

const history = (shared: PartnershipShared, upTo: number): Round[] => shared.rounds.slice(0, upTo).map((r) => r.groups.map((g) => g.members));

/** Everyone the engine should know a department for: the names snapshot, refreshed by the roster. */
function peopleOf(shared: PartnershipShared, roster: readonly RosterMember[]): Person[] {
  const byId = new Map<string, string | null>();
  for (const [id, n] of Object.entries(shared.names)) byId.set(id, n.department);
  for (const p of roster) byId.set(p.id, p.department);
  return [...byId].map(([id, department]) => ({ id, department }));
}

function withNames(names: PartnershipShared['names'], roster: readonly RosterMember[], ids: Iterable<string>): PartnershipShared['names'] {
  const out = { ...names };
  const byId = new Map(roster.map((p) => [p.id, p]));
  for (const id of ids) {
    const p = byId.get(id);
    if (p) out[id] = { nickname: p.nickname, department: p.department };
  }
  return out;
}

/**
 * Give the groups of a changed round the ids of the groups they came from (the one they share
 * the most members with, earlier groups first on a tie); a group with no one from before gets a
 * fresh id. So a group's record (notes, actions) stays with it when someone joins or leaves.
 */
export function carryPartnershipGroupIds(before: readonly PartnershipGroup[], after: Round): PartnershipGroup[] {
  const owner = new Map<string, number>();
  before.forEach((g, i) => g.members.forEach((m) => owner.set(m, i)));
  const used = new Set<string>();
  let next = before.reduce((n, g) => Math.max(n, Number(g.id) || 0), 0) + 1;
  return after.map((members) => {
    const overlap = new Map<number, number>();
    for (const m of members) {
      const i = owner.get(m);
      if (i !== undefined) overlap.set(i, (overlap.get(i) ?? 0) + 1);
    }
    let best = -1;
    for (const [i, k] of overlap) if (!used.has(before[i]!.id) && (best < 0 || k > overlap.get(best)! || (k === overlap.get(best)! && i < best))) best = i;
    let id: string;
    if (best >= 0) id = before[best]!.id;
    else {
      while (used.has(String(next)) || before.some((g) => g.id === String(next))) next++;
      id = String(next++);
    }
    used.add(id);
    return { id, members: [...members] };
  });
}

function setCurrentGroups(shared: PartnershipShared, groups: PartnershipGroup[]): PartnershipShared['rounds'] {
  return shared.rounds.map((r, i) => (i === shared.round - 1 ? { groups } : r));
}

/** The nudge made from the time left on the question (worded by each screen). */
function defaultNudge(timer: Timer, now: number): PartnershipNudge {
  if (timer.status === 'running') {
    const left = timer.endsAt - now;
    if (left <= 0) return { at: now, kind: 'time-up' };
    return { at: now, kind: 'about', minutes: Math.max(1, Math.ceil(left / 60_000)) };
  }
  return { at: now, kind: 'wrap-up' };
}

const minutes = (m: number) => m * 60_000;

function goToPrompt(shared: PartnershipShared, index: number, config: PartnershipConfig, now: number): Outcome<PartnershipShared> {
  if (shared.round < 1) return { ok: false, error: 'Start a round first.' };
  const prompt = config.prompts[index];
  if (!prompt) return { ok: false, error: index < 0 ? 'This is already the first question.' : 'This is already the last question.' };
  return { ok: true, value: { ...shared, prompt: { index, timer: startTimer(idleTimer(0), now, minutes(prompt.minutes)) }, nudge: null } };
}

export function actPartnership(
  shared: PartnershipShared,
  action: PartnershipAction,
  ctx: Pick<ActContext<PartnershipConfig>, 'config' | 'now' | 'seed' | 'roster'>,
): Outcome<PartnershipShared> {
  const { config, now, roster } = ctx;
  switch (action.type) {
    case 'start-round': {
      if (shared.round >= config.rounds) return { ok: false, error: `All ${config.rounds} ${config.rounds === 1 ? 'round has' : 'rounds have'} been played.` };
      const away = new Set(shared.away);
      const present = roster.filter((p) => !away.has(p.id));
      if (present.length < 2) return { ok: false, error: 'At least two participants are needed to form groups.' };
      const seed = shared.seed ?? ctx.seed >>> 0;
      const played = history(shared, shared.round);
      // The stored seed, unchanged, on every call: the engine salts it per round itself, and the
      // round-robin schedule for pairs holds only if every round is made from the same seed.
      const round = nextRound(
        present.map((p) => ({ id: p.id, department: p.department })),
        played,
        { size: config.groupSize, seed, rounds: config.rounds },
      );
      const groups = round.map((members, i) => ({ id: String(i + 1), members }));
      const first = config.prompts[0]!;
      return {
        ok: true,
        value: {
          ...shared,
          seed,
          round: shared.round + 1,
          rounds: [...shared.rounds.slice(0, shared.round), { groups }],
          names: withNames(shared.names, roster, round.flat()),
          prompt: { index: 0, timer: startTimer(idleTimer(0), now, minutes(first.minutes)) },
          nudge: null,
        },
      };
    }
    case 'next-prompt':
      return goToPrompt(shared, shared.prompt.index + 1, config, now);
    case 'prev-prompt':
      return goToPrompt(shared, shared.prompt.index - 1, config, now);
    case 'goto-prompt':
      if (action.index >= config.prompts.length) return { ok: false, error: `This meeting has ${config.prompts.length} questions.` };
      return goToPrompt(shared, action.index, config, now);
    case 'extend': {
      if (shared.round < 1) return { ok: false, error: 'Start a round first.' };
      return { ok: true, value: { ...shared, prompt: { ...shared.prompt, timer: addTime(shared.prompt.timer, now, minutes(action.minutes)) } } };
    }
    case 'pause':
    case 'resume': {
      if (shared.round < 1) return { ok: false, error: 'Start a round first.' };
      const timer = action.type === 'pause' ? pauseTimer(shared.prompt.timer, now) : resumeTimer(shared.prompt.timer, now);
      return { ok: true, value: { ...shared, prompt: { ...shared.prompt, timer } } };
    }
    case 'nudge': {
      if (shared.round < 1) return { ok: false, error: 'Start a round first.' };
      if (action.text === undefined) {
        const nudge: PartnershipNudge =
          action.minutes !== undefined ? { at: now, kind: 'left', minutes: action.minutes } : defaultNudge(shared.prompt.timer, now);
        return { ok: true, value: { ...shared, nudge } };
      }
      const text = normalizeText(action.text, { maxLength: PARTNERSHIP_NUDGE_MAX });
      if (!text) return { ok: false, error: 'Write a message, or send the nudge without one.' };
      return { ok: true, value: { ...shared, nudge: { at: now, kind: 'text', text } } };
    }
    case 'place-late': {
      if (shared.round < 1) return { ok: false, error: 'Start a round first: everyone present is grouped then.' };
      const groups = partnershipCurrentGroups(shared);
      const placed = new Set(groups.flatMap((g) => g.members));
      const onRoster = new Map(roster.map((p) => [p.id, p]));
      let wanted: RosterMember[];
      if (action.participantIds) {
        const missing = action.participantIds.find((id) => !onRoster.has(id));
        if (missing !== undefined) return { ok: false, error: 'One of those people is not in the room any more.' };
        wanted = [...new Set(action.participantIds)].map((id) => onRoster.get(id)!);
      } else {
        const away = new Set(shared.away);
        wanted = roster.filter((p) => !away.has(p.id));
      }
      wanted = wanted.filter((p) => !placed.has(p.id));
      if (wanted.length === 0) return { ok: true, value: shared };
      const people = peopleOf(shared, roster);
      const earlier = history(shared, shared.round - 1);
      let round: Round = groups.map((g) => g.members);
      for (const p of wanted) round = placeLateJoiner(round, { id: p.id, department: p.department }, people, earlier);
      const newcomers = new Set(wanted.map((p) => p.id));
      return {
        ok: true,
        value: {
          ...shared,
          rounds: setCurrentGroups(shared, carryPartnershipGroupIds(groups, round)),
          names: withNames(shared.names, roster, newcomers),
          away: shared.away.filter((id) => !newcomers.has(id)),
        },
      };
    }
    case 'remove-member': {
      const away = shared.away.includes(action.participantId) ? shared.away : [...shared.away, action.participantId];
      const groups = partnershipCurrentGroups(shared);
      if (!groups.some((g) => g.members.includes(action.participantId))) return { ok: true, value: { ...shared, away } };
      const round = removeFromRound(
        groups.map((g) => g.members),
        action.participantId,
        peopleOf(shared, roster),
        history(shared, shared.round - 1),
      );
      return { ok: true, value: { ...shared, rounds: setCurrentGroups(shared, carryPartnershipGroupIds(groups, round)), away } };
    }
  }
}

// --- participant input: a group's notes and agreed actions ---------------------------------------

const ItemIdSchema = z.string().regex(/^[A-Za-z0-9_-]{6,40}$/, 'must be 6–40 letters, digits, - or _');

export const PartnershipInput = z.discriminatedUnion('op', [
  /** a new note under a prompt; the id is made by the client, so a replay adds nothing */
  z.object({ op: z.literal('add-note'), promptId: z.string().max(24), id: ItemIdSchema, text: z.string().max(4000) }),
  /** any member may reword any note of their group */
  z.object({ op: z.literal('edit-note'), id: ItemIdSchema, text: z.string().max(4000) }),
  z.object({ op: z.literal('remove-note'), id: z.string().max(40) }),
  /** add an agreed action, or replace it (an upsert) */
  z.object({
    op: z.literal('put-action'),
    id: ItemIdSchema,
    text: z.string().max(2000),
    /** a member of the group */
    owner: ParticipantIdSchema,
    due: z.string().refine(isCalendarDate, 'must be a real date written YYYY-MM-DD'),
  }),
  z.object({ op: z.literal('remove-action'), id: z.string().max(40) }),
]);
export type PartnershipInput = z.infer<typeof PartnershipInput>;

export interface PartnershipNote {
  id: string;
  promptId: string;
  text: string;
  /** participant id of the author */
  by: string;
  at: number;
  /** the last member who reworded it, and when */
  editedBy?: string;
  editedAt?: number;
}

export interface AgreedAction {
  id: string;
  text: string;
  /** participant id, a member of the group */
  owner: string;
  /** YYYY-MM-DD */
  due: string;
  /** who recorded it (last), and when */
  by: string;
  at: number;
}

/** One group's record for one round. */
export interface PartnershipRecord {
  round: number;
  group: string;
  notes: PartnershipNote[];
  actions: AgreedAction[];
}

export function initialPartnershipRecord(scope?: string): PartnershipRecord {
  const g = parsePartnershipScope(scope);
  return { round: g?.round ?? 0, group: g?.group ?? '', notes: [], actions: [] };
}

export const normalizePartnershipNote = (text: string) => normalizeText(text, { maxLength: PARTNERSHIP_NOTE_MAX, multiline: true });
export const normalizeAgreedAction = (text: string) => normalizeText(text, { maxLength: AGREED_ACTION_MAX });

const dayNumber = (ymd: string) => Date.UTC(Number(ymd.slice(0, 4)), Number(ymd.slice(5, 7)) - 1, Number(ymd.slice(8, 10))) / DAY_MS;

/** A due date from yesterday (UTC, so any time zone's today passes) up to about three years ahead. */
function checkDue(due: string, now: number): string | null {
  const today = Math.floor(now / DAY_MS);
  const d = dayNumber(due);
  if (d < today - 1) return 'Pick a date from today on.';
  if (d > today + MAX_DUE_DAYS) return 'Pick a date within the next three years.';
  return null;
}

function membersOfRecord(rec: PartnershipRecord, shared: PartnershipShared | undefined): string[] | null {
  return shared?.rounds[rec.round - 1]?.groups.find((g) => g.id === rec.group)?.members ?? null;
}

/**
 * `members` are the record's group as the shared state has it (null: not a group of the meeting);
 * the server passes them from the shared state, the phone's preview from the group it shows.
 */
export function reducePartnership(
  rec: PartnershipRecord,
  input: PartnershipInput,
  ctx: { config: Pick<PartnershipConfig, 'prompts'>; participantId: string; now: number; members: readonly string[] | null },
): Outcome<PartnershipRecord> {
  const { participantId: by, now } = ctx;
  switch (input.op) {
    case 'add-note': {
      if (rec.notes.some((n) => n.id === input.id)) return { ok: true, value: rec }; // a replay
      if (!ctx.config.prompts.some((p) => p.id === input.promptId)) return { ok: false, error: 'That question is not part of this meeting.' };
      const text = normalizePartnershipNote(input.text);
      if (!text) return { ok: false, error: 'A note needs some text.' };
      if (rec.notes.length >= PARTNERSHIP_MAX_NOTES) return { ok: false, error: `A group can keep at most ${PARTNERSHIP_MAX_NOTES} notes per round.` };
      return { ok: true, value: { ...rec, notes: [...rec.notes, { id: input.id, promptId: input.promptId, text, by, at: now }] } };
    }
    case 'edit-note': {
      const i = rec.notes.findIndex((n) => n.id === input.id);
      if (i < 0) return { ok: true, value: rec }; // removed meanwhile by a group mate: the removal stands
      const text = normalizePartnershipNote(input.text);
      if (!text) return { ok: false, error: 'A note needs some text. To drop it, remove it.' };
      if (rec.notes[i]!.text === text) return { ok: true, value: rec };
      return { ok: true, value: { ...rec, notes: rec.notes.map((n, j) => (j === i ? { ...n, text, editedBy: by, editedAt: now } : n)) } };
    }
    case 'remove-note':
      if (!rec.notes.some((n) => n.id === input.id)) return { ok: true, value: rec };
      return { ok: true, value: { ...rec, notes: rec.notes.filter((n) => n.id !== input.id) } };
    case 'put-action': {
      const text = normalizeAgreedAction(input.text);
      if (!text) return { ok: false, error: 'Say what will be done, for example “share our release calendar”.' };
      const i = rec.actions.findIndex((a) => a.id === input.id);
      const old = rec.actions[i];
      if (old && old.text === text && old.owner === input.owner && old.due === input.due) return { ok: true, value: rec }; // a replay
      const members = ctx.members;
      if (!members) return { ok: false, error: 'This group is not part of the meeting.' };
      if (!members.includes(input.owner)) return { ok: false, error: 'The owner must be someone in your group.' };
      const bad = checkDue(input.due, now);
      if (bad) return { ok: false, error: bad };
      if (i < 0 && rec.actions.length >= PARTNERSHIP_MAX_ACTIONS)
        return { ok: false, error: `A group can record at most ${PARTNERSHIP_MAX_ACTIONS} actions per round.` };
      const action: AgreedAction = { id: input.id, text, owner: input.owner, due: input.due, by, at: now };
      return { ok: true, value: { ...rec, actions: i < 0 ? [...rec.actions, action] : rec.actions.map((a, j) => (j === i ? action : a)) } };
    }
    case 'remove-action':
      if (!rec.actions.some((a) => a.id === input.id)) return { ok: true, value: rec };
      return { ok: true, value: { ...rec, actions: rec.actions.filter((a) => a.id !== input.id) } };
  }
}

/**
 * One group record's share of the step's counters: per group of the round
 * (`g:<round>:<group>:notes:<promptId>`, `g:<round>:<group>:actions`) and totals (`notes`,
 * `actions`, `notes:<promptId>`, `round:<round>:writing` = groups that wrote anything).
 */
export function partnershipContribution(rec: PartnershipRecord): Counters {
  const c: Counters = {};
  const inc = (k: string, by = 1) => (c[k] = (c[k] ?? 0) + by);
  if (!rec.group || (rec.notes.length === 0 && rec.actions.length === 0)) return c;
  const g = `g:${rec.round}:${rec.group}`;
  for (const n of rec.notes) {
    inc(`${g}:notes:${n.promptId}`);
    inc(`notes:${n.promptId}`);
  }
  if (rec.notes.length > 0) inc('notes', rec.notes.length);
  if (rec.actions.length > 0) {
    inc(`${g}:actions`, rec.actions.length);
    inc('actions', rec.actions.length);
  }
  c[`round:${rec.round}:writing`] = 1;
  return c;
}

// --- views -------------------------------------------------------------------------------------

export interface PartnershipMemberView {
  id: string;
  /** null once the person deleted their data (screens say "Someone who left") */
  nickname: string | null;
  department: string | null;
}

export interface PartnershipPromptView {
  index: number;
  count: number;
  id: string;
  title: string;
  hint: string;
  minutes: number;
  /** the countdown: a deadline while running (correct it with the clock offset), remaining time while paused */
  timer: Timer;
}

export interface PartnershipNoteView {
  id: string;
  promptId: string;
  text: string;
  by: string;
  /** the author's nickname; null once they deleted their data (screens say "Someone who left") */
  author: string | null;
  at: number;
  edited: boolean;
}

export interface AgreedActionView extends AgreedAction {
  /** null once the owner deleted their data (screens say "Someone who left") */
  ownerName: string | null;
}

export interface PartnershipParticipantView {
  phase: string;
  round: number;
  totalRounds: number;
  intro: string;
  /** null until the participant is in a group of the current round */
  group: { id: string; members: PartnershipMemberView[] } | null;
  /** a round is running but the participant is not placed yet (the facilitator will place them) */
  waiting: boolean;
  prompt: PartnershipPromptView | null;
  /** the group's notes, by prompt id (every prompt of the meeting has a list) */
  notes: Record<string, PartnershipNoteView[]>;
  actions: AgreedActionView[];
  nudge: PartnershipNudge | null;
  /** the participant's groups of earlier rounds: the notes they wrote together (by prompt id) and the actions they agreed */
  earlier: Array<{
    round: number;
    group: { id: string; members: PartnershipMemberView[] };
    notes: Record<string, PartnershipNoteView[]>;
    actions: AgreedActionView[];
  }>;
}

/** a nickname from the names snapshot; null for someone whose data is gone (each screen words it) */
const nameOf = (shared: PartnershipShared, id: string): string | null => shared.names[id]?.nickname ?? null;
const member = (shared: PartnershipShared, id: string): PartnershipMemberView => ({
  id,
  nickname: nameOf(shared, id),
  department: shared.names[id]?.department ?? null,
});

function partnershipPromptView(shared: PartnershipShared | undefined, config: PartnershipConfig): PartnershipPromptView | null {
  if (!shared || shared.round < 1) return null;
  const p = config.prompts[shared.prompt.index];
  if (!p) return null;
  return { index: shared.prompt.index, count: config.prompts.length, id: p.id, title: p.title, hint: p.hint, minutes: p.minutes, timer: shared.prompt.timer };
}

type NameOf = (participantId: string) => string | null;
const namesIn =
  (shared: PartnershipShared | undefined): NameOf =>
  (id) =>
    shared ? nameOf(shared, id) : null;
const actionView = (name: NameOf, a: AgreedAction): AgreedActionView => ({ ...a, ownerName: name(a.owner) });

/** A group record's notes, by prompt id (every prompt of the meeting has a list). */
function notesView(config: Pick<PartnershipConfig, 'prompts'>, name: NameOf, rec: PartnershipRecord | null): Record<string, PartnershipNoteView[]> {
  const notes = Object.fromEntries(config.prompts.map((p) => [p.id, [] as PartnershipNoteView[]]));
  for (const n of rec?.notes ?? [])
    (notes[n.promptId] ??= []).push({
      id: n.id,
      promptId: n.promptId,
      text: n.text,
      by: n.by,
      author: name(n.by),
      at: n.at,
      edited: n.editedAt !== undefined,
    });
  return notes;
}

/** Group records a participant reads: their group now and their groups of earlier rounds. */
export function partnershipReadScopes(participantId: string, shared: PartnershipShared | undefined): string[] {
  if (!shared) return [];
  const out: string[] = [];
  shared.rounds.slice(0, shared.round).forEach((r, i) => {
    const g = r.groups.find((x) => x.members.includes(participantId));
    if (g) out.push(partnershipGroupScope(i + 1, g.id));
  });
  return out;
}

export function partnershipParticipantView(ctx: {
  config: PartnershipConfig;
  phase: string;
  participantId: string;
  scoped: Record<string, PartnershipRecord>;
  shared: PartnershipShared | undefined;
}): PartnershipParticipantView {
  const { config, shared, participantId: pid } = ctx;
  const base = { phase: ctx.phase, round: shared?.round ?? 0, totalRounds: config.rounds, intro: config.intro, prompt: partnershipPromptView(shared, config) };
  if (!shared || shared.round < 1)
    return { ...base, group: null, waiting: false, notes: notesView(config, namesIn(undefined), null), actions: [], nudge: null, earlier: [] };
  const mine = partnershipGroupOf(shared, pid);
  const rec = mine
    ? (ctx.scoped[partnershipGroupScope(shared.round, mine.id)] ?? initialPartnershipRecord(partnershipGroupScope(shared.round, mine.id)))
    : null;
  const notes = notesView(config, namesIn(shared), rec);
  const earlier: PartnershipParticipantView['earlier'] = [];
  shared.rounds.slice(0, shared.round - 1).forEach((r, i) => {
    const g = r.groups.find((x) => x.members.includes(pid));
    if (!g) return;
    const old = ctx.scoped[partnershipGroupScope(i + 1, g.id)];
    earlier.push({
      round: i + 1,
      group: { id: g.id, members: g.members.map((id) => member(shared, id)) },
      notes: notesView(config, namesIn(shared), old ?? null),
      actions: (old?.actions ?? []).map((a) => actionView(namesIn(shared), a)),
    });
  });
  return {
    ...base,
    group: mine ? { id: mine.id, members: mine.members.map((id) => member(shared, id)) } : null,
    waiting: !mine,
    notes,
    actions: (rec?.actions ?? []).map((a) => actionView(namesIn(shared), a)),
    nudge: mine ? partnershipNudgeView(shared.nudge) : null,
    earlier,
  };
}

/**
 * The group's notes and actions as they will be once the pending changes are stored: the group's
 * record is read back from the view (the group, its notes and its actions), reduced as the server
 * does, and shown again with the names the view has. Earlier rounds do not change.
 */
export function previewPartnership(
  view: PartnershipParticipantView,
  pending: readonly PartnershipInput[],
  ctx: PreviewContext<PartnershipConfig>,
): PartnershipParticipantView {
  const group = view.group;
  // not in a group of this round: the server refuses every change (it has no record to write)
  if (!group || view.round < 1) return view;
  const notes = Object.values(view.notes).flat();
  const names = new Map<string, string | null>();
  for (const n of notes) names.set(n.by, n.author);
  for (const a of view.actions) names.set(a.owner, a.ownerName);
  for (const m of group.members) names.set(m.id, m.nickname);
  const name: NameOf = (id) => names.get(id) ?? null;
  const rec: PartnershipRecord = {
    round: view.round,
    group: group.id,
    notes: notes.map((n) => ({ id: n.id, promptId: n.promptId, text: n.text, by: n.by, at: n.at, ...(n.edited ? { editedAt: n.at } : {}) })),
    actions: view.actions.map(({ ownerName: _name, ...a }) => a),
  };
  const members = group.members.map((m) => m.id);
  const next = reduceEach<PartnershipRecord, PartnershipInput>(rec, pending, (r, input) =>
    reducePartnership(r, input, { config: ctx.config, participantId: ctx.participantId, now: ctx.now, members }),
  );
  if (next === rec) return view;
  return { ...view, notes: notesView(ctx.config, name, next), actions: next.actions.map((a) => actionView(name, a)) };
}

export interface PartnershipGroupProgress {
  id: string;
  members: PartnershipMemberView[];
  /** prompt id → notes written */
  notes: Record<string, number>;
  notesTotal: number;
  actions: number;
}

export interface PartnershipConsoleView {
  audience: 'console';
  phase: string;
  round: number;
  totalRounds: number;
  /** another round can be started */
  canStartRound: boolean;
  prompts: Array<{ id: string; title: string; minutes: number }>;
  prompt: PartnershipPromptView | null;
  nudge: PartnershipNudge | null;
  groups: PartnershipGroupProgress[];
  /** people in a group of the current round */
  placed: number;
  /** people in the room but in no group of the current round (late joiners and people marked away); the roster says who */
  notPlaced: number;
  /** people the facilitator marked as gone (place them again by name) */
  away: PartnershipMemberView[];
  /** how well the current round mixes: pairs within groups, those sharing a department, those who met before */
  mix: { pairs: number; sameDepartmentPairs: number; repeatedPairs: number; mixScore: number } | null;
  totals: { notes: number; actions: number; groupsWriting: number };
}

export interface PartnershipDisplayView {
  audience: 'display';
  phase: string;
  round: number;
  totalRounds: number;
  prompt: PartnershipPromptView | null;
  nudge: PartnershipNudge | null;
  /** who is with whom (no notes: those stay with their group) */
  groups: Array<{ id: string; members: Array<{ nickname: string | null; department: string | null }> }>;
  /** for the closing picture */
  totals: { conversations: number; actions: number; notes: number };
}

export function partnershipPresenterView(ctx: PresenterContext<PartnershipConfig, PartnershipShared>): PartnershipConsoleView | PartnershipDisplayView {
  const { config, counters: c } = ctx;
  const shared = ctx.shared ?? initialPartnershipShared();
  const groups = partnershipCurrentGroups(shared);
  const base = {
    phase: ctx.phase,
    round: shared.round,
    totalRounds: config.rounds,
    prompt: partnershipPromptView(shared, config),
    nudge: partnershipNudgeView(shared.nudge),
  };
  if (ctx.audience === 'display') {
    return {
      audience: 'display',
      ...base,
      groups: groups.map((g) => ({
        id: g.id,
        members: g.members.map((id) => ({ nickname: nameOf(shared, id), department: shared.names[id]?.department ?? null })),
      })),
      totals: { conversations: shared.rounds.reduce((n, r) => n + r.groups.length, 0), actions: c.actions ?? 0, notes: c.notes ?? 0 },
    };
  }
  const placed = groups.reduce((n, g) => n + g.members.length, 0);
  const people = Object.entries(shared.names).map(([id, n]) => ({ id, department: n.department }));
  const stats =
    shared.round >= 1
      ? roundStats(
          groups.map((g) => g.members),
          people,
          history(shared, shared.round - 1),
        )
      : null;
  return {
    audience: 'console',
    ...base,
    canStartRound: shared.round < config.rounds,
    prompts: config.prompts.map((p) => ({ id: p.id, title: p.title, minutes: p.minutes })),
    groups: groups.map((g) => {
      const key = `g:${shared.round}:${g.id}`;
      const notes = Object.fromEntries(config.prompts.map((p) => [p.id, c[`${key}:notes:${p.id}`] ?? 0]));
      return {
        id: g.id,
        members: g.members.map((id) => member(shared, id)),
        notes,
        notesTotal: Object.values(notes).reduce((a, b) => a + b, 0),
        actions: c[`${key}:actions`] ?? 0,
      };
    }),
    placed,
    notPlaced: Math.max(0, ctx.participants - placed),
    away: shared.away.map((id) => member(shared, id)),
    mix: stats && { pairs: stats.pairs, sameDepartmentPairs: stats.sameDepartmentPairs, repeatedPairs: stats.repeatedPairs, mixScore: stats.mixScore },
    totals: { notes: c.notes ?? 0, actions: c.actions ?? 0, groupsWriting: c[`round:${shared.round}:writing`] ?? 0 },
  };
}

// --- outcomes ----------------------------------------------------------------------------------

/**
 * The meetings in the report: who met whom in each round, and each group's shared output — its
 * notes per question and the actions it agreed (owner and date). Notes are the group's together,
 * so they are not attributed to whoever typed them.
 */
export function partnershipOutcomes(ctx: OutcomesContext<PartnershipConfig, PartnershipShared>): ActivityOutcomes {
  const { config } = ctx;
  const shared = ctx.shared ?? initialPartnershipShared();
  const byScope = new Map(ctx.records.map((r) => [r.scope, r.value as PartnershipRecord]));
  const promptTitle = (id: string) => config.prompts.find((p) => p.id === id)?.title ?? id;
  const locale = ctx.locale ?? baseLocale;
  const opts = { locale };
  const left = m.server_report_someone_who_left({}, opts);
  // a due date as the room's language writes it (English keeps YYYY-MM-DD, as it always printed)
  const dueText = (due: string) =>
    locale === baseLocale ? due : formatDate(locale, new Date(`${due}T00:00:00Z`), { day: 'numeric', month: 'long', year: 'numeric' }, 'UTC');
  const named = (id: string) => {
    const n = shared.names[id];
    return n ? `${n.nickname}${n.department ? ` (${n.department})` : ''}` : left;
  };
  const groupsRows: Cell[][] = [];
  const notesRows: Cell[][] = [];
  const actionsRows: Cell[][] = [];
  const active = new Set<string>();
  const blocks: ReportBlock[] = [];
  const rounds = shared.rounds.slice(0, shared.round);
  let notesTotal = 0;
  let actionsTotal = 0;
  rounds.forEach((r, i) => {
    const round = i + 1;
    blocks.push(heading(m.server_report_pm_round({ round }, opts)));
    for (const g of r.groups) {
      const rec = byScope.get(partnershipGroupScope(round, g.id));
      const names = g.members.map(named);
      groupsRows.push([round, g.id, names.join(', '), g.members.length]);
      blocks.push(paragraph(m.server_report_pm_group({ group: g.id, members: formatList(locale, names, 'unit') }, opts)));
      const items: string[] = [];
      for (const p of config.prompts) {
        const notes = (rec?.notes ?? []).filter((n) => n.promptId === p.id);
        for (const n of notes) {
          items.push(`${p.title}: ${n.text}`);
          notesRows.push([round, g.id, p.id, p.title, n.text]);
        }
      }
      for (const n of rec?.notes ?? []) {
        active.add(n.by);
        if (n.editedBy) active.add(n.editedBy);
        if (!config.prompts.some((p) => p.id === n.promptId)) notesRows.push([round, g.id, n.promptId, promptTitle(n.promptId), n.text]);
      }
      notesTotal += rec?.notes.length ?? 0;
      if (items.length > 0) blocks.push(list(items));
      const actions = rec?.actions ?? [];
      actionsTotal += actions.length;
      for (const a of actions) {
        active.add(a.by);
        actionsRows.push([round, g.id, a.text, shared.names[a.owner]?.nickname ?? left, a.due]);
      }
      if (actions.length > 0)
        blocks.push(
          list(
            actions.map((a) =>
              m.server_report_pm_action(
                { action: a.text, owner: shared.names[a.owner]?.nickname ?? m.server_report_someone_who_left_inline({}, opts), due: dueText(a.due) },
                opts,
              ),
            ),
          ),
        );
      if (items.length === 0 && actions.length === 0) blocks.push(paragraph(m.server_report_pm_no_notes({}, opts)));
    }
  });
  const placed = new Set(rounds.flatMap((r) => r.groups.flatMap((g) => g.members)));
  blocks.unshift(
    paragraph(
      m.server_report_pm_summary(
        {
          played: rounds.length,
          rounds: m.server_report_rounds({ count: config.rounds }, opts),
          people: ofPeopleIn(placed.size, Math.max(placed.size, ctx.participants), locale),
          size: config.groupSize,
          notes: m.server_report_pm_notes({ count: notesTotal }, opts),
          actions: m.server_report_pm_actions({ count: actionsTotal }, opts),
        },
        opts,
      ),
    ),
    {
      kind: 'bars',
      title: m.server_report_pm_notes_bars({}, opts),
      bars: config.prompts.map((p) => ({ label: p.title, value: ctx.counters[`notes:${p.id}`] ?? 0 })),
    },
  );
  return {
    section: { title: ctx.step.title, blocks },
    tables: [
      { name: 'partnership_groups', columns: ['round', 'group', 'members', 'size'], rows: groupsRows },
      { name: 'partnership_notes', columns: ['round', 'group', 'prompt_id', 'prompt', 'note'], rows: notesRows },
      { name: 'partnership_actions', columns: ['round', 'group', 'action', 'owner', 'due'], rows: actionsRows },
    ],
    active: [...active],
  };
}

// --- the schedule ------------------------------------------------------------------------------

/** forming a round's groups: the display shows them, people find each other and sit down */
export const PARTNERSHIP_ROUND_CHANGE_SEC = 60;

/** Every round runs every prompt on its timer, after a minute to find the group: rounds × (Σ prompt minutes + 1). */
export function partnershipScheduleSeconds(config: Pick<PartnershipConfig, 'rounds' | 'prompts'>): number {
  const perRound = config.prompts.reduce((s, p) => s + p.minutes * 60, 0) + PARTNERSHIP_ROUND_CHANGE_SEC;
  return config.rounds * perRound;
}

// --- the module --------------------------------------------------------------------------------

export const partnership: ActivityModule<
  PartnershipConfig,
  PartnershipInput,
  PartnershipRecord,
  PartnershipShared,
  PartnershipAction,
  PartnershipConfig,
  PartnershipParticipantView
> = {
  type: 'partnership',
  label: 'Partnership meetings',
  configSchema: PartnershipConfig,
  defaultConfig: () => PartnershipConfig.parse({}),
  /** meet (the rounds) → wrap-up (the display shows what the room produced; groups may still finish their actions) */
  phases: ['meet', 'wrap-up'],
  scheduleSeconds: partnershipScheduleSeconds,
  participantConfig: (config) => config,
  shared: {
    initial: () => initialPartnershipShared(),
    actionSchema: PartnershipAction,
    act: (shared, action, ctx) => actPartnership(shared, action, ctx),
    // their notes stay with the group; their name becomes null, which the screens word "Someone who left"
    forget: (shared, id) => ({ ...shared, names: withoutKey(shared.names, id) }),
  },
  input: {
    schema: PartnershipInput,
    acceptIn: ['meet', 'wrap-up'],
    scope(_input, { participantId, shared }) {
      if (!shared || shared.round < 1) return { ok: false, error: 'The groups are not formed yet. The facilitator will start the first round.' };
      const g = partnershipGroupOf(shared, participantId);
      if (!g) return { ok: false, error: 'You are not in a group yet. The facilitator will place you in one shortly.' };
      return { ok: true, value: partnershipGroupScope(shared.round, g.id) };
    },
    initial: initialPartnershipRecord,
    reduce: (rec, input, ctx) => reducePartnership(rec, input, { ...ctx, members: membersOfRecord(rec, ctx.shared) }),
    contribution: partnershipContribution,
  },
  readScopes: (participantId, shared) => partnershipReadScopes(participantId, shared),
  audience(scope, shared) {
    const g = parsePartnershipScope(scope);
    if (!g || !shared) return [];
    return shared.rounds[g.round - 1]?.groups.find((x) => x.id === g.group)?.members ?? [];
  },
  participantView: (ctx) => partnershipParticipantView(ctx),
  preview: previewPartnership,
  presenterView: partnershipPresenterView,
  outcomes: partnershipOutcomes,
};
