/**
 * `pnpm bench [--quick] [--out FILE] [--sizes 200,1000,2000]`: Canopy against a bare Socket.IO
 * server on this machine, each in its own process, driven by a load generator in worker threads
 * (real socket.io-client; Canopy participants through packages/client). See tests/load/README.md.
 */
import { cpus, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { connectRoom, createApi, type RoomConnection } from '@canopy/client';
import { createRoomState, NewRoomSchema, type NewRoom } from '@canopy/core';
import { createStore } from '@canopy/store';
import { freePort, startRedisCluster, startRedisServer, type RedisCluster } from '@canopy/store/testing';
import { io as ioClient } from 'socket.io-client';
import { cpuMs, now, percentile, ROOT, round, rssBytes, settledRss, sleep, sortNum, spawnServer, type Proc } from './lib.js';
import type { Request } from './worker.js';
import { table } from './table.mjs';
import { measureIsolation } from './isolation.js';
import { ensureServerBuild, SERVER_ENTRY } from '../../apps/server/build.mjs';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: resolve(ROOT, 'tests/load/results/latest.json') },
    sizes: { type: 'string' },
    workers: { type: 'string', default: '2' },
    driver: { type: 'string', default: 'node-redis' },
    /** some of core,multinode,drivers,cluster,rooms,isolation: only those parts (the JSON then has just their keys, `generator` and the run's facts) */
    only: { type: 'string' },
    /** write V8 CPU profiles of the Canopy processes into this folder (open them in Chrome DevTools) */
    'cpu-prof': { type: 'string' },
    /**
     * a diagnosis, not a result: Canopy's participants send their submissions straight on their
     * socket, as the echo's bare clients do, without the client's bookkeeping (pending count, the
     * view kept from the ack) — so both ramps' generators cost the same per answer
     */
    'raw-submit': { type: 'boolean', default: false },
    /**
     * a diagnosis, not a result: Canopy's participants leave step changes alone (the client's
     * `stage` handler is removed once they have joined), as the bare sockets do — so the fan-out
     * shows the server's delivery without the simulated phones' own work on the generator's threads
     */
    'raw-stage': { type: 'boolean', default: false },
  },
});
const QUICK = args.quick!;
const SIZES = (args.sizes ?? (QUICK ? '200' : '200,1000,2000')).split(',').map(Number);
const ROUNDS = QUICK ? 8 : 20;
const STAGE_MS = QUICK ? 1500 : 3000;
const WORKERS = Number(args.workers);
const DEFAULT_DRIVER = args.driver as 'node-redis' | 'glide';
const OTHER_DRIVER = DEFAULT_DRIVER === 'node-redis' ? 'glide' : 'node-redis';
const ACK_P99_LIMIT_MS = 100;
const log = (...a: unknown[]) => console.error(`[bench ${((now() - performance.timeOrigin) / 1000).toFixed(0)}s]`, ...a);

// --- load generator threads ---------------------------------------------------------------------

class Gen {
  private nextRid = 1;
  private waiting = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
  constructor(readonly worker: Worker) {
    worker.on('message', (m: { rid: number; ok: boolean; res?: unknown; error?: string }) => {
      const w = this.waiting.get(m.rid);
      this.waiting.delete(m.rid);
      if (m.ok) w?.ok(m.res);
      else w?.fail(new Error(m.error));
    });
    worker.on('error', (e) => {
      console.error('load generator thread failed:', e);
      process.exit(1);
    });
  }
  ask<T = unknown>(req: Request): Promise<T> {
    const rid = this.nextRid++;
    return new Promise((ok, fail) => {
      this.waiting.set(rid, { ok: ok as (v: unknown) => void, fail });
      this.worker.postMessage({ rid, req });
    });
  }
}

const gens = Array.from({ length: WORKERS }, (_, id) => new Gen(new Worker(new URL('./worker.mjs', import.meta.url), { workerData: { id } })));
const all = <T = unknown>(req: Request | ((i: number) => Request)): Promise<T[]> =>
  Promise.all(gens.map((g, i) => g.ask<T>(typeof req === 'function' ? req(i) : req)));

/** Generator health: CPU of this whole process (all threads) and the worst event-loop delay. */
const mainEld = monitorEventLoopDelay({ resolution: 10 });
mainEld.enable();
const generator = { cpu_pct_max: 0, eld_p99_ms_max: 0, eld_max_ms: 0 };
async function phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const c0 = process.cpuUsage();
  const t0 = now();
  await all({ op: 'eld' });
  mainEld.reset();
  const res = await fn();
  const ms = now() - t0;
  const cpu = process.cpuUsage(c0);
  const pct = ((cpu.user + cpu.system) / 1000 / ms) * 100;
  const elds = await all<{ p99: number; max: number }>({ op: 'eld' });
  const p99 = Math.max(mainEld.percentile(99) / 1e6, ...elds.map((e) => e.p99));
  const max = Math.max(mainEld.max / 1e6, ...elds.map((e) => e.max));
  generator.cpu_pct_max = Math.max(generator.cpu_pct_max, pct);
  generator.eld_p99_ms_max = Math.max(generator.eld_p99_ms_max, p99);
  generator.eld_max_ms = Math.max(generator.eld_max_ms, max);
  log(`${name}: ${(ms / 1000).toFixed(1)} s, generator CPU ${pct.toFixed(0)} % of a core, event-loop delay p99 ${p99.toFixed(1)} ms`);
  return res;
}

/** Split `n` participants over the workers and connect them. */
async function joinAll(n: number, base: Omit<Extract<Request, { op: 'join' }>, 'from' | 'count' | 'op'>) {
  const share = (i: number) => Math.floor((n * (i + 1)) / WORKERS) - Math.floor((n * i) / WORKERS);
  const res = await all<{ bytesIn: number }>((i) => ({ op: 'join', ...base, from: Math.floor((n * i) / WORKERS), count: share(i) }));
  return { bytesIn: res.reduce((s, r) => s + r.bytesIn, 0) };
}

const bytesNow = async () => (await all<{ in: number; out: number }>({ op: 'bytes' })).reduce((s, b) => s + b.in + b.out, 0);

// --- the measures ---------------------------------------------------------------------------------

interface FanoutResult {
  lat: number[];
  /** per round: the last participant's arrival */
  last: number[];
  ready: number[];
  missing: number;
  bytesPerParticipant: number[];
  stages: Array<Record<string, unknown>>;
  /** the `stage` messages as they went on the wire (what the baseline sends) */
  wires: Array<Record<string, unknown>>;
  serverCpuMs: number;
  /** per round: the p99 of its arrivals */
  roundP99: number[];
  /** the warm-up rounds' last arrivals (not in the measures above) */
  warmupLast: number[];
}

/**
 * Step changes made before the measured rounds, one of each step type, for Canopy and the bare
 * broadcast alike: a fresh process's first broadcasts of a kind run code V8 has not compiled yet
 * (in the 2026-12-06 quick runs the first round's p99 was 1.1–2.5 × a typical round's, for both), and with
 * twenty rounds of 2,000 the p99 over all arrivals is set by the slowest round. Their last
 * arrivals are kept (`warmup_last_ms`).
 */
const WARMUP_ROUNDS = 2;

/** `rounds` step changes; each waits until every participant has it (and, on an activity step, its view). */
async function fanout(
  n: number,
  rounds: number,
  step: () => Promise<{ v: number; t0: number; ready: boolean; stage?: Record<string, unknown>; wire?: Record<string, unknown> }>,
  pids: number[],
): Promise<FanoutResult> {
  const out: FanoutResult = {
    lat: [],
    last: [],
    ready: [],
    missing: 0,
    bytesPerParticipant: [],
    stages: [],
    wires: [],
    serverCpuMs: 0,
    roundP99: [],
    warmupLast: [],
  };
  // each phone handles a step change once the round has reached them all (`hold` in worker.ts)
  await all({ op: 'hold', on: true });
  try {
    for (let r = 0; r < WARMUP_ROUNDS; r++) {
      const { v, t0, ready } = await step();
      const res = await all<{ arrived: number[]; ready: number[]; missing: number }>({ op: 'wait', v, ready, timeoutMs: 20_000 });
      out.warmupLast.push(Math.max(...res.flatMap((x) => x.arrived.map((t) => t - t0))));
      await sleep(QUICK ? 150 : 300);
    }
    const cpu0 = pids.reduce((s, p) => s + cpuMs(p), 0);
    for (let r = 0; r < rounds; r++) {
      const b0 = await bytesNow();
      const { v, t0, ready, stage, wire } = await step();
      const res = await all<{ arrived: number[]; ready: number[]; missing: number }>({ op: 'wait', v, ready, timeoutMs: 20_000 });
      const lat = res.flatMap((x) => x.arrived.map((t) => t - t0));
      out.lat.push(...lat);
      out.last.push(Math.max(...lat));
      out.roundP99.push(percentile(sortNum(lat), 99));
      out.ready.push(...res.flatMap((x) => x.ready.map((t) => t - t0)));
      out.missing += res.reduce((s, x) => s + x.missing, 0);
      await sleep(QUICK ? 150 : 300);
      out.bytesPerParticipant.push(((await bytesNow()) - b0) / n);
      if (stage) out.stages.push(stage);
      if (wire) out.wires.push(wire);
    }
    out.serverCpuMs = pids.reduce((s, p) => s + cpuMs(p), 0) - cpu0;
  } finally {
    await all({ op: 'hold', on: false });
  }
  return out;
}

interface RampStage {
  offered_per_s: number;
  acked_per_s: number;
  p50_ack_ms: number;
  p99_ack_ms: number;
  failed: number;
  /** the server processes' CPU over the stage, as a share of one core */
  server_cpu_pct: number;
  /** that CPU, less what the server spends idle, per acknowledged answer, in microseconds */
  cpu_per_answer_us: number;
  /** the load generator's own CPU over the stage (all its threads: the simulated phones), as a share of one core */
  generator_cpu_pct: number;
}

/**
 * Open-loop submissions, the offered rate raised ×1.5 per stage until ack p99 passes the limit;
 * then the gap between the last stage that held and the first that did not is narrowed twice (at
 * their geometric middle), so the result is within ×1.11 of the true limit, not ×1.5.
 */
async function ramp(
  stepId: string,
  statements: string[],
  pids: number[],
): Promise<{ stages: RampStage[]; acked_per_s: number; p99_ack_ms: number; cpu_per_answer_us: number }> {
  const stages: RampStage[] = [];
  // what the server spends with nothing to do (the adapter's polling, timers): taken out of the CPU per answer
  const idle0 = pids.reduce((s, p) => s + cpuMs(p), 0);
  const idleT0 = now();
  await sleep(2000);
  const idlePerMs = (pids.reduce((s, p) => s + cpuMs(p), 0) - idle0) / (now() - idleT0);
  /** one stage at `rate`: whether it held */
  const stage = async (rate: number): Promise<boolean> => {
    const settleMs = Math.max(...(await all<{ ms: number }>({ op: 'settle' })).map((r) => r.ms));
    if (settleMs > 1000) log(`  (waited ${(settleMs / 1000).toFixed(1)} s for the last stage's answers to be answered first)`);
    const cpu0 = pids.reduce((s, p) => s + cpuMs(p), 0);
    const gen0 = process.cpuUsage();
    const t0 = now();
    const res = await all<{ sent: number; acked: number; failed: number; lat: number[]; sendMs: number }>({
      op: 'submit',
      raw: args['raw-submit']!,
      rate: rate / WORKERS,
      durationMs: STAGE_MS,
      stepId,
      statements,
    });
    const cpuSpent = pids.reduce((s, p) => s + cpuMs(p), 0) - cpu0;
    const cpu = (cpuSpent / (now() - t0)) * 100;
    const gen = process.cpuUsage(gen0);
    const genCpu = ((gen.user + gen.system) / 1000 / (now() - t0)) * 100;
    const answersCpu = Math.max(0, cpuSpent - idlePerMs * (now() - t0));
    const lat = sortNum(res.flatMap((r) => r.lat));
    const acked = res.reduce((s, r) => s + r.acked, 0);
    const sendMs = Math.max(...res.map((r) => r.sendMs));
    const st: RampStage = {
      offered_per_s: rate,
      // what was acknowledged within the stage's send window plus the drain, over the send window:
      // only counts as sustained when the p99 also stayed under the limit (below)
      acked_per_s: round((acked / Math.max(sendMs, STAGE_MS)) * 1000, 0),
      p50_ack_ms: round(percentile(lat, 50)),
      p99_ack_ms: round(percentile(lat, 99)),
      failed: res.reduce((s, r) => s + r.failed, 0),
      server_cpu_pct: round(cpu, 0),
      cpu_per_answer_us: round((answersCpu * 1000) / Math.max(1, acked), 0),
      generator_cpu_pct: round(genCpu, 0),
    };
    stages.push(st);
    log(
      `  offered ${rate}/s → acked ${st.acked_per_s}/s, ack p50 ${st.p50_ack_ms} ms p99 ${st.p99_ack_ms} ms, failed ${st.failed}, server CPU ${cpu.toFixed(0)} %, generator ${genCpu.toFixed(0)} %`,
    );
    return !(st.p99_ack_ms > ACK_P99_LIMIT_MS || st.failed > 0 || st.acked_per_s < 0.9 * rate);
  };
  /** a stage at `rate`, and once more after a pause if it did not hold, so a single hiccup (GC, a neighbour on the machine) does not decide */
  const holds = async (rate: number): Promise<boolean> => {
    if (await stage(rate)) return true;
    await sleep(1000);
    return stage(rate);
  };
  let held = 0;
  let failed = 0; // the lowest rate that did not hold (0: none yet)
  for (let i = 0, rate = 200; i < (QUICK ? 12 : 18); i++, rate = Math.round(rate * 1.5)) {
    if (!(await holds(rate))) {
      failed = rate;
      break;
    }
    held = rate;
    await sleep(300);
  }
  // narrow the last step: between what held and what did not
  for (let i = 0; i < 2 && held > 0 && failed > 0; i++) {
    await sleep(300);
    const middle = Math.round(Math.sqrt(held * failed));
    if (await holds(middle)) held = middle;
    else failed = middle;
  }
  const good = stages.filter((s) => s.p99_ack_ms <= ACK_P99_LIMIT_MS && s.failed === 0);
  const best = [...good].sort((a, b) => b.acked_per_s - a.acked_per_s)[0];
  // CPU per answer: the median over the stages that kept up (at low rates, fixed costs such as
  // timers weigh more; at the top, batching helps): one figure that does not hang on one stage
  const perAnswer = sortNum(good.map((s) => s.cpu_per_answer_us));
  return { stages, acked_per_s: best?.acked_per_s ?? 0, p99_ack_ms: best?.p99_ack_ms ?? NaN, cpu_per_answer_us: percentile(perAnswer, 50) };
}

// --- Canopy ---------------------------------------------------------------------------------------

const SLIDE = { type: 'slide' as const, config: { body: 'Who helped you this week?' } };
const ACTIVITY = { type: 'self-assessment' as const, config: {} };

function agenda(steps: number): NewRoom['agenda'] {
  return Array.from({ length: steps }, (_, i) => ({ id: `s${i + 1}`, title: `Step ${i + 1}`, durationSec: 300, ...(i % 2 ? ACTIVITY : SLIDE) }));
}

/** How a Canopy process reaches Redis: `REDIS_URL` and whatever else (REDIS_CLUSTER, REDIS_WAIT_REPLICAS, SOCKETIO_ADAPTER). */
type RedisEnv = Record<string, string>;

async function canopyNodes(redis: RedisEnv, driver: string, count: number): Promise<Proc[]> {
  const env = {
    ...redis,
    STORE_DRIVER: driver,
    LOG_LEVEL: 'info', // only its last 20 KB are kept, shown when a run fails
    SOCKET_MSGS_PER_SEC: '100000',
    TOKEN_MSGS_PER_SEC: '100000',
    COSTLY_READS_PER_MIN: '1000000',
    JOIN_RATE_PER_MIN: '1000000',
    JOIN_FAILURES_PER_10MIN: '1000000',
    CREATE_RATE_PER_HOUR: '100000',
    // every generated screen comes from 127.0.0.1: the many-rooms levels open more than the default 2,500
    SOCKETS_PER_ADDRESS: '100000',
    WEB_BUILD_DIR: '',
  };
  await ensureServerBuild(); // the server as it ships
  return Promise.all(
    Array.from({ length: count }, async (_, i) => spawnServer(`canopy-${i + 1}`, SERVER_ENTRY, await freePort(), env, profiled(`canopy-${i + 1}`))),
  );
}

interface CanopyRun {
  fanout: FanoutResult;
  /** resident memory per participant 10 s after the last join (`settledRss`) */
  memoryPerParticipant: number;
  /** the same 2 s after the last join (the surge's garbage may not be collected yet) */
  memoryAfterJoin: number;
  joinBytes: number;
  submissions?: Awaited<ReturnType<typeof ramp>>;
  echo?: { in: number; out: number; sample: unknown };
  statements?: string[];
}

async function canopyRun(
  redis: RedisEnv,
  opts: { driver: string; n: number; nodes: number; rounds: number; submissions: boolean; label?: string },
): Promise<CanopyRun> {
  const label = `canopy ${opts.driver} ×${opts.nodes} n=${opts.n}${opts.label ? ` (${opts.label})` : ''}`;
  const nodes = await canopyNodes(redis, opts.driver, opts.nodes);
  const pids = nodes.map((p) => p.proc.pid!);
  let fac: RoomConnection | null = null;
  try {
    const room = await createApi(nodes[0]!.url).rooms.create.mutate({
      title: 'Bench',
      agenda: agenda(WARMUP_ROUNDS + opts.rounds + 1),
      join: { maxParticipants: 5000 },
    });
    fac = connectRoom({ url: nodes[0]!.url, roomId: room.roomId, token: room.facilitatorToken, transports: ['websocket'], ackTimeoutMs: 30_000 });
    await fac.until((s) => s.status === 'connected' && s.stage !== null, 30_000);
    await sleep(1000);
    const rss0 = pids.reduce((s, p) => s + rssBytes(p), 0);
    const joined = await phase(`${label}: join`, () =>
      joinAll(opts.n, {
        mode: 'canopy',
        urls: nodes.map((x) => x.url),
        roomId: room.roomId,
        code: room.code,
        ...(args['raw-stage'] ? { rawStage: true } : {}),
      }),
    );
    await sleep(2000);
    const rss1 = pids.reduce((s, p) => s + rssBytes(p), 0);
    const rssSettled = await settledRss(pids, 2000);
    const f = fac;
    const wires = new Map<number, Record<string, unknown>>();
    f.socket.on('stage', (w) => void wires.set(w.v, w as unknown as Record<string, unknown>));
    const res = await phase(`${label}: fan-out`, () =>
      fanout(
        opts.n,
        opts.rounds,
        async () => {
          const v = f.state.stage!.v + 1;
          const t0 = now();
          const ack = await f.command({ type: 'next' });
          if (!ack.ok) throw new Error(`next refused: ${ack.error.message}`);
          if (ack.version !== v) throw new Error(`expected version ${v}, got ${ack.version}`);
          await f.until((s) => s.stage?.v === v, 30_000);
          return {
            v,
            t0,
            ready: f.state.stage!.step?.type === ACTIVITY.type,
            stage: f.state.stage as unknown as Record<string, unknown>,
            wire: wires.get(v)!,
          };
        },
        pids,
      ),
    );
    const run: CanopyRun = {
      fanout: res,
      memoryPerParticipant: (rssSettled - rss0) / opts.n,
      memoryAfterJoin: (rss1 - rss0) / opts.n,
      joinBytes: joined.bytesIn / opts.n,
    };
    if (opts.submissions) {
      const ack = await fac.command({ type: 'goto', index: 1 });
      if (!ack.ok) throw new Error(ack.error.message);
      await all({ op: 'wait', v: ack.version, ready: true, timeoutMs: 30_000 });
      const stage = fac.state.stage!;
      const statements = (stage.step!.config as { statements: Array<{ id: string }> }).statements.map((s) => s.id);
      run.statements = statements;
      run.echo = await gens[0]!.ask({ op: 'echo', n: 20, stepId: stage.step!.id, statements });
      run.submissions = await phase(`${label}: submissions`, () => ramp(stage.step!.id, statements, pids));
    }
    return run;
  } catch (e) {
    for (const n of nodes) console.error(`--- ${n.name} output ---\n${n.output()}`);
    throw e;
  } finally {
    fac?.close();
    await all({ op: 'close' });
    await Promise.all(nodes.map((x) => x.stop()));
  }
}

/**
 * `--cpu-prof DIR`: a server process's V8 CPU profiles, written as it exits into a folder of DIR named
 * after it (`canopy-1-<start ms>/`, `baseline-<start ms>/`): the main thread's, and under tsx its
 * loader thread's (the smaller file).
 */
const profiled = (name: string): string[] => (args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(args['cpu-prof'], `${name}-${Date.now()}`)}`] : []);

// --- bare Socket.IO -------------------------------------------------------------------------------

async function baselineRun(opts: {
  n: number;
  rounds: number;
  stages: Array<Record<string, unknown>>;
  submitAck: unknown;
  submissions: boolean;
  statements: string[];
}) {
  const srv = await spawnServer('baseline', 'tests/load/baseline.ts', await freePort(), {}, profiled('baseline'));
  const label = `baseline n=${opts.n}`;
  const fac = ioClient(srv.url, { transports: ['websocket'] });
  try {
    await new Promise<void>((ok) => fac.once('connect', () => ok()));
    await fac.timeout(10_000).emitWithAck('setup', { stages: opts.stages, submitAck: opts.submitAck });
    const pids = [srv.proc.pid!];
    await sleep(1000);
    const rss0 = rssBytes(pids[0]!);
    await phase(`${label}: join`, () => joinAll(opts.n, { mode: 'baseline', urls: [srv.url] }));
    await sleep(2000);
    const memoryAfterJoin = (rssBytes(pids[0]!) - rss0) / opts.n;
    const memoryPerParticipant = ((await settledRss(pids, 2000)) - rss0) / opts.n;
    const res = await phase(`${label}: fan-out`, () =>
      fanout(
        opts.n,
        opts.rounds,
        async () => {
          const t0 = now();
          const ack = (await fac.timeout(30_000).emitWithAck('command', { cmd: { type: 'next' } })) as { version: number };
          return { v: ack.version, t0, ready: false };
        },
        pids,
      ),
    );
    const submissions = opts.submissions ? await phase(`${label}: submissions`, () => ramp('s2', opts.statements, pids)) : undefined;
    return { fanout: res, submissions, memoryPerParticipant, memoryAfterJoin };
  } finally {
    fac.disconnect();
    await all({ op: 'close' });
    await srv.stop();
  }
}

// --- many rooms ------------------------------------------------------------------------------------

const ROOM_SIZE = 20;
/** how often each room moves on (the rooms' step changes are spread evenly over this period) */
const ROOM_STEP_MS = 4000;
/** participants answer an activity step at a random moment within this long of it arriving */
const ROOM_BURST_MS = 2000;
const ROOM_LEVELS = QUICK ? [10, 25, 50] : [25, 50, 100, 150];

interface RoomsLevel {
  rooms: number;
  participants: number;
  fanout_p50_ms: number;
  fanout_p99_ms: number;
  ack_p50_ms: number;
  ack_p99_ms: number;
  answers: number;
  failed: number;
  /** refusals by code */
  failures: Record<string, number>;
  missing: number;
  server_cpu_pct: number;
}

/**
 * Many rooms of `ROOM_SIZE` people at once, on one node and on two: the rooms are added level by
 * level (`ROOM_LEVELS`); at each level every room moves on every `ROOM_STEP_MS` (the rooms spread
 * over that period, alternating a slide and a self-assessment), and after each activity step its
 * people answer within `ROOM_BURST_MS`. Fan-out: from a room's `next` to each of its people having
 * the stage; ack: from an answer sent to its acknowledgement. `max_rooms_within_100ms`: the largest
 * level whose fan-out and ack p99 both stayed within 100 ms (levels stop after the first that did not).
 */
async function roomsRuns(redis: RedisEnv) {
  const out: Record<string, unknown> = { people_per_room: ROOM_SIZE, step_every_ms: ROOM_STEP_MS, burst_ms: ROOM_BURST_MS };
  for (const nodesCount of [1, 2]) {
    const nodes = await canopyNodes(redis, DEFAULT_DRIVER, nodesCount);
    const pids = nodes.map((p) => p.proc.pid!);
    const facs: Array<{ conn: RoomConnection; roomId: string }> = [];
    const levels: RoomsLevel[] = [];
    const label = `rooms ×${nodesCount}`;
    try {
      await all({ op: 'answerBursts', burstMs: ROOM_BURST_MS });
      const rounds = QUICK ? 4 : 6;
      for (const target of ROOM_LEVELS) {
        // add rooms up to the level: create, the facilitator's console, then its people (each room on one generator thread)
        const added: Array<{ roomId: string; code: string; gen: number }> = [];
        for (let i = facs.length; i < target; i++) {
          const api = createApi(nodes[i % nodes.length]!.url);
          const room = await api.rooms.create.mutate({ title: `Room ${i + 1}`, agenda: agenda(60), join: { maxParticipants: 100 } });
          const conn = connectRoom({ url: nodes[0]!.url, roomId: room.roomId, token: room.facilitatorToken, transports: ['websocket'], ackTimeoutMs: 30_000 });
          await conn.until((s) => s.status === 'connected' && s.stage !== null, 30_000);
          facs.push({ conn, roomId: room.roomId });
          added.push({ roomId: room.roomId, code: room.code, gen: i % WORKERS });
        }
        await phase(`${label}: join up to ${target} rooms`, () =>
          Promise.all(
            gens.map(async (g, w) => {
              for (const r of added.filter((x) => x.gen === w))
                await g.ask({ op: 'join', mode: 'canopy', urls: nodes.map((x) => x.url), roomId: r.roomId, code: r.code, from: 0, count: ROOM_SIZE });
            }),
          ),
        );
        await all({ op: 'roomsResults' }); // forget what arrived while joining
        const sent: Array<{ roomId: string; v: number; t0: number }> = [];
        const cpu0 = pids.reduce((s, p) => s + cpuMs(p), 0);
        const t0 = now();
        await phase(`${label}: ${target} rooms moving on`, () =>
          Promise.all(
            facs.map(async (f, i) => {
              await sleep((ROOM_STEP_MS * i) / facs.length);
              for (let r = 0; r < rounds; r++) {
                const start = now();
                const ack = await f.conn.command({ type: 'next' });
                if (!ack.ok) throw new Error(`next refused: ${ack.error.message}`);
                sent.push({ roomId: f.roomId, v: ack.version, t0: start });
                await sleep(Math.max(0, ROOM_STEP_MS - (now() - start)));
              }
            }),
          ),
        );
        await sleep(ROOM_BURST_MS + 1000); // the last answers
        const cpuPct = ((pids.reduce((s, p) => s + cpuMs(p), 0) - cpu0) / (now() - t0)) * 100;
        const res = await all<{
          arrivals: Array<{ roomId: string; arrived: Array<[number, number]> }>;
          acks: number[];
          failed: number;
          failures: Record<string, number>;
        }>({
          op: 'roomsResults',
        });
        const failures: Record<string, number> = {};
        for (const r of res) for (const [code, k] of Object.entries(r.failures)) failures[code] = (failures[code] ?? 0) + k;
        const sentAt = new Map(sent.map((x) => [`${x.roomId}/${x.v}`, x.t0]));
        const fan: number[] = [];
        let missing = 0;
        const perRoom = new Map<string, number>();
        for (const s of sent) perRoom.set(s.roomId, (perRoom.get(s.roomId) ?? 0) + 1);
        for (const m of res.flatMap((x) => x.arrivals)) {
          let got = 0;
          for (const [v, t] of m.arrived) {
            const at = sentAt.get(`${m.roomId}/${v}`);
            if (at === undefined) continue;
            fan.push(t - at);
            got++;
          }
          missing += (perRoom.get(m.roomId) ?? 0) - got;
        }
        const fanS = sortNum(fan);
        const acks = sortNum(res.flatMap((x) => x.acks));
        const level: RoomsLevel = {
          rooms: target,
          participants: target * ROOM_SIZE,
          fanout_p50_ms: round(percentile(fanS, 50)),
          fanout_p99_ms: round(percentile(fanS, 99)),
          ack_p50_ms: round(percentile(acks, 50)),
          ack_p99_ms: round(percentile(acks, 99)),
          answers: acks.length,
          failed: res.reduce((s, x) => s + x.failed, 0),
          failures,
          missing,
          server_cpu_pct: round(cpuPct, 0),
        };
        levels.push(level);
        log(`${label}: ${JSON.stringify(level)}`);
        if (!(level.fanout_p99_ms <= ACK_P99_LIMIT_MS && level.ack_p99_ms <= ACK_P99_LIMIT_MS && level.failed === 0)) break;
      }
    } catch (e) {
      for (const n of nodes) console.error(`--- ${n.name} output ---\n${n.output()}`);
      throw e;
    } finally {
      for (const f of facs) f.conn.close();
      await all({ op: 'close' });
      await Promise.all(nodes.map((x) => x.stop()));
    }
    const held = levels.filter((l) => l.fanout_p99_ms <= ACK_P99_LIMIT_MS && l.ack_p99_ms <= ACK_P99_LIMIT_MS && l.failed === 0);
    out[nodesCount === 1 ? 'one_node' : 'two_nodes'] = { levels, max_rooms_within_100ms: Math.max(0, ...held.map((l) => l.rooms)) };
  }
  return out;
}

// --- on a Redis Cluster ---------------------------------------------------------------------------

/**
 * The same fan-out and submissions on a 3-master Redis Cluster (one replica each, AOF), one node;
 * then the submissions again with acknowledgements waiting for a replica (REDIS_WAIT_REPLICAS=1);
 * then two nodes' fan-out with each Socket.IO adapter (Streams, sharded Pub/Sub).
 */
async function clusterRuns(n: number, singleP99: number) {
  const rc = await startRedisCluster({ appendonly: true });
  log(`redis cluster on ${rc.url} (3 masters, 1 replica each, AOF everysec)`);
  try {
    const storeWrites = [await storeWriteCost(rc, 1), await storeWriteCost(rc, 64)];
    const base = await canopyRun(rc.env, { driver: DEFAULT_DRIVER, n, nodes: 1, rounds: ROUNDS, submissions: true, label: 'cluster' });
    const waited = await canopyRun(
      { ...rc.env, REDIS_WAIT_REPLICAS: '1' },
      { driver: DEFAULT_DRIVER, n, nodes: 1, rounds: ROUNDS, submissions: true, label: 'cluster, REDIS_WAIT_REPLICAS=1' },
    );
    const adapters = {} as Record<'streams' | 'sharded', ReturnType<typeof summary> & { missing: number }>;
    for (const adapter of ['streams', 'sharded'] as const) {
      const run = await canopyRun(
        { ...rc.env, SOCKETIO_ADAPTER: adapter },
        { driver: DEFAULT_DRIVER, n, nodes: 2, rounds: ROUNDS, submissions: false, label: `cluster, ${adapter} adapter` },
      );
      adapters[adapter] = { ...summary(run.fanout), missing: run.fanout.missing };
    }
    const fan = summary(base.fanout);
    const subs = (r: CanopyRun) => ({ acked_per_s: r.submissions!.acked_per_s, p99_ack_ms: r.submissions!.p99_ack_ms, ramp: r.submissions!.stages });
    return {
      masters: 3,
      replicas_per_master: 1,
      participants: n,
      fanout: {
        p50_ms: round(fan.p50),
        p99_ms: round(fan.p99),
        last_p99_ms: round(fan.last_p99),
        ratio_to_one_redis: round(fan.p99 / singleP99, 2),
        missing: base.fanout.missing,
      },
      submissions: subs(base),
      wait_replicas_1: { ...subs(waited), fanout_p99_ms: round(summary(waited.fanout).p99) },
      store_writes: storeWrites,
      adapters_two_nodes: Object.fromEntries(
        Object.entries(adapters).map(([k, v]) => [k, { p50_ms: round(v.p50), p99_ms: round(v.p99), last_p99_ms: round(v.last_p99), missing: v.missing }]),
      ),
    };
  } finally {
    await rc.stop();
  }
}

/**
 * What waiting for a replica costs the store itself, without the server around it: `WRITERS`
 * writers (one room each, spread over the masters) each writing records back to back for a while,
 * with and without `waitReplicas: 1`, alternated three times; the medians of writes/s and latency.
 * One writer shows the round trip a single write pays; 64 show what sharing a WAIT saves.
 */
async function storeWriteCost(rc: RedisCluster, WRITERS: number) {
  const MS = QUICK ? 1500 : 3000;
  const room = NewRoomSchema.parse({ title: 'Bench', agenda: [{ id: 's1', type: 'slide', title: 'S', config: {} }] });
  const once = async (waitReplicas: number) => {
    const store = await createStore({ redisUrl: rc.url, cluster: true, waitReplicas, waitTimeoutMs: 1000 });
    try {
      const ids = await Promise.all(
        Array.from({ length: WRITERS }, async (_, i) => {
          const state = createRoomState({ id: `bench${waitReplicas}w${i}x${Math.random().toString(36).slice(2)}`, code: '', now: Date.now(), room });
          state.code = `B${state.id}`;
          await store.createRoom(state, { facilitator: 'f', cohost: 'c', display: 'd' });
          return state.id;
        }),
      );
      const lat: number[] = [];
      const end = now() + MS;
      await Promise.all(
        ids.map(async (id) => {
          for (let k = 0; now() < end; k++) {
            const t0 = now();
            await store.writeRecord(id, 's1', `p:${k}`, { submissionId: `s${k}`, expectedRev: 0, value: 'v', counters: { n: 1 } });
            lat.push(now() - t0);
          }
        }),
      );
      await Promise.all(ids.map((id) => store.deleteRoom(id)));
      const sorted = sortNum(lat);
      return { writes_per_s: (lat.length / MS) * 1000, p50_ms: percentile(sorted, 50), p99_ms: percentile(sorted, 99) };
    } finally {
      await store.close();
    }
  };
  const runs: Record<'no_wait' | 'wait_replicas_1', Array<Awaited<ReturnType<typeof once>>>> = { no_wait: [], wait_replicas_1: [] };
  for (let i = 0; i < 3; i++) {
    runs.no_wait.push(await once(0));
    runs.wait_replicas_1.push(await once(1));
  }
  const median = (xs: number[]) => sortNum(xs)[Math.floor(xs.length / 2)]!;
  const sum = (rs: typeof runs.no_wait) => ({
    writes_per_s: round(median(rs.map((r) => r.writes_per_s)), 0),
    p50_ms: round(median(rs.map((r) => r.p50_ms)), 2),
    p99_ms: round(median(rs.map((r) => r.p99_ms)), 2),
  });
  const out = { writers: WRITERS, no_wait: sum(runs.no_wait), wait_replicas_1: sum(runs.wait_replicas_1) };
  log(`store writes on the cluster: ${JSON.stringify(out)}`);
  return out;
}

// --- one room cannot hurt another ----------------------------------------------------------------

/**
 * The noisy neighbour of the chaos suite (tests/chaos/isolation.test.ts), with the same code
 * (isolation.ts): a fresh Canopy process with the production fair-share limits (only the
 * per-address join and create brakes lifted: every client here is 127.0.0.1), one room flooding
 * every event from its own process, a second room of 50 phones measured with and without it.
 */
async function isolationRun(redis: RedisEnv) {
  await ensureServerBuild();
  const node = await spawnServer('canopy-isolation', SERVER_ENTRY, await freePort(), {
    ...redis,
    LOG_LEVEL: 'info',
    WEB_BUILD_DIR: '',
    JOIN_RATE_PER_MIN: '1000000',
    JOIN_FAILURES_PER_10MIN: '1000000',
    CREATE_RATE_PER_HOUR: '100000',
  });
  try {
    const pid = node.proc.pid!;
    const figures = await phase('isolation', () =>
      measureIsolation(node.url, { phones: 50, rounds: QUICK ? 3 : 5, rssMb: () => rssBytes(pid) / 2 ** 20, log: (m) => log(`isolation: ${m}`) }),
    );
    log(`isolation: ${JSON.stringify({ quiet: figures.quiet, flooded: figures.flooded, ratio: figures.ratio })}`);
    return figures;
  } catch (e) {
    console.error(`--- ${node.name} output ---\n${node.output()}`);
    throw e;
  } finally {
    await node.stop();
  }
}

// --- the run --------------------------------------------------------------------------------------

const summary = (f: FanoutResult) => {
  const lat = sortNum(f.lat);
  return { p50: percentile(lat, 50), p99: percentile(lat, 99), last_p99: percentile(sortNum(f.last), 99), ready_p99: percentile(sortNum(f.ready), 99) };
};

/** The results JSON: when and where, the measures, the generator's health; printed as the README's table. */
function writeResults(started: number, measures: Record<string, unknown>): void {
  const results = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}, ${process.platform}`,
    ...measures,
    generator: { workers: WORKERS, ...Object.fromEntries(Object.entries(generator).map(([k, v]) => [k, round(v)])) },
    quick: QUICK,
    ...(args['raw-submit'] ? { raw_submit: true } : {}),
    ...(args['raw-stage'] ? { raw_stage: true } : {}),
    duration_s: round((now() - started) / 1000, 0),
  };
  mkdirSync(dirname(args.out!), { recursive: true });
  writeFileSync(args.out!, JSON.stringify(results, null, 2) + '\n');
  console.log(table(results));
  log(`wrote ${args.out} in ${results.duration_s} s`);
}

/** The parts of a run; `--only a,b` runs just those (the JSON then has only their keys). */
const PARTS = ['core', 'multinode', 'drivers', 'cluster', 'rooms', 'isolation'] as const;
type Part = (typeof PARTS)[number];
const ONLY = new Set<Part>((args.only ? args.only.split(',') : PARTS) as Part[]);
for (const p of ONLY) if (!PARTS.includes(p)) throw new Error(`--only takes some of ${PARTS.join(',')}, not ${p}`);

async function main() {
  const started = now();
  const redis = await startRedisServer({ appendonly: true });
  const one: RedisEnv = { REDIS_URL: redis.url };
  log(`redis on ${redis.url} (AOF everysec); ${WORKERS} generator threads; sizes ${SIZES.join(', ')}${QUICK ? ' (quick)' : ''}; parts ${[...ONLY].join(', ')}`);
  const biggest = Math.max(...SIZES);
  const out: Record<string, unknown> = {};
  let singleP99 = NaN;
  try {
    if (ONLY.has('core')) {
      const fanoutRows = [];
      let single: CanopyRun | null = null;
      let baseSubs: Awaited<ReturnType<typeof ramp>> | undefined;
      let baselineAfterJoin = NaN;
      let statements: string[] = [];
      for (const n of SIZES) {
        const c = await canopyRun(one, { driver: DEFAULT_DRIVER, n, nodes: 1, rounds: ROUNDS, submissions: n === biggest });
        if (c.statements) statements = c.statements;
        const b = await baselineRun({
          n,
          rounds: ROUNDS,
          stages: c.fanout.wires,
          submitAck: c.echo?.sample ?? { ok: true },
          submissions: n === biggest,
          statements: statements.length ? statements : ['x'],
        });
        const cs = summary(c.fanout);
        const bs = summary(b.fanout);
        fanoutRows.push({
          participants: n,
          p50_ms: round(cs.p50),
          p99_ms: round(cs.p99),
          last_p99_ms: round(cs.last_p99),
          baseline_p99_ms: round(bs.p99),
          ratio_p99: round(cs.p99 / bs.p99, 2),
          // extras (not in the issue's shape): the baseline's other numbers, when each participant had
          // the new step's own view too, lost arrivals, bytes, server CPU
          baseline_p50_ms: round(bs.p50),
          baseline_last_p99_ms: round(bs.last_p99),
          ready_p99_ms: round(cs.ready_p99),
          missing: c.fanout.missing + b.fanout.missing,
          rss_bytes_per_participant: Math.round(c.memoryPerParticipant),
          baseline_rss_bytes_per_participant: Math.round(b.memoryPerParticipant),
          server_cpu_ms_per_round: round(c.fanout.serverCpuMs / ROUNDS),
          baseline_cpu_ms_per_round: round(b.fanout.serverCpuMs / ROUNDS),
          round_p99_ms: c.fanout.roundP99.map((x) => round(x)),
          baseline_round_p99_ms: b.fanout.roundP99.map((x) => round(x)),
          warmup_last_ms: c.fanout.warmupLast.map((x) => round(x)),
          baseline_warmup_last_ms: b.fanout.warmupLast.map((x) => round(x)),
        });
        if (n === biggest) {
          single = c;
          singleP99 = cs.p99;
          baseSubs = b.submissions;
          baselineAfterJoin = b.memoryAfterJoin;
        }
      }
      const s = single!;
      const perType = (run: CanopyRun, type: string) => {
        const xs = run.fanout.bytesPerParticipant.filter((_, i) => (run.fanout.stages[i] as { step?: { type?: string } }).step?.type === type);
        return xs.reduce((a, b) => a + b, 0) / xs.length;
      };
      const stepBytes = s.fanout.bytesPerParticipant;
      const big = fanoutRows[fanoutRows.length - 1]!;
      Object.assign(out, {
        fanout: fanoutRows,
        submissions: {
          acked_per_s: s.submissions!.acked_per_s,
          baseline_acked_per_s: baseSubs?.acked_per_s ?? NaN,
          p99_ack_ms: s.submissions!.p99_ack_ms,
          participants: biggest,
          ramp: s.submissions!.stages,
          baseline_ramp: baseSubs?.stages,
        },
        cpu_per_answer_us: {
          canopy: s.submissions!.cpu_per_answer_us,
          echo: baseSubs?.cpu_per_answer_us ?? NaN,
          ratio: round(s.submissions!.cpu_per_answer_us / (baseSubs?.cpu_per_answer_us ?? NaN), 2),
        },
        memory: {
          rss_bytes_per_participant: Math.round(s.memoryPerParticipant),
          baseline_rss_bytes_per_participant: big.baseline_rss_bytes_per_participant,
          // extras: 2 s after the last join, before the process gave the surge's garbage back
          rss_bytes_per_participant_after_join: Math.round(s.memoryAfterJoin),
          baseline_rss_bytes_per_participant_after_join: Math.round(baselineAfterJoin),
          participants: biggest,
        },
        bytes: {
          step_change: Math.round(stepBytes.reduce((a, b) => a + b, 0) / stepBytes.length),
          submission_echo: Math.round(s.echo!.in + s.echo!.out),
          full_state_join: Math.round(s.joinBytes),
          step_change_by_type: { slide: Math.round(perType(s, SLIDE.type)), [ACTIVITY.type]: Math.round(perType(s, ACTIVITY.type)) },
        },
        drivers: {
          [DEFAULT_DRIVER]: { acked_per_s: s.submissions!.acked_per_s, p99_ack_ms: s.submissions!.p99_ack_ms, fanout_p99_ms: round(singleP99) },
        },
      });
    }
    if (ONLY.has('multinode')) {
      const multi = await canopyRun(one, { driver: DEFAULT_DRIVER, n: biggest, nodes: 2, rounds: ROUNDS, submissions: false });
      const multiP99 = summary(multi.fanout).p99;
      out.multinode = {
        nodes: 2,
        participants: biggest,
        p99_ms: round(multiP99),
        ratio_to_single: round(multiP99 / singleP99, 2),
        last_p99_ms: round(summary(multi.fanout).last_p99),
        missing: multi.fanout.missing,
      };
    }
    if (ONLY.has('drivers')) {
      const other = await canopyRun(one, { driver: OTHER_DRIVER, n: biggest, nodes: 1, rounds: ROUNDS, submissions: true });
      out.driver = DEFAULT_DRIVER;
      out.drivers = {
        ...(out.drivers as object),
        [OTHER_DRIVER]: {
          acked_per_s: other.submissions!.acked_per_s,
          p99_ack_ms: other.submissions!.p99_ack_ms,
          fanout_p99_ms: round(summary(other.fanout).p99),
        },
      };
    }
    if (ONLY.has('rooms')) out.rooms = await roomsRuns(one);
    if (ONLY.has('isolation')) out.isolation = await isolationRun(one);
    await redis.stop();
    if (ONLY.has('cluster')) out.cluster = await clusterRuns(biggest, singleP99);
    writeResults(started, out);
  } finally {
    await Promise.all(gens.map((g) => g.worker.terminate()));
    await redis.stop(); // a second stop is a no-op
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
