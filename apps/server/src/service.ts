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
  NewRoomSchema,
  normalizeCode,
  validateAgenda,
  type ActivityView,
  type Counters,
  type ErrorBody,
  type ErrorCode,
  type JoinInput,
  type NewRoom,
  type Participant,
  type Role,
  type RoomCommand,
  type RoomState,
} from '@canopy/core';
import type { RoomStore } from '@canopy/store';
import type { Limiters } from './ratelimit.js';
import { exhausted, take } from './ratelimit.js';
import { newId, newRoomCode, newToken, sameHash, sha256 } from './security.js';

export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
  get body(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}

/** One answer for unknown, locked and closed codes: the join form is not an existence oracle. */
export const NO_SUCH_ROOM = 'No open room matches that code. Check it with your facilitator.';

/** What the service needs from the realtime layer to tell connected screens about a change. */
export interface Broadcaster {
  roomChanged(room: RoomState): void;
  participantJoined(roomId: string, participant: Participant): void;
  participantRemoved(roomId: string, participantId: string): void;
  activityChanged(roomId: string, stepId: string): void;
  /** a participant's own record changed: every screen they have open shows it */
  ownViewChanged(participantId: string, view: ActivityView): void;
}

export interface Identity {
  role: Role;
  roomId: string;
  participant?: Participant;
}

export interface CreatedRoom {
  roomId: string;
  code: string;
  facilitatorToken: string;
  cohostToken: string;
  displayToken: string;
}

const CAS_ATTEMPTS = 8;

export class RoomService {
  broadcaster: Broadcaster | null = null;

  constructor(
    readonly store: RoomStore,
    private readonly limiters: Limiters,
    private readonly now: () => number = Date.now,
  ) {}

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
        return { roomId: room.id, code: room.code, facilitatorToken: tokens.facilitator, cohostToken: tokens.cohost, displayToken: tokens.display };
      }
    }
    throw new ServiceError('INTERNAL', 'Could not allocate a room code; please try again.');
  }

  /** Find an open, unlocked room by the code a participant typed. */
  async lookup(codeInput: string, address: string, token?: string): Promise<RoomState> {
    const wait = (await exhausted(this.limiters.joinFailures, address)) || (await take(this.limiters.joinAttempts, address));
    if (wait) throw new ServiceError('RATE_LIMITED', `Too many attempts from this network. Try again in ${wait} s.`);
    const code = normalizeCode(codeInput);
    const roomId = code ? await this.store.roomIdByCode(code) : null;
    const room = roomId ? await this.store.getRoom(roomId) : null;
    const member = room && room.status === 'open' && room.locked && token !== undefined && (await this.store.participantByToken(room.id, sha256(token))) !== null;
    if (!room || room.status !== 'open' || (room.locked && !member)) {
      await take(this.limiters.joinFailures, address); // counts towards the block; this answer stays the same
      throw new ServiceError('NOT_FOUND', NO_SUCH_ROOM);
    }
    return room;
  }

  async join(raw: JoinInput, address: string): Promise<{ roomId: string; participant: Participant; rejoined: boolean }> {
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
        return next.state;
      }
      if (expectedVersion !== undefined) throw new ServiceError('CONFLICT', 'The room changed in the meantime; try again.');
    }
    throw new ServiceError('CONFLICT', 'The room is busy; try again.');
  }

  async removeParticipant(who: Identity, participantId: string): Promise<void> {
    if (!canFacilitate(who.role)) throw new ServiceError('FORBIDDEN', 'Only the facilitator can do that.');
    const removed = await this.store.removeParticipant(who.roomId, participantId);
    if (!removed) throw new ServiceError('NOT_FOUND', 'No such participant in this room.');
    this.broadcaster?.participantRemoved(who.roomId, participantId);
  }

  // --- participants' input ---------------------------------------------------------------------

  /**
   * Apply one participant submission to their own record of the current step, idempotently by
   * submissionId, with the step's counters moved by the change in that record's contribution —
   * all in one atomic store write. Resolves only once the store holds it.
   */
  async submit(who: Identity, stepId: string, submissionId: string, input: unknown): Promise<{ duplicate: boolean; view: unknown; rev: number }> {
    if (who.role !== 'participant' || !who.participant) throw new ServiceError('FORBIDDEN', 'Only participants submit answers.');
    const room = await this.getRoom(who.roomId);
    const step = room.agenda[room.current];
    if (!step || step.id !== stepId) throw new ServiceError('CONFLICT', 'This step is not running any more.');
    const mod = getActivity(step.type);
    if (!mod?.input) throw new ServiceError('BAD_REQUEST', 'This step takes no answers.');
    if (!room.phase || !mod.input.acceptIn.includes(room.phase)) throw new ServiceError('CONFLICT', 'Answers are closed for this step right now.');
    const parsed = mod.input.schema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ServiceError('BAD_REQUEST', `Invalid answer: ${issue?.path.join('.') || 'input'} — ${issue?.message}`);
    }
    const scope = `p:${who.participant.id}`;
    const { ownView } = mod.input;
    const view = (rec: unknown) => (ownView ? ownView(rec) : rec);
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const stored = await this.store.getRecord(room.id, stepId, scope);
      const prev = stored ? JSON.parse(stored.value) : mod.input.initial();
      const next = mod.input.reduce(prev, parsed.data, { config: step.config, phase: room.phase, now: this.now() });
      if (!next.ok) throw new ServiceError('BAD_REQUEST', next.error);
      const delta = counterDelta(mod.input.contribution(prev, step.config), mod.input.contribution(next.value, step.config));
      const res = await this.store.writeRecord(room.id, stepId, scope, {
        submissionId,
        expectedRev: stored?.rev ?? 0,
        value: JSON.stringify(next.value),
        counters: delta,
      });
      if (res.status === 'duplicate') return { duplicate: true, view: view(prev), rev: stored?.rev ?? 0 };
      if (res.status === 'ok') {
        const own = { stepId, data: view(next.value), rev: res.rev };
        this.broadcaster?.activityChanged(room.id, stepId);
        this.broadcaster?.ownViewChanged(who.participant.id, own);
        return { duplicate: false, view: own.data, rev: res.rev };
      }
    }
    throw new ServiceError('CONFLICT', 'Too many changes at once; please try again.');
  }

  /** The current step's activity view for one audience, or undefined when the step has none. */
  async activityView(room: RoomState, who: Identity): Promise<ActivityView | undefined> {
    const step = room.agenda[room.current];
    const mod = step ? getActivity(step.type) : undefined;
    if (!step || !mod) return undefined;
    if (who.role === 'participant') {
      if (!mod.input || !who.participant) return undefined;
      const [stored, roomView] = await Promise.all([
        this.store.getRecord(room.id, step.id, `p:${who.participant.id}`),
        mod.participantRoomView ? this.aggregate(room, step.id).then((agg) => mod.participantRoomView?.({ config: step.config, phase: room.phase ?? '', audience: 'display', ...agg })) : undefined,
      ]);
      const rec = stored ? JSON.parse(stored.value) : mod.input.initial();
      return { stepId: step.id, data: mod.input.ownView ? mod.input.ownView(rec) : rec, rev: stored?.rev ?? 0, ...(roomView !== undefined ? { room: roomView } : {}) };
    }
    return (await this.presenterViews(room, canFacilitate(who.role) ? ['console'] : ['display']))?.[0];
  }

  /** The current step's aggregate picture for each audience asked, from one read of the counters. */
  async presenterViews(room: RoomState, audiences: Array<'console' | 'display'>): Promise<ActivityView[] | undefined> {
    const step = room.agenda[room.current];
    const mod = step ? getActivity(step.type) : undefined;
    if (!step || !mod?.presenterView) return undefined;
    const agg = await this.aggregate(room, step.id);
    return audiences.map((audience) => ({
      stepId: step.id,
      data: mod.presenterView?.({ config: step.config, phase: room.phase ?? '', audience, ...agg }),
    }));
  }

  private async aggregate(room: RoomState, stepId: string): Promise<{ counters: Counters; participants: number }> {
    const [counters, participants] = await Promise.all([this.store.getCounters(room.id, stepId), this.store.countParticipants(room.id)]);
    return { counters, participants };
  }
}
