/**
 * What each screen sees, built from the store through the activities' projections: a
 * participant's view of the step, the presenters' aggregate pictures, the full state a screen gets
 * on connecting (`welcome`), a participant's own outcomes for their pack, and the session data the
 * facilitator downloads. Reads only.
 */
import { ServiceError } from '@canopy/api';
import {
  buildSessionData,
  canFacilitate,
  DAY_SECONDS,
  formatCode,
  getActivity,
  hasParticipantView,
  initialParticipantView,
  initialRoomView,
  outcomeSteps,
  ownScope,
  SHARED_SCOPE,
  stageView,
  because,
  stepContents,
  waitingStage,
  type ActivityView,
  type FreshView,
  type AnyActivity,
  type MyOutcomes,
  type RoomState,
  type SessionData,
  type SocketData,
  type Step,
  type StepInputs,
  type Welcome,
} from '@canopy/core';
import type { Identity, Loaded, ServiceContext } from './context.js';
import { readQuestions } from './questions.js';

/**
 * What one participant sees of the step: built from their own record, the other records they
 * may read and the shared state. `rev` is the sum of the revisions read — it grows with every
 * write to any of them, so a screen can keep the newest of views that arrive out of order.
 * `known` are records already read (all of the step's when `knownIsAll`).
 */
export async function participantView(
  ctx: ServiceContext,
  room: RoomState,
  step: Step,
  mod: AnyActivity,
  participantId: string,
  shared: Loaded | undefined,
  known: Map<string, Loaded> = new Map(),
  knownIsAll = false,
): Promise<ActivityView> {
  const scopes = [ownScope(participantId), ...(mod.readScopes?.(participantId, shared?.value, step.config) ?? [])];
  const recs = await Promise.all(
    scopes.map(async (scope): Promise<Loaded> => {
      const hit = known.get(scope);
      if (hit) return hit;
      const stored = knownIsAll ? null : await ctx.store.getRecord(room.id, step.id, scope);
      return { rev: stored?.rev ?? 0, value: stored ? JSON.parse(stored.value) : mod.input?.initial(scope) };
    }),
  );
  const own = recs[0]!.value;
  const data = mod.participantView
    ? mod.participantView({
        config: step.config,
        phase: room.phase ?? '',
        participantId,
        own,
        scoped: Object.fromEntries(scopes.slice(1).map((s, i) => [s, recs[i + 1]!.value])),
        shared: shared?.value,
      })
    : mod.input?.ownView
      ? mod.input.ownView(own)
      : own;
  return { stepId: step.id, data, rev: recs.reduce((n, r) => n + r.rev, shared?.rev ?? 0) };
}

/**
 * The current step's view for each of these participants (those connected to this node), built
 * from one read of all the step's records, its shared state and counters — pushed when the step
 * or its phase changes, instead of every participant asking for it.
 */
export async function participantViews(ctx: ServiceContext, roomId: string, participantIds: string[]): Promise<Array<[string, ActivityView]>> {
  const room = await ctx.currentRoom(roomId).catch(() => null);
  const step = room?.agenda[room.current];
  const mod = step ? getActivity(step.type) : undefined;
  if (!room || !step || !mod || !hasParticipantView(mod) || !participantIds.length) return [];
  const [shared, records, roomView] = await Promise.all([
    ctx.readShared(room.id, step, mod),
    ctx.store.listRecords(room.id, step.id),
    mod.participantRoomView ? ctx.aggregate(room, step.id) : undefined,
  ]);
  const known = new Map(records.filter((r) => r.scope !== SHARED_SCOPE).map((r): [string, Loaded] => [r.scope, { rev: r.rev, value: JSON.parse(r.value) }]));
  const phoneConfig = mod.participantConfig(step.config);
  const phase = room.phase ?? '';
  const picture = roomPicture(mod, step, phase, shared?.value, roomView, phoneConfig);
  const roomPart: Partial<ActivityView> = picture?.roomInitial !== undefined ? { ...picture, phase: room.phase } : (picture ?? {});
  return Promise.all(
    participantIds.map(async (id): Promise<[string, ActivityView]> => {
      const view = await participantView(ctx, room, step, mod, id, shared, known, true);
      // Nothing of theirs (or of anyone they see) yet: the phone builds the same view from the step's content.
      if (view.rev === 0 && sameJson(initialParticipantView(mod, phoneConfig, phase, id), view.data)) {
        return [id, { ...view, ...roomPart, data: undefined, initial: true, phase: room.phase }]; // (undefined is left out on the wire)
      }
      return [id, { ...view, ...roomPart }];
    }),
  );
}

/** a participant id nobody has: the view a phone builds is checked against the server's for it */
const PROBE_PARTICIPANT = 'p-fresh-view-probe';
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * On entering the room's current step (or a phase of it): whether every participant's view of it
 * is the one their phone builds from the step's content (`FreshView`), decided once for the whole
 * room without building anyone's view — nothing stored in the step yet (no record, no shared
 * state), and the phone's build agrees with the server's (checked for one participant: an
 * activity's first view depends on the participant only through their id, and a core test holds
 * every activity to building it from what the phone has of the config). Then the step change
 * carries it and no participant gets a view pushed; null: push each participant's view.
 */
export async function freshView(ctx: ServiceContext, room: RoomState): Promise<FreshView | null> {
  const step = room.agenda[room.current];
  const mod = step ? getActivity(step.type) : undefined;
  if (!step || !mod || !hasParticipantView(mod)) return null;
  const [records, roomView] = await Promise.all([ctx.store.countRecords(room.id, step.id), mod.participantRoomView ? ctx.aggregate(room, step.id) : undefined]);
  if (records > 0) return null;
  const phase = room.phase ?? '';
  const phoneConfig = mod.participantConfig(step.config);
  if (!sameJson(initialParticipantView(mod, step.config, phase, PROBE_PARTICIPANT), initialParticipantView(mod, phoneConfig, phase, PROBE_PARTICIPANT)))
    return null;
  const picture = roomPicture(mod, step, phase, mod.shared?.initial(step.config), roomView, phoneConfig);
  return picture?.room === undefined ? { initial: true, ...picture } : null;
}

/**
 * The room's picture of a step as participants see it (for activities that show one): nothing when
 * the activity has none; `roomInitial`, the head count, when nobody has answered yet and the phone
 * builds the same picture from it (checked here); otherwise the picture itself.
 */
function roomPicture(
  mod: AnyActivity,
  step: Step,
  phase: string,
  shared: unknown,
  roomView: Awaited<ReturnType<ServiceContext['aggregate']>> | undefined,
  phoneConfig: unknown,
): { roomInitial: number; room?: undefined } | { room: unknown; roomInitial?: undefined } | undefined {
  if (!roomView || !mod.participantRoomView) return undefined;
  const extra = mod.participantRoomView({ config: step.config, phase, audience: 'display', shared, ...roomView });
  if (extra === undefined) return undefined;
  return sameJson(initialRoomView(mod, phoneConfig, phase, roomView.participants), extra) ? { roomInitial: roomView.participants } : { room: extra };
}

/** The current step's activity view for one audience, or undefined when the step has none. */
async function activityView(ctx: ServiceContext, room: RoomState, who: Identity): Promise<ActivityView | undefined> {
  const step = room.agenda[room.current];
  const mod = step ? getActivity(step.type) : undefined;
  if (!step || !mod) return undefined;
  if (who.role === 'participant') {
    if (!who.participant) return undefined;
    return participantStepView(ctx, room, step, mod, who.participant.id);
  }
  return (await presenterViews(ctx, room, canFacilitate(who.role) ? ['console'] : ['display']))?.[0];
}

/** A participant's view of one step with the room's aggregate next to it (as `room.phase` shows it). */
async function participantStepView(
  ctx: ServiceContext,
  room: RoomState,
  step: Step,
  mod: AnyActivity,
  participantId: string,
): Promise<ActivityView | undefined> {
  if (!hasParticipantView(mod)) return undefined;
  const shared = await ctx.readShared(room.id, step, mod);
  const [view, roomView] = await Promise.all([
    participantView(ctx, room, step, mod, participantId, shared),
    mod.participantRoomView
      ? ctx
          .aggregate(room, step.id)
          .then((agg) => mod.participantRoomView?.({ config: step.config, phase: room.phase ?? '', audience: 'display', shared: shared?.value, ...agg }))
      : undefined,
  ]);
  return { ...view, ...(roomView !== undefined ? { room: roomView } : {}) };
}

/** steps of `outcomes:mine` built at once (see myOutcomes) */
const OUTCOME_SLICE = 8;

/**
 * A participant's own outcomes of every step run so far — during the session or after it has
 * closed — for the pack their browser builds. Only their own: the same projections their phone
 * gets, each step seen in the phase it ended in (see `outcomeSteps`).
 */
export async function myOutcomes(ctx: ServiceContext, who: Identity): Promise<MyOutcomes> {
  if (who.role !== 'participant' || !who.participant)
    throw new ServiceError('FORBIDDEN', 'Only participants have outcomes of their own.', undefined, because('NOT_ALLOWED'));
  const room = await ctx.getRoom(who.roomId);
  const you = await ctx.store.getParticipant(room.id, who.participant.id);
  if (!you || you.removed) throw new ServiceError('REMOVED', 'You were removed from this room.');
  // a few steps at a time: a 60-step room's outcomes are real work, and between slices the
  // event loop serves everyone else (other rooms' messages do not wait behind all of it)
  const steps: MyOutcomes['steps'] = [];
  const all = outcomeSteps(room);
  for (let i = 0; i < all.length; i += OUTCOME_SLICE) {
    const slice = await Promise.all(
      all.slice(i, i + OUTCOME_SLICE).map(async ({ step, index, phase, current }) => {
        const mod = getActivity(step.type);
        const view = mod ? await participantStepView(ctx, { ...room, phase }, step, mod, you.id) : undefined;
        return {
          stepId: step.id,
          index,
          type: step.type,
          title: step.title,
          config: mod ? mod.participantConfig(step.config) : null,
          phase,
          current,
          data: view?.data ?? null,
          ...(view?.room !== undefined ? { room: view.room } : {}),
        };
      }),
    );
    steps.push(...slice);
  }
  return { roomId: room.id, title: room.title, createdAt: room.createdAt, status: room.status, closedAt: room.closedAt, you, steps, at: ctx.now() };
}

/** The current step's aggregate picture for each audience asked, from one read of the counters. */
async function presenterViews(ctx: ServiceContext, room: RoomState, audiences: Array<'console' | 'display'>): Promise<ActivityView[] | undefined> {
  const step = room.agenda[room.current];
  const mod = step ? getActivity(step.type) : undefined;
  if (!step || !mod?.presenterView) return undefined;
  const [agg, shared, records] = await Promise.all([
    ctx.aggregate(room, step.id),
    ctx.readShared(room.id, step, mod),
    mod.presenterNeedsRecords ? ctx.readRecords(room.id, step.id) : undefined,
  ]);
  return audiences.map((audience) => ({
    stepId: step.id,
    data: mod.presenterView?.({ config: step.config, phase: room.phase ?? '', audience, shared: shared?.value, ...agg, ...(records ? { records } : {}) }),
  }));
}

/** The presenters' pictures of the room's current step as stored now (undefined: no such room, or nothing to show). */
export async function currentPresenterViews(ctx: ServiceContext, roomId: string, audiences: Array<'console' | 'display'>): Promise<ActivityView[] | undefined> {
  // its version read, the room itself only when it moved
  const room = await ctx.currentRoom(roomId).catch((e: unknown) => {
    if (e instanceof ServiceError && e.code === 'NOT_FOUND') return null;
    throw e;
  });
  return room ? presenterViews(ctx, room, audiences) : undefined;
}

/**
 * Everything a screen shows, sent when it connects or asks again: the stage, the count, its own
 * view of the step, and for participants who they are; for facilitator and co-host also the whole
 * room and the roster with who is online (`online`: the participant ids of the room's open sockets).
 */
export async function welcome(ctx: ServiceContext, screen: SocketData, online: () => Promise<Array<string | undefined>>): Promise<Welcome> {
  const { roomId, role, participantId } = screen;
  // the cached room when its version has not moved (one small read on every connection, not the whole room)
  const room = await ctx.currentRoom(roomId);
  const you = participantId ? await ctx.store.getParticipant(roomId, participantId) : null;
  // in the waiting room: who they are and the room's name, nothing of the session
  if (you?.waiting)
    return { role, serverNow: ctx.now(), code: formatCode(room.code), stage: waitingStage(room), steps: [], count: { joined: 0 }, you, waiting: true };
  const base = {
    role,
    serverNow: ctx.now(),
    code: formatCode(room.code),
    stage: stageView(room),
    steps: stepContents(room),
    count: { joined: await ctx.store.countParticipants(roomId) },
  };
  const identity: Identity = { role, roomId };
  if (participantId) {
    if (!you || you.removed) throw new ServiceError('REMOVED', 'You were removed from this room.');
    identity.participant = you;
    const activity = await activityView(ctx, room, identity);
    return { ...base, you, ...(activity ? { activity } : {}) };
  }
  const activity = await activityView(ctx, room, identity);
  if (!canFacilitate(role)) return { ...base, ...(activity ? { activity } : {}) };
  const [participants, here] = await Promise.all([ctx.store.listParticipants(roomId), online()]);
  const onlineIds = new Set(here.filter(Boolean));
  return {
    ...base,
    room,
    roster: participants.map((p) => ({ ...p, online: onlineIds.has(p.id) })),
    retentionDays: ctx.retentionSeconds / DAY_SECONDS,
    ...(activity ? { activity } : {}),
  };
}

/** Everything the facilitator may see of the room, as the downloads present it (null: no such room). */
export async function sessionData(ctx: ServiceContext, roomId: string, now = ctx.now()): Promise<SessionData | null> {
  const store = ctx.store;
  const room = await store.getRoom(roomId);
  if (!room) return null;
  const [participants, questions, steps] = await Promise.all([
    // people still waiting were never in the session
    store.listParticipants(roomId).then((all) => all.filter((p) => !p.waiting)),
    readQuestions(ctx, roomId),
    Promise.all(
      room.agenda.map(async (step): Promise<StepInputs> => {
        const [counters, records] = await Promise.all([store.getCounters(roomId, step.id), store.listRecords(roomId, step.id)]);
        const shared = records.find((r) => r.scope === SHARED_SCOPE);
        return {
          counters,
          records: records.filter((r) => r.scope !== SHARED_SCOPE).map((r) => ({ scope: r.scope, value: JSON.parse(r.value) as unknown })),
          shared: shared ? (JSON.parse(shared.value) as unknown) : undefined,
        };
      }),
    ),
  ]);
  return buildSessionData({ room, participants, steps, now, questions });
}
