/**
 * The noisy neighbour, shared by the chaos row (`tests/chaos/isolation.test.ts`) and the bench's
 * `isolation` key (`bench.ts --only isolation`): one hostile room floods a Canopy server with every
 * event, as hard as the fair-share limits let it, while a second room of phones joins, moves on a
 * step and answers; the second room's latencies are measured with and without the flood.
 *
 * The flood runs in a process of its own (`node --import tsx tests/load/flood.ts URL`), so its
 * client work does not slow the measuring phones' event loop: what is measured is the server.
 * That process is driven over stdin ("go", "pause", "stop") and reports on stdout, one JSON line
 * per state change.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { createInterface } from 'node:readline';
import { connectRoom, createApi, newParticipantToken, randomId, type RoomConnection } from '@canopy/client';
import { PROTOCOL_VERSION, type NewRoom } from '@canopy/core';
import { io, type Socket } from 'socket.io-client';
import { percentile, ROOT, round, sortNum } from './lib.js';

const clock = () => performance.now();
const DEADLINE_MS = 30_000;

/** The flooding room's agenda: 60 steps, an answer of the flooder's on every activity step, the last one open for more. */
const FLOOD_STEPS = 60;
function floodAgenda(): NewRoom['agenda'] {
  return Array.from({ length: FLOOD_STEPS }, (_, i) =>
    i % 3 === 0
      ? { id: `slide${i}`, type: 'slide', title: `Slide ${i}`, durationSec: 60, config: {} }
      : i % 3 === 1
        ? { id: `rate${i}`, type: 'self-assessment', title: `How often? ${i}`, durationSec: 60, config: {} }
        : { id: `ideas${i}`, type: 'open-prompt', title: `Ideas ${i}`, durationSec: 60, config: { maxAnswersPerPerson: 10 } },
  );
}
/** A valid answer for a step of the flooding room (null: a slide takes none). */
function answerFor(stepId: string, i: number): unknown {
  if (stepId.startsWith('rate')) return { op: 'rate', statementId: ['their-goals', 'offer-help', 'ask-impact'][i % 3], value: (i % 5) + 1 };
  if (stepId.startsWith('ideas')) return { op: 'answer', id: `a${i % 10}`, text: `Idea number ${i}, resent again and again` };
  return null;
}

/**
 * Every event a participant's socket can send, in turn: answers (written), the costly reads, the
 * follow-up reads and writes, "I'm done" and hands, the room's questions (on in that room), the facilitator's events
 * (refused), a clock and an unknown event.
 * `forgetMe` is left out: it would end the flooder's own membership (and so the flood).
 */
function floodMessages(stepId: string, participantId: string): Array<() => [string, unknown]> {
  let i = 0;
  return [
    () => ['submit', { stepId, submissionId: randomId(), input: answerFor(stepId, i++) }],
    () => ['outcomes:mine', {}],
    () => ['sync', undefined],
    () => ['followUp:plan', {}],
    () => ['followUp:checkIn', { submissionId: randomId(), checkIn: { index: 0, ratings: { 'offer-help': 4 } } }],
    () => ['followUp:impact', {}],
    () => ['followUp:edit', { submissionId: randomId(), edit: { op: 'notes', entryId: 'nobody', notes: {} } }],
    () => ['signal', i % 2 ? { type: 'done', done: true } : { type: 'hand', raised: true }],
    () => ['questions:list', {}],
    () => ['questions:ask', { submissionId: randomId(), text: `Question number ${i}` }],
    () => ['questions:vote', { id: 'nobody', up: true }],
    () => ['questions:withdraw', { id: 'nobody' }],
    () => ['questions:moderate', { action: { type: 'pin', id: null } }],
    () => ['signals:lower', {}],
    () => ['admit', { participantIds: [participantId] }],
    () => ['refuse', { participantId }],
    () => ['act', { stepId, actionId: randomId(), action: { type: 'start-round' } }],
    () => ['command', { cmd: { type: 'next' } }],
    () => ['remove', { participantId }],
    () => ['deleteRoom', { code: 'AAAAAAAA' }],
    () => ['clock', Date.now()],
    () => ['no-such-event', {}],
  ];
}

type AckLike = { ok: boolean; error?: { code: string; retryAfterMs?: number } };

/** Ask until the server takes it, waiting as long as a RATE_LIMITED or BUSY answer says. */
async function insist(send: () => Promise<AckLike>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const res = await send();
    if (res.ok) return;
    if (res.error?.code !== 'RATE_LIMITED' && res.error?.code !== 'BUSY') throw new Error(`${what} refused: ${JSON.stringify(res.error)}`);
    await new Promise((r) => setTimeout(r, res.error?.retryAfterMs ?? 100));
  }
  throw new Error(`${what}: still limited after 200 tries`);
}

/** Build the hostile room: 60 steps walked through by its facilitator, the flooder's answer on each activity step. */
export async function buildFloodRoom(url: string): Promise<{ roomId: string; token: string; participantId: string; stepId: string; console_: RoomConnection }> {
  const api = createApi(url);
  const room = await api.rooms.create.mutate({ title: 'Noisy neighbour', agenda: floodAgenda(), questions: true });
  const console_ = connectRoom({ url, roomId: room.roomId, token: room.facilitatorToken, transports: ['websocket'], ackTimeoutMs: DEADLINE_MS });
  await console_.until((s) => s.status === 'connected' && s.stage !== null, DEADLINE_MS);
  const token = newParticipantToken();
  const joined = await api.rooms.join.mutate({ code: room.code, nickname: 'Noisy', token, deviceId: randomId() });
  const me = connectRoom({ url, roomId: room.roomId, token, transports: ['websocket'], ackTimeoutMs: DEADLINE_MS });
  await me.until((s) => s.status === 'connected' && s.stage !== null, DEADLINE_MS);
  const agenda = floodAgenda();
  for (let index = 0; index < agenda.length; index++) {
    await insist(() => console_.command({ type: 'goto', index }), `goto ${index}`);
    const input = answerFor(agenda[index]!.id, index);
    if (input === null) continue;
    await me.until((s) => s.stage?.step?.id === agenda[index]!.id, DEADLINE_MS);
    const res = await me.submit(agenda[index]!.id, input);
    if (!res.ok) throw new Error(`the flooder's answer on ${agenda[index]!.id} was refused: ${res.error.message}`);
  }
  me.close();
  return { roomId: room.roomId, token, participantId: joined.participant.id, stepId: agenda[agenda.length - 1]!.id, console_ };
}

/**
 * In the flood process: build the hostile room, open as many sockets of its one participant token
 * as the server admits, then flood on command. Each socket keeps `lanes` messages in flight. Half
 * the sockets wait out a RATE_LIMITED answer exactly as long as it says, so the token's budget is
 * always spent to the last message; the other half ignore it and send again at once, as a hostile
 * client would, so everything beyond the budget is thrown at the server too.
 */
export async function runFlood(url: string, out: (line: object) => void, commands: AsyncIterable<string>, lanes = 4): Promise<void> {
  const { roomId, token, participantId, stepId, console_ } = await buildFloodRoom(url);

  // as many sockets as the server admits for one token
  const sockets: Socket[] = [];
  let refusedSocket = '';
  while (!refusedSocket && sockets.length < 64) {
    const s = io(url, { transports: ['websocket'], reconnection: false, auth: { v: PROTOCOL_VERSION, roomId, token } });
    const outcome = await new Promise<string>((r) => {
      s.once('connect', () => r(''));
      s.once('connect_error', (e: Error & { data?: { code?: string } }) => r(e.data?.code ?? e.message));
    });
    if (outcome) {
      refusedSocket = outcome;
      s.close();
    } else sockets.push(s);
  }

  const answers: Record<string, Record<string, number>> = {};
  /** per event, the longest wait for an answer the server worked on (not refused as over the budget), in ms */
  const slowest: Record<string, number> = {};
  let sent = 0;
  let running = false;
  const waiters: Array<() => void> = [];
  const resumed = () => (running ? Promise.resolve() : new Promise<void>((r) => waiters.push(r)));
  const lane = async (s: Socket, polite: boolean, messages: Array<() => [string, unknown]>, start: number) => {
    for (let k = start; ; k++) {
      await resumed();
      if (!s.connected) return;
      const [event, payload] = messages[k % messages.length]!();
      sent++;
      const t0 = clock();
      const ack = (await s
        .timeout(DEADLINE_MS)
        .emitWithAck(event, ...(payload === undefined ? [] : [payload]))
        .catch(() => ({ ok: false, error: { code: 'NO_ANSWER' } }))) as AckLike;
      const code = ack.ok ? 'ok' : (ack.error?.code ?? '?');
      const byCode = (answers[event] ??= {});
      byCode[code] = (byCode[code] ?? 0) + 1;
      if (code !== 'RATE_LIMITED') slowest[event] = Math.max(slowest[event] ?? 0, round(clock() - t0));
      else if (polite) await new Promise((r) => setTimeout(r, ack.error?.retryAfterMs ?? 50));
    }
  };
  const flooding = sockets.flatMap((s, i) =>
    Array.from({ length: lanes }, (_, l) => lane(s, i % 2 === 0, floodMessages(stepId, participantId), i * lanes + l)),
  );

  out({ state: 'ready', roomId, sockets: sockets.length, refusedSocket });
  for await (const line of commands) {
    const cmd = line.trim();
    if (cmd === 'go') {
      running = true;
      for (const w of waiters.splice(0)) w();
      out({ state: 'flooding', sent });
    } else if (cmd === 'pause') {
      running = false;
      out({ state: 'paused', sent });
    } else if (cmd === 'sent') out({ state: running ? 'flooding' : 'paused', sent });
    else if (cmd === 'stop') break;
  }
  running = false;
  for (const s of sockets) s.close();
  console_.close();
  void flooding;
  out({ state: 'stopped', sent, sockets: sockets.length, refusedSocket, answers, slowest });
}

export interface FloodStats {
  sent: number;
  sockets: number;
  refusedSocket: string;
  /** per event, the answers by code ('ok' or the error code) */
  answers: Record<string, Record<string, number>>;
  /** per event, the longest wait for an answer the server worked on, in ms */
  slowest: Record<string, number>;
}

/** The flood process, seen from the test or the bench. */
export class Flood {
  private lines: Array<Record<string, unknown>> = [];
  private listeners: Array<() => void> = [];
  private err = '';
  private constructor(private readonly proc: ChildProcess) {
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      try {
        this.lines.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        this.err += l + '\n';
      }
      for (const f of this.listeners.splice(0)) f();
    });
    proc.stderr!.on('data', (d) => (this.err = (this.err + String(d)).slice(-20_000)));
    proc.once('exit', () => {
      for (const f of this.listeners.splice(0)) f();
    });
  }

  /** Spawn the flood process against `url` and wait until its room is built and its sockets are open. */
  static async start(url: string): Promise<Flood> {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'tests/load/flood.ts', url], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    process.once('exit', () => proc.kill('SIGKILL'));
    // the attacker's own CPU is not the server's in real life: here it runs at the lowest
    // priority, so what slows the second room is the server's work for the flood, not the
    // flooding client competing with everyone on this machine
    if (proc.pid) setPriority(proc.pid, 19);
    const f = new Flood(proc);
    await f.next('ready', 90_000);
    return f;
  }

  /** the next line saying `state` (after those already read) */
  private async next(state: string, timeoutMs = DEADLINE_MS): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.lines.findIndex((l) => l.state === state);
      if (i >= 0) return this.lines.splice(0, i + 1)[i]!;
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) throw new Error(`the flood process ended before "${state}":\n${this.err}`);
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for the flood to say "${state}":\n${this.err}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 250);
        this.listeners.push(() => (clearTimeout(t), r()));
      });
    }
  }

  private say(cmd: string): void {
    this.proc.stdin!.write(cmd + '\n');
  }

  /**
   * Start flooding; resolves once at least `atLeast` messages are on their way (the flood is
   * really on), with the count sent before it started.
   */
  async go(atLeast = 200): Promise<number> {
    this.say('go');
    const start = Number((await this.next('flooding')).sent);
    for (;;) {
      this.say('sent');
      if (Number((await this.next('flooding')).sent) - start >= atLeast) return start;
    }
  }

  async pause(): Promise<number> {
    this.say('pause');
    return Number((await this.next('paused')).sent);
  }

  async stop(): Promise<FloodStats> {
    this.say('stop');
    const last = await this.next('stopped');
    this.proc.stdin!.end();
    return last as unknown as FloodStats;
  }

  kill(): void {
    this.proc.kill('SIGKILL');
  }
}

// --- the second room --------------------------------------------------------------------------------

export interface RoomRound {
  /** ms from the phone's join request to its welcome, per phone */
  joinToWelcome: number[];
  /** ms from the facilitator's `next` to each phone having the new step */
  stepChange: number[];
  /** ms from an answer's first send to its acknowledgement, per phone */
  ack: number[];
  /** every answer that was not acknowledged on its first send: "<code>: <message>" */
  failed: string[];
}

/**
 * One round of an ordinary workshop: a room with a slide and a self-assessment, `phones` people
 * join (ten at a time, as people tap "Join"), the facilitator moves on to the self-assessment,
 * and every phone rates three statements.
 */
export async function workshopRound(url: string, phones: number): Promise<RoomRound> {
  const api = createApi(url);
  const room = await api.rooms.create.mutate({
    title: 'An ordinary workshop',
    agenda: [
      { id: 'welcome', type: 'slide', title: 'Welcome', durationSec: 60, config: {} },
      { id: 'how-often', type: 'self-assessment', title: 'How often?', durationSec: 300, config: {} },
    ],
  });
  const conns: RoomConnection[] = [];
  const result: RoomRound = { joinToWelcome: [], stepChange: [], ack: [], failed: [] };
  const open = (token: string) => {
    const c = connectRoom({ url, roomId: room.roomId, token, transports: ['websocket'], ackTimeoutMs: DEADLINE_MS });
    conns.push(c);
    return c;
  };
  try {
    const console_ = open(room.facilitatorToken);
    await console_.until((s) => s.status === 'connected' && s.stage !== null, DEADLINE_MS);
    const opened = await console_.command({ type: 'goto', index: 0 });
    if (!opened.ok) result.failed.push(`goto 0: ${opened.error.code}: ${opened.error.message}`);
    const people: RoomConnection[] = [];
    for (let i = 0; i < phones; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(10, phones - i) }, async (_, k) => {
          const t0 = clock();
          const token = newParticipantToken();
          await api.rooms.join.mutate({ code: room.code, nickname: `Phone ${i + k + 1}`, token, deviceId: randomId() });
          const phone = open(token);
          await phone.until((s) => s.status === 'connected' && s.role !== null && s.stage !== null, DEADLINE_MS);
          result.joinToWelcome.push(clock() - t0);
          return phone;
        }),
      );
      people.push(...batch);
    }

    // from the welcome slide (where everyone joined) to the self-assessment
    const t0 = clock();
    const moved = await console_.command({ type: 'goto', index: 1 });
    if (!moved.ok) result.failed.push(`next: ${moved.error.code}: ${moved.error.message}`);
    await Promise.all(
      people.map(async (p) => {
        await p.until((s) => s.stage?.step?.id === 'how-often', DEADLINE_MS);
        result.stepChange.push(clock() - t0);
      }),
    );

    // everyone rates three statements, one after the other
    await Promise.all(
      people.map(async (p, i) => {
        for (const statementId of ['their-goals', 'offer-help', 'ask-impact']) {
          const a0 = clock();
          // the first send only: an answer the SDK would have had to retry counts as failed
          const res = (await p.socket
            .timeout(DEADLINE_MS)
            .emitWithAck('submit', { stepId: 'how-often', submissionId: randomId(), input: { op: 'rate', statementId, value: (i % 5) + 1 } })
            .catch(() => ({ ok: false, error: { code: 'NO_ANSWER', message: 'no acknowledgement' } }))) as {
            ok: boolean;
            error?: { code: string; message: string };
          };
          result.ack.push(clock() - a0);
          if (!res.ok) result.failed.push(`${res.error?.code}: ${res.error?.message}`);
        }
      }),
    );
    return result;
  } finally {
    for (const c of conns) c.close();
  }
}

export const p95 = (xs: number[]): number => percentile(sortNum(xs), 95);
const median = (xs: number[]): number => percentile(sortNum(xs), 50);

export interface IsolationFigures {
  phones: number;
  rounds: number;
  /** median over the rounds of each round's p95, in ms */
  quiet: { join_to_welcome_p95_ms: number; step_change_p95_ms: number; ack_p95_ms: number };
  flooded: { join_to_welcome_p95_ms: number; step_change_p95_ms: number; ack_p95_ms: number };
  /** flooded / quiet */
  ratio: { join_to_welcome: number; ack: number };
  failed: string[];
  flood: FloodStats & { per_round_sent: number[] };
  server_rss_mb: { before: number; max_during_flood: number };
}

/**
 * The whole comparison: the flood room is built, then `rounds` times a quiet round and a flooded
 * round alternate (so a busier moment of a shared machine lands on both alike); each figure is the
 * median of the rounds' p95s. `rssMb` reads the server's resident memory (sampled after every round).
 */
export async function measureIsolation(
  url: string,
  opts: { phones: number; rounds: number; rssMb: () => number; log?: (msg: string) => void },
): Promise<IsolationFigures> {
  const log = opts.log ?? (() => {});
  const before = opts.rssMb();
  const flood = await Flood.start(url);
  try {
    const quiet: RoomRound[] = [];
    const flooded: RoomRound[] = [];
    const perRoundSent: number[] = [];
    let rssMax = before;
    // a round to warm up (first connections, the server's code paths compiled), not counted
    log(`warm-up: ${summary(await workshopRound(url, opts.phones))}`);
    for (let r = 0; r < opts.rounds; r++) {
      quiet.push(await workshopRound(url, opts.phones));
      log(`round ${r + 1} quiet: ${summary(quiet[r]!)}`);
      const s0 = await flood.go();
      flooded.push(await workshopRound(url, opts.phones));
      rssMax = Math.max(rssMax, opts.rssMb());
      perRoundSent.push((await flood.pause()) - s0);
      log(`round ${r + 1} flooded (${perRoundSent[r]} flood messages): ${summary(flooded[r]!)}`);
    }
    const stats = await flood.stop();
    const figures = (rs: RoomRound[]) => ({
      join_to_welcome_p95_ms: round(median(rs.map((x) => p95(x.joinToWelcome)))),
      step_change_p95_ms: round(median(rs.map((x) => p95(x.stepChange)))),
      ack_p95_ms: round(median(rs.map((x) => p95(x.ack)))),
    });
    const q = figures(quiet);
    const f = figures(flooded);
    return {
      phones: opts.phones,
      rounds: opts.rounds,
      quiet: q,
      flooded: f,
      ratio: { join_to_welcome: round(f.join_to_welcome_p95_ms / q.join_to_welcome_p95_ms, 2), ack: round(f.ack_p95_ms / q.ack_p95_ms, 2) },
      failed: [...quiet, ...flooded].flatMap((x) => x.failed),
      flood: { ...stats, per_round_sent: perRoundSent },
      server_rss_mb: { before: round(before), max_during_flood: round(rssMax) },
    };
  } finally {
    flood.kill();
  }
}

const summary = (r: RoomRound) =>
  `join→welcome p95 ${round(p95(r.joinToWelcome))} ms, step change p95 ${round(p95(r.stepChange))} ms, ack p95 ${round(p95(r.ack))} ms, failed ${r.failed.length}`;
