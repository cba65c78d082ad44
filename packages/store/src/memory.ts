/**
 * The in-process store: the embedded default when no Redis is configured. Same semantics as the
 * Redis store (the contract suite runs against both). Rooms and participants are kept as JSON
 * strings, so nothing a caller holds can change what is stored. Each method does all its work
 * synchronously after its checks, so every write is atomic with respect to the others.
 *
 * Retention (`expireRoom`) is lazy: an expired room is dropped, code included, the next time
 * anything looks at it (or at `debugKeys`); until then it is unreachable but still in memory.
 */
import type { Counters, Participant, RoomState } from '@canopy/core';
import { checkExpiry, checkNextRoom, checkRecordWrite, checkWindow, DEDUPE_WINDOW, RoomNotFoundError, submissionCost } from './shared.js';
import type {
  AddParticipantOptions,
  AnswerRead,
  AddParticipantResult,
  RecordDelete,
  RecordBatchWrite,
  RecordDeleteResult,
  RecordWrite,
  RecordWriteResult,
  RemoveOptions,
  RoomSecrets,
  RoomStore,
  StoredRecord,
} from './types.js';

interface StoredParticipant {
  json: string;
  removed: boolean;
  /** in the waiting room (not counted as active) */
  waiting: boolean;
  tokenHash: string;
  deviceHash: string;
  joinId: string;
}

interface StepData {
  records: Map<string, StoredRecord>;
  counters: Map<string, number>;
  /** scope → submissionId → rev it produced */
  applied: Map<string, Map<string, number>>;
}

interface RoomData {
  state: string;
  version: number;
  code: string;
  secrets: RoomSecrets;
  participants: Map<string, StoredParticipant>; // insertion order = join order
  tokens: Map<string, string>;
  joins: Map<string, string>;
  /** device hashes of removed participants, and `n:<name hash>` of their nicknames (see `removeParticipant`) */
  banned: Set<string>;
  active: number;
  waiting: number;
  steps: Map<string, StepData>;
  /** record values plus remembered submission ids, as `roomBytes` counts them */
  bytes: number;
  /** ms since the epoch (the store's clock) after which the room is gone; null: kept */
  expiresAt: number | null;
}

const newStep = (): StepData => ({ records: new Map(), counters: new Map(), applied: new Map() });

/** HINCRBY semantics: add each delta; a counter that reaches zero vanishes. */
function addCounters(into: Map<string, number>, deltas: Counters): void {
  for (const [name, delta] of Object.entries(deltas)) {
    const n = (into.get(name) ?? 0) + delta;
    if (n === 0) into.delete(name);
    else into.set(name, n);
  }
}

/** Bytes as Redis counts them (a Lua string's length). */
const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

function participantOf(p: StoredParticipant): Participant {
  const { waiting: _stored, ...rest } = JSON.parse(p.json) as Participant;
  return { ...rest, removed: p.removed, ...(p.waiting ? { waiting: true as const } : {}) };
}

export class MemoryRoomStore implements RoomStore {
  readonly kind = 'memory' as const;
  readonly driver = 'memory' as const;
  private readonly rooms = new Map<string, RoomData>();
  private readonly codes = new Map<string, string>();
  private readonly now: () => number;
  readonly dedupeWindow: number;

  /** `now`: the clock retention is measured with (tests move it on instead of waiting); `dedupeWindow`: see DEDUPE_WINDOW */
  constructor(opts: { now?: () => number; dedupeWindow?: number } = {}) {
    this.now = opts.now ?? Date.now;
    this.dedupeWindow = checkWindow(opts.dedupeWindow ?? DEDUPE_WINDOW);
  }

  /** The room, unless it does not exist or has expired (then it is dropped now). */
  private live(roomId: string): RoomData | undefined {
    const r = this.rooms.get(roomId);
    if (r && r.expiresAt !== null && r.expiresAt <= this.now()) {
      this.rooms.delete(roomId);
      if (this.codes.get(r.code) === roomId) this.codes.delete(r.code);
      return undefined;
    }
    return r;
  }

  async createRoom(room: RoomState, secrets: RoomSecrets): Promise<boolean> {
    const holder = this.codes.get(room.code);
    if (holder !== undefined && this.live(holder)) return false;
    if (this.live(room.id)) throw new Error('canopy store: room id already exists');
    this.codes.set(room.code, room.id);
    this.rooms.set(room.id, {
      state: JSON.stringify(room),
      version: room.version,
      code: room.code,
      secrets: { facilitator: secrets.facilitator, cohost: secrets.cohost, display: secrets.display },
      participants: new Map(),
      tokens: new Map(),
      joins: new Map(),
      banned: new Set(),
      active: 0,
      waiting: 0,
      steps: new Map(),
      bytes: 0,
      expiresAt: null,
    });
    return true;
  }

  async roomIdByCode(code: string): Promise<string | null> {
    const id = this.codes.get(code);
    return id !== undefined && this.live(id) ? id : null;
  }

  async getRoom(roomId: string): Promise<RoomState | null> {
    const r = this.live(roomId);
    return r ? (JSON.parse(r.state) as RoomState) : null;
  }

  async getRoomVersion(roomId: string): Promise<number | null> {
    return this.live(roomId)?.version ?? null;
  }

  async getSecrets(roomId: string): Promise<RoomSecrets | null> {
    const r = this.live(roomId);
    return r ? { ...r.secrets } : null;
  }

  async casRoom(roomId: string, expectedVersion: number, next: RoomState): Promise<boolean> {
    checkNextRoom(roomId, next);
    const r = this.live(roomId);
    if (!r || r.version !== expectedVersion) return false;
    if (next.code !== r.code) throw new Error('canopy store: a room code cannot change');
    r.state = JSON.stringify(next);
    r.version = next.version;
    return true;
  }

  async addParticipant(roomId: string, participant: Participant, opts: AddParticipantOptions): Promise<AddParticipantResult> {
    const r = this.live(roomId);
    if (!r) throw new RoomNotFoundError(roomId);
    const priorId = r.joins.get(opts.joinId);
    const prior = priorId === undefined ? undefined : r.participants.get(priorId);
    if (prior) return prior.removed ? { status: 'banned' } : { status: 'existing', participant: participantOf(prior) };
    if (r.banned.has(opts.deviceHash)) return { status: 'banned' };
    if (r.active + r.waiting >= opts.cap) return { status: 'full' };
    if (r.participants.has(participant.id)) throw new Error('canopy store: participant id already exists');
    if (r.tokens.has(opts.tokenHash)) throw new Error('canopy store: token already in use');
    const waiting = opts.waiting === true;
    const stored = { json: JSON.stringify(participant), removed: false, waiting, tokenHash: opts.tokenHash, deviceHash: opts.deviceHash, joinId: opts.joinId };
    r.participants.set(participant.id, stored);
    r.tokens.set(opts.tokenHash, participant.id);
    r.joins.set(opts.joinId, participant.id);
    if (waiting) r.waiting += 1;
    else r.active += 1;
    return { status: 'created', participant: participantOf(stored) };
  }

  async getParticipant(roomId: string, participantId: string): Promise<Participant | null> {
    const p = this.live(roomId)?.participants.get(participantId);
    return p ? participantOf(p) : null;
  }

  async participantByToken(roomId: string, tokenHash: string): Promise<Participant | null> {
    const r = this.live(roomId);
    const id = r?.tokens.get(tokenHash);
    const p = id === undefined ? undefined : r?.participants.get(id);
    return p && !p.removed ? participantOf(p) : null;
  }

  async listParticipants(roomId: string): Promise<Participant[]> {
    return [...(this.live(roomId)?.participants.values() ?? [])].map(participantOf);
  }

  async countParticipants(roomId: string): Promise<number> {
    return this.live(roomId)?.active ?? 0;
  }

  async admitParticipant(roomId: string, participantId: string): Promise<boolean> {
    const r = this.live(roomId);
    const p = r?.participants.get(participantId);
    if (!r || !p || p.removed || !p.waiting) return false;
    p.waiting = false;
    r.waiting -= 1;
    r.active += 1;
    return true;
  }

  async removeParticipant(roomId: string, participantId: string, opts?: RemoveOptions): Promise<boolean> {
    const r = this.live(roomId);
    const p = r?.participants.get(participantId);
    if (!r || !p || p.removed || p.waiting) return false;
    p.removed = true;
    r.tokens.delete(p.tokenHash);
    r.banned.add(p.deviceHash);
    if (opts?.nameHash) r.banned.add(`n:${opts.nameHash}`);
    r.active -= 1;
    return true;
  }

  async wasRemoved(roomId: string, nameHash: string): Promise<boolean> {
    return this.live(roomId)?.banned.has(`n:${nameHash}`) ?? false;
  }

  async eraseParticipant(roomId: string, participantId: string, opts?: { onlyWaiting?: boolean }): Promise<boolean> {
    const r = this.live(roomId);
    const p = r?.participants.get(participantId);
    if (!r || !p || (opts?.onlyWaiting && !p.waiting)) return false;
    if (r.tokens.get(p.tokenHash) === participantId) r.tokens.delete(p.tokenHash);
    if (r.joins.get(p.joinId) === participantId) r.joins.delete(p.joinId);
    r.participants.delete(participantId);
    if (p.waiting) r.waiting -= 1;
    else if (!p.removed) r.active -= 1;
    return true;
  }

  async getRecord(roomId: string, stepId: string, scope: string): Promise<StoredRecord | null> {
    const rec = this.live(roomId)?.steps.get(stepId)?.records.get(scope);
    return rec ? { ...rec } : null;
  }

  async getRecordRev(roomId: string, stepId: string, scope: string): Promise<number> {
    return this.live(roomId)?.steps.get(stepId)?.records.get(scope)?.rev ?? 0;
  }

  async writeRecord(roomId: string, stepId: string, scope: string, write: RecordWrite): Promise<RecordWriteResult> {
    checkRecordWrite(write);
    const r = this.live(roomId);
    if (!r) throw new RoomNotFoundError(roomId);
    return this.writeOne(r, stepId, scope, write);
  }

  async writeRecords(roomId: string, writes: readonly RecordBatchWrite[]): Promise<RecordWriteResult[]> {
    for (const w of writes) checkRecordWrite(w.write);
    const r = this.live(roomId);
    if (!r) throw new RoomNotFoundError(roomId);
    return writes.map((w) => this.writeOne(r, w.stepId, w.scope, w.write));
  }

  private writeOne(r: RoomData, stepId: string, scope: string, write: RecordWrite): RecordWriteResult {
    if (write.writer !== undefined) {
      const p = r.participants.get(write.writer);
      if (!p || p.removed || p.waiting) return { status: 'gone' };
    }
    if (write.roomVersion !== undefined && r.version !== write.roomVersion) return { status: 'stale' };
    let step = r.steps.get(stepId);
    const done = step?.applied.get(scope)?.get(write.submissionId);
    if (done !== undefined) return { status: 'duplicate', rev: done };
    const cur = step?.records.get(scope);
    if ((cur?.rev ?? 0) !== write.expectedRev) return { status: 'conflict', current: cur ? { ...cur } : null };

    // the oldest remembered id goes when the window is full: a record's memory never grows past it
    const applied = step?.applied.get(scope);
    const evicted = applied && applied.size >= this.dedupeWindow ? applied.keys().next().value : undefined;
    const delta =
      utf8(write.value) - utf8(cur?.value ?? '') + submissionCost(scope, write.submissionId) - (evicted === undefined ? 0 : submissionCost(scope, evicted));
    if (write.maxRoomBytes !== undefined && delta > 0 && r.bytes + delta > write.maxRoomBytes) return { status: 'capped', used: r.bytes };

    if (!step) r.steps.set(stepId, (step = newStep()));
    const rev = write.expectedRev + 1;
    step.records.set(scope, { rev, value: write.value });
    let remembered = step.applied.get(scope);
    if (!remembered) step.applied.set(scope, (remembered = new Map()));
    if (evicted !== undefined) remembered.delete(evicted);
    remembered.set(write.submissionId, rev);
    r.bytes += delta;
    addCounters(step.counters, write.counters);
    return { status: 'ok', rev };
  }

  async wasApplied(roomId: string, stepId: string, scope: string, submissionId: string): Promise<number | null> {
    return this.live(roomId)?.steps.get(stepId)?.applied.get(scope)?.get(submissionId) ?? null;
  }

  async readForAnswer(roomId: string, stepId: string, scope: string, submissionId: string): Promise<AnswerRead> {
    const [version, applied, stored] = await Promise.all([
      this.getRoomVersion(roomId),
      this.wasApplied(roomId, stepId, scope, submissionId),
      this.getRecord(roomId, stepId, scope),
    ]);
    return { version, applied, stored };
  }

  async listRecords(roomId: string, stepId: string): Promise<Array<StoredRecord & { scope: string }>> {
    const records = this.live(roomId)?.steps.get(stepId)?.records ?? new Map<string, StoredRecord>();
    return [...records].map(([scope, rec]) => ({ scope, ...rec }));
  }

  async countRecords(roomId: string, stepId: string): Promise<number> {
    return this.live(roomId)?.steps.get(stepId)?.records.size ?? 0;
  }

  async roomBytes(roomId: string): Promise<number> {
    return this.live(roomId)?.bytes ?? 0;
  }

  async getCounters(roomId: string, stepId: string): Promise<Counters> {
    return Object.fromEntries(this.live(roomId)?.steps.get(stepId)?.counters ?? []);
  }

  async deleteRecord(roomId: string, stepId: string, scope: string, del: RecordDelete): Promise<RecordDeleteResult> {
    checkRecordWrite(del);
    const r = this.live(roomId);
    if (!r) throw new RoomNotFoundError(roomId);
    let step = r.steps.get(stepId);
    const cur = step?.records.get(scope);
    if ((cur?.rev ?? 0) !== del.expectedRev) return { status: 'conflict', current: cur ? { ...cur } : null };
    if (!step) r.steps.set(stepId, (step = newStep()));
    r.bytes -= utf8(cur?.value ?? '') + [...(step.applied.get(scope)?.keys() ?? [])].reduce((n, id) => n + submissionCost(scope, id), 0);
    step.records.delete(scope);
    step.applied.delete(scope);
    addCounters(step.counters, del.counters);
    return { status: 'ok' };
  }

  async expireRoom(roomId: string, seconds: number, atVersion?: number): Promise<boolean> {
    checkExpiry(seconds);
    const r = this.live(roomId);
    if (!r || (atVersion !== undefined && r.version !== atVersion)) return false;
    r.expiresAt = this.now() + Math.round(seconds * 1000);
    return true;
  }

  async deleteRoom(roomId: string): Promise<void> {
    const r = this.live(roomId);
    if (!r) return;
    this.rooms.delete(roomId);
    if (this.codes.get(r.code) === roomId) this.codes.delete(r.code);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  /** For tests: names of everything held, in the spirit of Redis keys (`room:<id>`, `code:<CODE>`). */
  debugKeys(): string[] {
    for (const id of [...this.rooms.keys()]) this.live(id);
    return [...[...this.rooms.keys()].map((id) => `room:${id}`), ...[...this.codes.keys()].map((c) => `code:${c}`)];
  }
}
