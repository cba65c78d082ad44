/**
 * The Redis/Valkey room store: one class, any client library behind the tiny `RedisExec`
 * interface (see `exec-node-redis.ts`, `exec-glide.ts`). All logic lives here and in `lua.ts`.
 *
 * Key layout — every key of a room carries the hash tag `{<roomId>}`, so a room lives in one
 * Cluster slot and its scripts stay single-slot (the code index is the one exception, below):
 *
 *   canopy:code:<CODE>                      string  → roomId
 *   canopy:{<roomId>}:room                  hash    state (RoomState JSON), version, code, active (count)
 *   canopy:{<roomId>}:secrets               hash    facilitator, cohost, display (token hashes)
 *   canopy:{<roomId>}:participants          hash    participantId → flag + Participant JSON
 *                                                   (flag '0' active, '1' removed; overrides `removed`)
 *   canopy:{<roomId>}:order                 list    participantIds in join order
 *   canopy:{<roomId>}:tokens                hash    tokenHash → participantId (active participants only)
 *   canopy:{<roomId>}:joins                 hash    joinId → participantId
 *   canopy:{<roomId>}:pmeta                 hash    tok:<participantId> → tokenHash, dev:<participantId> → deviceHash,
 *                                                   join:<participantId> → joinId
 *   canopy:{<roomId>}:banned                set     deviceHashes of removed participants
 *   canopy:{<roomId>}:keys                  set     registry of the room's per-step keys below
 *   canopy:{<roomId>}:step:<stepId>:records hash    scope → "<rev>|<value>"
 *   canopy:{<roomId>}:step:<stepId>:counters hash   counter → integer (zeros are deleted)
 *   canopy:{<roomId>}:step:<stepId>:subs    hash    "<scope length>:<scope><submissionId>" → rev it produced
 *
 * `deleteRoom` deletes the fixed keys, every key in the registry and the code key — no SCAN.
 * `expireRoom` sets the same deadline (PEXPIRE) on all of them; every script that may create a key
 * gives it the room hash's deadline (PEXPIRETIME, Redis/Valkey 7+), so a room's keys expire together.
 * The code index cannot share the room's slot; on a future Cluster, createRoom/deleteRoom would
 * become two steps (claim/release the code, then write/delete the room). Standalone Redis and
 * Valkey (the supported targets) run them as one script.
 */
import type { Counters, Participant, RoomState } from '@canopy/core';
import type { LuaScript } from './lua.js';
import {
  ADD_PARTICIPANT,
  CAS_ROOM,
  CREATE_ROOM,
  DELETE_RECORD,
  DELETE_ROOM,
  ERASE_PARTICIPANT,
  EXPIRE_ROOM,
  LIST_PARTICIPANTS,
  PARTICIPANT_BY_TOKEN,
  REMOVE_PARTICIPANT,
  WRITE_RECORD,
  RECORD_REV,
} from './lua.js';
import { checkExpiry, checkNextRoom, checkRecordWrite, RoomNotFoundError } from './shared.js';
import type {
  AddParticipantOptions,
  AddParticipantResult,
  RecordDelete,
  RecordDeleteResult,
  RecordWrite,
  RecordWriteResult,
  RoomSecrets,
  RoomStore,
  StoredRecord,
} from './types.js';

/**
 * What the store needs from a client library. Replies are RESP2-shaped: strings, integers,
 * null and arrays. Both methods reject when the server cannot be reached or answers an error.
 */
export interface RedisExec {
  readonly driver: 'node-redis' | 'glide';
  /** Run a script atomically (EVALSHA, loading the script when the server does not know it). */
  script(script: LuaScript, keys: string[], args: string[]): Promise<unknown>;
  /** Run one command, e.g. `['HGET', key, field]`. */
  command(args: string[]): Promise<unknown>;
  close(): Promise<void>;
}

const PREFIX = 'canopy:';
const CODE_PREFIX = `${PREFIX}code:`;

/** Every key name of one room. */
export function roomKeys(roomId: string) {
  if (!roomId || /[{}]/.test(roomId)) throw new Error(`canopy store: invalid room id ${JSON.stringify(roomId)}`);
  const k = (name: string) => `${PREFIX}{${roomId}}:${name}`;
  return {
    room: k('room'),
    secrets: k('secrets'),
    participants: k('participants'),
    order: k('order'),
    tokens: k('tokens'),
    joins: k('joins'),
    pmeta: k('pmeta'),
    banned: k('banned'),
    registry: k('keys'),
    step: (stepId: string) => ({ records: k(`step:${stepId}:records`), counters: k(`step:${stepId}:counters`), subs: k(`step:${stepId}:subs`) }),
  };
}

/** The keys every room has (room first, registry last), as the room-wide scripts take them. */
function fixedKeys(roomId: string): string[] {
  const k = roomKeys(roomId);
  return [k.room, k.secrets, k.participants, k.order, k.tokens, k.joins, k.pmeta, k.banned, k.registry];
}

/** The field of the step's `subs` hash that remembers one submission to one record. */
const subsField = (scope: string, submissionId: string): string => `${scope.length}:${scope}${submissionId}`;

export const codeKey = (code: string): string => `${CODE_PREFIX}${code}`;

// --- reply decoding -------------------------------------------------------------------------------

const str = (reply: unknown): string | null => (reply == null ? null : String(reply));
const num = (reply: unknown): number => Number(reply ?? 0);
const list = (reply: unknown): unknown[] => (Array.isArray(reply) ? reply : []);

/** Stored participant: a '0'/'1' flag (active/removed) followed by the JSON. */
function decodeParticipant(stored: unknown): Participant | null {
  const s = str(stored);
  if (s === null) return null;
  return { ...(JSON.parse(s.slice(1)) as Participant), removed: s[0] === '1' };
}

/** Stored record: "<rev>|<value>". */
function decodeRecord(stored: unknown): StoredRecord | null {
  const s = str(stored);
  if (s === null) return null;
  const bar = s.indexOf('|');
  return { rev: Number(s.slice(0, bar)), value: s.slice(bar + 1) };
}

/** HGETALL reply (flat [field, value, …]) as pairs. */
function pairs(reply: unknown): Array<[string, unknown]> {
  const flat = list(reply);
  const out: Array<[string, unknown]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([String(flat[i]), flat[i + 1]]);
  return out;
}

// --- the store ----------------------------------------------------------------------------------

export class RedisRoomStore implements RoomStore {
  readonly kind = 'redis' as const;
  readonly driver: 'node-redis' | 'glide';

  constructor(private readonly exec: RedisExec) {
    this.driver = exec.driver;
  }

  async createRoom(room: RoomState, secrets: RoomSecrets): Promise<boolean> {
    const k = roomKeys(room.id);
    const res = await this.exec.script(
      CREATE_ROOM,
      [codeKey(room.code), k.room, k.secrets],
      [room.id, JSON.stringify(room), String(room.version), room.code, secrets.facilitator, secrets.cohost, secrets.display],
    );
    return num(res) === 1;
  }

  async roomIdByCode(code: string): Promise<string | null> {
    return str(await this.exec.command(['GET', codeKey(code)]));
  }

  async getRoom(roomId: string): Promise<RoomState | null> {
    const s = str(await this.exec.command(['HGET', roomKeys(roomId).room, 'state']));
    return s === null ? null : (JSON.parse(s) as RoomState);
  }

  async getRoomVersion(roomId: string): Promise<number | null> {
    const v = str(await this.exec.command(['HGET', roomKeys(roomId).room, 'version']));
    return v === null ? null : Number(v);
  }

  async getSecrets(roomId: string): Promise<RoomSecrets | null> {
    const [facilitator, cohost, display] = list(await this.exec.command(['HMGET', roomKeys(roomId).secrets, 'facilitator', 'cohost', 'display'])).map(str);
    return facilitator && cohost && display ? { facilitator, cohost, display } : null;
  }

  async casRoom(roomId: string, expectedVersion: number, next: RoomState): Promise<boolean> {
    checkNextRoom(roomId, next);
    const res = await this.exec.script(CAS_ROOM, [roomKeys(roomId).room], [String(expectedVersion), JSON.stringify(next), String(next.version), next.code]);
    return num(res) === 1;
  }

  async addParticipant(roomId: string, participant: Participant, opts: AddParticipantOptions): Promise<AddParticipantResult> {
    const k = roomKeys(roomId);
    const [status, stored] = list(
      await this.exec.script(
        ADD_PARTICIPANT,
        [k.room, k.participants, k.order, k.tokens, k.joins, k.pmeta, k.banned],
        [participant.id, JSON.stringify({ ...participant, removed: false }), opts.tokenHash, opts.joinId, opts.deviceHash, String(opts.cap)],
      ),
    );
    switch (status) {
      case 'created':
      case 'existing':
        return { status, participant: decodeParticipant(stored)! };
      case 'full':
      case 'banned':
        return { status };
      case 'missing':
        throw new RoomNotFoundError(roomId);
      default:
        throw new Error(`canopy store: unexpected addParticipant reply ${String(status)}`);
    }
  }

  async getParticipant(roomId: string, participantId: string): Promise<Participant | null> {
    return decodeParticipant(await this.exec.command(['HGET', roomKeys(roomId).participants, participantId]));
  }

  async participantByToken(roomId: string, tokenHash: string): Promise<Participant | null> {
    const k = roomKeys(roomId);
    const p = decodeParticipant(await this.exec.script(PARTICIPANT_BY_TOKEN, [k.tokens, k.participants], [tokenHash]));
    return p && !p.removed ? p : null;
  }

  async listParticipants(roomId: string): Promise<Participant[]> {
    const k = roomKeys(roomId);
    return list(await this.exec.script(LIST_PARTICIPANTS, [k.order, k.participants], [])).map((s) => decodeParticipant(s)!);
  }

  async countParticipants(roomId: string): Promise<number> {
    return num(await this.exec.command(['HGET', roomKeys(roomId).room, 'active']));
  }

  async removeParticipant(roomId: string, participantId: string): Promise<boolean> {
    const k = roomKeys(roomId);
    const res = await this.exec.script(REMOVE_PARTICIPANT, [k.room, k.participants, k.tokens, k.pmeta, k.banned], [participantId]);
    return num(res) === 1;
  }

  async eraseParticipant(roomId: string, participantId: string): Promise<boolean> {
    const k = roomKeys(roomId);
    const res = await this.exec.script(ERASE_PARTICIPANT, [k.room, k.participants, k.order, k.tokens, k.joins, k.pmeta], [participantId]);
    return num(res) === 1;
  }

  async getRecord(roomId: string, stepId: string, scope: string): Promise<StoredRecord | null> {
    return decodeRecord(await this.exec.command(['HGET', roomKeys(roomId).step(stepId).records, scope]));
  }

  async getRecordRev(roomId: string, stepId: string, scope: string): Promise<number> {
    return Number(await this.exec.script(RECORD_REV, [roomKeys(roomId).step(stepId).records], [scope]));
  }

  async writeRecord(roomId: string, stepId: string, scope: string, write: RecordWrite): Promise<RecordWriteResult> {
    checkRecordWrite(write);
    const k = roomKeys(roomId);
    const s = k.step(stepId);
    const deltas = Object.entries(write.counters).flatMap(([name, d]) => (d === 0 ? [] : [name, String(d)]));
    const [status, arg] = list(
      await this.exec.script(
        WRITE_RECORD,
        [k.room, s.records, s.counters, s.subs, k.registry, k.participants],
        [scope, subsField(scope, write.submissionId), String(write.expectedRev), write.value, write.writer ?? '', ...deltas],
      ),
    );
    switch (status) {
      case 'ok':
      case 'duplicate':
        return { status, rev: num(arg) };
      case 'conflict':
        return { status, current: decodeRecord(arg) };
      case 'gone':
        return { status };
      case 'missing':
        throw new RoomNotFoundError(roomId);
      default:
        throw new Error(`canopy store: unexpected writeRecord reply ${String(status)}`);
    }
  }

  async wasApplied(roomId: string, stepId: string, scope: string, submissionId: string): Promise<number | null> {
    const rev = str(await this.exec.command(['HGET', roomKeys(roomId).step(stepId).subs, subsField(scope, submissionId)]));
    return rev === null ? null : Number(rev);
  }

  async listRecords(roomId: string, stepId: string): Promise<Array<StoredRecord & { scope: string }>> {
    const reply = await this.exec.command(['HGETALL', roomKeys(roomId).step(stepId).records]);
    return pairs(reply).map(([scope, stored]) => ({ scope, ...decodeRecord(stored)! }));
  }

  async getCounters(roomId: string, stepId: string): Promise<Counters> {
    const reply = await this.exec.command(['HGETALL', roomKeys(roomId).step(stepId).counters]);
    return Object.fromEntries(pairs(reply).map(([name, n]) => [name, num(n)]));
  }

  async deleteRecord(roomId: string, stepId: string, scope: string, del: RecordDelete): Promise<RecordDeleteResult> {
    checkRecordWrite(del);
    const k = roomKeys(roomId);
    const s = k.step(stepId);
    const deltas = Object.entries(del.counters).flatMap(([name, d]) => (d === 0 ? [] : [name, String(d)]));
    const [status, arg] = list(
      await this.exec.script(DELETE_RECORD, [k.room, s.records, s.counters, s.subs], [scope, `${scope.length}:${scope}`, String(del.expectedRev), ...deltas]),
    );
    switch (status) {
      case 'ok':
        return { status };
      case 'conflict':
        return { status, current: decodeRecord(arg) };
      case 'missing':
        throw new RoomNotFoundError(roomId);
      default:
        throw new Error(`canopy store: unexpected deleteRecord reply ${String(status)}`);
    }
  }

  async expireRoom(roomId: string, seconds: number, atVersion?: number): Promise<boolean> {
    checkExpiry(seconds);
    const res = await this.exec.script(EXPIRE_ROOM, fixedKeys(roomId), [
      CODE_PREFIX,
      roomId,
      String(Math.round(seconds * 1000)),
      atVersion === undefined ? '' : String(atVersion),
    ]);
    return num(res) === 1;
  }

  async deleteRoom(roomId: string): Promise<void> {
    await this.exec.script(DELETE_ROOM, fixedKeys(roomId), [CODE_PREFIX, roomId]);
  }

  async ping(): Promise<void> {
    await this.exec.command(['PING']);
  }

  close(): Promise<void> {
    return this.exec.close();
  }
}
