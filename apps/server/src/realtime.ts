/**
 * Socket.IO: authentication in the handshake, one handler per client event (each validates its
 * payload with zod and checks the sender's role), and the broadcaster the service tells about
 * changes. Socket.IO rooms used: `r:<room>` every screen, `d:<room>` displays (projectors),
 * `f:<room>` consoles (facilitator and co-host), `p:<participant>` one participant. A participant
 * in the waiting room joins `p:<participant>` only, and may send nothing but `sync` and `clock`.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import {
  because,
  ActPayloadSchema,
  AdmitPayloadSchema,
  NOT_ADMITTED_MESSAGE,
  RefusePayloadSchema,
  WAITING_MESSAGE,
  CheckInPayloadSchema,
  PlanEditPayloadSchema,
  ImpactPayloadSchema,
  PlanPayloadSchema,
  CommandPayloadSchema,
  DeleteRoomPayloadSchema,
  errorAck,
  ForgetMePayloadSchema,
  QuestionAskPayloadSchema,
  QuestionModeratePayloadSchema,
  QuestionsListPayloadSchema,
  QuestionVotePayloadSchema,
  QuestionWithdrawPayloadSchema,
  HandshakeSchema,
  issueMessage,
  issueRefusal,
  LowerHandsPayloadSchema,
  OutcomesPayloadSchema,
  SignalPayloadSchema,
  canFacilitate,
  PROTOCOL_MISMATCH_MESSAGE,
  PROTOCOL_VERSION,
  RemovePayloadSchema,
  stageChange,
  stepContents,
  SubmitPayloadSchema,
  type Ack,
  type ActivityView,
  type ClientToServerEvents,
  type ErrorBody,
  type Participant,
  type FreshView,
  type RoomState,
  type ServerToClientEvents,
  type SignalsView,
  type SocketData,
  type Welcome,
} from '@canopy/core';
import { RoomNotFoundError } from '@canopy/store';
import { Server, type Socket } from 'socket.io';
import type { z } from 'zod';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { Brake, type Bucket, COSTLY_EVENTS, Fairness, RoomBusyError } from './fairness.js';
import { groupSame } from './same-views.js';
import { clientAddress, configuredOrigins, originAllowed } from './security.js';
import { ServiceError } from '@canopy/api';
import type { Broadcaster, Identity, RoomService } from './service.js';

/** between nodes: "push the participants connected to you their view of this room's step" */
interface InterServerEvents {
  views: (roomId: string) => void;
  /** the same for their own "I'm done" and hand (after a step change) */
  signals: (roomId: string) => void;
  /** "I have just started": count me among the nodes (see `alone` in the broadcaster) */
  hello: () => void;
}
type IO = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type CanopySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** What a socket keeps of its own (see `states` in attachRealtime). */
interface SocketState {
  /** `room:participant` (or `room:role`): the fair shares of its token */
  tokenKey: string;
  /** the client's address, for the sockets-per-address cap */
  address: string;
  bucket: Bucket;
  brake: Brake;
}

export const ROOM_DELETED_MESSAGE = 'The facilitator deleted this room and everything in it.';
export const DATA_DELETED_MESSAGE = 'Your answers and your name were deleted from this room.';

export const MAX_MESSAGE_BYTES = 64 * 1024;
/** what a participant in the waiting room may send */
const WHILE_WAITING: ReadonlySet<string> = new Set(['sync', 'clock']);
/** presenters' aggregate pictures are pushed at most this often per step */
const ACTIVITY_PUSH_MS = 100;
/** participant counts are pushed to every screen at most this often per room */
const COUNT_PUSH_MS = 500;
/** how often a node counts the nodes serving the app (see `alone` in the broadcaster) */
const NODES_COUNT_MS = 2000;

export const rooms = {
  all: (roomId: string) => `r:${roomId}`,
  displays: (roomId: string) => `d:${roomId}`,
  consoles: (roomId: string) => `f:${roomId}`,
  participant: (participantId: string) => `p:${participantId}`,
  /** the screens of people in the waiting room (they hear nothing of the room; consoles see them online) */
  waiting: (roomId: string) => `w:${roomId}`,
};

class HandshakeError extends Error {
  readonly data: ErrorBody;
  constructor(body: ErrorBody) {
    super(body.message);
    this.data = body;
  }
}

/**
 * Transport settings (the load bench's bare Socket.IO baseline uses the same): no per-message
 * compression (CPU per message, and it defeats encoding a broadcast once), small messages only,
 * connection-state recovery so a short drop replays the missed broadcasts.
 */
export const SOCKET_OPTIONS = {
  maxHttpBufferSize: MAX_MESSAGE_BYTES,
  perMessageDeflate: false,
  httpCompression: false,
  serveClient: false,
  connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
} as const;

export interface Realtime {
  io: IO;
  /** how many nodes serve the app, this one included, as this one last counted them (Infinity: not counted yet) */
  nodes(): number;
}

export function attachRealtime(httpServer: HttpServer, service: RoomService, config: Config, log: Logger, adapter?: Parameters<IO['adapter']>[0]): Realtime {
  const origins = configuredOrigins(config);
  const fair = new Fairness(config);
  const io: IO = new Server(httpServer, {
    ...SOCKET_OPTIONS,
    allowRequest: (req, cb) => {
      const ok = originAllowed(req, origins);
      if (!ok) log.warn('refused handshake from a foreign origin', { origin: req.headers.origin });
      cb(null, ok);
    },
    ...(adapter ? { adapter } : {}),
  });

  /**
   * The raw HTTP request is not kept after the handshake (it would be, per connection, for as long
   * as the connection lasts): what is needed of it, the client's address (X-Forwarded-For behind a
   * trusted proxy), is taken first.
   */
  const addresses = new WeakMap<object, string>();
  io.engine.on('connection', (raw: { request: IncomingMessage | null; remoteAddress?: string }) => {
    if (raw.request) addresses.set(raw, clientAddress(raw.request, config.TRUST_PROXY));
    raw.request = null;
  });

  /**
   * What each open socket keeps of its own: its message budget and brake and its fair-share keys.
   * The handlers are shared by every socket (`onEvent`, `onDisconnect`): no closures per socket.
   */
  const states = new WeakMap<CanopySocket, SocketState>();

  // Every path below calls `next` exactly once and catches its own errors.
  io.use((socket, next) => void handshake(socket, next));
  async function handshake(socket: CanopySocket, next: (err?: Error) => void): Promise<void> {
    const hs = HandshakeSchema.safeParse(socket.handshake.auth);
    if (!hs.success) {
      const v = (socket.handshake.auth as { v?: unknown } | undefined)?.v;
      if (v !== undefined && v !== PROTOCOL_VERSION) return next(new HandshakeError({ code: 'PROTOCOL_MISMATCH', message: PROTOCOL_MISMATCH_MESSAGE }));
      return next(new HandshakeError({ code: 'BAD_REQUEST', message: 'Malformed handshake.' }));
    }
    if (hs.data.v !== PROTOCOL_VERSION) return next(new HandshakeError({ code: 'PROTOCOL_MISMATCH', message: PROTOCOL_MISMATCH_MESSAGE }));
    try {
      const who = await service.authenticate(hs.data.roomId, hs.data.token);
      if (!who) {
        log.info('refused handshake with an unknown or revoked token', { room: hs.data.roomId });
        return next(new HandshakeError({ code: 'UNAUTHORIZED', message: 'This link is no longer valid for this room.' }));
      }
      socket.data = {
        role: who.role,
        roomId: who.roomId,
        ...(who.participant ? { participantId: who.participant.id } : {}),
        ...(who.participant?.waiting ? { waiting: true as const } : {}),
      };
      // fair shares: sockets per token and per client address (counted until the socket goes)
      const tokenKey = `${who.roomId}:${who.participant?.id ?? who.role}`;
      const address = addresses.get(socket.conn) ?? socket.handshake.address ?? 'unknown';
      const tooMany = fair.admit(tokenKey, address);
      if (tooMany) return next(new HandshakeError({ code: 'RATE_LIMITED', message: tooMany, retryAfterMs: 5000, ...because('TOO_MANY_SCREENS') }));
      states.set(socket, { tokenKey, address, bucket: fair.socketBucket(), brake: new Brake() });
      socket.once('disconnect', onDisconnect);
      next();
    } catch (e) {
      log.error('handshake failed', e);
      next(new HandshakeError({ code: 'STORE_UNAVAILABLE', message: 'The server cannot reach its storage right now; retrying.' }));
    }
  }

  /** A socket went: its fair-share count is given back; consoles hear when a participant's last screen left. */
  function onDisconnect(this: CanopySocket, reason: string): void {
    const { roomId, role, participantId } = this.data;
    const state = states.get(this);
    if (state) fair.release(state.tokenKey, state.address);
    log.debug('socket disconnected', { room: roomId, role, reason });
    if (!participantId) return;
    away.set(participantId, performance.now());
    // Still here in another tab on this node: nothing to ask the other nodes.
    if (io.sockets.adapter.rooms.get(rooms.participant(participantId))?.size) return;
    io.in(rooms.participant(participantId))
      .timeout(1000)
      .fetchSockets()
      .then(
        (left) => {
          if (!left.length) io.to(rooms.consoles(roomId)).emit('roster', { type: 'online', participantId, online: false });
        },
        () => {},
      );
  }

  /**
   * The socket's own budget, then its token's (shared by all its sockets): 0 or the ms to wait.
   * Over budget, the socket is also not read until then (`holdBack`), longer each time it sends
   * again before that (`Brake`).
   */
  function budget(socket: CanopySocket, state: SocketState, event: string): number {
    const wait = state.bucket.take() || fair.take(state.tokenKey, event);
    if (!wait) return 0;
    const hold = state.brake.hold(wait);
    holdBack(socket, hold);
    return hold;
  }

  /** Who sent a message on this socket, for the service. */
  const whoOn = (socket: CanopySocket): Identity => {
    const { role, roomId, participantId } = socket.data;
    return { role, roomId, socketId: socket.id, ...(participantId ? { participant: { id: participantId } as Participant } : {}) };
  };

  /** One handler per client event, shared by every socket: its payload schema and what it does. */
  const handlers = new Map<string, { schema: z.ZodType | null; run: (payload: unknown, who: Identity, socket: CanopySocket) => Promise<object> }>();
  function on<S extends z.ZodType, R extends object>(
    event: keyof ClientToServerEvents,
    schema: S | null,
    run: (payload: z.output<S>, who: Identity, socket: CanopySocket) => Promise<R>,
  ) {
    handlers.set(event, { schema, run: run as (payload: unknown, who: Identity, socket: CanopySocket) => Promise<object> });
  }

  on('command', CommandPayloadSchema, async (p, who) => {
    const room = await service.command(who, p.cmd, p.expectedVersion);
    return { version: room.version };
  });
  on('remove', RemovePayloadSchema, async (p, who) => {
    await service.removeParticipant(who, p.participantId);
    return {};
  });
  on('admit', AdmitPayloadSchema, async (p, who) => ({ admitted: await service.admit(who, p.participantIds) }));
  on('refuse', RefusePayloadSchema, async (p, who) => {
    await service.refuse(who, p.participantId);
    return {};
  });
  on('deleteRoom', DeleteRoomPayloadSchema, async (p, who) => {
    await service.deleteRoom(who, p.code);
    return {};
  });
  on('forgetMe', ForgetMePayloadSchema, async (_p, who) => {
    await service.forgetParticipant(who);
    return {};
  });
  on('submit', SubmitPayloadSchema, (p, who) => service.submit(who, p.stepId, p.submissionId, p.input));
  on('act', ActPayloadSchema, (p, who) => service.act(who, p.stepId, p.actionId, p.action));
  on('outcomes:mine', OutcomesPayloadSchema, async (_p, who) => ({ outcomes: await service.myOutcomes(who) }));
  on('followUp:plan', PlanPayloadSchema, async (_p, who) => ({ plan: await service.plan(who) }));
  on('followUp:checkIn', CheckInPayloadSchema, (p, who) => service.checkIn(who, p.submissionId, p.checkIn));
  on('followUp:edit', PlanEditPayloadSchema, (p, who) => service.editPlan(who, p.submissionId, p.edit));
  on('followUp:impact', ImpactPayloadSchema, async (_p, who) => ({ impact: await service.impact(who) }));
  on('signal', SignalPayloadSchema, async (p, who) => ({ signals: await service.signal(who, p) }));
  on('signals:lower', LowerHandsPayloadSchema, async (p, who) => ({ lowered: await service.lowerHands(who, p.participantId) }));
  on('questions:list', QuestionsListPayloadSchema, async (_p, who) => ({ board: await service.questions(who) }));
  on('questions:ask', QuestionAskPayloadSchema, (p, who) => service.askQuestion(who, p.submissionId, p.text));
  on('questions:vote', QuestionVotePayloadSchema, (p, who) => service.voteQuestion(who, p.id, p.up));
  on('questions:withdraw', QuestionWithdrawPayloadSchema, (p, who) => service.withdrawQuestion(who, p.id));
  on('questions:moderate', QuestionModeratePayloadSchema, (p, who) => service.moderateQuestion(who, p.action));
  on('sync', null, async (_p, _who, socket) => ({ welcome: await welcome(socket) }));
  on('clock', null, async (clientNow: unknown) => ({ clientNow: typeof clientNow === 'number' ? clientNow : 0, serverNow: service.now() }));

  /**
   * Every client event of every socket (`this`): rate limit, validate, run, always answer (errors
   * included). An event nobody handles still gets an answer when it asks for one (and counts
   * towards the limit).
   */
  function onEvent(this: CanopySocket, event: unknown, ...args: unknown[]): void {
    dispatch(this, event, args);
  }
  function dispatch(socket: CanopySocket, event: unknown, args: unknown[]): void {
    const state = states.get(socket);
    if (!state) return;
    const { roomId, role, waiting } = socket.data;
    const handler = typeof event === 'string' ? handlers.get(event) : undefined;
    const last = args[args.length - 1];
    if (!handler) {
      if (typeof last !== 'function') return;
      const wait = budget(socket, state, 'unknown');
      if (wait) return last(errorAck('RATE_LIMITED', 'Slow down: too many messages.', wait, because('SLOW_DOWN')));
      log.info('refused an unknown event', { room: roomId, role });
      return last(errorAck('BAD_REQUEST', 'Unknown event.'));
    }
    const name = event as string;
    const ack = typeof last === 'function' ? (args.pop() as (a: Ack<object>) => void) : () => {};
    const wait = budget(socket, state, name);
    if (wait) return ack(errorAck('RATE_LIMITED', 'Slow down: too many messages.', wait, because('SLOW_DOWN')));
    if (waiting && !WHILE_WAITING.has(name)) {
      log.info('refused a message from the waiting room', { event: name, room: roomId, role });
      return ack(errorAck('WAITING', WAITING_MESSAGE));
    }
    let payload: unknown = args[0];
    if (handler.schema) {
      const parsed = handler.schema.safeParse(payload);
      if (!parsed.success) {
        log.info('refused a malformed message', { event: name, room: roomId, role });
        return ack(
          errorAck('BAD_REQUEST', issueMessage(parsed.error, { about: `Malformed ${name}`, whole: 'payload' }), undefined, issueRefusal(parsed.error)),
        );
      }
      payload = parsed.data;
    }
    void handle(socket, state, name, handler.run, payload, ack);
  }

  async function handle(
    socket: CanopySocket,
    state: SocketState,
    event: string,
    run: (payload: unknown, who: Identity, socket: CanopySocket) => Promise<object>,
    payload: unknown,
    ack: (a: Ack<object>) => void,
  ): Promise<void> {
    const { roomId, role } = socket.data;
    try {
      // in the room's own lane: a busy room waits behind its own work, not everyone's
      const work = () => fair.inRoom(roomId, () => run(payload, whoOn(socket), socket));
      ack({ ok: true, ...(await (COSTLY_EVENTS.has(event) ? fair.costly(state.tokenKey, work) : work())) });
      log.debug('handled a message', { event, room: roomId, role });
    } catch (e) {
      if (e instanceof ServiceError) {
        // ids and the code only: never the payload or the message text (it may quote the input)
        if (e.code === 'FORBIDDEN') log.warn('refused an unauthorized message', { event, room: roomId, role });
        else log.info('refused a message', { event, room: roomId, role, code: e.code });
        return ack({ ok: false, error: e.body });
      }
      if (e instanceof RoomNotFoundError) return ack(errorAck('NOT_FOUND', 'This room no longer exists.', undefined, because('ROOM_GONE')));
      if (e instanceof RoomBusyError) return ack(errorAck('BUSY', e.message, 1000));
      log.error(`handler ${event} failed`, e);
      ack(errorAck('STORE_UNAVAILABLE', 'Not saved: the server could not reach its storage. Retrying…'));
    }
  }

  /** participants with a screen that left this node lately, and when (see `ownViewChanged`) */
  const away = new Map<string, number>();
  setInterval(() => {
    const since = performance.now() - SOCKET_OPTIONS.connectionStateRecovery.maxDisconnectionDuration;
    for (const [id, at] of away) if (at < since) away.delete(id);
  }, 60_000).unref();
  const nodes = countNodes(io, adapter !== undefined);
  const broadcaster = createBroadcaster(io, service, log, adapter !== undefined, () => nodes() === 1, away);
  service.broadcaster = broadcaster;

  io.on('connection', (socket) => {
    const { roomId, role, participantId, waiting } = socket.data;
    // a waiting participant hears nothing of the room (no stage, steps, counts) until let in
    void socket.join([
      ...(waiting ? [rooms.waiting(roomId)] : [rooms.all(roomId)]),
      ...(role === 'display' ? [rooms.displays(roomId)] : []),
      ...(canFacilitate(role) ? [rooms.consoles(roomId)] : []),
      ...(participantId ? [rooms.participant(participantId)] : []),
    ]);
    log.debug('socket connected', { room: roomId, role, recovered: socket.recovered });
    socket.onAny(onEvent);
    if (participantId) io.to(rooms.consoles(roomId)).emit('roster', { type: 'online', participantId, online: true });

    if (!socket.recovered) {
      welcome(socket)
        .then((w) => socket.emit('welcome', w))
        .catch((e) => {
          // Removed in the meantime: say so. Anything else: the client retries on its own.
          if (e instanceof ServiceError && e.code === 'REMOVED') socket.emit('removed', { message: e.message });
          else log.error('welcome failed', e);
          socket.disconnect(true);
        });
    }
  });

  /** The full state for this screen; for consoles with who is online now (waiting people too), across nodes (this node alone if the others are slow). */
  function welcome(socket: CanopySocket): Promise<Welcome> {
    const everyone = [rooms.all(socket.data.roomId), rooms.waiting(socket.data.roomId)];
    const online = () =>
      io
        .in(everyone)
        .timeout(1000)
        .fetchSockets()
        .catch(() => io.local.in(everyone).fetchSockets())
        .then((sockets) => sockets.map((s: { data: SocketData }) => s.data.participantId));
    return service.welcome(socket.data, online);
  }

  return { io, nodes };
}

/**
 * How many nodes serve the app, this one included, so that a node knows when what it sees of its
 * own sockets is all there is (one node). Without an adapter: one. With one, the adapter counts the
 * nodes (`serverCount`: the nodes subscribed to its channel, one round trip to Redis) every
 * NODES_COUNT_MS, the first time NODES_COUNT_MS after starting (its own subscription is in place
 * by then), never on a hot path; until then, and while counting fails, the answer is "not
 * known" (Infinity). A node says `hello` to the others as it starts, before it accepts a
 * connection: they count it at once, and a count taken within NODES_COUNT_MS of that cannot make
 * them forget it (its subscription may not be visible yet). A node that dies is counted out at the
 * next count; until then the others push as if it were there (work not spared, nothing lost).
 */
function countNodes(io: IO, clustered: boolean): () => number {
  if (!clustered) return () => 1;
  let nodes = Infinity;
  let helloAt = -Infinity;
  const count = () =>
    io
      .of('/')
      .adapter.serverCount()
      .then(
        (n) => {
          if (n < 1) nodes = Infinity;
          else if (n >= nodes || performance.now() - helloAt > NODES_COUNT_MS) nodes = n;
        },
        () => {
          nodes = Infinity;
        },
      );
  setInterval(() => void count(), NODES_COUNT_MS).unref();
  io.on('hello', () => {
    helloAt = performance.now();
    nodes = Math.max(nodes, 2);
  });
  io.serverSideEmit('hello');
  return () => nodes;
}

/**
 * A socket over its message budget is not read for `ms` (its WebSocket paused): what it sends
 * meanwhile waits in its own connection's buffers, costing this process nothing, instead of being
 * decoded and refused one by one. A client that ignores `retryAfterMs` and keeps sending (the
 * noisy-neighbour chaos row) is slowed to its budget by backpressure; the SDK, which waits as
 * told, never notices. Messages already received are still answered (RATE_LIMITED). Long polling
 * has no connection to pause: there the refusals alone apply.
 */
function holdBack(socket: CanopySocket, ms: number): void {
  const transport = (socket.conn as unknown as { transport?: { name?: string; socket?: { pause(): void; resume(): void; isPaused: boolean } } }).transport;
  const ws = transport?.name === 'websocket' ? transport.socket : undefined;
  if (!ws || typeof ws.pause !== 'function' || ws.isPaused) return;
  ws.pause();
  setTimeout(() => ws.resume(), ms).unref();
}

/** Tell the screens of a room what changed; frequent pictures are coalesced, not sent per change. */
function createBroadcaster(
  io: IO,
  service: RoomService,
  log: Logger,
  clustered: boolean,
  alone: () => boolean,
  away: ReadonlyMap<string, number>,
): Broadcaster {
  const countTimers = new Map<string, NodeJS.Timeout>();
  const activityTimers = new Map<string, NodeJS.Timeout>();
  const viewTimers = new Map<string, NodeJS.Timeout>();
  const impactTimers = new Map<string, NodeJS.Timeout>();
  const signalTimers = new Map<string, NodeJS.Timeout>();
  const ownSignalTimers = new Map<string, NodeJS.Timeout>();
  const questionTimers = new Map<string, NodeJS.Timeout>();

  function later(timers: Map<string, NodeJS.Timeout>, key: string, ms: number, fn: () => Promise<void>) {
    if (timers.has(key)) return;
    const t = setTimeout(() => {
      timers.delete(key);
      fn().catch((e) => log.error('push failed', e));
    }, ms);
    t.unref();
    timers.set(key, t);
  }

  const pushCount = (roomId: string) =>
    later(countTimers, roomId, COUNT_PUSH_MS, async () => {
      io.to(rooms.all(roomId)).emit('count', { joined: await service.countParticipants(roomId) });
    });

  /** Are there sockets in this Socket.IO room? Only this node's are known (without asking the others). */
  const hereIn = (room: string) => io.sockets.adapter.rooms.get(room)?.size ?? 0;

  /**
   * The current step's pictures for consoles and displays, at most every ACTIVITY_PUSH_MS per room;
   * none when no console or display is open (known for sure with one node only).
   */
  const pushActivity = (roomId: string) =>
    later(activityTimers, roomId, ACTIVITY_PUSH_MS, async () => {
      if (alone() && !hereIn(rooms.consoles(roomId)) && !hereIn(rooms.displays(roomId))) return;
      const views = await service.currentPresenterViews(roomId, ['console', 'display']);
      if (!views) return;
      const [forConsoles, forDisplays] = views;
      if (forConsoles) io.to(rooms.consoles(roomId)).emit('activity', forConsoles);
      if (forDisplays) io.to(rooms.displays(roomId)).emit('activity', forDisplays);
    });

  /**
   * Every participant of the room connected to this node gets their own message, built for all of
   * them at once; identical ones go out as one broadcast.
   */
  async function pushEachHere<E extends 'activity' | 'signals'>(
    roomId: string,
    event: E,
    build: (roomId: string, participantIds: string[]) => Promise<Array<[string, Parameters<ServerToClientEvents[E]>[0]]>>,
  ): Promise<void> {
    const ids = new Set<string>();
    for (const sid of io.sockets.adapter.rooms.get(rooms.all(roomId)) ?? []) {
      const pid = io.sockets.sockets.get(sid)?.data.participantId;
      if (pid) ids.add(pid);
    }
    for (const { message, recipients } of groupSame(await build(roomId, [...ids]))) {
      const to = io.local.to(recipients.map((id) => rooms.participant(id)));
      if (event === 'activity') to.emit('activity', message as ActivityView);
      else to.emit('signals', message as SignalsView);
    }
  }

  /**
   * Every participant connected to this node gets their own view of the room's current step, built
   * from one read of the step (not one request per participant); each node serves its own sockets.
   * Identical views (everyone still without an answer) go out as one broadcast.
   */
  const pushViewsHere = (roomId: string) => later(viewTimers, roomId, 0, () => pushEachHere(roomId, 'activity', service.participantViews.bind(service)));
  const pushViews = (roomId: string) => {
    if (clustered) io.serverSideEmit('views', roomId);
    pushViewsHere(roomId);
  };
  if (clustered) io.on('views', (roomId: string) => pushViewsHere(roomId));

  /** "I'm done" and hands: consoles see who, displays the counts (coalesced like the pictures) */
  const pushSignals = (roomId: string) =>
    later(signalTimers, roomId, ACTIVITY_PUSH_MS, async () => {
      const views = await service.presenterSignals(roomId);
      io.to(rooms.consoles(roomId)).emit('signals', views.console);
      io.to(rooms.displays(roomId)).emit('signals', views.display);
    });
  /** every participant connected to this node gets their own signals (identical ones as one broadcast) */
  const pushOwnSignalsHere = (roomId: string) =>
    later(ownSignalTimers, roomId, 0, () => pushEachHere(roomId, 'signals', service.participantSignals.bind(service)));
  if (clustered) io.on('signals', (roomId: string) => pushOwnSignalsHere(roomId));

  return {
    roomChanged(room: RoomState, stepsChanged: boolean, fresh?: FreshView | null) {
      // the steps' content only when it changed: a step change names its step by id
      if (stepsChanged) io.to(rooms.all(room.id)).emit('steps', stepContents(room));
      io.to(rooms.all(room.id)).emit('stage', stageChange(room, fresh));
      io.to(rooms.consoles(room.id)).emit('room', room);
      pushActivity(room.id);
    },
    participantJoined(roomId, participant) {
      io.to(rooms.consoles(roomId)).emit('roster', { type: 'joined', participant });
      if (participant.waiting) return; // not counted until let in
      pushCount(roomId);
      pushActivity(roomId); // progress is "n of everyone": everyone just grew
      pushSignals(roomId);
    },
    participantAdmitted(roomId, participantId) {
      // their screens connect again (the SDK does) and come back as participants of the room
      io.to(rooms.participant(participantId)).emit('admitted');
      io.to(rooms.consoles(roomId)).emit('roster', { type: 'admitted', participantId });
      pushCount(roomId);
      pushActivity(roomId);
    },
    participantRefused(roomId, participantId) {
      io.to(rooms.participant(participantId)).emit('refused', { message: NOT_ADMITTED_MESSAGE });
      setImmediate(() => io.in(rooms.participant(participantId)).disconnectSockets(true));
      io.to(rooms.consoles(roomId)).emit('roster', { type: 'refused', participantId });
    },
    participantRemoved(roomId, participantId) {
      io.to(rooms.participant(participantId)).emit('removed', { message: 'The facilitator removed you from this room.' });
      io.in(rooms.participant(participantId)).disconnectSockets(true);
      io.to(rooms.consoles(roomId)).emit('roster', { type: 'removed', participantId });
      pushCount(roomId);
      pushActivity(roomId);
      pushSignals(roomId);
    },
    activityChanged: (roomId) => pushActivity(roomId),
    ownViewChanged(participantId, view, exceptSocket) {
      // No screen of theirs on this node but the one that has the view in its answer, none that left
      // lately (it may come back and recover what it missed), and no other node: nobody to tell.
      // Most people have one screen: this spares a publish through the adapter, and reading it
      // back, per answer.
      const screens = io.sockets.adapter.rooms.get(rooms.participant(participantId));
      const onlyTheSender = !screens || (screens.size === 1 && exceptSocket !== undefined && screens.has(exceptSocket));
      const left = away.get(participantId);
      const mayRecover = left !== undefined && performance.now() - left < SOCKET_OPTIONS.connectionStateRecovery.maxDisconnectionDuration;
      if (onlyTheSender && !mayRecover && alone()) return;
      io.to(rooms.participant(participantId))
        .except(exceptSocket ?? [])
        .emit('activity', view);
    },
    sharedChanged: (roomId) => pushViews(roomId),
    participantViewsChanged: (roomId) => pushViews(roomId),
    roomDeleted(roomId) {
      io.to(rooms.all(roomId)).emit('roomDeleted', { message: ROOM_DELETED_MESSAGE });
      // after the current turn, so the facilitator's acknowledgement goes out first
      setImmediate(() => io.in(rooms.all(roomId)).disconnectSockets(true));
    },
    followUpChanged: (roomId) =>
      later(impactTimers, roomId, ACTIVITY_PUSH_MS, async () => {
        const impact = await service.impact({ role: 'facilitator', roomId });
        io.to([rooms.consoles(roomId), rooms.displays(roomId)]).emit('followUp:impact', impact);
      }),
    signalsChanged(roomId, whose) {
      pushSignals(roomId);
      if (whose === 'presenters') return;
      if (whose !== 'everyone') {
        service.participantSignals(roomId, [whose]).then(
          (views) => views.forEach(([id, view]) => io.to(rooms.participant(id)).emit('signals', view)),
          (e: unknown) => log.error('push failed', e),
        );
        return;
      }
      if (clustered) io.serverSideEmit('signals', roomId);
      pushOwnSignalsHere(roomId);
    },
    questionsChanged: (roomId) =>
      later(questionTimers, roomId, ACTIVITY_PUSH_MS, async () => {
        const boards = await service.questionBoards(roomId);
        if (!boards) return;
        io.to(rooms.consoles(roomId)).emit('questions', boards.console);
        // phones and displays: what everyone may see (no hidden question; nobody's name or pseudonym)
        io.to(rooms.all(roomId)).except(rooms.consoles(roomId)).emit('questions', boards.public);
      }),
    participantErased(roomId, participantId) {
      io.to(rooms.participant(participantId)).emit('dataDeleted', { message: DATA_DELETED_MESSAGE });
      setImmediate(() => io.in(rooms.participant(participantId)).disconnectSockets(true));
      io.to(rooms.consoles(roomId)).emit('roster', { type: 'erased', participantId });
      pushCount(roomId);
      pushActivity(roomId);
      pushSignals(roomId);
    },
  };
}
