/**
 * The chaos suite's stage: real Canopy server processes as they ship (`node apps/server/dist/main.js`,
 * rebuilt first when its sources are newer),
 * their own redis-server with AOF (appendfsync everysec, Redis's default) on free ports, real
 * socket.io clients through the SDK, and a small TCP proxy that can stand in front of anything
 * (a load balancer in front of the nodes, a bad network link in front of Redis or a phone).
 *
 * Nothing here sleeps for a fixed time: `until` polls a condition against a deadline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectRoom, createApi, newParticipantToken, randomId, type ConnectOptions, type RoomConnection, type RoomSnapshot } from '@canopy/client';
import { ownScope, SHARED_SCOPE, type NewRoom, type Participant } from '@canopy/core';
import { createStore, type RoomStore } from '@canopy/store';
import { freePort, startRedisServer, type RedisServer, type RedisServerOptions } from '@canopy/store/testing';
import { ensureServerBuild, SERVER_ENTRY } from '../../apps/server/build.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** A deadline for anything a test waits for: generous, this machine is shared and slow. */
export const WAIT_MS = 20_000;
const BOOT_MS = 60_000;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Resolve with the first truthy value `probe` returns, polling until the deadline; then reject,
 * naming what was awaited. Errors thrown by the probe count as "not yet".
 */
export async function until<T>(what: string, probe: () => T | Promise<T>, timeoutMs = WAIT_MS): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for: ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await pause(25);
  }
}

// --- processes ------------------------------------------------------------------------------------

const everything = new Set<{ dispose(): Promise<void> | void }>();
process.once('exit', () => {
  for (const n of everything) if (n instanceof CanopyNode) n.proc?.kill('SIGKILL');
});

/** Env that keeps the suite's own traffic (all from 127.0.0.1) clear of the per-address brakes. */
export const ROOMY: Record<string, string> = {
  JOIN_RATE_PER_MIN: '100000',
  JOIN_FAILURES_PER_10MIN: '100000',
  CREATE_RATE_PER_HOUR: '100000',
  SOCKET_MSGS_PER_SEC: '100000',
  TOKEN_MSGS_PER_SEC: '100000',
  COSTLY_READS_PER_MIN: '1000000',
};

/** One Canopy server process. `start` again after a kill brings it back on the same port. */
export class CanopyNode {
  proc: ChildProcess | null = null;
  private out = '';
  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    everything.add(this);
  }

  static async start(name: string, env: Record<string, string>): Promise<CanopyNode> {
    const node = new CanopyNode(name, await freePort(), env);
    await node.start();
    return node;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** everything the process printed (its JSON log lines) */
  output(): string {
    return this.out;
  }

  async start(): Promise<void> {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(this.port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...this.env };
    if (!this.env.WEB_BUILD_DIR) delete env.WEB_BUILD_DIR;
    if (!this.env.ALLOWED_ORIGINS) delete env.ALLOWED_ORIGINS;
    await ensureServerBuild();
    const proc = spawn(process.execPath, [SERVER_ENTRY], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    const keep = (d: unknown) => (this.out = (this.out + String(d)).slice(-400_000));
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    await until(
      `${this.name} to answer its health check`,
      async () => {
        if (proc.exitCode !== null) throw Object.assign(new Error(`${this.name} exited with ${proc.exitCode}:\n${this.out.slice(-3000)}`), { fatal: true });
        const res = await fetch(`${this.url}/healthz`);
        return res.ok;
      },
      BOOT_MS,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${this.out.slice(-3000)}`);
    });
  }

  /** Send a signal and resolve with how the process ended. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const proc = this.proc;
    if (!proc) return { code: null, signal: null };
    if (proc.exitCode !== null || proc.signalCode !== null) return { code: proc.exitCode, signal: proc.signalCode };
    const gone = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.once('exit', (code, sig) => r({ code, signal: sig })));
    proc.kill(signal);
    const force = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    const how = await gone;
    clearTimeout(force);
    return how;
  }

  /** Resident memory of the process, in MB (Linux /proc). */
  rssMb(): number {
    const status = readFileSync(`/proc/${this.proc!.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  }

  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    everything.delete(this);
  }
}

/** A redis-server of the test's own: AOF on (fsync every second), on a free port. */
export function redisWithAof(opts: RedisServerOptions = {}): Promise<RedisServer> {
  return startRedisServer({ appendonly: true, ...opts });
}

/** A store client of the test's own, to look at what is really stored (`cluster`: REDIS_URL lists a cluster's nodes). */
export function openStore(redisUrl: string, cluster = false): Promise<RoomStore> {
  return createStore({ redisUrl, cluster, driver: 'node-redis' });
}

// --- the TCP proxy ------------------------------------------------------------------------------

/**
 * A TCP proxy on a free port. In front of server nodes it is a load balancer (round robin over
 * the backends that accept a connection); in front of Redis or a client it is a network link
 * that can be cut (open connections dropped, new ones refused), slowed or healed.
 */
export class TcpProxy {
  private readonly server: net.Server;
  private readonly links = new Set<net.Socket>();
  private rr = 0;
  private refusing = false;
  private delayMs = 0;
  /** connections accepted so far, per backend port */
  readonly accepted = new Map<number, number>();

  private constructor(
    public backends: number[],
    readonly port: number,
    server: net.Server,
  ) {
    this.server = server;
  }

  static async start(backends: number[]): Promise<TcpProxy> {
    const server = net.createServer();
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const proxy = new TcpProxy(backends, (server.address() as net.AddressInfo).port, server);
    server.on('connection', (c) => proxy.accept(c));
    everything.add(proxy);
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get redisUrl(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Drop every open connection and refuse new ones until `heal`. */
  cut(): void {
    this.refusing = true;
    this.dropAll();
  }

  /** Drop every open connection (new ones are let through). */
  dropAll(): void {
    for (const s of this.links) s.destroy();
    this.links.clear();
  }

  /** Every byte, both ways, arrives this much later (order kept). */
  slow(ms: number): void {
    this.delayMs = ms;
  }

  heal(): void {
    this.refusing = false;
    this.delayMs = 0;
  }

  private accept(client: net.Socket): void {
    if (this.refusing) return void client.destroy();
    client.pause();
    this.links.add(client);
    client.on('error', () => {});
    client.on('close', () => this.links.delete(client));
    const tryBackend = (left: number) => {
      if (left === 0 || client.destroyed) return void client.destroy();
      const port = this.backends[this.rr++ % this.backends.length]!;
      const up = net.connect({ host: '127.0.0.1', port });
      up.once('error', () => {
        up.destroy();
        tryBackend(left - 1);
      });
      up.once('connect', () => {
        up.removeAllListeners('error');
        up.on('error', () => {});
        if (client.destroyed || this.refusing) return void up.destroy();
        this.accepted.set(port, (this.accepted.get(port) ?? 0) + 1);
        this.links.add(up);
        up.on('close', () => {
          this.links.delete(up);
          client.destroy();
        });
        client.on('close', () => up.destroy());
        this.pipe(client, up);
        this.pipe(up, client);
        client.resume();
      });
    };
    tryBackend(this.backends.length);
  }

  /**
   * from → to, each chunk delayed by the current delay, in order: one queue a direction, drained by
   * one timer at a time. (A timer per chunk could fire out of order — timers count from the event
   * loop's cached clock, not `Date.now()` — and a byte stream delivered out of order hands Redis's
   * replies to the wrong commands, which no real link does.)
   */
  private pipe(from: net.Socket, to: net.Socket): void {
    const queue: Array<{ at: number; chunk: Buffer }> = [];
    let timer: NodeJS.Timeout | null = null;
    const drain = () => {
      timer = null;
      const now = Date.now();
      while (queue.length && queue[0]!.at <= now) {
        const { chunk } = queue.shift()!;
        if (!to.destroyed) to.write(chunk);
      }
      if (queue.length) timer = setTimeout(drain, queue[0]!.at - now);
    };
    from.on('data', (chunk: Buffer) => {
      if (this.delayMs === 0 && !queue.length) return void to.write(chunk);
      queue.push({ at: Math.max(Date.now() + this.delayMs, queue.at(-1)?.at ?? 0), chunk });
      timer ??= setTimeout(drain, queue[0]!.at - Date.now());
    });
  }

  async dispose(): Promise<void> {
    this.dropAll();
    await new Promise((r) => this.server.close(r));
    everything.delete(this);
  }
}

/** Kill and close everything a test file started (nodes, proxies). Redis servers stop themselves with the process. */
export async function disposeAll(): Promise<void> {
  await Promise.all([...everything].map((x) => x.dispose()));
}

// --- a workshop -----------------------------------------------------------------------------------

export interface Person {
  id: string;
  nickname: string;
  token: string;
  conn: RoomConnection;
}

/** A room opened over a node's API, and the means to fill it with people. */
export class Workshop {
  readonly screens: RoomConnection[] = [];
  private constructor(
    readonly roomId: string,
    readonly code: string,
    readonly tokens: { facilitator: string; cohost: string; display: string },
  ) {}

  static async open(url: string, room: Partial<NewRoom> & Pick<NewRoom, 'agenda'>): Promise<Workshop> {
    const c = await createApi(url).rooms.create.mutate({ title: 'Chaos workshop', ...room });
    return new Workshop(c.roomId, c.code, { facilitator: c.facilitatorToken, cohost: c.cohostToken, display: c.displayToken });
  }

  /** Open a screen of this room on `url` with any token (closed by `closeAll`). */
  screen(url: string, token: string, opts: Partial<ConnectOptions> = {}): RoomConnection {
    const conn = connectRoom({ url, roomId: this.roomId, token, transports: ['websocket'], ...opts });
    this.screens.push(conn);
    return conn;
  }

  /** The facilitator's console on `url`, welcomed. */
  async console(url: string, opts: Partial<ConnectOptions> = {}): Promise<RoomConnection> {
    const conn = this.screen(url, this.tokens.facilitator, opts);
    await welcomed(conn);
    return conn;
  }

  /** `n` people join through `apiUrl` and connect through `url` (both default to the same), welcomed. */
  async join(url: string, n: number, opts: Partial<ConnectOptions> & { apiUrl?: string; prefix?: string; department?: string } = {}): Promise<Person[]> {
    const api = createApi(opts.apiUrl ?? url);
    const people: Person[] = [];
    // a few at a time: fifty people do not all tap "Join" in the same millisecond
    for (let i = 0; i < n; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(10, n - i) }, async (_, k) => {
          const token = newParticipantToken();
          const nickname = `${opts.prefix ?? 'Person'} ${i + k + 1}`;
          const res = await api.rooms.join.mutate({
            code: this.code,
            nickname,
            token,
            deviceId: randomId(),
            ...(opts.department ? { department: opts.department } : {}),
          });
          const conn = this.screen(url, token, opts);
          return { id: res.participant.id, nickname: res.participant.nickname, token, conn };
        }),
      );
      people.push(...batch);
    }
    await Promise.all(people.map((p) => welcomed(p.conn)));
    return people;
  }

  closeAll(): void {
    for (const c of this.screens.splice(0)) c.close();
  }
}

/** Resolve once the connection is up and the server's welcome has arrived. */
export function welcomed(conn: RoomConnection, timeoutMs = WAIT_MS): Promise<RoomSnapshot> {
  return conn.until((s) => s.status === 'connected' && s.role !== null && s.stage !== null, timeoutMs);
}

/** Run a facilitator command and fail loudly if it is refused. */
export async function command(console_: RoomConnection, cmd: Parameters<RoomConnection['command']>[0]): Promise<number> {
  const res = await console_.command(cmd);
  if (!res.ok) throw new Error(`command ${cmd.type} refused: ${res.error.code} ${res.error.message}`);
  return res.version;
}

/** Send anything at all on a connection's socket and resolve with the answer (or 'no answer'). */
export async function emitRaw(
  conn: RoomConnection,
  event: string,
  ...args: unknown[]
): Promise<{ ok: boolean; error?: { code: string; message: string } } | 'no answer'> {
  const socket = conn.socket as unknown as { timeout(ms: number): { emitWithAck(e: string, ...a: unknown[]): Promise<unknown> } };
  try {
    return (await socket.timeout(WAIT_MS).emitWithAck(event, ...args)) as { ok: boolean };
  } catch {
    return 'no answer';
  }
}

// --- the activities, and answers to send in each ------------------------------------------------

const b64 = (n: number) =>
  Array.from({ length: n }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[Math.floor(Math.random() * 64)]).join('');
/** what a browser's seal() makes: an IV and ciphertext, here random bytes of the right shape */
export const sealedLabel = () => ({ iv: b64(16), ct: b64(40) });
const inAMonth = () => new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

export interface ActivityPlay {
  type: string;
  step: NewRoom['agenda'][number];
  /** what the facilitator does once everyone is on the step, before answers are taken */
  prepare?: (console_: RoomConnection, people: Person[]) => Promise<void>;
  /** the i-th answer of one person: every one a real change (or an upsert) the reducer accepts */
  input: (i: number, person: Person) => unknown;
}

/** Every activity that takes answers, with a stream of valid answers for each. */
export const PLAYS: ActivityPlay[] = [
  {
    type: 'mental-map',
    step: { id: 'map', type: 'mental-map', title: 'Your map', durationSec: 0, config: { maxEntries: 60 } },
    input: (i) => ({
      op: 'put',
      entry: {
        id: `entry-${String(i).padStart(3, '0')}`,
        label: sealedLabel(),
        sector: ['above', 'across', 'below', 'outside'][i % 4],
        ring: ['contact', 'colleague', 'ally', 'core'][i % 4],
        tags: [],
      },
    }),
  },
  {
    type: 'self-assessment',
    step: { id: 'self', type: 'self-assessment', title: 'How often?', durationSec: 0, config: {} },
    input: (i) => ({ op: 'rate', statementId: ['their-goals', 'offer-help', 'ask-impact'][i % 3], value: (i % 5) + 1 }),
  },
  {
    type: 'open-prompt',
    step: { id: 'ideas', type: 'open-prompt', title: 'Ideas', durationSec: 0, config: { maxAnswersPerPerson: 10 } },
    input: (i) => ({ op: 'answer', id: `a${i % 10}`, text: `Idea number ${i}` }),
  },
  {
    type: 'commitments',
    step: { id: 'commit', type: 'commitments', title: 'Commitments', durationSec: 0, config: { maxItems: 50 } },
    input: (i) => ({
      op: 'put',
      item: {
        id: `item-${String(i).padStart(3, '0')}`,
        whom: sealedLabel(),
        what: sealedLabel(),
        start: inAMonth(),
        cadence: 'monthly',
      },
    }),
  },
  {
    type: 'partnership',
    step: { id: 'meet', type: 'partnership', title: 'Partners', durationSec: 0, config: { groupSize: 2, rounds: 1 } },
    prepare: async (console_, people) => {
      const res = await console_.act('meet', { type: 'start-round' });
      if (!res.ok) throw new Error(`start-round refused: ${res.error.message}`);
      await Promise.all(people.map((p) => p.conn.until((s) => !!(s.activity?.data as { group?: unknown } | undefined)?.group, WAIT_MS)));
    },
    input: (i, p) => ({ op: 'add-note', promptId: 'purpose', id: `note-${p.id.slice(0, 8)}-${i}`, text: `${p.nickname}'s point ${i}` }),
  },
  {
    type: 'adversaries',
    step: { id: 'adv', type: 'adversaries', title: 'Worthy adversaries', durationSec: 0, config: {} },
    input: (i) => ({ op: 'stance', statementId: 'credit', value: (i % 7) + 1 }),
  },
];

export const play = (type: string): ActivityPlay => PLAYS.find((p) => p.type === type)!;

/** Bring a room whose agenda is `[step]` onto that step, ready for answers. */
export async function startPlay(p: ActivityPlay, console_: RoomConnection, people: Person[]): Promise<void> {
  await command(console_, { type: 'next' });
  await Promise.all(people.map((x) => x.conn.until((s) => s.stage?.step?.id === p.step.id && s.stage.phase !== null, WAIT_MS)));
  await p.prepare?.(console_, people);
}

/**
 * What the store holds for a step, checked against what clients saw acknowledged: every
 * acknowledged submission id was applied to some record, and the records' revisions add up to
 * exactly the number of distinct submissions (a submission applied twice would add one more).
 */
export async function audit(
  store: RoomStore,
  roomId: string,
  stepId: string,
  acked: Map<string, Set<string>>,
): Promise<{ missing: string[]; revs: number; submissions: number }> {
  const records = (await store.listRecords(roomId, stepId)).filter((r) => r.scope !== SHARED_SCOPE);
  const missing: string[] = [];
  let submissions = 0;
  const applied = async (participantId: string, sid: string) => {
    if ((await store.wasApplied(roomId, stepId, ownScope(participantId), sid)) !== null) return true;
    for (const r of records) if ((await store.wasApplied(roomId, stepId, r.scope, sid)) !== null) return true;
    return false;
  };
  await Promise.all(
    [...acked].map(async ([participantId, ids]) => {
      for (const sid of ids) {
        submissions++;
        if (!(await applied(participantId, sid))) missing.push(sid);
      }
    }),
  );
  return { missing, revs: records.reduce((n, r) => n + r.rev, 0), submissions };
}

/** Answers sent through the SDK, which retries until stored; what was acknowledged, per person. */
export class Answers {
  readonly acked = new Map<string, Set<string>>();
  readonly refused: string[] = [];
  /** acknowledgements that said "you had already sent this": a retry found its first try stored */
  duplicates = 0;
  private next = new Map<string, number>();
  constructor(private readonly p: ActivityPlay) {}
  get count(): number {
    return [...this.acked.values()].reduce((n, s) => n + s.size, 0);
  }
  /** One more answer from `person`; resolves when the server acknowledged it (or refused it). */
  async send(person: Person): Promise<boolean> {
    const i = this.next.get(person.id) ?? 0;
    this.next.set(person.id, i + 1);
    const sid = randomId();
    const res = await person.conn.submit(this.p.step.id, this.p.input(i, person), sid);
    if (!res.ok) {
      this.refused.push(`${res.error.code}: ${res.error.message}`);
      return false;
    }
    if (res.duplicate) this.duplicates++;
    let set = this.acked.get(person.id);
    if (!set) this.acked.set(person.id, (set = new Set()));
    set.add(sid);
    return true;
  }
  all(people: Person[], each: number): Promise<void> {
    return Promise.all(
      people.map(async (p) => {
        for (let i = 0; i < each; i++) await this.send(p);
      }),
    ).then(() => {});
  }
}

export type { Participant, RedisServer };
