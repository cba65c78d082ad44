import type { Counters, Participant, RoomState } from '@canopy/core';

/** SHA-256 hex digests of the room's bearer tokens; the tokens themselves are never stored. */
export interface RoomSecrets {
  facilitator: string;
  cohost: string;
  display: string;
}

export type AddParticipantResult =
  /** `existing`: the same joinId was seen before — the first participant comes back, nothing is added */
  | { status: 'created' | 'existing'; participant: Participant }
  /** the room already has `cap` active participants */
  | { status: 'full' }
  /** this device was removed from the room by the facilitator */
  | { status: 'banned' };

export interface AddParticipantOptions {
  /** SHA-256 hex of the participant's bearer token */
  tokenHash: string;
  /** client-made id of this join attempt: a retry returns the same participant */
  joinId: string;
  /** SHA-256 hex of the browser's device id */
  deviceHash: string;
  /** most participants the room admits: active (not removed) and waiting together */
  cap: number;
  /** the room's waiting room is on: the new participant waits (not active, not counted) until `admitParticipant` */
  waiting?: boolean;
}

export interface RemoveOptions {
  /**
   * a keyed hash of the participant's nickname, remembered with the room's bans so a later join
   * under the same name can be recognised (`wasRemoved`); the name itself is not kept
   */
  nameHash?: string;
}

export interface StoredRecord {
  /** starts at 1 with the first write, +1 per accepted write */
  rev: number;
  value: string;
}

/** `readForAnswer`: the room's version (null: no such room), the rev this submission made if applied already, the record. */
export interface AnswerRead {
  version: number | null;
  applied: number | null;
  stored: StoredRecord | null;
}

export interface RecordWrite {
  /** client-made id of the submission; applying the same id twice is a no-op answered `duplicate` */
  submissionId: string;
  /** the rev the writer read (0 = no record yet); a different stored rev answers `conflict` */
  expectedRev: number;
  value: string;
  /** added to the step's counters in the same atomic write (HINCRBY semantics; zeros vanish) */
  counters: Counters;
  /**
   * the participant making this write, if any: refused (`gone`) unless they are still an active
   * participant of the room — checked in the same atomic step, so a write racing their removal or
   * the deletion of their data never lands after it
   */
  writer?: string;
  /**
   * the room version the writer decided on: refused (`stale`) if the room has moved on since — so a
   * writer may decide on a room it keeps in memory instead of reading its version before each write
   */
  roomVersion?: number;
  /**
   * the room's storage cap: refused (`capped`) if this write would take the room's stored bytes
   * (record values plus remembered submission ids, see `roomBytes`) over it. A write that does not
   * grow the room is never refused.
   */
  maxRoomBytes?: number;
}

/** One write of a batch (`writeRecords`): a record of one step of the room. */
export interface RecordBatchWrite {
  stepId: string;
  scope: string;
  write: RecordWrite;
}

export interface RecordDelete {
  /** the rev the deleter read (0 = no record); a different stored rev answers `conflict` */
  expectedRev: number;
  /** added to the step's counters in the same atomic step — minus the record's contribution */
  counters: Counters;
}

export type RecordDeleteResult =
  /** the record, its submission ids and its counter contribution are gone */
  | { status: 'ok' }
  /** the stored rev is not expectedRev; nothing changed */
  | { status: 'conflict'; current: StoredRecord | null };

export type RecordWriteResult =
  | { status: 'ok'; rev: number }
  /** this submissionId was already applied to this record; nothing changed */
  | { status: 'duplicate'; rev: number }
  /** the stored rev is not expectedRev; nothing changed; re-read, re-apply, retry */
  | { status: 'conflict'; current: StoredRecord | null }
  /** the `writer` was removed, deleted their data or is still waiting; nothing changed */
  | { status: 'gone' }
  /** the room is at `maxRoomBytes` (it holds `used` bytes); nothing changed */
  | { status: 'capped'; used: number }
  /** the room's version is not `roomVersion`; nothing changed; read the room again, decide again */
  | { status: 'stale' };

/**
 * Where rooms live. One interface, several drivers (in-process memory, Redis via node-redis,
 * Redis/Valkey via GLIDE), one contract suite (`test/contract.test.ts`) that all of them pass.
 *
 * Every write is atomic; every method resolves only after the store holds the write, so the
 * server may acknowledge once it resolves. Drivers reject (never resolve falsely) when the
 * backing store cannot be reached.
 */
export interface RoomStore {
  readonly kind: 'memory' | 'redis';
  readonly driver: 'memory' | 'node-redis' | 'glide';
  /** submission ids each record remembers (see `DEDUPE_WINDOW`) */
  readonly dedupeWindow: number;

  /** Save a new room and claim its code, atomically. Resolves false (nothing written) if the code is taken. */
  createRoom(room: RoomState, secrets: RoomSecrets): Promise<boolean>;
  roomIdByCode(code: string): Promise<string | null>;
  getRoom(roomId: string): Promise<RoomState | null>;
  /** Just the room's `version` (null: no such room) — a cheap check that a room read earlier is still current. */
  getRoomVersion(roomId: string): Promise<number | null>;
  getSecrets(roomId: string): Promise<RoomSecrets | null>;
  /** Replace the room iff its stored `version` equals `expectedVersion`. Resolves false on a mismatch or a missing room. */
  casRoom(roomId: string, expectedVersion: number, next: RoomState): Promise<boolean>;

  /** Idempotent by joinId; checks the ban list and the cap in the same atomic step. */
  addParticipant(roomId: string, participant: Participant, opts: AddParticipantOptions): Promise<AddParticipantResult>;
  getParticipant(roomId: string, participantId: string): Promise<Participant | null>;
  /** The participant holding this token (waiting ones flagged), unless removed (a removed participant's token resolves null). */
  participantByToken(roomId: string, tokenHash: string): Promise<Participant | null>;
  /** Everyone who ever joined, removed ones included (flagged), in join order. */
  listParticipants(roomId: string): Promise<Participant[]>;
  /** Joined, not removed and not waiting. */
  countParticipants(roomId: string): Promise<number>;
  /** Let a waiting participant in: from now on active and counted. Resolves false if they were not waiting (or not there). */
  admitParticipant(roomId: string, participantId: string): Promise<boolean>;
  /**
   * Mark removed, revoke the token, ban the device (and remember `opts.nameHash`). Resolves false
   * if there was no such active participant (a waiting one is refused with `eraseParticipant`).
   */
  removeParticipant(roomId: string, participantId: string, opts?: RemoveOptions): Promise<boolean>;
  /** Was someone with this name hash removed from the room (`removeParticipant` with `nameHash`)? */
  wasRemoved(roomId: string, nameHash: string): Promise<boolean>;
  /**
   * The participant asked to be forgotten: drop them from the roster (no longer counted), revoke
   * their token and forget their join. A ban of their device stays. Their records are deleted
   * separately (`deleteRecord`). Resolves false if there was no such participant. With
   * `onlyWaiting` (the facilitator refuses someone in the waiting room), only a participant who is
   * still waiting is erased (false otherwise: they were let in or are gone).
   */
  eraseParticipant(roomId: string, participantId: string, opts?: { onlyWaiting?: boolean }): Promise<boolean>;

  /** Activity data: one record per (step, scope), e.g. scope `p:<participantId>` or `g:<groupId>`. */
  getRecord(roomId: string, stepId: string, scope: string): Promise<StoredRecord | null>;
  /** Just the record's `rev` (0: no record) — a cheap check that a record read earlier is still current. */
  getRecordRev(roomId: string, stepId: string, scope: string): Promise<number>;
  writeRecord(roomId: string, stepId: string, scope: string, write: RecordWrite): Promise<RecordWriteResult>;
  /**
   * Several record writes to one room in one atomic step, applied in order, each exactly as
   * `writeRecord` would apply it alone: one result per write, in the same order (a refused write
   * does not refuse the others; a later write sees what an earlier one changed, so a second write
   * of the same submission id is `duplicate` and a second write expecting the same rev `conflict`).
   * Rejects with RoomNotFoundError when the room does not exist (nothing written). The Redis
   * store sends `writeRecord` calls made in the same tick for the same room as one batch.
   */
  writeRecords(roomId: string, writes: readonly RecordBatchWrite[]): Promise<RecordWriteResult[]>;
  listRecords(roomId: string, stepId: string): Promise<Array<StoredRecord & { scope: string }>>;
  /** How many records the step holds (every scope, the shared one too) without reading them: 0 for a step nobody has written to. */
  countRecords(roomId: string, stepId: string): Promise<number>;
  /**
   * The rev this submission produced if `writeRecord` already applied it to this record and it is
   * still in the record's dedupe window (the last `dedupeWindow` submissions), else null.
   */
  wasApplied(roomId: string, stepId: string, scope: string, submissionId: string): Promise<number | null>;
  /**
   * What an answer is decided on, read at one instant in one call: the room's version (null: no
   * such room), `wasApplied` for this submission, and `getRecord` — the same as those three reads.
   * The Redis store sends the reads of one step made in the same turn of the event loop as one
   * script call.
   */
  readForAnswer(roomId: string, stepId: string, scope: string, submissionId: string): Promise<AnswerRead>;
  /**
   * What the room's records hold, in bytes: every record value plus, for each remembered
   * submission id, its field and a fixed overhead (`submissionCost`). 0 for no such room.
   */
  roomBytes(roomId: string): Promise<number>;
  /** The step's aggregate counters: the sum of every accepted write's `counters`. */
  getCounters(roomId: string, stepId: string): Promise<Counters>;
  /**
   * Delete one record and the submission ids applied to it, moving the step's counters by
   * `counters` (its contribution, negated) in the same atomic step, iff its rev is `expectedRev`.
   * Rejects with RoomNotFoundError when the room does not exist.
   */
  deleteRecord(roomId: string, stepId: string, scope: string, del: RecordDelete): Promise<RecordDeleteResult>;

  /**
   * Retention: every key of the room (code index included) expires `seconds` from now; keys that
   * writes create later inherit the same deadline. Called again, it replaces the deadline. With
   * `atVersion`, only while the room's version is still that one (so a slower call for an older
   * state cannot override a newer one). Resolves false (nothing changed) otherwise or when the
   * room does not exist.
   */
  expireRoom(roomId: string, seconds: number, atVersion?: number): Promise<boolean>;

  /** Remove every key of the room, code index included. */
  deleteRoom(roomId: string): Promise<void>;
  /** Resolves when the backing store answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
