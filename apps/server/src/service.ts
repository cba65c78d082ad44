/**
 * The room service: the thin shell around the pure core. It authenticates, validates, loads,
 * applies, stores and tells the broadcaster — and nothing else. tRPC procedures and Socket.IO
 * handlers both call it.
 */
import {
  applyRoomCommand,
  canFacilitate,
  counterDelta,
  createRoomState,
  getActivity,
  JoinInputSchema,
  outcomeSteps,
  ownScope,
  SHARED_SCOPE,
  NewRoomSchema,
  normalizeCode,
  roomLifetimeSeconds,
  validateAgenda,
  type ActivityView,
  type AnyActivity,
  type Counters,
  type JoinInput,
  type MyOutcomes,
  type NewRoom,
  type Participant,
  type Role,
  type RoomCommand,
  type RoomState,
  type Step,
} from '@canopy/core';
import { ServiceError, type CreatedRoom, type JoinedRoom, type RoomApi } from '@canopy/api';
import type { RoomStore } from '@canopy/store';
import type { Limiters } from './ratelimit.js';
import { giveBack, take } from './ratelimit.js';
import { newId, newRoomCode, newSeed, newToken, sameHash, sha256 } from './security.js';

/** One answer for unknown, locked and closed codes: the join form is not an existence oracle. */
export const NO_SUCH_ROOM = 'No open room matches that code. Check it with your facilitator.';

/** What the service needs from the realtime layer to tell connected screens about a change. */
export interface Broadcaster {
  roomChanged(room: RoomState): void;
  participantJoined(roomId: string, participant: Participant): void;
  participantRemoved(roomId: string, participantId: string): void;
  activityChanged(roomId: string, stepId: string): void;
  /** what a participant sees of the step changed: every screen they have open shows it (but `exceptSocket`, which has it in its ack) */
  ownViewChanged(participantId: string, view: ActivityView, exceptSocket?: string): void;
  /** the step's shared state changed (new groups, pairs…): participants get their fresh views */
  sharedChanged(roomId: string, stepId: string, rev: number): void;
  /** the room moved to another step or phase: participants get their view of it */
  participantViewsChanged(roomId: string): void;
  /** the room was deleted: tell every screen, then disconnect them all */
  roomDeleted(roomId: string): void;
  /** a participant deleted their data: tell their screens, close them, drop them from the roster */
  participantErased(roomId: string, participantId: string): void;
}

export interface Identity {
  role: Role;
  roomId: string;
  participant?: Participant;
  /** the socket the request came on, if any */
  socketId?: string;
}

const CAS_ATTEMPTS = 8;
/** rooms whose parsed state a node keeps (a room is a few KB to a few hundred KB) */
const ROOM_CACHE_SIZE = 200;

/** A short random pause before retrying a lost compare-and-set, so racing writers spread out. */
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** attempt));

export class RoomService implements RoomApi {
  broadcaster: Broadcaster | null = null;
  private readonly queues = new Map<string, Promise<void>>();
  /** rooms read lately, checked against the stored version before use (see currentRoom) */
  private readonly rooms = new Map<string, RoomState>();
  /** steps' shared states read lately, by `room/step`, checked against the stored rev before use */
  private readonly shared = new Map<string, Loaded>();

  private readonly now: () => number;
  /** how long a room is kept after closing, or after its last change while open (ROOM_RETENTION_DAYS) */
  readonly retentionSeconds: number;

  constructor(
    readonly store: RoomStore,
    private readonly limiters: Limiters,
    opts: { retentionSeconds: number; now?: () => number },
  ) {
    this.retentionSeconds = opts.retentionSeconds;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Set the room's deadline for its state (see `roomLifetimeSeconds`). Only for this version: a
   * slower call for an older state never overrides a newer one. Best effort: the change is already
   * stored and acknowledged, and the next change sets the deadline again.
   */
  private async keep(room: RoomState): Promise<void> {
    await this.store.expireRoom(room.id, roomLifetimeSeconds(room, this.now(), this.retentionSeconds), room.version).catch(() => false);
  }

  get storeKind(): RoomStore['kind'] {
    return this.store.kind;
  }

  // --- rooms ---------------------------------------------------------------------------------

  async createRoom(input: NewRoom, address: string): Promise<CreatedRoom> {
    const wait = await take(this.limiters.creates, address);
    if (wait) throw new ServiceError('RATE_LIMITED', `Too many new workshops from this network. Try again in ${wait} s.`);
    const parsed = NewRoomSchema.parse(input);
    const agenda = validateAgenda(parsed.agenda);
    if (!agenda.ok) throw new ServiceError('BAD_REQUEST', agenda.error);
    const tokens = { facilitator: newToken(), cohost: newToken(), display: newToken() };
    const secrets = { facilitator: sha256(tokens.facilitator), cohost: sha256(tokens.cohost), display: sha256(tokens.display) };
    for (let attempt = 0; attempt < 5; attempt++) {
      const room = createRoomState({ id: newId(), code: newRoomCode(), now: this.now(), room: { ...parsed, agenda: agenda.agenda } });
      if (await this.store.createRoom(room, secrets)) {
        await this.keep(room);
        return { roomId: room.id, code: room.code, facilitatorToken: tokens.facilitator, cohostToken: tokens.cohost, displayToken: tokens.display };
      }
    }
    throw new ServiceError('INTERNAL', 'Could not allocate a room code; please try again.');
  }

  /** Find an open, unlocked room by the code a participant typed. */
  async lookup(codeInput: string, address: string, token?: string): Promise<RoomState> {
    const busy = (wait: number) => new ServiceError('RATE_LIMITED', `Too many attempts from this network. Try again in ${wait} s.`);
    const tooMany = await take(this.limiters.joinAttempts, address);
    if (tooMany) throw busy(tooMany);
    // Every attempt reserves a point of the wrong-code brake before it looks, and gets it back
    // unless the code was wrong: so a burst of parallel guesses cannot slip past the brake.
    const blocked = await take(this.limiters.joinFailures, address);
    if (blocked) throw busy(blocked);
    let wrong = false;
    try {
      const code = normalizeCode(codeInput);
      const roomId = code ? await this.store.roomIdByCode(code) : null;
      const room = roomId ? await this.store.getRoom(roomId) : null;
      const member =
        room && room.status === 'open' && room.locked && token !== undefined && (await this.store.participantByToken(room.id, sha256(token))) !== null;
      if (!room || room.status !== 'open' || (room.locked && !member)) {
        wrong = true; // counts towards the block; this answer stays the same
        throw new ServiceError('NOT_FOUND', NO_SUCH_ROOM);
      }
      return room;
    } finally {
      if (!wrong) await giveBack(this.limiters.joinFailures, address).catch(() => {});
    }
  }

  async join(raw: JoinInput, address: string): Promise<JoinedRoom> {
    const input = JoinInputSchema.parse(raw);
    const room = await this.lookup(input.code, address, input.token);
    if (room.join.askDepartment && !input.department) throw new ServiceError('BAD_REQUEST', 'Please say which department or team you are in.');
    if (room.join.askLevel && !input.level) throw new ServiceError('BAD_REQUEST', 'Please choose your level.');
    const participant: Participant = {
      id: newId(),
      nickname: input.nickname,
      department: room.join.askDepartment ? (input.department ?? null) : null,
      level: room.join.askLevel ? (input.level ?? null) : null,
      joinedAt: this.now(),
      removed: false,
    };
    const res = await this.store.addParticipant(room.id, participant, {
      tokenHash: sha256(input.token),
      joinId: sha256(input.token),
      deviceHash: sha256(`${room.id}:${input.deviceId}`),
      cap: room.join.maxParticipants,
    });
    switch (res.status) {
      case 'full':
        throw new ServiceError('ROOM_FULL', 'This room is full.');
      case 'banned':
        throw new ServiceError('REMOVED', 'The facilitator removed you from this room.');
      case 'existing':
        return { roomId: room.id, participant: res.participant, rejoined: true };
      case 'created':
        this.broadcaster?.participantJoined(room.id, res.participant);
        return { roomId: room.id, participant: res.participant, rejoined: false };
    }
    throw new ServiceError('INTERNAL', 'Unexpected answer from the store.');
  }

  // --- identity --------------------------------------------------------------------------------

  async authenticate(roomId: string, token: string): Promise<Identity | null> {
    const hash = sha256(token);
    const secrets = await this.store.getSecrets(roomId);
    if (!secrets) return null;
    if (sameHash(hash, secrets.facilitator)) return { role: 'facilitator', roomId };
    if (sameHash(hash, secrets.cohost)) return { role: 'cohost', roomId };
    if (sameHash(hash, secrets.display)) return { role: 'display', roomId };
    const participant = await this.store.participantByToken(roomId, hash);
    return participant ? { role: 'participant', roomId, participant } : null;
  }

  async getRoom(roomId: string): Promise<RoomState> {
    const room = await this.store.getRoom(roomId);
    if (!room) throw new ServiceError('NOT_FOUND', 'This room no longer exists.');
    return room;
  }

  /**
   * The room as stored now, for the hot paths (every submission): one small read of its version,
   * and the whole room (agenda and all) read and parsed again only when that version moved.
   * Callers must not change what they get.
   */
  async currentRoom(roomId: string): Promise<RoomState> {
    const version = await this.store.getRoomVersion(roomId);
    const cached = this.rooms.get(roomId);
    if (version === null) {
      this.rooms.delete(roomId);
      throw new ServiceError('NOT_FOUND', 'This room no longer exists.');
    }
    if (cached?.version === version) return cached;
    const room = await this.getRoom(roomId);
    this.rooms.delete(roomId); // re-insert: the Map's order is least recently read first
    this.rooms.set(roomId, room);
    if (this.rooms.size > ROOM_CACHE_SIZE) this.rooms.delete(this.rooms.keys().next().value!);
    return room;
  }

  // --- facilitator -----------------------------------------------------------------------------

  async command(who: Identity, cmd: RoomCommand, expectedVersion?: number): Promise<RoomState> {
    if (!canFacilitate(who.role)) throw new ServiceError('FORBIDDEN', 'Only the facilitator can do that.');
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const room = await this.getRoom(who.roomId);
      if (expectedVersion !== undefined && room.version !== expectedVersion) {
        throw new ServiceError('CONFLICT', 'The room changed in the meantime (another facilitator?). Your screen is up to date now; try again.');
      }
      const next = applyRoomCommand(room, cmd, this.now());
      if (!next.ok) throw new ServiceError('BAD_REQUEST', next.error);
      if (await this.store.casRoom(room.id, room.version, next.state)) {
        this.broadcaster?.roomChanged(next.state);
        const step = next.state.agenda[next.state.current];
        if (step && (step.id !== room.agenda[room.current]?.id || next.state.phase !== room.phase)) this.broadcaster?.participantViewsChanged(room.id);
        await this.keep(next.state);
        return next.state;
      }
      if (expectedVersion !== undefined) throw new ServiceError('CONFLICT', 'The room changed in the meantime; try again.');
      await backoff(attempt);
    }
    throw new ServiceError('CONFLICT', 'The room is busy; try again.');
  }

  async removeParticipant(who: Identity, participantId: string): Promise<void> {
    if (!canFacilitate(who.role)) throw new ServiceError('FORBIDDEN', 'Only the facilitator can do that.');
    const removed = await this.store.removeParticipant(who.roomId, participantId);
    if (!removed) throw new ServiceError('NOT_FOUND', 'No such participant in this room.');
    this.broadcaster?.participantRemoved(who.roomId, participantId);
  }

  /**
   * The facilitator deletes the room now: every key goes (code included, so the code answers
   * as unknown), then every screen of the room is told and disconnected. `code` is the room code
   * typed again as confirmation. The co-host cannot: deleting is the owner's call.
   */
  async deleteRoom(who: Identity, code: string): Promise<void> {
    if (who.role !== 'facilitator') throw new ServiceError('FORBIDDEN', 'Only the facilitator who opened the room can delete it.');
    const room = await this.getRoom(who.roomId);
    if (normalizeCode(code) !== room.code) throw new ServiceError('BAD_REQUEST', 'To confirm, type the room code exactly as shown.');
    await this.store.deleteRoom(room.id);
    this.broadcaster?.roomDeleted(room.id);
  }

  /**
   * A participant deletes their data. In this order: they leave the roster (no longer counted,
   * token revoked, so no new screen of theirs gets in); then, in every step, their own record
   * goes with its contribution taken out of the counters in the same atomic write, and the shared
   * state forgets their name (and, in an open prompt, their ballot texts). Records they share
   * with others — a group's notes and actions, a pair's conversation — stay, without their name.
   * Last, their screens are told and closed, and consoles and displays get fresh pictures.
   */
  async forgetParticipant(who: Identity): Promise<void> {
    if (who.role !== 'participant' || !who.participant) throw new ServiceError('FORBIDDEN', 'Only a participant can delete their own data.');
    const pid = who.participant.id;
    const room = await this.getRoom(who.roomId);
    await this.store.eraseParticipant(room.id, pid); // false when a retry finds it done: carry on, every step below is idempotent
    const own = ownScope(pid);
    for (const step of room.agenda) {
      const mod = getActivity(step.type);
      const input = mod?.input;
      if (input) {
        await this.untilSettled(`${room.id}/${step.id}/${own}`, 'Your answers are changing right now; try again.', async () => {
          const stored = await this.store.getRecord(room.id, step.id, own);
          if (!stored) return true;
          const counters = counterDelta(input.contribution(JSON.parse(stored.value), step.config), {});
          return (await this.store.deleteRecord(room.id, step.id, own, { expectedRev: stored.rev, counters })).status === 'ok';
        });
      }
      const forget = mod?.shared?.forget;
      if (forget) {
        await this.untilSettled(`${room.id}/${step.id}/${SHARED_SCOPE}`, 'The room is busy; try again.', async () => {
          const stored = await this.store.getRecord(room.id, step.id, SHARED_SCOPE);
          if (!stored) return true;
          const next = JSON.stringify(forget(JSON.parse(stored.value), pid));
          if (next === stored.value) return true;
          const res = await this.store.writeRecord(room.id, step.id, SHARED_SCOPE, {
            submissionId: `forget-${newId()}`,
            expectedRev: stored.rev,
            value: next,
            counters: {},
          });
          if (res.status === 'conflict') return false;
          if (res.status !== 'gone') this.broadcaster?.sharedChanged(room.id, step.id, res.rev);
          return true;
        });
      }
    }
    this.broadcaster?.participantErased(room.id, pid);
  }

  // --- activities ------------------------------------------------------------------------------

  /** The step the room is on, which must be `stepId`, and its module. */
  private currentStep(room: RoomState, stepId: string): { step: Step; mod: AnyActivity } {
    const step = room.agenda[room.current];
    if (!step || step.id !== stepId) throw new ServiceError('CONFLICT', 'This step is not running any more.');
    const mod = getActivity(step.type);
    if (!mod) throw new ServiceError('BAD_REQUEST', `Unknown activity "${step.type}".`);
    return { step, mod };
  }

  /** The step's shared state (groups, pairs…), for activities that have one. */
  private async readShared(roomId: string, step: Step, mod: AnyActivity): Promise<Loaded | undefined> {
    if (!mod.shared) return undefined;
    // The shared state can be large (every group of a 2,000-person room): check its revision, and
    // read and parse it again only when it moved. Callers must not change what they get.
    const key = `${roomId}/${step.id}`;
    const cached = this.shared.get(key);
    if (cached && cached.rev === (await this.store.getRecordRev(roomId, step.id, SHARED_SCOPE))) return cached;
    const stored = await this.store.getRecord(roomId, step.id, SHARED_SCOPE);
    if (!stored) return { rev: 0, value: mod.shared.initial(step.config) };
    const loaded = { rev: stored.rev, value: JSON.parse(stored.value) as unknown };
    this.shared.delete(key);
    this.shared.set(key, loaded);
    if (this.shared.size > ROOM_CACHE_SIZE) this.shared.delete(this.shared.keys().next().value!);
    return loaded;
  }

  /**
   * Apply one participant answer to the record it belongs to — their own, or a shared one the
   * module says they may write (e.g. their group's notes, checked against the server's shared
   * state) — idempotently by submissionId, with the step's counters moved by the change in that
   * record's contribution, in one atomic store write. Resolves only once the store holds it; then
   * every participant shown that record gets their fresh view.
   */
  async submit(who: Identity, stepId: string, submissionId: string, input: unknown): Promise<{ duplicate: boolean; view: unknown; rev: number }> {
    if (who.role !== 'participant' || !who.participant) throw new ServiceError('FORBIDDEN', 'Only participants submit answers.');
    const room = await this.currentRoom(who.roomId);
    const { step, mod } = this.currentStep(room, stepId);
    const spec = mod.input;
    if (!spec) throw new ServiceError('BAD_REQUEST', 'This step takes no answers.');
    const parsed = spec.schema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ServiceError('BAD_REQUEST', `Invalid answer: ${issue?.path.join('.') || 'input'} — ${issue?.message}`);
    }
    const pid = who.participant.id;
    const phase = room.phase ?? '';
    const shared = await this.readShared(room.id, step, mod);
    let scope = ownScope(pid);
    if (spec.scope) {
      const chosen = spec.scope(parsed.data, { config: step.config, participantId: pid, shared: shared?.value });
      if (!chosen.ok) throw new ServiceError('FORBIDDEN', chosen.error);
      scope = chosen.value;
    }
    if (scope === SHARED_SCOPE) throw new ServiceError('FORBIDDEN', 'Only the facilitator changes that.');
    return this.oneAtATime(`${room.id}/${stepId}/${scope}`, async () => {
      for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
        // A resend of an answer already stored is answered `duplicate` before anything else: the
        // reducer or the phase might refuse it now (the record or the step moved on since).
        // Both reads go out together (one round trip).
        const [applied, stored] = await Promise.all([
          this.store.wasApplied(room.id, stepId, scope, submissionId),
          this.store.getRecord(room.id, stepId, scope),
        ]);
        if (applied !== null) {
          const view = await this.participantView(room, step, mod, pid, shared);
          return { duplicate: true, view: view.data, rev: view.rev ?? 0 };
        }
        if (!phase || !spec.acceptIn.includes(phase)) throw new ServiceError('CONFLICT', 'Answers are closed for this step right now.');
        const prev = stored ? JSON.parse(stored.value) : spec.initial(scope);
        const next = spec.reduce(prev, parsed.data, { config: step.config, phase, now: this.now(), participantId: pid, shared: shared?.value });
        if (!next.ok) throw new ServiceError('BAD_REQUEST', next.error);
        const delta = counterDelta(spec.contribution(prev, step.config), spec.contribution(next.value, step.config));
        const res = await this.store.writeRecord(room.id, stepId, scope, {
          submissionId,
          expectedRev: stored?.rev ?? 0,
          value: JSON.stringify(next.value),
          counters: delta,
          writer: pid,
        });
        if (res.status === 'gone') throw new ServiceError('REMOVED', 'You are no longer in this room.');
        if (res.status === 'duplicate') {
          const view = await this.participantView(room, step, mod, pid, shared);
          return { duplicate: true, view: view.data, rev: view.rev ?? 0 };
        }
        if (res.status === 'ok') {
          this.broadcaster?.activityChanged(room.id, stepId);
          const written = new Map([[scope, { rev: res.rev, value: next.value }]]);
          const audience = scope === ownScope(pid) ? [pid] : (mod.audience?.(scope, shared?.value, step.config) ?? [pid]);
          if (!audience.includes(pid)) audience.push(pid);
          const views = await Promise.all(audience.map((id) => this.participantView(room, step, mod, id, shared, written)));
          audience.forEach((id, i) => this.broadcaster?.ownViewChanged(id, views[i]!, who.socketId));
          const mine = views[audience.indexOf(pid)]!;
          return { duplicate: false, view: mine.data, rev: mine.rev ?? 0 };
        }
        await backoff(attempt); // another node wrote the same record first
      }
      throw new ServiceError('BUSY', 'Not saved yet: many changes at once. Retrying…');
    });
  }

  /**
   * A facilitator action on the step's shared state (form the groups, pair people, hide an
   * answer…), applied once by its client-made action id, with compare-and-set on the state.
   */
  async act(who: Identity, stepId: string, actionId: string, action: unknown): Promise<{ duplicate: boolean; rev: number }> {
    if (!canFacilitate(who.role)) throw new ServiceError('FORBIDDEN', 'Only the facilitator can do that.');
    const room = await this.getRoom(who.roomId);
    const { step, mod } = this.currentStep(room, stepId);
    const spec = mod.shared;
    if (!spec) throw new ServiceError('BAD_REQUEST', 'This step has no facilitator actions.');
    const parsed = spec.actionSchema.safeParse(action);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ServiceError('BAD_REQUEST', `Invalid action: ${issue?.path.join('.') || 'action'} — ${issue?.message}`);
    }
    const needsRecords = spec.needsRecordsFor ? spec.needsRecordsFor(parsed.data) : spec.needsRecords;
    const [participants, recs] = await Promise.all([this.store.listParticipants(room.id), needsRecords ? this.readRecords(room.id, step.id) : []]);
    const roster = participants.filter((p) => !p.removed).map(({ id, nickname, department, level }) => ({ id, nickname, department, level }));
    return this.oneAtATime(`${room.id}/${stepId}/${SHARED_SCOPE}`, async () => {
      for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
        // A resent action already applied is a duplicate, even if it would be refused now.
        const [applied, stored] = await Promise.all([
          this.store.wasApplied(room.id, stepId, SHARED_SCOPE, actionId),
          this.store.getRecord(room.id, stepId, SHARED_SCOPE),
        ]);
        if (applied !== null) return { duplicate: true, rev: stored?.rev ?? applied };
        const prev = stored ? JSON.parse(stored.value) : spec.initial(step.config);
        const next = spec.act(prev, parsed.data, { config: step.config, phase: room.phase ?? '', now: this.now(), seed: newSeed(), roster, records: recs });
        if (!next.ok) throw new ServiceError('BAD_REQUEST', next.error);
        const res = await this.store.writeRecord(room.id, stepId, SHARED_SCOPE, {
          submissionId: actionId,
          expectedRev: stored?.rev ?? 0,
          value: JSON.stringify(next.value),
          counters: {},
        });
        if (res.status === 'duplicate') return { duplicate: true, rev: stored?.rev ?? 0 };
        if (res.status === 'ok') {
          this.broadcaster?.sharedChanged(room.id, stepId, res.rev);
          this.broadcaster?.activityChanged(room.id, stepId);
          return { duplicate: false, rev: res.rev };
        }
        await backoff(attempt);
      }
      throw new ServiceError('BUSY', 'The step is busy; retrying…');
    });
  }

  /** One at a time per key; `attempt` re-reads and tries again while it loses a compare-and-set (answers false). */
  private untilSettled(key: string, busyMessage: string, attempt: () => Promise<boolean>): Promise<void> {
    return this.oneAtATime(key, async () => {
      for (let i = 0; i < CAS_ATTEMPTS; i++) {
        if (await attempt()) return;
        await backoff(i);
      }
      throw new ServiceError('BUSY', busyMessage);
    });
  }

  /**
   * Run writes to one record one after another on this node, so they never race each other;
   * compare-and-set still settles races with other nodes.
   */
  private oneAtATime<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(key) ?? Promise.resolve()).then(fn, fn);
    const tail = run.then(
      () => {},
      () => {},
    );
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }

  /**
   * What one participant sees of the step: built from their own record, the other records they
   * may read and the shared state. `rev` is the sum of the revisions read — it grows with every
   * write to any of them, so a screen can keep the newest of views that arrive out of order.
   */
  private async participantView(
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
        const stored = knownIsAll ? null : await this.store.getRecord(room.id, step.id, scope);
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
  async participantViews(roomId: string, participantIds: string[]): Promise<Array<[string, ActivityView]>> {
    const room = await this.currentRoom(roomId).catch(() => null);
    const step = room?.agenda[room.current];
    const mod = step ? getActivity(step.type) : undefined;
    if (!room || !step || !mod || (!mod.input && !mod.participantView) || !participantIds.length) return [];
    const [shared, records, roomView] = await Promise.all([
      this.readShared(room.id, step, mod),
      this.store.listRecords(room.id, step.id),
      mod.participantRoomView ? this.aggregate(room, step.id) : undefined,
    ]);
    const known = new Map(records.filter((r) => r.scope !== SHARED_SCOPE).map((r): [string, Loaded] => [r.scope, { rev: r.rev, value: JSON.parse(r.value) }]));
    const extra =
      roomView && mod.participantRoomView?.({ config: step.config, phase: room.phase ?? '', audience: 'display', shared: shared?.value, ...roomView });
    return Promise.all(
      participantIds.map(async (id): Promise<[string, ActivityView]> => {
        const view = await this.participantView(room, step, mod, id, shared, known, true);
        return [id, extra !== undefined ? { ...view, room: extra } : view];
      }),
    );
  }

  /** The current step's activity view for one audience, or undefined when the step has none. */
  async activityView(room: RoomState, who: Identity): Promise<ActivityView | undefined> {
    const step = room.agenda[room.current];
    const mod = step ? getActivity(step.type) : undefined;
    if (!step || !mod) return undefined;
    if (who.role === 'participant') {
      if (!who.participant) return undefined;
      return this.participantStepView(room, step, mod, who.participant.id);
    }
    return (await this.presenterViews(room, canFacilitate(who.role) ? ['console'] : ['display']))?.[0];
  }

  /** A participant's view of one step with the room's aggregate next to it (as `room.phase` shows it). */
  private async participantStepView(room: RoomState, step: Step, mod: AnyActivity, participantId: string): Promise<ActivityView | undefined> {
    if (!mod.input && !mod.participantView) return undefined;
    const shared = await this.readShared(room.id, step, mod);
    const [view, roomView] = await Promise.all([
      this.participantView(room, step, mod, participantId, shared),
      mod.participantRoomView
        ? this.aggregate(room, step.id).then((agg) =>
            mod.participantRoomView?.({ config: step.config, phase: room.phase ?? '', audience: 'display', shared: shared?.value, ...agg }),
          )
        : undefined,
    ]);
    return { ...view, ...(roomView !== undefined ? { room: roomView } : {}) };
  }

  /**
   * A participant's own outcomes of every step run so far — during the session or after it has
   * closed — for the pack their browser builds. Only their own: the same projections their phone
   * gets, each step seen in the phase it ended in (see `outcomeSteps`).
   */
  async myOutcomes(who: Identity): Promise<MyOutcomes> {
    if (who.role !== 'participant' || !who.participant) throw new ServiceError('FORBIDDEN', 'Only participants have outcomes of their own.');
    const room = await this.getRoom(who.roomId);
    const you = await this.store.getParticipant(room.id, who.participant.id);
    if (!you || you.removed) throw new ServiceError('REMOVED', 'You were removed from this room.');
    const steps = await Promise.all(
      outcomeSteps(room).map(async ({ step, index, phase, current }) => {
        const mod = getActivity(step.type);
        const view = mod ? await this.participantStepView({ ...room, phase }, step, mod, you.id) : undefined;
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
    return { roomId: room.id, title: room.title, createdAt: room.createdAt, status: room.status, closedAt: room.closedAt, you, steps, at: this.now() };
  }

  /** The current step's aggregate picture for each audience asked, from one read of the counters. */
  async presenterViews(room: RoomState, audiences: Array<'console' | 'display'>): Promise<ActivityView[] | undefined> {
    const step = room.agenda[room.current];
    const mod = step ? getActivity(step.type) : undefined;
    if (!step || !mod?.presenterView) return undefined;
    const [agg, shared, records] = await Promise.all([
      this.aggregate(room, step.id),
      this.readShared(room.id, step, mod),
      mod.presenterNeedsRecords ? this.readRecords(room.id, step.id) : undefined,
    ]);
    return audiences.map((audience) => ({
      stepId: step.id,
      data: mod.presenterView?.({ config: step.config, phase: room.phase ?? '', audience, shared: shared?.value, ...agg, ...(records ? { records } : {}) }),
    }));
  }

  /** Every participant or group record of a step (the shared state left out), parsed. */
  private async readRecords(roomId: string, stepId: string): Promise<Array<{ scope: string; value: unknown }>> {
    const records = await this.store.listRecords(roomId, stepId);
    return records.filter((r) => r.scope !== SHARED_SCOPE).map((r) => ({ scope: r.scope, value: JSON.parse(r.value) as unknown }));
  }

  private async aggregate(room: RoomState, stepId: string): Promise<{ counters: Counters; participants: number }> {
    const [counters, participants] = await Promise.all([this.store.getCounters(room.id, stepId), this.store.countParticipants(room.id)]);
    return { counters, participants };
  }
}

/** A record read from the store: its revision and parsed value. */
interface Loaded {
  rev: number;
  value: unknown;
}
