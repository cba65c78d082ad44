/**
 * One load-generator thread: it holds a share of the participants (Canopy ones through
 * packages/client, baseline ones as bare socket.io-client sockets, both WebSocket only), records
 * when each broadcast reaches each of them on the shared clock, counts the bytes on the wire,
 * and sends submissions at an open-loop rate when told to.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { connectRoom, createApi, newParticipantToken, randomId, type RoomConnection } from '@canopy/client';
import { io, Socket as ClientSocket, type Socket } from 'socket.io-client';
import { now, sleep, wsFrame } from './lib.js';

export type Request =
  | { op: 'join'; mode: 'canopy' | 'baseline'; urls: string[]; roomId?: string; code?: string; from: number; count: number; rawStage?: boolean }
  | { op: 'answerBursts'; burstMs: number }
  | { op: 'roomsResults' }
  | { op: 'wait'; v: number; ready: boolean; timeoutMs: number }
  /** fan-out rounds: each simulated phone handles a step change once the round has reached every phone of this thread */
  | { op: 'hold'; on: boolean }
  | { op: 'bytes' }
  | { op: 'submit'; raw?: boolean; rate: number; durationMs: number; stepId: string; statements: string[] }
  | { op: 'settle' }
  | { op: 'echo'; n: number; stepId: string; statements: string[] }
  | { op: 'eld' }
  | { op: 'close' };

interface Member {
  /** Canopy participants have a RoomConnection; baseline ones only a socket */
  conn?: RoomConnection;
  socket: Socket;
  arrived: Map<number, number>;
  ready: Map<number, number>;
  roomId?: string;
  /** `--raw-stage`: the client leaves step changes alone; the view counts as ready on arrival */
  rawStage?: boolean;
  /** while the fan-out holds messages: when this phone's own CPU is next free (it handles its messages one after another) */
  phoneFree?: number;
  /** the stage version whose view the client just made ready (see `flushHeld`) */
  readyJust?: number;
}

/**
 * Many-rooms mode (`answerBursts`): every participant answers each activity step once, at a random
 * moment within `burstMs` of its view arriving, like a room of people after the facilitator moves on.
 */
let burstMs = 0;
const burstAcks: number[] = [];
let burstFailed = 0;
const burstFailures = new Map<string, number>();

const members: Member[] = [];

/**
 * A phone handles its messages on its own CPU; here one thread plays a thousand phones. So that one
 * simulated phone handling a message does not hold back when the next one's message is read off
 * its socket (which would count the generator's own work as the server's delivery time), every
 * socket's packets — events and acknowledgements alike, in the order they came — are handed to it
 * in a later turn of the event loop (`setImmediate`) than the one that read them, and a `stage`'s
 * arrival is stamped as it is read. Canopy's participants and the bare sockets alike.
 *
 * During fan-out rounds (`hold`) a step change is not handed over at once but once it has reached
 * every phone of this thread (at most `HOLD_MAX_MS` later), with whatever came after it on the same
 * socket: a thousand phones' handling (≈ 28 µs each for Canopy's client, ≈ 1–2 µs for a bare
 * socket) would otherwise run on the two cores the server is still sending from, which real phones
 * never do. Each phone's `ready` is then when its own CPU would have finished: the message read at
 * its arrival, then the time this thread took to handle it, after the phone's earlier messages.
 */
const readBy = new WeakMap<object, Member>();
/** socket.io-parser's `PacketType.EVENT` */
const EVENT = 2;
const handOver: Array<[ClientSocket, unknown]> = [];
const HOLD_MAX_MS = 2000;
let holding = false;
const held: Array<{ socket: ClientSocket; packet: unknown; readAt: number; m: Member }> = [];
const heldSockets = new Set<ClientSocket>();
/** how many of this thread's phones each held stage version has reached */
const reached = new Map<number, number>();
let holdTimer: NodeJS.Timeout | null = null;
const onpacket = ClientSocket.prototype['onpacket' as keyof ClientSocket] as (this: ClientSocket, packet: unknown) => void;
Object.defineProperty(ClientSocket.prototype, 'onpacket', {
  value(this: ClientSocket, packet: { type?: number; data?: unknown }) {
    const m = readBy.get(this);
    let stage: number | undefined;
    if (m && packet.type === EVENT && Array.isArray(packet.data) && packet.data[0] === 'stage') {
      const v = (packet.data[1] as { v?: unknown } | undefined)?.v;
      if (typeof v === 'number' && !m.arrived.has(v)) {
        m.arrived.set(v, now());
        if (m.rawStage) m.ready.set(v, now());
        stage = v;
      }
    }
    if (m && holding && (stage !== undefined || heldSockets.has(this))) {
      held.push({ socket: this, packet, readAt: now(), m });
      heldSockets.add(this);
      holdTimer ??= setTimeout(flushHeld, HOLD_MAX_MS);
      if (stage !== undefined) {
        const n = (reached.get(stage) ?? 0) + 1;
        reached.set(stage, n);
        if (n === members.length) setImmediate(flushHeld);
      }
      return;
    }
    if (handOver.push([this, packet]) === 1)
      setImmediate(() => {
        for (const [socket, p] of handOver.splice(0)) onpacket.call(socket, p);
      });
  },
});
/** Every held message handed to its phone, in the order they came; `ready` as that phone's own CPU would have it. */
function flushHeld() {
  if (holdTimer) clearTimeout(holdTimer);
  holdTimer = null;
  heldSockets.clear();
  reached.clear();
  for (const { socket, packet, readAt, m } of held.splice(0)) {
    m.readyJust = undefined;
    const t0 = now();
    onpacket.call(socket, packet);
    m.phoneFree = Math.max(m.phoneFree ?? 0, readAt) + (now() - t0);
    if (m.readyJust !== undefined) m.ready.set(m.readyJust, m.phoneFree);
  }
}
/** Stamp `stage` arrivals for this member as their socket reads them (the socket must be socket.io-client's own class). */
function stampArrivals(m: Member) {
  if (!(m.socket instanceof ClientSocket))
    throw new Error('The client library and the generator load different socket.io-client modules: arrivals cannot be stamped as read.');
  readBy.set(m.socket, m);
}
const bytes = { in: 0, out: 0 };
const eld = monitorEventLoopDelay({ resolution: 10 });
eld.enable();

/** Count what one engine.io connection receives and sends, as WebSocket frames. */
function countBytes(socket: Socket) {
  const engine = socket.io.engine as unknown as { on(e: string, f: (p: { type: string; data?: unknown }) => void): void };
  const size = (p: { data?: unknown }) => 1 + (typeof p.data === 'string' ? Buffer.byteLength(p.data) : 0);
  engine.on('packet', (p) => (bytes.in += wsFrame(size(p))));
  engine.on('packetCreate', (p) => (bytes.out += wsFrame(size(p), true)));
}

async function pool<T>(n: number, limit: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

async function join(req: Extract<Request, { op: 'join' }>) {
  const apis = req.urls.map((u) => createApi(u));
  const before = bytes.in;
  const t0 = now();
  await pool(req.count, 50, async (k) => {
    const i = req.from + k;
    const url = req.urls[i % req.urls.length]!;
    const m: Member = { arrived: new Map(), ready: new Map(), ...(req.roomId ? { roomId: req.roomId } : {}) } as Member;
    if (req.mode === 'canopy') {
      const token = newParticipantToken();
      const deviceId = randomId();
      // like a phone, try again when the server is briefly overwhelmed (the same token is the same participant)
      for (let attempt = 0; ; attempt++) {
        try {
          await apis[i % apis.length]!.rooms.join.mutate({ code: req.code!, nickname: `P${i}`, token, deviceId });
          break;
        } catch (e) {
          if (attempt >= 5) throw e;
          await sleep(200 * 2 ** attempt);
        }
      }
      const conn = connectRoom({ url, roomId: req.roomId!, token, transports: ['websocket'], ackTimeoutMs: 10_000 });
      countBytes(conn.socket as unknown as Socket);
      m.conn = conn;
      m.socket = conn.socket as unknown as Socket;
      // arrival: when the stage message is read off this participant's socket, before the client
      // does anything with it, as for the bare clients; `ready` below is when the client has built
      // what the phone shows
      stampArrivals(m);
      conn.subscribe((s) => {
        const v = s.stage?.v;
        if (v === undefined) return;
        if (!m.arrived.has(v)) m.arrived.set(v, now());
        if (!m.ready.has(v) && s.stage?.step && s.activity?.stepId === s.stage.step.id) {
          m.ready.set(v, now());
          m.readyJust = v;
          if (burstMs > 0) answerLater(conn, s.stage.step.id, s.stage.step.config);
        }
      });
      await conn.until((s) => s.status === 'connected' && s.role !== null && s.stage !== null, 30_000);
      if (req.rawStage) {
        m.socket.off('stage');
        m.rawStage = true;
      }
    } else {
      const socket = io(url, { transports: ['websocket'] });
      countBytes(socket);
      m.socket = socket;
      stampArrivals(m);
      await new Promise<void>((ok, fail) => {
        socket.once('connect', () => ok());
        socket.once('connect_error', fail);
      });
    }
    members.push(m);
  });
  return { joined: req.count, bytesIn: bytes.in - before, ms: now() - t0 };
}

async function wait(req: Extract<Request, { op: 'wait' }>) {
  const deadline = now() + req.timeoutMs;
  const done = (m: Member) => m.arrived.has(req.v) && (!req.ready || m.ready.has(req.v));
  while (!members.every(done) && now() < deadline) await sleep(5);
  return {
    arrived: members.map((m) => m.arrived.get(req.v)).filter((t): t is number => t !== undefined),
    ready: req.ready ? members.map((m) => m.ready.get(req.v)).filter((t): t is number => t !== undefined) : [],
    missing: members.filter((m) => !done(m)).length,
  };
}

const answer = (statements: string[]) => ({
  op: 'rate',
  statementId: statements[Math.floor(Math.random() * statements.length)]!,
  value: 1 + Math.floor(Math.random() * 5),
});

/** One answer: through the client (`m.conn`) unless `raw`, or straight on the socket as a bare client sends it. */
function submitOne(m: Member, stepId: string, statements: string[], raw = false): Promise<boolean> {
  if (m.conn && !raw) return m.conn.submit(stepId, answer(statements)).then((r) => r.ok);
  const socket = (m.conn?.socket as Socket | undefined) ?? m.socket;
  return socket
    .timeout(10_000)
    .emitWithAck('submit', { stepId, submissionId: randomId(), input: answer(statements) })
    .then(
      (r: { ok?: boolean }) => r.ok === true,
      () => false,
    );
}

function answerLater(conn: RoomConnection, stepId: string, config: unknown) {
  const statements = ((config as { statements?: Array<{ id: string }> }).statements ?? []).map((x) => x.id);
  if (!statements.length) return;
  setTimeout(() => {
    const t0 = now();
    conn.submit(stepId, answer(statements)).then(
      (r) => {
        if (r.ok) return void burstAcks.push(now() - t0);
        burstFailed++;
        burstFailures.set(r.error.code, (burstFailures.get(r.error.code) ?? 0) + 1);
      },
      () => burstFailed++,
    );
  }, Math.random() * burstMs);
}

/** Many-rooms mode: each participant's room and when each stage version arrived; the answers' ack times (then forgotten). */
function roomsResults() {
  const arrivals = members.map((m) => ({ roomId: m.roomId ?? '', arrived: [...m.arrived] }));
  const acks = burstAcks.splice(0);
  const failed = burstFailed;
  burstFailed = 0;
  const failures = Object.fromEntries(burstFailures);
  burstFailures.clear();
  return { arrivals, acks, failed, failures };
}

/** Open loop: submissions are due at fixed times whatever the answers do; latency counts from when each was due. */
/** The last stage's answers not yet answered when it ended (an overloaded stage leaves a backlog). */
let unsettled: Promise<unknown> = Promise.resolve();

/**
 * Wait (at most 2 min) until the last stage's answers are all answered: each stage then starts on a
 * server with nothing left over, where an overloaded stage's backlog would otherwise be counted
 * against the next, lower rate (its answers queuing behind the backlog).
 */
async function settle() {
  const t0 = now();
  await Promise.race([unsettled, sleep(120_000)]);
  return { ms: now() - t0 };
}

async function submit(req: Extract<Request, { op: 'submit' }>) {
  const lat: number[] = [];
  let sent = 0;
  let acked = 0;
  let failed = 0;
  const inflight: Array<Promise<void>> = [];
  const t0 = now();
  const total = Math.floor((req.rate * req.durationMs) / 1000);
  let cursor = Math.floor(Math.random() * members.length);
  while (sent < total) {
    const due = Math.min(total, Math.floor(((now() - t0) * req.rate) / 1000) + 1);
    for (; sent < due; sent++) {
      const at = t0 + (sent * 1000) / req.rate;
      const m = members[cursor++ % members.length]!;
      inflight.push(
        submitOne(m, req.stepId, req.statements, req.raw).then((ok) => {
          if (ok) {
            acked++;
            lat.push(now() - at);
          } else failed++;
        }),
      );
    }
    await sleep(1);
  }
  const sentAt = now();
  unsettled = Promise.all(inflight);
  await Promise.race([unsettled, sleep(15_000)]);
  return { sent, acked, failed, lat, sendMs: sentAt - t0, ms: now() - t0 };
}

/** One participant answers `n` times in a row: bytes per submission and its echo. */
async function echo(req: Extract<Request, { op: 'echo' }>) {
  const m = members[0]!;
  const b0 = { ...bytes };
  let sample: unknown = null;
  for (let i = 0; i < req.n; i++) {
    if (m.conn) {
      const res = await m.conn.submit(req.stepId, answer(req.statements));
      sample = res;
    } else await submitOne(m, req.stepId, req.statements);
  }
  await sleep(200); // pushes that follow the ack
  return { in: (bytes.in - b0.in) / req.n, out: (bytes.out - b0.out) / req.n, sample };
}

parentPort!.on('message', (msg: { rid: number; req: Request }) => void handle(msg));
async function handle(msg: { rid: number; req: Request }): Promise<void> {
  const { rid, req } = msg;
  try {
    let res: unknown;
    switch (req.op) {
      case 'join':
        res = await join(req);
        break;
      case 'wait':
        res = await wait(req);
        break;
      case 'hold':
        holding = req.on;
        if (!holding) flushHeld();
        res = {};
        break;
      case 'answerBursts':
        burstMs = req.burstMs;
        res = {};
        break;
      case 'roomsResults':
        res = roomsResults();
        break;
      case 'bytes':
        res = { ...bytes };
        break;
      case 'submit':
        res = await submit(req);
        break;
      case 'settle':
        res = await settle();
        break;
      case 'echo':
        res = await echo(req);
        break;
      case 'eld':
        res = { p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 };
        eld.reset();
        break;
      case 'close':
        burstMs = 0;
        for (const m of members.splice(0)) {
          if (m.conn) m.conn.close();
          else m.socket.disconnect();
        }
        res = {};
        break;
    }
    parentPort!.postMessage({ rid, ok: true, res });
  } catch (e) {
    parentPort!.postMessage({ rid, ok: false, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) });
  }
}
