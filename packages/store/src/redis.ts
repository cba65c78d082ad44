/**
 * The Redis/Valkey room store: one class, any client library behind the tiny `RedisExec`
 * interface (see `exec-node-redis.ts`, `exec-glide.ts`). All logic lives here and in `lua.ts`.
 *
 * Key layout — every key of a room carries the hash tag `{<roomId>}`, so a room lives in one
 * Cluster slot and its scripts stay single-slot; the code index lives in the code's own slot:
 *
 *   canopy:code:<CODE>                      string  → roomId
 *   canopy:{<roomId>}:room                  hash    state (RoomState JSON), version, code, active (count), waiting (count),
 *                                                   bytes (record values + remembered submission ids, see roomBytes)
 *   canopy:{<roomId>}:secrets               hash    facilitator, cohost, display (token hashes)
 *   canopy:{<roomId>}:participants          hash    participantId → flag + Participant JSON
 *                                                   (flag '0' active, '1' removed, '2' waiting; overrides `removed`/`waiting`)
 *   canopy:{<roomId>}:order                 list    participantIds in join order
 *   canopy:{<roomId>}:tokens                hash    tokenHash → participantId (active participants only)
 *   canopy:{<roomId>}:joins                 hash    joinId → participantId
 *   canopy:{<roomId>}:pmeta                 hash    tok:<participantId> → tokenHash, dev:<participantId> → deviceHash,
 *                                                   join:<participantId> → joinId
 *   canopy:{<roomId>}:banned                set     deviceHashes of removed participants, and "n:<name hash>" of their nicknames
 *   canopy:{<roomId>}:keys                  set     registry of the room's per-step keys below
 *   canopy:{<roomId>}:step:<stepId>:records hash    scope → "<rev>|<value>"
 *   canopy:{<roomId>}:step:<stepId>:counters hash   counter → integer (zeros are deleted)
 *   canopy:{<roomId>}:step:<stepId>:subs    hash    "<scope length>:<scope><submissionId>" → rev it produced, and the
 *                                                   dedupe window's ring: "#<scope length>:<scope>:<rev mod window>" →
 *                                                   the field above that produced that rev (at most `dedupeWindow` per record)
 *
 * `deleteRoom` deletes the fixed keys, every key in the registry and the code key — no SCAN.
 * `expireRoom` sets the same deadline (PEXPIRE) on all of them; every script that may create a key
 * gives it the room hash's deadline (PEXPIRETIME, Redis/Valkey 7+), so a room's keys expire together.
 *
 * The code index and the room are in different slots (a code key in the room's slot could not be
 * found by code), so the operations that touch both are two single-slot steps, the same on one
 * server and on a Cluster, ordered so that a code never names a room it should not:
 *
 * - `createRoom`: claim the code (`SET NX`), then write the room. If the room cannot be written,
 *   the claim is released and the call rejects. Only if this process dies between the two steps
 *   (or Redis fails during the release) does a code stay claimed by a room that does not exist:
 *   lookups answer it like an unknown code, and the code is not handed out again.
 * - `deleteRoom`: release the code (if it still names this room), then delete the room. A failure
 *   in between leaves a room no code finds (it keeps its deadline); calling again finishes it.
 * - `expireRoom`: set the room's deadline, then give the code key the same deadline (PEXPIREAT).
 *
 * With `waitReplicas` (REDIS_WAIT_REPLICAS), every write resolves only once that many replicas
 * have acknowledged it (`WAIT`, shared by the writes of one connection, see `wait.ts`); fewer within
 * `waitTimeoutMs` rejects with `ReplicationError` — the write is on the master, not yet safe from its
 * loss; a retry with the same joinId/submissionId answers it once a replica has it.
 */
import type { Counters, Participant, RoomState } from '@canopy/core';
import type { LuaScript } from './lua.js';
import {
  ADD_PARTICIPANT,
  ADMIT_PARTICIPANT,
  CAS_ROOM,
  CREATE_ROOM,
  DELETE_RECORD,
  DELETE_ROOM,
  ERASE_PARTICIPANT,
  EXPIRE_CODE,
  EXPIRE_ROOM,
  RELEASE_CODE,
  LIST_PARTICIPANTS,
  PARTICIPANT_BY_TOKEN,
  REMOVE_PARTICIPANT,
  WRITE_RECORDS,
  RECORD_REV,
  READ_FOR_ANSWER,
} from './lua.js';
import { checkExpiry, checkNextRoom, checkRecordWrite, checkWindow, DEDUPE_WINDOW, RoomNotFoundError, subsField } from './shared.js';
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

/**
 * What the store needs from a client library. Replies are RESP2-shaped: strings, integers,
 * null and arrays. Every method rejects when the server cannot be reached or answers an error.
 * On a Cluster, everything is routed to the master of the slot of the key given (a script's
 * first key).
 */
export interface RedisExec {
  readonly driver: 'node-redis' | 'glide';
  /** a Redis Cluster behind it (else one server) */
  readonly cluster: boolean;
  /** Run a script atomically (EVALSHA, loading the script when the server does not know it). */
  script(script: LuaScript, keys: string[], args: string[]): Promise<unknown>;
  /** Run one command, e.g. `['HGET', key, field]`, on the node serving `key` (none: every master, e.g. PING). */
  command(args: string[], key?: string): Promise<unknown>;
  /**
   * `WAIT replicas timeoutMs` on the connection to `key`'s master, sent after every write already
   * answered on it: resolves with how many replicas acknowledged them.
   */
  wait(key: string, replicas: number, timeoutMs: number): Promise<number>;
  close(): Promise<void>;
}

export interface RedisStoreOptions {
  /** acknowledge a write only once this many replicas have it (0: as soon as the master has it); default 0 */
  waitReplicas?: number;
  /** how long a write waits for them before it rejects; default 500 ms */
  waitTimeoutMs?: number;
  /** submission ids each record remembers; default DEDUPE_WINDOW */
  dedupeWindow?: number;
}

/**
 * A write reached the master but not enough replicas within the timeout: it is not acknowledged
 * (it may still be there, or be lost if the master dies now). Retrying with the same ids is safe.
 */
export class ReplicationError extends Error {
  constructor(
    readonly replicas: number,
    readonly wanted: number,
    timeoutMs: number,
  ) {
    super(`canopy store: the write reached ${replicas} of ${wanted} replicas within ${timeoutMs} ms`);
    this.name = 'ReplicationError';
  }
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

export const codeKey = (code: string): string => `${CODE_PREFIX}${code}`;

// --- reply decoding -------------------------------------------------------------------------------

const str = (reply: unknown): string | null => (reply == null ? null : String(reply));
const num = (reply: unknown): number => Number(reply ?? 0);
const list = (reply: unknown): unknown[] => (Array.isArray(reply) ? reply : []);

/** Stored participant: a '0'/'1'/'2' flag (active/removed/waiting) followed by the JSON. */
function decodeParticipant(stored: unknown): Participant | null {
  const s = str(stored);
  if (s === null) return null;
  const { waiting: _stored, ...rest } = JSON.parse(s.slice(1)) as Participant;
  return { ...rest, removed: s[0] === '1', ...(s[0] === '2' ? { waiting: true as const } : {}) };
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

/**
 * Calls joined by key until the scheduled moment (`process.nextTick`: this tick; `setImmediate`:
 * this turn of the event loop, after its I/O), then handed over together: the first call of a key
 * opens its batch and schedules the hand-over.
 */
class Batches<T> {
  private readonly open = new Map<string, T[]>();

  constructor(private readonly schedule: (fn: () => void) => void) {}

  add(key: string, item: T, flush: (batch: T[]) => void): void {
    const batch = this.open.get(key);
    if (batch) return void batch.push(item);
    const opened = [item];
    this.open.set(key, opened);
    this.schedule(() => {
      this.open.delete(key);
      flush(opened);
    });
  }
}

type Settles<R> = { resolve(r: R): void; reject(e: unknown): void };

// --- the store ----------------------------------------------------------------------------------

export class RedisRoomStore implements RoomStore {
  readonly kind = 'redis' as const;
  readonly driver: 'node-redis' | 'glide';

  private readonly waitReplicas: number;
  private readonly waitTimeoutMs: number;
  readonly dedupeWindow: number;
  /** answers' reads made in this turn of the event loop, by room and step, not sent yet (see readForAnswer) */
  private readonly reads = new Batches<{ scope: string; field: string } & Settles<AnswerRead>>((fn) => setImmediate(fn));
  /** record writes made in this tick, by room, not sent yet (see writeRecord) */
  private readonly writes = new Batches<RecordBatchWrite & Settles<RecordWriteResult>>((fn) => process.nextTick(fn));

  constructor(
    private readonly exec: RedisExec,
    opts: RedisStoreOptions = {},
  ) {
    this.driver = exec.driver;
    this.waitReplicas = opts.waitReplicas ?? 0;
    this.waitTimeoutMs = opts.waitTimeoutMs ?? 500;
    this.dedupeWindow = checkWindow(opts.dedupeWindow ?? DEDUPE_WINDOW);
    if (!Number.isInteger(this.waitReplicas) || this.waitReplicas < 0)
      throw new TypeError(`canopy store: waitReplicas must be a whole number, got ${this.waitReplicas}`);
  }

  /** Run a write script and, with `waitReplicas`, resolve only once enough replicas have it. */
  private async write(script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    const res = await this.exec.script(script, keys, args);
    await this.replicated(keys[0]!);
    return res;
  }

  /** With `waitReplicas`: every write answered so far on the connection to `key`'s master is on that many replicas. */
  private async replicated(key: string): Promise<void> {
    if (this.waitReplicas === 0) return;
    const got = await this.exec.wait(key, this.waitReplicas, this.waitTimeoutMs);
    if (got < this.waitReplicas) throw new ReplicationError(got, this.waitReplicas, this.waitTimeoutMs);
  }

  private async cmd(key: string, args: string[]): Promise<unknown> {
    return this.exec.command(args, key);
  }

  async createRoom(room: RoomState, secrets: RoomSecrets): Promise<boolean> {
    const k = roomKeys(room.id);
    const code = codeKey(room.code);
    // 1. claim the code, 2. write the room (see the top of this file)
    if ((await this.cmd(code, ['SET', code, room.id, 'NX'])) === null) return false;
    try {
      await this.replicated(code);
      await this.write(
        CREATE_ROOM,
        [k.room, k.secrets],
        [JSON.stringify(room), String(room.version), room.code, secrets.facilitator, secrets.cohost, secrets.display],
      );
    } catch (err) {
      await this.exec.script(RELEASE_CODE, [code], [room.id]).catch(() => {});
      throw err;
    }
    return true;
  }

  async roomIdByCode(code: string): Promise<string | null> {
    const key = codeKey(code);
    return str(await this.cmd(key, ['GET', key]));
  }

  async getRoom(roomId: string): Promise<RoomState | null> {
    const key = roomKeys(roomId).room;
    const s = str(await this.cmd(key, ['HGET', key, 'state']));
    return s === null ? null : (JSON.parse(s) as RoomState);
  }

  async getRoomVersion(roomId: string): Promise<number | null> {
    const key = roomKeys(roomId).room;
    const v = str(await this.cmd(key, ['HGET', key, 'version']));
    return v === null ? null : Number(v);
  }

  async getSecrets(roomId: string): Promise<RoomSecrets | null> {
    const key = roomKeys(roomId).secrets;
    const [facilitator, cohost, display] = list(await this.cmd(key, ['HMGET', key, 'facilitator', 'cohost', 'display'])).map(str);
    return facilitator && cohost && display ? { facilitator, cohost, display } : null;
  }

  async casRoom(roomId: string, expectedVersion: number, next: RoomState): Promise<boolean> {
    checkNextRoom(roomId, next);
    const res = await this.write(CAS_ROOM, [roomKeys(roomId).room], [String(expectedVersion), JSON.stringify(next), String(next.version), next.code]);
    return num(res) === 1;
  }

  async addParticipant(roomId: string, participant: Participant, opts: AddParticipantOptions): Promise<AddParticipantResult> {
    const k = roomKeys(roomId);
    const [status, stored] = list(
      await this.write(
        ADD_PARTICIPANT,
        [k.room, k.participants, k.order, k.tokens, k.joins, k.pmeta, k.banned],
        [
          participant.id,
          JSON.stringify({ ...participant, removed: false }),
          opts.tokenHash,
          opts.joinId,
          opts.deviceHash,
          String(opts.cap),
          opts.waiting ? '1' : '0',
        ],
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
    const key = roomKeys(roomId).participants;
    return decodeParticipant(await this.cmd(key, ['HGET', key, participantId]));
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
    const key = roomKeys(roomId).room;
    return num(await this.cmd(key, ['HGET', key, 'active']));
  }

  async admitParticipant(roomId: string, participantId: string): Promise<boolean> {
    const k = roomKeys(roomId);
    return num(await this.write(ADMIT_PARTICIPANT, [k.room, k.participants], [participantId])) === 1;
  }

  async removeParticipant(roomId: string, participantId: string, opts?: RemoveOptions): Promise<boolean> {
    const k = roomKeys(roomId);
    const res = await this.write(
      REMOVE_PARTICIPANT,
      [k.room, k.participants, k.tokens, k.pmeta, k.banned],
      [participantId, opts?.nameHash ? `n:${opts.nameHash}` : ''],
    );
    return num(res) === 1;
  }

  async wasRemoved(roomId: string, nameHash: string): Promise<boolean> {
    const key = roomKeys(roomId).banned;
    return num(await this.cmd(key, ['SISMEMBER', key, `n:${nameHash}`])) === 1;
  }

  async eraseParticipant(roomId: string, participantId: string, opts?: { onlyWaiting?: boolean }): Promise<boolean> {
    const k = roomKeys(roomId);
    const res = await this.write(
      ERASE_PARTICIPANT,
      [k.room, k.participants, k.order, k.tokens, k.joins, k.pmeta],
      [participantId, opts?.onlyWaiting ? '1' : '0'],
    );
    return num(res) === 1;
  }

  async getRecord(roomId: string, stepId: string, scope: string): Promise<StoredRecord | null> {
    const key = roomKeys(roomId).step(stepId).records;
    return decodeRecord(await this.cmd(key, ['HGET', key, scope]));
  }

  async getRecordRev(roomId: string, stepId: string, scope: string): Promise<number> {
    return Number(await this.exec.script(RECORD_REV, [roomKeys(roomId).step(stepId).records], [scope]));
  }

  /**
   * Joins the batch of writes to this room made in this tick (sent with `writeRecords` once the
   * tick's work is done: answers that arrive together cost one script call, not one each).
   */
  writeRecord(roomId: string, stepId: string, scope: string, write: RecordWrite): Promise<RecordWriteResult> {
    try {
      checkRecordWrite(write);
      roomKeys(roomId);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return new Promise((resolve, reject) => {
      this.writes.add(roomId, { stepId, scope, write, resolve, reject }, (batch) => this.flush(roomId, batch));
    });
  }

  private flush(roomId: string, batch: ReadonlyArray<RecordBatchWrite & Settles<RecordWriteResult>>): void {
    this.writeRecords(roomId, batch).then(
      (results) => batch.forEach((w, i) => w.resolve(results[i]!)),
      (err: unknown) => batch.forEach((w) => w.reject(err)),
    );
  }

  async writeRecords(roomId: string, writes: readonly RecordBatchWrite[]): Promise<RecordWriteResult[]> {
    if (!writes.length) return [];
    const k = roomKeys(roomId);
    const keys = [k.room, k.registry, k.participants];
    const steps = new Map<string, number>();
    const args = [String(this.dedupeWindow)];
    for (const { stepId, scope, write } of writes) {
      checkRecordWrite(write);
      let step = steps.get(stepId);
      if (step === undefined) {
        steps.set(stepId, (step = steps.size));
        const s = k.step(stepId);
        keys.push(s.records, s.counters, s.subs);
      }
      const deltas = Object.entries(write.counters).flatMap(([name, d]) => (d === 0 ? [] : [name, String(d)]));
      args.push(
        String(step),
        scope,
        subsField(scope, write.submissionId),
        String(write.expectedRev),
        write.value,
        write.writer ?? '',
        write.roomVersion === undefined ? '' : String(write.roomVersion),
        write.maxRoomBytes === undefined ? '' : String(write.maxRoomBytes),
        `#${scope.length}:${scope}:`,
        String(deltas.length / 2),
        ...deltas,
      );
    }
    const reply = list(await this.write(WRITE_RECORDS, keys, args));
    if (reply[0] === 'missing') throw new RoomNotFoundError(roomId);
    if (reply.length !== writes.length) throw new Error(`canopy store: writeRecords answered ${reply.length} of ${writes.length} writes`);
    return reply.map((one) => {
      const [status, arg] = list(one);
      switch (status) {
        case 'ok':
        case 'duplicate':
          return { status, rev: num(arg) };
        case 'conflict':
          return { status, current: decodeRecord(arg) };
        case 'gone':
        case 'stale':
          return { status };
        case 'capped':
          return { status, used: num(arg) };
        default:
          throw new Error(`canopy store: unexpected writeRecords reply ${String(status)}`);
      }
    });
  }

  async wasApplied(roomId: string, stepId: string, scope: string, submissionId: string): Promise<number | null> {
    const key = roomKeys(roomId).step(stepId).subs;
    const rev = str(await this.cmd(key, ['HGET', key, subsField(scope, submissionId)]));
    if (rev === null) return null;
    // a duplicate is answered like the first write: only once it is as safe as an acknowledged one
    await this.replicated(key);
    return Number(rev);
  }

  /**
   * Joins the reads for answers to this room's step made in this turn of the event loop (answers
   * from many sockets arrive in one turn): sent as one script call once the turn's I/O is done
   * (`setImmediate`), so answers that arrive together cost one call, not one each.
   */
  readForAnswer(roomId: string, stepId: string, scope: string, submissionId: string): Promise<AnswerRead> {
    try {
      roomKeys(roomId).step(stepId);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return new Promise((resolve, reject) => {
      this.reads.add(
        `${roomId} ${stepId}`,
        { scope, field: subsField(scope, submissionId), resolve, reject },
        (batch) => void this.flushReads(roomId, stepId, batch),
      );
    });
  }

  private async flushReads(roomId: string, stepId: string, batch: ReadonlyArray<{ scope: string; field: string } & Settles<AnswerRead>>): Promise<void> {
    let reply: unknown;
    const s = roomKeys(roomId).step(stepId);
    try {
      reply = await this.exec.script(
        READ_FOR_ANSWER,
        [roomKeys(roomId).room, s.records, s.subs],
        batch.flatMap((r) => [r.scope, r.field]),
      );
    } catch (err) {
      for (const r of batch) r.reject(err);
      return;
    }
    const [version, ...each] = list(reply).map(str);
    batch.forEach((r, i) => {
      // each answer gets its own result or its own refusal: one bad record does not hold up the others
      try {
        const [applied, stored] = [each[2 * i], each[2 * i + 1]];
        const read = { version: version == null ? null : Number(version), applied: applied == null ? null : Number(applied), stored: decodeRecord(stored) };
        // a duplicate is answered like the first write: only once it is as safe as an acknowledged one (as wasApplied)
        if (applied == null) r.resolve(read);
        else this.replicated(s.subs).then(() => r.resolve(read), r.reject);
      } catch (err) {
        r.reject(err);
      }
    });
  }

  async listRecords(roomId: string, stepId: string): Promise<Array<StoredRecord & { scope: string }>> {
    const key = roomKeys(roomId).step(stepId).records;
    const reply = await this.cmd(key, ['HGETALL', key]);
    return pairs(reply).map(([scope, stored]) => ({ scope, ...decodeRecord(stored)! }));
  }

  async countRecords(roomId: string, stepId: string): Promise<number> {
    const key = roomKeys(roomId).step(stepId).records;
    return num(await this.cmd(key, ['HLEN', key]));
  }

  async roomBytes(roomId: string): Promise<number> {
    const key = roomKeys(roomId).room;
    return num(await this.cmd(key, ['HGET', key, 'bytes']));
  }

  async getCounters(roomId: string, stepId: string): Promise<Counters> {
    const key = roomKeys(roomId).step(stepId).counters;
    const reply = await this.cmd(key, ['HGETALL', key]);
    return Object.fromEntries(pairs(reply).map(([name, n]) => [name, num(n)]));
  }

  async deleteRecord(roomId: string, stepId: string, scope: string, del: RecordDelete): Promise<RecordDeleteResult> {
    checkRecordWrite(del);
    const k = roomKeys(roomId);
    const s = k.step(stepId);
    const deltas = Object.entries(del.counters).flatMap(([name, d]) => (d === 0 ? [] : [name, String(d)]));
    const [status, arg] = list(
      await this.write(DELETE_RECORD, [k.room, s.records, s.counters, s.subs], [scope, `${scope.length}:${scope}`, String(del.expectedRev), ...deltas]),
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
    const [deadline, code] = list(
      await this.write(EXPIRE_ROOM, fixedKeys(roomId), [String(Math.round(seconds * 1000)), atVersion === undefined ? '' : String(atVersion)]),
    );
    if (num(deadline) <= 0) return false;
    // then the code index, in its own slot, takes the same deadline
    const c = str(code);
    if (c !== null) {
      const key = codeKey(c);
      await this.write(EXPIRE_CODE, [key], [roomId, String(num(deadline))]);
    }
    return true;
  }

  async deleteRoom(roomId: string): Promise<void> {
    const k = roomKeys(roomId);
    // 1. release the code (if it still names this room), 2. delete the room (see the top of this file)
    const code = str(await this.cmd(k.room, ['HGET', k.room, 'code']));
    if (code !== null) await this.write(RELEASE_CODE, [codeKey(code)], [roomId]);
    await this.write(DELETE_ROOM, fixedKeys(roomId), []);
  }

  async ping(): Promise<void> {
    await this.exec.command(['PING']);
  }

  close(): Promise<void> {
    return this.exec.close();
  }
}
