/**
 * After the session (issue #16): a person reads their plan and answers the open check-in with
 * the same personal token that resumed them in the room; facilitators, co-hosts and the display
 * read the room's effect. A person's plan is read from their own records only; a check-in is
 * checked against it and saved under the room's follow-up step, once per client-made id.
 */
import { ServiceError } from '@canopy/api';
import {
  because,
  applyCheckIn,
  applyPlanEdit,
  contributionDelta,
  keptBasis,
  mentalMap,
  checkInSchedule,
  emptyFollowUp,
  FOLLOW_UP_STEP,
  followUpKeptUntil,
  hasFollowUp,
  impactData,
  impactFigures,
  isPresent,
  nextCheckIn,
  openCheckIn,
  ownScope,
  planBasis,
  planSteps,
  roomMinGroupSize,
  SHARED_SCOPE,
  type CheckIn,
  type FollowUpRecord,
  type MentalMapConfig,
  type MentalMapRecord,
  type Outcome,
  type ImpactData,
  type ImpactFigures,
  type MapEntry,
  type PartnershipShared,
  type PersonFollowUp,
  type PlanBasis,
  type PlanEdit,
  type PlanReads,
  type PlanView,
  type RoomState,
  type Statement,
} from '@canopy/core';
import { writeRefusal } from './answers.js';
import type { Identity, RecordRead, ServiceContext } from './context.js';

/** One person's plan, from their own records (and the partnership groups they were in). */
async function readBasis(ctx: ServiceContext, room: RoomState, participantId: string): Promise<PlanBasis> {
  const reads: PlanReads = { own: {}, shared: {}, groups: {} };
  const own = ownScope(participantId);
  await Promise.all(
    planSteps(room).map(async (step) => {
      if (step.type === 'partnership') {
        const stored = await ctx.store.getRecord(room.id, step.id, SHARED_SCOPE);
        const shared = stored ? (JSON.parse(stored.value) as PartnershipShared) : undefined;
        reads.shared[step.id] = shared;
        const mine = (shared?.rounds ?? []).flatMap((r, i) => r.groups.filter((g) => g.members.includes(participantId)).map((g) => `g:${i + 1}:${g.id}`));
        const recs = await Promise.all(mine.map((scope) => ctx.store.getRecord(room.id, step.id, scope)));
        reads.groups[step.id] = Object.fromEntries(mine.flatMap((scope, i) => (recs[i] ? [[scope, JSON.parse(recs[i].value) as unknown]] : [])));
        return;
      }
      const stored = await ctx.store.getRecord(room.id, step.id, own);
      if (stored) reads.own[step.id] = JSON.parse(stored.value) as unknown;
    }),
  );
  return planBasis(room, participantId, reads);
}

async function participantRoom(ctx: ServiceContext, who: Identity): Promise<{ room: RoomState; pid: string }> {
  if (who.role !== 'participant' || !who.participant)
    throw new ServiceError('FORBIDDEN', 'Only a participant has a plan of their own.', undefined, because('NOT_ALLOWED'));
  const room = await ctx.getRoom(who.roomId);
  const you = await ctx.store.getParticipant(room.id, who.participant.id);
  if (!you || you.removed) throw new ServiceError('REMOVED', 'You are no longer in this room.');
  return { room, pid: you.id };
}

/** What a person sees of their plan now: the workshop's part, their check-ins, the dates. */
export async function readPlan(ctx: ServiceContext, who: Identity): Promise<PlanView> {
  const { room, pid } = await participantRoom(ctx, who);
  const [workshop, stored] = await Promise.all([readBasis(ctx, room, pid), ctx.store.getRecord(room.id, FOLLOW_UP_STEP, ownScope(pid))]);
  const record = stored ? (JSON.parse(stored.value) as FollowUpRecord) : emptyFollowUp();
  const basis = keptBasis(workshop, record);
  const now = ctx.now();
  const schedule = checkInSchedule(room);
  return {
    roomId: room.id,
    title: room.title,
    endedAt: room.status === 'closed' ? room.closedAt : null,
    schedule,
    open: openCheckIn(schedule, now),
    next: nextCheckIn(schedule, now),
    keptUntil:
      room.status === 'closed' && room.closedAt !== null
        ? (followUpKeptUntil(room, ctx.retentionSeconds) ?? room.closedAt + ctx.retentionSeconds * 1000)
        : null,
    basis,
    record,
    rev: stored?.rev ?? 0,
    now,
  };
}

/** Save the person's answer to the open check-in (once per `submissionId`); answers with their plan as it is then. */
export async function checkIn(ctx: ServiceContext, who: Identity, submissionId: string, answer: CheckIn): Promise<{ duplicate: boolean; plan: PlanView }> {
  const { room, pid } = await participantRoom(ctx, who);
  if (!hasFollowUp(room)) throw new ServiceError('CONFLICT', 'This workshop has no check-ins.');
  if (room.status !== 'closed') throw new ServiceError('CONFLICT', 'Check-ins open after the session has ended.', undefined, because('CHECK_INS_LATER'));
  const basis = await readBasis(ctx, room, pid);
  const duplicate = await writeFollowUp(ctx, room, pid, submissionId, (prev) => {
    const now = ctx.now();
    return applyCheckIn(prev, answer, { open: openCheckIn(checkInSchedule(room), now), basis: keptBasis(basis, prev), now });
  });
  return { duplicate, plan: await readPlan(ctx, who) };
}

/**
 * Keep up one's plan outside a check-in (`followUp:edit`): someone new on the map, sealed notes on
 * someone, and after the session a commitment added or changed. Only the caller's own records; a
 * new person during the session joins their record in the room's map step (the step's counters
 * move as an answer's would), everything else their follow-up record.
 */
export async function editPlan(ctx: ServiceContext, who: Identity, submissionId: string, edit: PlanEdit): Promise<{ duplicate: boolean; plan: PlanView }> {
  const { room, pid } = await participantRoom(ctx, who);
  const closed = room.status === 'closed';
  const basis = await readBasis(ctx, room, pid);
  const duplicate =
    edit.op === 'person' && !closed
      ? await addToWorkshopMap(ctx, room, pid, submissionId, basis, edit.entry)
      : await writeFollowUp(ctx, room, pid, submissionId, (prev) => applyPlanEdit(prev, edit, { basis: keptBasis(basis, prev), closed }));
  return { duplicate, plan: await readPlan(ctx, who) };
}

/** One write of a person's follow-up record, once per `submissionId`: true when it was a replay. */
function writeFollowUp(
  ctx: ServiceContext,
  room: RoomState,
  pid: string,
  submissionId: string,
  update: (prev: FollowUpRecord) => Outcome<FollowUpRecord>,
): Promise<boolean> {
  const scope = ownScope(pid);
  return ctx.applyOnce<RecordRead, boolean>({
    key: `${room.id}/${FOLLOW_UP_STEP}/${scope}`,
    read: () => ctx.recordFor(room.id, FOLLOW_UP_STEP, scope, submissionId),
    dedupe: { seen: ({ applied }) => applied !== null, answer: () => true },
    async write({ stored }) {
      const next = update(stored ? (JSON.parse(stored.value) as FollowUpRecord) : emptyFollowUp());
      if (!next.ok) throw new ServiceError('CONFLICT', next.error);
      const res = await ctx.store.writeRecord(room.id, FOLLOW_UP_STEP, scope, {
        submissionId,
        expectedRev: stored?.rev ?? 0,
        value: JSON.stringify(next.value),
        counters: {},
        writer: pid,
        ...(ctx.maxRoomBytes === undefined ? {} : { maxRoomBytes: ctx.maxRoomBytes }),
      });
      return settled(ctx, res.status, () => ctx.broadcaster?.followUpChanged(room.id));
    },
    busy: () => new ServiceError('BUSY', 'Not saved yet: many changes at once. Retrying…'),
  });
}

/** During the session: someone new appended to the person's own record in the room's map step. */
function addToWorkshopMap(ctx: ServiceContext, room: RoomState, pid: string, submissionId: string, basis: PlanBasis, entry: MapEntry): Promise<boolean> {
  if (!basis.map) throw new ServiceError('CONFLICT', 'This workshop has no ally map yet.');
  const stepId = basis.map.stepId;
  const step = room.agenda.find((s) => s.id === stepId)!;
  const config = step.config as MentalMapConfig;
  const spec = mentalMap.input!;
  const scope = ownScope(pid);
  return ctx.applyOnce<RecordRead, boolean>({
    key: `${room.id}/${stepId}/${scope}`,
    read: () => ctx.recordFor(room.id, stepId, scope, submissionId),
    dedupe: { seen: ({ applied }) => applied !== null, answer: () => true },
    async write({ stored }) {
      const prev = stored ? (JSON.parse(stored.value) as MentalMapRecord) : spec.initial(scope);
      if (prev.entries.some((e) => e.id === entry.id)) return true; // already on the map: nothing to append
      // the map's own rules (its size cap among them), as when the person placed someone in the room
      const next = spec.reduce(prev, { op: 'put', entry }, { config, phase: room.phase ?? '', now: ctx.now(), participantId: pid, shared: undefined });
      if (!next.ok) throw new ServiceError('CONFLICT', next.error);
      const res = await ctx.store.writeRecord(room.id, stepId, scope, {
        submissionId,
        expectedRev: stored?.rev ?? 0,
        value: JSON.stringify(next.value),
        counters: contributionDelta(spec, prev, next.value, config),
        writer: pid,
        ...(ctx.maxRoomBytes === undefined ? {} : { maxRoomBytes: ctx.maxRoomBytes }),
      });
      return settled(ctx, res.status, () => ctx.broadcaster?.activityChanged(room.id, stepId));
    },
    busy: () => new ServiceError('BUSY', 'Not saved yet: many changes at once. Retrying…'),
  });
}

/** What a store write's status means for a follow-up write: saved (false), a replay, lost to another writer, or an error. */
function settled(ctx: ServiceContext, status: 'ok' | 'gone' | 'capped' | 'duplicate' | 'conflict' | 'stale', changed: () => void) {
  if (status !== 'ok') return writeRefusal(ctx, status);
  changed();
  return false;
}

/** The room's effect from everyone's plan and check-ins (aggregates only). */
export async function readImpact(ctx: ServiceContext, roomId: string): Promise<{ room: RoomState; figures: ImpactFigures } | null> {
  const room = await ctx.store.getRoom(roomId);
  if (!room) return null;
  const steps = planSteps(room);
  const mapStep = steps.find((s) => s.type === 'mental-map');
  const saStep = steps.find((s) => s.type === 'self-assessment');
  const [participants, followUps, maps, ratings, commitments] = await Promise.all([
    ctx.store.listParticipants(room.id),
    ctx.store.listRecords(room.id, FOLLOW_UP_STEP),
    mapStep ? ctx.store.listRecords(room.id, mapStep.id) : [],
    saStep ? ctx.store.listRecords(room.id, saStep.id) : [],
    Promise.all(steps.filter((s) => s.type === 'commitments').map((s) => ctx.store.listRecords(room.id, s.id))),
  ]);
  const byScope = <T>(recs: Array<{ scope: string; value: string }>) => new Map(recs.map((r) => [r.scope, JSON.parse(r.value) as T]));
  const follow = byScope<FollowUpRecord>(followUps);
  const mapOf = byScope<{ entries: MapEntry[] }>(maps);
  const ratingsOf = byScope<{ ratings: Record<string, number> }>(ratings);
  const commitmentsOf = commitments.map((recs) => byScope<{ items: unknown[] }>(recs));
  const present = participants.filter(isPresent);
  const people: PersonFollowUp[] = present.map((p) => {
    const scope = ownScope(p.id);
    return {
      map: mapOf.get(scope)?.entries ?? [],
      ratings: ratingsOf.get(scope)?.ratings ?? {},
      commitments: commitmentsOf.reduce((n, m) => n + (m.get(scope)?.items.length ?? 0), 0),
      checkIns: follow.get(scope)?.checkIns ?? [],
    };
  });
  const statements = ((saStep?.config as { statements?: Statement[] } | undefined)?.statements ?? []).map((s) => ({ id: s.id, text: s.text, theme: s.theme }));
  const figures = impactFigures({
    people,
    participants: present.length,
    schedule: checkInSchedule(room),
    statements,
    minGroupSize: roomMinGroupSize(room.agenda),
  });
  return { room, figures };
}

/** The room's effect for a screen: facilitator, co-host or display. */
export async function impactFor(ctx: ServiceContext, who: Identity): Promise<ImpactFigures> {
  if (who.role === 'participant')
    throw new ServiceError('FORBIDDEN', 'Only the facilitator’s screens show the room’s effect.', undefined, because('NOT_ALLOWED'));
  const got = await readImpact(ctx, who.roomId);
  if (!got) throw new ServiceError('NOT_FOUND', 'This room no longer exists.', undefined, because('ROOM_GONE'));
  return got.figures;
}

/** The impact report's data for the downloads (facilitator and co-host only; checked by the caller). */
export async function impactReportData(ctx: ServiceContext, roomId: string): Promise<ImpactData | null> {
  const got = await readImpact(ctx, roomId);
  return got ? impactData(got.room, got.figures, ctx.now()) : null;
}
