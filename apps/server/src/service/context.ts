/**
 * What every part of the room service shares: the store, the limiters, the clock, the broadcaster,
 * the write queue, and the reads they all make (the room, the current step, its shared state,
 * its records and counters), with the caches that keep the hot paths' reads small.
 */
import { ServiceError } from '@canopy/api';
import {
  because,
  getActivity,
  roomLifetimeSeconds,
  SHARED_SCOPE,
  type ActivityView,
  type AnyActivity,
  type Counters,
  type FreshView,
  type Participant,
  type Role,
  type RoomState,
  type Step,
} from '@canopy/core';
import type { RoomStore, StoredRecord } from '@canopy/store';
import type { Limiters } from '../ratelimit.js';
import { applyOnce, KeyedQueue, type Change } from './apply-once.js';

/** What the service needs from the realtime layer to tell connected screens about a change. */
export interface Broadcaster {
  /**
   * the room changed (`stepsChanged`: the agenda too, so every screen needs the steps' content
   * again; `fresh`: it entered a step or phase where every participant builds their own view, said in the step change)
   */
  roomChanged(room: RoomState, stepsChanged: boolean, fresh?: FreshView | null): void;
  participantJoined(roomId: string, participant: Participant): void;
  participantRemoved(roomId: string, participantId: string): void;
  /** let in from the waiting room: their screens connect again as participants, consoles and counts are told */
  participantAdmitted(roomId: string, participantId: string): void;
  /** refused from the waiting room: tell their screens, close them, drop them from the roster */
  participantRefused(roomId: string, participantId: string): void;
  activityChanged(roomId: string, stepId: string): void;
  /** what a participant sees of the step changed: every screen they have open shows it (but `exceptSocket`, which has it in its ack) */
  ownViewChanged(participantId: string, view: ActivityView, exceptSocket?: string): void;
  /** the step's shared state changed (new groups, pairs…): participants get their fresh views */
  sharedChanged(roomId: string, stepId: string, rev: number): void;
  /** the room moved to another step or phase (not a fresh one): participants get their view of it */
  participantViewsChanged(roomId: string): void;
  /** the room was deleted: tell every screen, then disconnect them all */
  roomDeleted(roomId: string): void;
  /** a participant deleted their data: tell their screens, close them, drop them from the roster */
  participantErased(roomId: string, participantId: string): void;
  /** a check-in was saved or deleted: consoles and displays get the room's effect again */
  followUpChanged(roomId: string): void;
  /**
   * "I'm done" or a hand changed: consoles and displays get theirs, and `whose` (a participant id)
   * their own; after a step change 'presenters' only (phones clear "done" on a new step by
   * themselves), after the same step started again 'everyone'
   */
  signalsChanged(roomId: string, whose: string | 'presenters' | 'everyone'): void;
  /** the room's questions changed: every screen gets the board again (coalesced) */
  questionsChanged(roomId: string): void;
}

export interface Identity {
  role: Role;
  roomId: string;
  participant?: Participant;
  /** the socket the request came on, if any */
  socketId?: string;
}

/** A record read from the store: its revision and parsed value. */
export interface Loaded {
  rev: number;
  value: unknown;
}

/** A record as read before a write with a client-made id: `applied` is the rev that id made, if it was applied already. */
export interface RecordRead {
  applied: number | null;
  stored: StoredRecord | null;
}

/** rooms whose parsed state a node keeps (a room is a few KB to a few hundred KB) */
const ROOM_CACHE_SIZE = 200;
/**
 * how much of people's own records a node keeps after writing or reading them, in characters of
 * their JSON (a self-assessment is a few hundred, a full ally map up to ≈ 50,000; see `knownRecord`)
 */
const RECORD_CACHE_CHARS = 32 * 1024 * 1024;

export interface ServiceOptions {
  retentionSeconds: number;
  /** ROOM_MAX_BYTES: participants' answers beyond it are refused (ROOM_FULL, naming the cap) */
  maxRoomBytes?: number;
  now?: () => number;
  /** characters of people's own records the node keeps (default RECORD_CACHE_CHARS; see `knownRecord`) */
  recordCacheChars?: number;
}

export class ServiceContext {
  broadcaster: Broadcaster | null = null;
  readonly now: () => number;
  /** how long a room is kept after closing, or after its last change while open (ROOM_RETENTION_DAYS) */
  readonly retentionSeconds: number;
  /** the most a room's records (answers and remembered submission ids) may hold, in bytes (ROOM_MAX_BYTES) */
  readonly maxRoomBytes: number | undefined;
  private readonly queues = new KeyedQueue();
  /** rooms read lately, checked against the stored version before use (see currentRoom) */
  private readonly rooms = new Map<string, RoomState>();
  /** steps' shared states read lately, by `room/step`, checked against the stored rev before use */
  private readonly shared = new Map<string, Loaded>();
  /** people's own records as this node last wrote or read them, by `room/step/scope` (see `knownRecord`) */
  private readonly records = new Map<string, StoredRecord>();
  /** the characters of JSON `records` holds (kept under `recordCacheChars`) */
  private recordChars = 0;
  private readonly recordCacheChars: number;

  constructor(
    readonly store: RoomStore,
    readonly limiters: Limiters,
    opts: ServiceOptions,
  ) {
    this.retentionSeconds = opts.retentionSeconds;
    this.maxRoomBytes = opts.maxRoomBytes;
    this.now = opts.now ?? Date.now;
    this.recordCacheChars = opts.recordCacheChars ?? RECORD_CACHE_CHARS;
  }

  /** Apply a change once, with compare-and-set, dedupe and backoff (see apply-once.ts). */
  applyOnce<S, T>(change: Change<S, T>): Promise<T> {
    return applyOnce(this.queues, change);
  }

  /**
   * Set the room's deadline for its state (see `roomLifetimeSeconds`). Only for this version: a
   * slower call for an older state never overrides a newer one. Best effort: the change is already
   * stored and acknowledged, and the next change sets the deadline again.
   */
  async keep(room: RoomState): Promise<void> {
    await this.store.expireRoom(room.id, roomLifetimeSeconds(room, this.now(), this.retentionSeconds), room.version).catch(() => false);
  }

  async getRoom(roomId: string): Promise<RoomState> {
    const room = await this.store.getRoom(roomId);
    if (!room) throw new ServiceError('NOT_FOUND', 'This room no longer exists.', undefined, because('ROOM_GONE'));
    return room;
  }

  /**
   * The room as stored now, for the hot paths (every submission): one small read of its version,
   * and the whole room (agenda and all) read and parsed again only when that version moved.
   * Callers must not change what they get.
   */
  async currentRoom(roomId: string): Promise<RoomState> {
    return this.roomAt(roomId, await this.store.getRoomVersion(roomId));
  }

  /** The room at `version`, as just read from the store (null: it is gone): from the cache when that is the version it holds. */
  async roomAt(roomId: string, version: number | null): Promise<RoomState> {
    const cached = this.rooms.get(roomId);
    if (version === null) {
      this.rooms.delete(roomId);
      throw new ServiceError('NOT_FOUND', 'This room no longer exists.', undefined, because('ROOM_GONE'));
    }
    if (cached?.version === version) return cached;
    const room = await this.getRoom(roomId);
    this.remember(room);
    return room;
  }

  /**
   * Keep `room` as this node's sight of it: just read from the store, or just stored by this node.
   * The last one kept wins, even if older (a read that began before this node's own change, or a
   * store that lost a change in a failover): a command decided on an out-of-date sight loses its
   * compare-and-set and reads the room again.
   */
  remember(room: RoomState): void {
    this.rooms.delete(room.id); // re-insert: the Map's order is least recently read first
    this.rooms.set(room.id, room);
    if (this.rooms.size > ROOM_CACHE_SIZE) this.rooms.delete(this.rooms.keys().next().value!);
  }

  /** The room as this node last read it, if it did (no I/O; it may be out of date). */
  knownRoom(roomId: string): RoomState | undefined {
    return this.rooms.get(roomId);
  }

  /**
   * A person's own record (`room/step/scope`) as this node last wrote or read it (no I/O). It may be
   * out of date — their other screen on another node, an erasure — so it is only ever the first
   * guess of a write with compare-and-set, never shown to anyone.
   */
  knownRecord(key: string): StoredRecord | undefined {
    return this.records.get(key);
  }

  /** Keep a person's own record this node just wrote or read (null: there is none), least recently kept dropped first. */
  keepRecord(key: string, stored: StoredRecord | null): void {
    this.dropRecord(key);
    if (!stored) return;
    this.records.set(key, stored);
    this.recordChars += stored.value.length;
    while (this.recordChars > this.recordCacheChars) this.dropRecord(this.records.keys().next().value!);
  }

  /** Drop what this node keeps of a room's records: all of them, or one person's (their data was deleted). */
  forgetRecords(roomId: string, scope?: string): void {
    for (const key of this.records.keys()) if (key.startsWith(`${roomId}/`) && (scope === undefined || key.endsWith(`/${scope}`))) this.dropRecord(key);
  }

  private dropRecord(key: string): void {
    const kept = this.records.get(key);
    if (!kept) return;
    this.records.delete(key);
    this.recordChars -= kept.value.length;
  }

  /** No change under this `applyOnce` key runs or waits on this node now. */
  settled(key: string): boolean {
    return this.queues.idle(key);
  }

  /** The step the room is on, which must be `stepId`, and its module. */
  currentStep(room: RoomState, stepId: string): { step: Step; mod: AnyActivity } {
    const step = room.agenda[room.current];
    if (!step || step.id !== stepId) throw new ServiceError('CONFLICT', 'This step is not running any more.', undefined, because('STEP_OVER'));
    const mod = getActivity(step.type);
    if (!mod) throw new ServiceError('BAD_REQUEST', `Unknown activity "${step.type}".`);
    return { step, mod };
  }

  /** The step's shared state (groups, pairs…), for activities that have one. */
  async readShared(roomId: string, step: Step, mod: AnyActivity): Promise<Loaded | undefined> {
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

  /** A record and, if this client-made id was applied to it already, the rev that made: read together (one round trip). */
  async recordFor(roomId: string, stepId: string, scope: string, id: string): Promise<RecordRead> {
    const [applied, stored] = await Promise.all([this.store.wasApplied(roomId, stepId, scope, id), this.store.getRecord(roomId, stepId, scope)]);
    return { applied, stored };
  }

  /** Every participant or group record of a step (the shared state left out), parsed. */
  async readRecords(roomId: string, stepId: string): Promise<Array<{ scope: string; value: unknown }>> {
    const records = await this.store.listRecords(roomId, stepId);
    return records.filter((r) => r.scope !== SHARED_SCOPE).map((r) => ({ scope: r.scope, value: JSON.parse(r.value) as unknown }));
  }

  /** The step's counters and how many take part now. */
  async aggregate(room: RoomState, stepId: string): Promise<{ counters: Counters; participants: number }> {
    const [counters, participants] = await Promise.all([this.store.getCounters(room.id, stepId), this.store.countParticipants(room.id)]);
    return { counters, participants };
  }
}
