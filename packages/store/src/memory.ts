/**
 * The in-process store: the embedded default when no Redis is configured. Same semantics as the
 * Redis store (the contract suite runs against both). Rooms and participants are kept as JSON
 * strings, so nothing a caller holds can change what is stored. Each method does all its work
 * synchronously after its checks, so every write is atomic with respect to the others.
 */
import type { Counters, Participant, RoomState } from '@canopy/core';
import { checkNextRoom, checkRecordWrite, RoomNotFoundError } from './shared.js';
import type {
  AddParticipantOptions,
  AddParticipantResult,
  RecordWrite,
  RecordWriteResult,
  RoomSecrets,
  RoomStore,
  StoredRecord,
} from './types.js';

interface StoredParticipant {
  json: string;
  removed: boolean;
  tokenHash: string;
  deviceHash: string;
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
  banned: Set<string>;
  active: number;
  steps: Map<string, StepData>;
}

const participantOf = (p: StoredParticipant): Participant => ({ ...(JSON.parse(p.json) as Participant), removed: p.removed });

export class MemoryRoomStore implements RoomStore {
  readonly kind = 'memory' as const;
  readonly driver = 'memory' as const;
  private readonly rooms = new Map<string, RoomData>();
  private readonly codes = new Map<string, string>();

  async createRoom(room: RoomState, secrets: RoomSecrets): Promise<boolean> {
    if (this.codes.has(room.code)) return false;
    if (this.rooms.has(room.id)) throw new Error('canopy store: room id already exists');
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
      steps: new Map(),
    });
    return true;
  }

  async roomIdByCode(code: string): Promise<string | null> {
    return this.codes.get(code) ?? null;
  }

  async getRoom(roomId: string): Promise<RoomState | null> {
    const r = this.rooms.get(roomId);
    return r ? (JSON.parse(r.state) as RoomState) : null;
  }

  async getSecrets(roomId: string): Promise<RoomSecrets | null> {
    const r = this.rooms.get(roomId);
    return r ? { ...r.secrets } : null;
  }

  async casRoom(roomId: string, expectedVersion: number, next: RoomState): Promise<boolean> {
    checkNextRoom(roomId, next);
    const r = this.rooms.get(roomId);
    if (!r || r.version !== expectedVersion) return false;
    if (next.code !== r.code) throw new Error('canopy store: a room code cannot change');
    r.state = JSON.stringify(next);
    r.version = next.version;
    return true;
  }

  async addParticipant(roomId: string, participant: Participant, opts: AddParticipantOptions): Promise<AddParticipantResult> {
    const r = this.rooms.get(roomId);
    if (!r) throw new RoomNotFoundError(roomId);
    const priorId = r.joins.get(opts.joinId);
    const prior = priorId === undefined ? undefined : r.participants.get(priorId);
    if (prior) return prior.removed ? { status: 'banned' } : { status: 'existing', participant: participantOf(prior) };
    if (r.banned.has(opts.deviceHash)) return { status: 'banned' };
    if (r.active >= opts.cap) return { status: 'full' };
    if (r.participants.has(participant.id)) throw new Error('canopy store: participant id already exists');
    if (r.tokens.has(opts.tokenHash)) throw new Error('canopy store: token already in use');
    const stored = { json: JSON.stringify(participant), removed: false, tokenHash: opts.tokenHash, deviceHash: opts.deviceHash };
    r.participants.set(participant.id, stored);
    r.tokens.set(opts.tokenHash, participant.id);
    r.joins.set(opts.joinId, participant.id);
    r.active += 1;
    return { status: 'created', participant: participantOf(stored) };
  }

  async getParticipant(roomId: string, participantId: string): Promise<Participant | null> {
    const p = this.rooms.get(roomId)?.participants.get(participantId);
    return p ? participantOf(p) : null;
  }

  async participantByToken(roomId: string, tokenHash: string): Promise<Participant | null> {
    const r = this.rooms.get(roomId);
    const id = r?.tokens.get(tokenHash);
    const p = id === undefined ? undefined : r?.participants.get(id);
    return p && !p.removed ? participantOf(p) : null;
  }

  async listParticipants(roomId: string): Promise<Participant[]> {
    return [...(this.rooms.get(roomId)?.participants.values() ?? [])].map(participantOf);
  }

  async countParticipants(roomId: string): Promise<number> {
    return this.rooms.get(roomId)?.active ?? 0;
  }

  async removeParticipant(roomId: string, participantId: string): Promise<boolean> {
    const r = this.rooms.get(roomId);
    const p = r?.participants.get(participantId);
    if (!r || !p || p.removed) return false;
    p.removed = true;
    r.tokens.delete(p.tokenHash);
    r.banned.add(p.deviceHash);
    r.active -= 1;
    return true;
  }

  async getRecord(roomId: string, stepId: string, scope: string): Promise<StoredRecord | null> {
    const rec = this.rooms.get(roomId)?.steps.get(stepId)?.records.get(scope);
    return rec ? { ...rec } : null;
  }

  async writeRecord(roomId: string, stepId: string, scope: string, write: RecordWrite): Promise<RecordWriteResult> {
    checkRecordWrite(write);
    const r = this.rooms.get(roomId);
    if (!r) throw new RoomNotFoundError(roomId);
    let step = r.steps.get(stepId);
    const done = step?.applied.get(scope)?.get(write.submissionId);
    if (done !== undefined) return { status: 'duplicate', rev: done };
    const cur = step?.records.get(scope);
    if ((cur?.rev ?? 0) !== write.expectedRev) return { status: 'conflict', current: cur ? { ...cur } : null };

    if (!step) r.steps.set(stepId, (step = { records: new Map(), counters: new Map(), applied: new Map() }));
    const rev = write.expectedRev + 1;
    step.records.set(scope, { rev, value: write.value });
    let applied = step.applied.get(scope);
    if (!applied) step.applied.set(scope, (applied = new Map()));
    applied.set(write.submissionId, rev);
    for (const [name, delta] of Object.entries(write.counters)) {
      const n = (step.counters.get(name) ?? 0) + delta;
      if (n === 0) step.counters.delete(name);
      else step.counters.set(name, n);
    }
    return { status: 'ok', rev };
  }

  async wasApplied(roomId: string, stepId: string, scope: string, submissionId: string): Promise<number | null> {
    return this.rooms.get(roomId)?.steps.get(stepId)?.applied.get(scope)?.get(submissionId) ?? null;
  }

  async listRecords(roomId: string, stepId: string): Promise<Array<StoredRecord & { scope: string }>> {
    const records = this.rooms.get(roomId)?.steps.get(stepId)?.records ?? new Map<string, StoredRecord>();
    return [...records].map(([scope, rec]) => ({ scope, ...rec }));
  }

  async getCounters(roomId: string, stepId: string): Promise<Counters> {
    return Object.fromEntries(this.rooms.get(roomId)?.steps.get(stepId)?.counters ?? []);
  }

  async deleteRoom(roomId: string): Promise<void> {
    const r = this.rooms.get(roomId);
    if (!r) return;
    this.rooms.delete(roomId);
    if (this.codes.get(r.code) === roomId) this.codes.delete(r.code);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  /** For tests: names of everything held, in the spirit of Redis keys (`room:<id>`, `code:<CODE>`). */
  debugKeys(): string[] {
    return [...[...this.rooms.keys()].map((id) => `room:${id}`), ...[...this.codes.keys()].map((c) => `code:${c}`)];
  }
}
