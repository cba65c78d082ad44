/**
 * After the room: each person's plan lives on, with check-ins (issue #16).
 *
 * - The setting: when planning the workshop the facilitator chooses check-ins at some weeks after
 *   the session (e.g. 2, 6 and 12) or none. The dates follow from when the session ended.
 * - The plan: what one person made in the room — their ally map, their commitments, their
 *   self-assessment, their partnership groups — read from their own records (`planBasis`).
 * - A check-in: per commitment kept / not yet / dropped (with an optional note sealed in their
 *   browser), changes to their map (moves, new people — labels sealed as in the room — contacted),
 *   the self-assessment statements re-rated, and for each partnership whether the group met again.
 *   One record per person (`FollowUpRecord`), one entry per check-in; the server never sees a
 *   name or a note, only states, rings, directions and ratings.
 * - The room's effect: aggregates for the facilitator (`impactFigures`) with the room's minimum
 *   group size applied to every figure, and the impact report built from them.
 *
 * Pure: no I/O, the clock is passed in.
 */
import { z } from 'zod';
import { baseLocale, formatDate, locales, m, type Locale } from '@canopy/i18n';
import type { Outcome } from './activity.js';
import { ClientIdSchema } from './participant.js';
import { CommitmentItemSchema, SealedTextSchema, type CommitmentItem, type CommitmentsRecord } from './activities/commitments.js';
import {
  mapLabels,
  MapEntrySchema,
  RING_LABELS,
  RINGS,
  SealedLabelSchema,
  SECTOR_LABELS,
  SECTORS,
  type MapEntry,
  type Ring,
  type Sector,
} from './activities/mental-map.js';
import { partnershipGroupScope, type AgreedAction, type PartnershipRecord, type PartnershipShared } from './activities/partnership.js';
import { LIKERT_POINTS, StatementIdSchema, type Statement } from './activities/self-assessment.js';
import { paragraph, round1, shareShown, type OutcomeTable, type ReportBlock, type ReportSection } from './report.js';
import type { RoomState, Step } from './room.js';

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
/** check-ins a room may have, and how far after the session the last may be */
export const MAX_CHECK_INS = 6;
export const MAX_CHECK_IN_WEEKS = 52;
/** The reserved step id under which the room keeps follow-up records (no agenda step may use it). */
export const FOLLOW_UP_STEP = '~follow-up';
/** Used when no step of the agenda sets a minimum group size. */
export const DEFAULT_MIN_GROUP_SIZE = 3;

// --- the setting ---------------------------------------------------------------------------------

export const FollowUpSettingsSchema = z.object({
  /** weeks after the session's end at which people are asked to check in; empty: no follow-up */
  weeks: z
    .array(z.number().int().min(1).max(MAX_CHECK_IN_WEEKS))
    .max(MAX_CHECK_INS)
    .refine((w) => w.every((x, i) => i === 0 || x > w[i - 1]!), 'check-in weeks must go up, each one later than the one before')
    .default([]),
});
export type FollowUpSettings = z.infer<typeof FollowUpSettingsSchema>;
export const NO_FOLLOW_UP: FollowUpSettings = { weeks: [] };
/** The choice the planning form offers first. */
export const SUGGESTED_CHECK_IN_WEEKS = [2, 6, 12];

export const followUpOf = (room: Pick<RoomState, 'followUp'>): FollowUpSettings => room.followUp ?? NO_FOLLOW_UP;
export const hasFollowUp = (room: Pick<RoomState, 'followUp'>): boolean => followUpOf(room).weeks.length > 0;

export interface ScheduledCheckIn {
  /** 0-based */
  index: number;
  weeks: number;
  /** ms since the epoch: the check-in opens then and stays open until the next one opens */
  due: number;
}

/** When each check-in is, counted from `endedAt` (the session's end, or a date the planner shows). */
export function checkInDates(settings: FollowUpSettings, endedAt: number): ScheduledCheckIn[] {
  return settings.weeks.map((weeks, index) => ({ index, weeks, due: endedAt + weeks * WEEK_MS }));
}

/** The room's check-ins, or [] while the session has not ended (or has no follow-up). */
export function checkInSchedule(room: Pick<RoomState, 'followUp' | 'status' | 'closedAt'>): ScheduledCheckIn[] {
  if (room.status !== 'closed' || room.closedAt === null) return [];
  return checkInDates(followUpOf(room), room.closedAt);
}

/** The check-in open now: the latest one due (a person who missed one answers the next). */
export function openCheckIn(schedule: readonly ScheduledCheckIn[], now: number): ScheduledCheckIn | null {
  let open: ScheduledCheckIn | null = null;
  for (const c of schedule) if (c.due <= now) open = c;
  return open;
}

/** The first check-in still to come, if any. */
export const nextCheckIn = (schedule: readonly ScheduledCheckIn[], now: number): ScheduledCheckIn | null => schedule.find((c) => c.due > now) ?? null;

/**
 * Until when a room is kept (ms since the epoch), or null when its follow-up does not decide it:
 * a closed room with check-ins is kept until its last check-in plus the retention time.
 */
export function followUpKeptUntil(room: Pick<RoomState, 'followUp' | 'status' | 'closedAt'>, retentionSeconds: number): number | null {
  const last = checkInSchedule(room).at(-1);
  return last ? last.due + retentionSeconds * 1000 : null;
}

/** The smallest group any figure of this room may describe: the largest minimum any of its steps sets. */
export function roomMinGroupSize(agenda: readonly Pick<Step, 'config'>[]): number {
  let k = 0;
  for (const s of agenda) {
    const m = (s.config as { minGroupSize?: unknown } | null | undefined)?.minGroupSize;
    if (typeof m === 'number' && Number.isInteger(m) && m > k) k = m;
  }
  return k || DEFAULT_MIN_GROUP_SIZE;
}

// --- the plan ------------------------------------------------------------------------------------

/** One partnership group a person was in: `<step>:<round>:<group>`. */
export const partnershipKey = (stepId: string, round: number, groupId: string) => `${stepId}:${round}:${groupId}`;

export interface PlanPartnership {
  id: string;
  stepId: string;
  stepTitle: string;
  round: number;
  /** the others in the group, as they were named in the room (null: someone who has left it; screens word it) */
  with: Array<string | null>;
  /** actions this person owns in the group */
  actions: Array<Pick<AgreedAction, 'id' | 'text' | 'due'>>;
}

/** What one person made in the room, read from their own records (sealed parts stay sealed). */
export interface PlanBasis {
  map: { stepId: string; maxEntries: number; entries: MapEntry[] } | null;
  commitments: Array<CommitmentItem & { stepId: string }>;
  assessment: { stepId: string; statements: Statement[]; scale: string[]; ratings: Record<string, number> } | null;
  partnerships: PlanPartnership[];
}

/** What `planBasis` reads: per step that ran, the person's own record, the shared state, the group records. */
export interface PlanReads {
  own: Record<string, unknown>;
  shared: Record<string, unknown>;
  /** step id → scope → record (partnership groups) */
  groups: Record<string, Record<string, unknown>>;
}

/** The steps a plan is made of, among those the room reached. */
export function planSteps(room: Pick<RoomState, 'agenda' | 'current'>): Step[] {
  return room.agenda.slice(0, Math.max(0, room.current + 1)).filter((s) => PLAN_TYPES.has(s.type));
}
const PLAN_TYPES = new Set(['mental-map', 'commitments', 'self-assessment', 'partnership']);

export function planBasis(room: Pick<RoomState, 'agenda' | 'current'>, participantId: string, reads: PlanReads): PlanBasis {
  const out: PlanBasis = { map: null, commitments: [], assessment: null, partnerships: [] };
  for (const step of planSteps(room)) {
    const own = reads.own[step.id];
    const config = step.config as Record<string, unknown>;
    if (step.type === 'mental-map' && !out.map) {
      out.map = { stepId: step.id, maxEntries: Number(config.maxEntries ?? 40), entries: (own as { entries?: MapEntry[] } | undefined)?.entries ?? [] };
    } else if (step.type === 'commitments') {
      for (const item of (own as CommitmentsRecord | undefined)?.items ?? []) out.commitments.push({ ...item, stepId: step.id });
    } else if (step.type === 'self-assessment' && !out.assessment) {
      out.assessment = {
        stepId: step.id,
        statements: (config.statements as Statement[]) ?? [],
        scale: (config.scale as string[]) ?? [],
        ratings: (own as { ratings?: Record<string, number> } | undefined)?.ratings ?? {},
      };
    } else if (step.type === 'partnership') {
      const shared = reads.shared[step.id] as PartnershipShared | undefined;
      for (const [r, round] of (shared?.rounds ?? []).entries()) {
        for (const g of round.groups) {
          if (!g.members.includes(participantId)) continue;
          const rec = reads.groups[step.id]?.[partnershipGroupScope(r + 1, g.id)] as PartnershipRecord | undefined;
          out.partnerships.push({
            id: partnershipKey(step.id, r + 1, g.id),
            stepId: step.id,
            stepTitle: step.title,
            round: r + 1,
            with: g.members.filter((m) => m !== participantId).map((m) => shared?.names[m]?.nickname ?? null),
            actions: (rec?.actions ?? []).filter((a) => a.owner === participantId).map((a) => ({ id: a.id, text: a.text, due: a.due })),
          });
        }
      }
    }
  }
  return out;
}

// --- check-ins -----------------------------------------------------------------------------------

export const COMMITMENT_STATES = ['kept', 'not-yet', 'dropped'] as const;
export type CommitmentState = (typeof COMMITMENT_STATES)[number];
export const COMMITMENT_STATE_LABELS: Record<CommitmentState, string> = { kept: 'Kept', 'not-yet': 'Not yet', dropped: 'Dropped' };

const ItemId = z.string().regex(/^[A-Za-z0-9_-]{6,40}$/);

export const CheckInSchema = z.object({
  /** which check-in this answers (must be the one open now) */
  index: z
    .number()
    .int()
    .min(0)
    .max(MAX_CHECK_INS - 1),
  commitments: z
    .array(
      z.object({
        id: ItemId,
        state: z.enum(COMMITMENT_STATES),
        /** what happened, sealed in the browser */
        note: SealedLabelSchema.optional(),
      }),
    )
    .max(100)
    .default([]),
  /** changes to the map since the last check-in: people moved, added (labels sealed), contacted, removed */
  map: z
    .object({
      put: z.array(MapEntrySchema).max(60).default([]),
      remove: z.array(ItemId).max(60).default([]),
    })
    .default({ put: [], remove: [] }),
  /** statement id → 1…5: the self-assessment re-rated */
  ratings: z
    .record(StatementIdSchema, z.number().int().min(1).max(LIKERT_POINTS))
    .refine((r) => Object.keys(r).length <= 12, 'at most 12 ratings')
    .default({}),
  /** for each partnership group: did the group meet again? */
  partnerships: z
    .array(z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,40}:\d{1,3}:[A-Za-z0-9]{1,12}$/), met: z.boolean() }))
    .max(30)
    .default([]),
});
export type CheckIn = z.infer<typeof CheckInSchema>;
export type CheckInInput = z.input<typeof CheckInSchema>;

export interface StoredCheckIn extends CheckIn {
  /** server time it was (last) saved */
  at: number;
}

export interface FollowUpRecord {
  /** at most one per check-in, by index */
  checkIns: StoredCheckIn[];
  /** people added to the map after the session, outside a check-in (labels sealed) */
  people?: MapEntry[];
  /** commitments added or changed after the session (whom and what sealed); by id, over the workshop's */
  commitments?: CommitmentItem[];
  /** map entry id → the person's sealed notes on them */
  notes?: Record<string, PersonNotes>;
}
export const emptyFollowUp = (): FollowUpRecord => ({ checkIns: [] });

/** The map as it stands after the check-ins: the workshop's map with each check-in's changes applied in turn. */
export function currentMap(workshop: readonly MapEntry[], checkIns: readonly Pick<CheckIn, 'map'>[]): MapEntry[] {
  const byId = new Map(workshop.map((e) => [e.id, e]));
  for (const c of checkIns) {
    for (const id of c.map.remove) byId.delete(id);
    for (const e of c.map.put) byId.set(e.id, e);
  }
  return [...byId.values()];
}

/** The latest rating of each statement: the workshop's, then each check-in's in turn. */
export function currentRatings(workshop: Readonly<Record<string, number>>, checkIns: readonly Pick<CheckIn, 'ratings'>[]): Record<string, number> {
  return Object.assign({}, workshop, ...checkIns.map((c) => c.ratings)) as Record<string, number>;
}

/** The latest state of each commitment, and its history: check-in index → state. */
export function commitmentHistory(checkIns: readonly StoredCheckIn[]): Map<string, Array<{ index: number; at: number; state: CommitmentState }>> {
  const out = new Map<string, Array<{ index: number; at: number; state: CommitmentState }>>();
  for (const c of [...checkIns].sort((a, b) => a.index - b.index)) {
    for (const x of c.commitments) {
      const h = out.get(x.id) ?? [];
      h.push({ index: c.index, at: c.at, state: x.state });
      out.set(x.id, h);
    }
  }
  return out;
}

/**
 * Save a check-in: it must answer the check-in open now and speak only of this person's own plan
 * (their commitments, statements, groups); a second answer to the same check-in replaces the first.
 */
export function applyCheckIn(
  rec: FollowUpRecord,
  checkIn: CheckIn,
  ctx: { open: ScheduledCheckIn | null; basis: PlanBasis; now: number },
): Outcome<FollowUpRecord> {
  if (!ctx.open) return { ok: false, error: 'No check-in is open yet.' };
  if (checkIn.index !== ctx.open.index) return { ok: false, error: `Check-in ${checkIn.index + 1} is not open; check-in ${ctx.open.index + 1} is.` };
  const b = ctx.basis;
  const commitmentIds = new Set(b.commitments.map((c) => c.id));
  const unknownCommitment = checkIn.commitments.find((c) => !commitmentIds.has(c.id));
  if (unknownCommitment) return { ok: false, error: 'That commitment is not in your plan.' };
  if (new Set(checkIn.commitments.map((c) => c.id)).size !== checkIn.commitments.length) return { ok: false, error: 'Each commitment once, please.' };
  const statements = new Set(b.assessment?.statements.map((s) => s.id) ?? []);
  if (Object.keys(checkIn.ratings).some((id) => !statements.has(id))) return { ok: false, error: 'That statement is not in your self-assessment.' };
  const groups = new Set(b.partnerships.map((p) => p.id));
  if (checkIn.partnerships.some((p) => !groups.has(p.id))) return { ok: false, error: 'You were not in that partnership group.' };
  if (!b.map && (checkIn.map.put.length > 0 || checkIn.map.remove.length > 0)) return { ok: false, error: 'This workshop had no ally map.' };
  const before = rec.checkIns.filter((c) => c.index < checkIn.index);
  if (b.map && currentMap(b.map.entries, [...before, checkIn]).length > b.map.maxEntries) {
    return { ok: false, error: `A map holds at most ${b.map.maxEntries} people.` };
  }
  const saved: StoredCheckIn = { ...checkIn, at: ctx.now };
  const checkIns = [...rec.checkIns.filter((c) => c.index !== checkIn.index), saved].sort((a, b2) => a.index - b2.index);
  return { ok: true, value: { ...rec, checkIns } };
}

// --- the plan kept up between check-ins ------------------------------------------------------------

/** What a person may note on someone of their map: "rough equity" — what each side gave. */
export const PERSON_NOTE_FIELDS = ['goals', 'help', 'given', 'received'] as const;
export type PersonNoteField = (typeof PERSON_NOTE_FIELDS)[number];
export const PERSON_NOTE_LABELS: Record<PersonNoteField, string> = {
  goals: 'Their goals',
  help: 'How I can help',
  given: 'What I have given',
  received: 'What I have received',
};
/** characters per note, before sealing */
export const PERSON_NOTE_MAX = 500;
/** notes kept per person's plan (one set per map entry) */
export const MAX_NOTED_PEOPLE = 60;
/** commitments a plan may hold after the session, the workshop's included */
export const MAX_PLAN_COMMITMENTS = 40;

export const PersonNotesSchema = z
  .object(
    Object.fromEntries(PERSON_NOTE_FIELDS.map((f) => [f, SealedTextSchema.optional()])) as Record<PersonNoteField, z.ZodOptional<typeof SealedTextSchema>>,
  )
  .strict();
export type PersonNotes = z.infer<typeof PersonNotesSchema>;

/**
 * One change to a person's plan outside a check-in:
 * - `person`: someone new on their map (typed as a commitment's whom; label sealed). During the
 *   session it joins their record in the room's map step; after it, their follow-up record.
 * - `notes`: their sealed notes on someone of their map, replacing the ones before.
 * - `commitment`: after the session, a commitment added or changed.
 */
export const PlanEditSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('person'), entry: MapEntrySchema }),
  z.object({ op: z.literal('notes'), entryId: ItemId, notes: PersonNotesSchema }),
  z.object({ op: z.literal('commitment'), item: CommitmentItemSchema }),
]);
export type PlanEdit = z.infer<typeof PlanEditSchema>;
export type PlanEditInput = z.input<typeof PlanEditSchema>;
export const PlanEditPayloadSchema = z.object({ submissionId: ClientIdSchema, edit: PlanEditSchema });
export type PlanEditPayload = z.input<typeof PlanEditPayloadSchema>;

/**
 * The plan as it stands: the workshop's part with what was added since — people on the map,
 * commitments added or changed (by id) — so check-ins and the plan page read one thing.
 */
export function keptBasis(basis: PlanBasis, rec: FollowUpRecord): PlanBasis {
  const people = rec.people ?? [];
  const changed = new Map((rec.commitments ?? []).map((c) => [c.id, c]));
  const commitments = basis.commitments.map((c) => (changed.has(c.id) ? { ...changed.get(c.id)!, stepId: c.stepId } : c));
  const known = new Set(basis.commitments.map((c) => c.id));
  for (const c of rec.commitments ?? []) if (!known.has(c.id)) commitments.push({ ...c, stepId: FOLLOW_UP_STEP });
  return {
    ...basis,
    map: basis.map && { ...basis.map, entries: [...basis.map.entries, ...people.filter((p) => !basis.map!.entries.some((e) => e.id === p.id))] },
    commitments,
  };
}

/**
 * Apply one edit to a person's follow-up record. `basis` is their plan as it stands (`keptBasis`),
 * `closed` whether the session has ended (commitments change here only then; during the session
 * the commitments step takes them). A `person` during the session is not for this record: the
 * caller writes it to the map step.
 */
export function applyPlanEdit(rec: FollowUpRecord, edit: PlanEdit, ctx: { basis: PlanBasis; closed: boolean }): Outcome<FollowUpRecord> {
  const map = ctx.basis.map;
  const onMap = map ? currentMap(map.entries, rec.checkIns) : [];
  if (edit.op === 'person') {
    if (!map) return { ok: false, error: 'This workshop had no ally map.' };
    if (onMap.some((e) => e.id === edit.entry.id)) return { ok: true, value: rec }; // already there: a replay
    if (onMap.length >= map.maxEntries) return { ok: false, error: `A map holds at most ${map.maxEntries} people.` };
    return { ok: true, value: { ...rec, people: [...(rec.people ?? []), edit.entry] } };
  }
  if (edit.op === 'notes') {
    if (!onMap.some((e) => e.id === edit.entryId)) return { ok: false, error: 'That person is not on your map.' };
    const notes = { ...(rec.notes ?? {}) };
    if (PERSON_NOTE_FIELDS.every((f) => !edit.notes[f])) delete notes[edit.entryId];
    else notes[edit.entryId] = edit.notes;
    if (Object.keys(notes).length > MAX_NOTED_PEOPLE) return { ok: false, error: `Notes are kept on at most ${MAX_NOTED_PEOPLE} people.` };
    return { ok: true, value: { ...rec, notes } };
  }
  if (!ctx.closed) return { ok: false, error: 'During the session, commitments are made in the commitments step.' };
  const known = ctx.basis.commitments.some((c) => c.id === edit.item.id);
  if (!known && ctx.basis.commitments.length >= MAX_PLAN_COMMITMENTS) return { ok: false, error: `A plan holds at most ${MAX_PLAN_COMMITMENTS} commitments.` };
  return { ok: true, value: { ...rec, commitments: [...(rec.commitments ?? []).filter((c) => c.id !== edit.item.id), edit.item] } };
}

// --- what a person sees --------------------------------------------------------------------------

export interface PlanView {
  roomId: string;
  title: string;
  /** the session's end (ms), null while it runs */
  endedAt: number | null;
  schedule: ScheduledCheckIn[];
  /** the check-in that can be answered now */
  open: ScheduledCheckIn | null;
  next: ScheduledCheckIn | null;
  /** until when everything of the room is kept (ms), null while the session runs */
  keptUntil: number | null;
  basis: PlanBasis;
  record: FollowUpRecord;
  /** revision of the follow-up record (0: no check-in yet) */
  rev: number;
  /** server time of the answer */
  now: number;
}

// --- the room's effect ---------------------------------------------------------------------------

/** What the aggregates read of one person: their workshop map and ratings, their commitments, their check-ins. */
export interface PersonFollowUp {
  map: ReadonlyArray<Pick<MapEntry, 'id' | 'sector' | 'ring' | 'tags'>>;
  ratings: Readonly<Record<string, number>>;
  commitments: number;
  checkIns: ReadonlyArray<Pick<StoredCheckIn, 'index' | 'commitments' | 'map' | 'ratings' | 'partnerships'>>;
}

/**
 * A figure about people, as every screen and download shows it: `value` only when the people it
 * is about are none or at least the minimum group size; `people` says how many it is about when
 * that may be shown.
 */
export interface Figure {
  value: number | null;
}
const fig = (value: number, people: number, k: number): Figure => ({ value: people === 0 || people >= k ? value : null });

export interface ImpactFigures {
  minGroupSize: number;
  /** people in the room's roster (not removed) */
  participants: number;
  /** people who checked in at least once: the before/after figures are theirs */
  cohort: Figure;
  checkIns: Array<{
    index: number;
    weeks: number;
    due: number;
    /** people who answered this check-in */
    checkedIn: Figure;
    /** commitments marked each way at this check-in (each hidden when fewer people marked it so) */
    kept: Figure;
    notYet: Figure;
    dropped: Figure;
  }>;
  /** sector × ring: people placed there (entries), at the workshop and now, for the cohort */
  heatmap: { before: Array<Array<number | null>>; now: Array<Array<number | null>> };
  /** per direction: people of the cohort with at least one ally (ally or core circle) there */
  allies: Array<{ sector: Sector; before: Figure; now: Figure }>;
  /** people on the cohort's maps marked "not yet contacted", at the workshop and now */
  uncontacted: { before: Figure; now: Figure };
  assessment: Array<{
    id: string;
    text: string;
    /** people with a rating at the workshop and a newer one */
    compared: number;
    before: number | null;
    now: number | null;
    up: Figure;
    down: Figure;
  }>;
  partnerships: {
    /** groups someone answered about */
    answered: Figure;
    /** of those, groups someone said met again */
    metAgain: Figure;
  };
}

/**
 * The room's effect, from every person's workshop plan and check-ins. Each figure counts people
 * (or what people placed) and is hidden when it would describe fewer than `minGroupSize` of them;
 * the whole before/after picture is hidden while fewer than that have checked in.
 */
export function impactFigures(input: {
  people: readonly PersonFollowUp[];
  participants: number;
  schedule: readonly ScheduledCheckIn[];
  statements: readonly Statement[];
  minGroupSize: number;
}): ImpactFigures {
  const k = input.minGroupSize;
  const cohort = input.people.filter((p) => p.checkIns.length > 0);
  const enough = cohort.length >= k;
  const checkIns = input.schedule.map((s) => {
    const answers = cohort.flatMap((p) => p.checkIns.filter((c) => c.index === s.index));
    const marked = (state: CommitmentState): Figure => {
      const who = answers.filter((a) => a.commitments.some((c) => c.state === state));
      const n = answers.reduce((sum, a) => sum + a.commitments.filter((c) => c.state === state).length, 0);
      return answers.length >= k || answers.length === 0 ? fig(n, who.length, k) : { value: null };
    };
    return {
      index: s.index,
      weeks: s.weeks,
      due: s.due,
      checkedIn: fig(answers.length, answers.length, k),
      kept: marked('kept'),
      notYet: marked('not-yet'),
      dropped: marked('dropped'),
    };
  });
  const maps = cohort.map((p) => ({
    before: p.map,
    now: currentMap(
      p.map as MapEntry[],
      [...p.checkIns].sort((a, b) => a.index - b.index),
    ),
  }));
  const grid = (which: 'before' | 'now') =>
    SECTORS.map((s) =>
      RINGS.map((r) => {
        if (!enough) return null;
        let n = 0;
        let who = 0;
        for (const m of maps) {
          const here = m[which].filter((e) => e.sector === s && e.ring === r).length;
          n += here;
          if (here > 0) who += 1;
        }
        return fig(n, who, k).value;
      }),
    );
  const isAlly = (r: Ring) => r === 'ally' || r === 'core';
  const allyFig = (which: 'before' | 'now', s: Sector): Figure => {
    const n = maps.filter((m) => m[which].some((e) => e.sector === s && isAlly(e.ring))).length;
    return { value: shareShown(n, cohort.length, k) ? n : null };
  };
  const uncontacted = (which: 'before' | 'now'): Figure => {
    if (!enough) return { value: null };
    let n = 0;
    let who = 0;
    for (const m of maps) {
      const here = m[which].filter((e) => e.tags.includes('uncontacted')).length;
      n += here;
      if (here > 0) who += 1;
    }
    return fig(n, who, k);
  };
  const assessment = input.statements.map((st) => {
    const pairs = cohort.flatMap((p) => {
      const was = p.ratings[st.id];
      const latest = [...p.checkIns].sort((a, b) => a.index - b.index).reduce<number | undefined>((v, c) => c.ratings[st.id] ?? v, undefined);
      return was !== undefined && latest !== undefined ? [{ was, now: latest }] : [];
    });
    const n = pairs.length;
    const mean = (xs: number[]) => round1(xs.reduce((a, b) => a + b, 0) / xs.length);
    const up = pairs.filter((x) => x.now > x.was).length;
    const down = pairs.filter((x) => x.now < x.was).length;
    const shown = n > 0 && n >= k;
    return {
      id: st.id,
      text: st.text,
      compared: n,
      before: shown ? mean(pairs.map((x) => x.was)) : null,
      now: shown ? mean(pairs.map((x) => x.now)) : null,
      up: { value: shareShown(up, n, k) ? up : null },
      down: { value: shareShown(down, n, k) ? down : null },
    };
  });
  // a group's latest answer from each member; the group met again if any member says so
  const groupAnswers = new Map<string, { people: Set<number>; met: Set<number> }>();
  cohort.forEach((p, i) => {
    const latest = new Map<string, boolean>();
    for (const c of [...p.checkIns].sort((a, b) => a.index - b.index)) for (const g of c.partnerships) latest.set(g.id, g.met);
    for (const [id, met] of latest) {
      const g = groupAnswers.get(id) ?? { people: new Set<number>(), met: new Set<number>() };
      g.people.add(i);
      if (met) g.met.add(i);
      groupAnswers.set(id, g);
    }
  });
  const answeringPeople = new Set([...groupAnswers.values()].flatMap((g) => [...g.people]));
  const metPeople = new Set([...groupAnswers.values()].flatMap((g) => [...g.met]));
  const metGroups = [...groupAnswers.values()].filter((g) => g.met.size > 0).length;
  return {
    minGroupSize: k,
    participants: input.participants,
    cohort: fig(cohort.length, cohort.length, k),
    checkIns,
    heatmap: { before: grid('before'), now: grid('now') },
    allies: SECTORS.map((s) => ({ sector: s, before: allyFig('before', s), now: allyFig('now', s) })),
    uncontacted: { before: uncontacted('before'), now: uncontacted('now') },
    assessment,
    partnerships: {
      answered: fig(groupAnswers.size, answeringPeople.size, k),
      metAgain: answeringPeople.size >= k || answeringPeople.size === 0 ? fig(metGroups, metPeople.size, k) : { value: null },
    },
  };
}

// --- the impact report ---------------------------------------------------------------------------

/** Bumped whenever a field is renamed, removed or changes meaning (adding fields keeps it). */
export const IMPACT_SCHEMA_VERSION = 1;

const Num = z.number().nullable();
const IsoDate = z.iso.datetime();
const CellSchema = z.union([z.string(), z.number(), z.null()]);

export const ImpactDataSchema = z
  .object({
    schemaVersion: z.literal(IMPACT_SCHEMA_VERSION),
    generatedAt: IsoDate,
    room: z.object({
      title: z.string(),
      code: z.string(),
      createdAt: IsoDate,
      endedAt: IsoDate.nullable(),
      /** the room's language, in which the report's own words are written (absent: English) */
      language: z.enum(locales).optional(),
    }),
    /** figures describing fewer people than this are null */
    minGroupSize: z.number().int(),
    participants: z.number().int(),
    /** people who checked in at least once */
    cohort: Num,
    checkIns: z.array(z.object({ index: z.number().int(), weeks: z.number().int(), due: IsoDate, checkedIn: Num, kept: Num, notYet: Num, dropped: Num })),
    heatmap: z.object({
      rows: z.array(z.string()),
      columns: z.array(z.string()),
      before: z.array(z.array(Num)),
      now: z.array(z.array(Num)),
    }),
    allies: z.array(z.object({ sector: z.string(), before: Num, now: Num })),
    uncontacted: z.object({ before: Num, now: Num }),
    assessment: z.array(z.object({ id: z.string(), text: z.string(), compared: z.number().int(), before: Num, now: Num, up: Num, down: Num })),
    partnerships: z.object({ answered: Num, metAgain: Num }),
    /** the same figures as data tables (the CSV download) */
    tables: z.array(z.object({ name: z.string().regex(/^[a-z0-9_]+$/), columns: z.array(z.string()), rows: z.array(z.array(CellSchema)) })),
  })
  .meta({
    title: 'Canopy impact report',
    description:
      'What a Canopy workshop changed, from its participants’ check-ins: aggregates only, each hidden when it would describe fewer people than the room’s minimum group size.',
  });
export type ImpactData = z.infer<typeof ImpactDataSchema>;

export function impactDataJsonSchema(): Record<string, unknown> {
  return { $id: 'canopy:impact-data', ...z.toJSONSchema(ImpactDataSchema, { target: 'draft-2020-12' }) };
}

const iso = (ms: number) => new Date(ms).toISOString();
const day = (ms: number) => iso(ms).slice(0, 10);

export function impactData(room: Pick<RoomState, 'title' | 'code' | 'createdAt' | 'closedAt' | 'language'>, f: ImpactFigures, now: number): ImpactData {
  const tables: OutcomeTable[] = [
    {
      name: 'check_ins',
      columns: ['check_in', 'weeks_after', 'date', 'checked_in', 'commitments_kept', 'commitments_not_yet', 'commitments_dropped'],
      rows: f.checkIns.map((c) => [c.index + 1, c.weeks, day(c.due), c.checkedIn.value, c.kept.value, c.notYet.value, c.dropped.value]),
    },
    {
      name: 'ally_map_before_after',
      columns: ['sector', 'ring', 'at_workshop', 'now'],
      rows: SECTORS.flatMap((s, i) => RINGS.map((r, j) => [s, r, f.heatmap.before[i]![j]!, f.heatmap.now[i]![j]!])),
    },
    {
      name: 'allies_by_direction',
      columns: ['sector', 'people_with_ally_at_workshop', 'people_with_ally_now'],
      rows: f.allies.map((a) => [a.sector, a.before.value, a.now.value]),
    },
    {
      name: 'self_assessment_shift',
      columns: ['statement_id', 'statement', 'compared', 'mean_at_workshop', 'mean_now', 'moved_up', 'moved_down'],
      rows: f.assessment.map((a) => [a.id, a.text, a.compared, a.before, a.now, a.up.value, a.down.value]),
    },
    { name: 'partnerships', columns: ['groups_answered', 'groups_met_again'], rows: [[f.partnerships.answered.value, f.partnerships.metAgain.value]] },
  ];
  return {
    schemaVersion: IMPACT_SCHEMA_VERSION,
    generatedAt: iso(now),
    room: {
      title: room.title,
      code: room.code,
      createdAt: iso(room.createdAt),
      endedAt: room.closedAt === null ? null : iso(room.closedAt),
      ...(room.language && room.language !== baseLocale ? { language: room.language } : {}),
    },
    minGroupSize: f.minGroupSize,
    participants: f.participants,
    cohort: f.cohort.value,
    checkIns: f.checkIns.map((c) => ({
      index: c.index,
      weeks: c.weeks,
      due: iso(c.due),
      checkedIn: c.checkedIn.value,
      kept: c.kept.value,
      notYet: c.notYet.value,
      dropped: c.dropped.value,
    })),
    heatmap: { ...heatmapLabels(room.language ?? baseLocale), before: f.heatmap.before, now: f.heatmap.now },
    allies: f.allies.map((a) => ({ sector: a.sector, before: a.before.value, now: a.now.value })),
    uncontacted: { before: f.uncontacted.before.value, now: f.uncontacted.now.value },
    assessment: f.assessment.map((a) => ({ id: a.id, text: a.text, compared: a.compared, before: a.before, now: a.now, up: a.up.value, down: a.down.value })),
    partnerships: { answered: f.partnerships.answered.value, metAgain: f.partnerships.metAgain.value },
    tables,
  };
}

/** The heatmap's directions (rows) and rings (columns) in `locale` (English: the map's constants). */
function heatmapLabels(locale: Locale): { rows: string[]; columns: string[] } {
  const words = locale === baseLocale ? { sectors: SECTOR_LABELS, rings: RING_LABELS } : mapLabels(locale);
  return { rows: SECTORS.map((s) => words.sectors[s].name), columns: RINGS.map((r) => words.rings[r].name) };
}

/** The impact report's sections (PDF and screens draw them like the session report's), in the room's language. */
export function impactSections(d: ImpactData): ReportSection[] {
  const locale = d.room.language ?? baseLocale;
  const opts = { locale };
  const shown = (v: number | null) => (v === null ? m.server_impact_not_shown({}, opts) : String(v));
  // a check-in's date: English keeps YYYY-MM-DD, as it always printed
  const date = (iso: string) =>
    locale === baseLocale ? iso.slice(0, 10) : formatDate(locale, new Date(iso), { day: 'numeric', month: 'short', year: 'numeric' }, 'UTC');
  const sectorName = locale === baseLocale ? (s: Sector) => SECTOR_LABELS[s]?.name : (s: Sector) => mapLabels(locale).sectors[s]?.name;
  const k = d.minGroupSize;
  const note = m.server_impact_note({ k }, opts);
  const sections: ReportSection[] = [];
  const intro: ReportBlock[] = [
    paragraph(
      d.cohort === null
        ? m.server_impact_too_few({ k, participants: d.participants }, opts)
        : m.server_impact_cohort({ cohort: d.cohort, participants: d.participants }, opts),
    ),
    {
      kind: 'table',
      columns: [
        m.server_impact_col_check_in({}, opts),
        m.server_impact_col_date({}, opts),
        m.server_impact_col_checked_in({}, opts),
        m.server_impact_col_kept({}, opts),
        m.server_impact_col_not_yet({}, opts),
        m.server_impact_col_dropped({}, opts),
      ],
      rows: d.checkIns.map((c) => [
        m.server_impact_check_in_row({ n: c.index + 1, weeks: c.weeks }, opts),
        date(c.due),
        c.checkedIn,
        c.kept,
        c.notYet,
        c.dropped,
      ]),
    },
    paragraph(note),
  ];
  sections.push({ title: m.server_impact_check_ins_title({}, opts), blocks: intro });
  // the heatmap's names in the report's language, whatever language the data was made in
  const { rows, columns } = heatmapLabels(locale);
  sections.push({
    title: m.server_impact_allies_title({}, opts),
    blocks: [
      { kind: 'heatmap', title: m.server_impact_heatmap_then({}, opts), rows, columns, cells: d.heatmap.before, note },
      { kind: 'heatmap', title: m.server_impact_now({}, opts), rows, columns, cells: d.heatmap.now, note },
      {
        kind: 'table',
        columns: [m.server_impact_col_direction({}, opts), m.server_impact_col_ally_then({}, opts), m.server_impact_now({}, opts)],
        rows: d.allies.map((a) => [sectorName(a.sector as Sector) ?? a.sector, a.before, a.now]),
      },
      paragraph(m.server_impact_uncontacted({ before: shown(d.uncontacted.before), now: shown(d.uncontacted.now) }, opts)),
    ],
  });
  if (d.assessment.length > 0) {
    sections.push({
      title: m.server_impact_sa_title({}, opts),
      blocks: [
        {
          kind: 'table',
          columns: [
            m.server_impact_col_statement({}, opts),
            m.server_impact_col_compared({}, opts),
            m.server_impact_col_mean_then({}, opts),
            m.server_impact_col_mean_now({}, opts),
            m.server_impact_col_up({}, opts),
            m.server_impact_col_down({}, opts),
          ],
          rows: d.assessment.map((a) => [a.text, a.compared, a.before, a.now, a.up, a.down]),
        },
        paragraph(m.server_impact_sa_note({ points: LIKERT_POINTS, note }, opts)),
      ],
    });
  }
  sections.push({
    title: m.server_impact_partnerships_title({}, opts),
    blocks: [paragraph(m.server_impact_partnerships({ answered: shown(d.partnerships.answered), met: shown(d.partnerships.metAgain) }, opts))],
  });
  return sections;
}

// --- the wire ------------------------------------------------------------------------------------

/** participant: read my plan (no options: a person only ever reads their own) */
export const PlanPayloadSchema = z.object({}).strict();
/** participant: save my answer to the open check-in */
export const CheckInPayloadSchema = z.object({ submissionId: ClientIdSchema, checkIn: CheckInSchema });
export type CheckInPayload = z.input<typeof CheckInPayloadSchema>;
/** facilitator, co-host, display: the room's effect so far */
export const ImpactPayloadSchema = z.object({}).strict();
