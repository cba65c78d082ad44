/**
 * Fixtures for the server's integration tests: a real Canopy server on a free port, real
 * Socket.IO clients through the SDK, and the people of a workshop (facilitator console, projector,
 * participants) so that tests read like a facilitator's story. Everything a test opens is closed
 * in `afterEach`.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startRedisServer, type RedisServer } from '@canopy/store/testing';
import { createClient } from 'redis';
import {
  apiErrorCode,
  apiErrorMessage,
  connectRoom,
  createApi,
  newParticipantToken,
  randomId,
  type Api,
  type ConnectOptions,
  type RoomConnection,
  type RoomSnapshot,
} from '@canopy/client';
import type { Ack, NewRoom, Participant, Welcome } from '@canopy/core';
import type { Socket } from 'socket.io-client';
import { loadConfig, startServer, type CanopyServer, type Config, type ServerOptions } from '../src/index.js';

/** A deadline for anything a test waits for: generous, so a slow machine does not make it flaky. */
export const WAIT_MS = 8_000;

/** Limits high enough that the fixtures' own traffic never trips them (tests of the limits lower them). */
const ROOMY_LIMITS: Partial<Config> = {
  JOIN_RATE_PER_MIN: 10_000,
  JOIN_FAILURES_PER_10MIN: 1_000,
  CREATE_RATE_PER_HOUR: 1_000,
  SOCKET_MSGS_PER_SEC: 1_000,
  TOKEN_MSGS_PER_SEC: 1_000,
  COSTLY_READS_PER_MIN: 100_000,
};

export function testConfig(overrides: Partial<Config> = {}): Config {
  return loadConfig({}, { PORT: 0, HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...ROOMY_LIMITS, ...overrides });
}

/** A room's agenda of plain slides (step ids s1, s2, …), each with a duration and facilitator notes. */
export function slides(durations: number[]): NewRoom['agenda'] {
  return durations.map((durationSec, i) => ({
    id: `s${i + 1}`,
    type: 'slide',
    title: `Slide ${i + 1}`,
    durationSec,
    config: { body: `Body of slide ${i + 1}` },
    notes: `Facilitator notes ${i + 1}`,
  }));
}

/** One screen of a room: the SDK connection plus every event it received, in order. */
export interface Screen {
  conn: RoomConnection;
  token: string;
  /** every server → client event this socket received: name and arguments */
  events: Array<{ event: string; args: unknown[] }>;
  /** names of the events received so far */
  received(): string[];
  /** the first `welcome` this screen got */
  welcome(): Welcome | undefined;
}

export interface ParticipantScreen extends Screen {
  id: string;
  nickname: string;
  deviceId: string;
}

export interface Workshop {
  server: CanopyServer;
  api: Api;
  roomId: string;
  /** as the server made it, e.g. K7FQ2MXD */
  code: string;
  facilitatorToken: string;
  cohostToken: string;
  displayToken: string;
  /** the facilitator's console, connected and welcomed */
  console: Screen;
  /** open another screen of this room with any token */
  connect(token: string, opts?: Partial<ConnectOptions>): Screen;
  /** a participant joins with the code (as typed) and a nickname, connects and is welcomed */
  join(nickname: string, opts?: { code?: string; deviceId?: string; token?: string; department?: string; level?: string }): Promise<ParticipantScreen>;
}

/**
 * A redis-server of this test file's own on a free port (started before its tests, stopped after),
 * and a plain client to look inside it (`admin`, RESP 2).
 */
export function useRedis() {
  let redis: RedisServer | undefined;
  let admin: ReturnType<typeof createClient> | undefined;
  beforeAll(async () => {
    redis = await startRedisServer();
    admin = createClient({ url: redis.url, RESP: 2 });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.close();
    await redis?.stop();
  });
  return {
    get server() {
      if (!redis) throw new Error('useRedis: Redis starts before the tests');
      return redis;
    },
    get url() {
      return this.server.url;
    },
    get admin() {
      if (!admin) throw new Error('useRedis: Redis starts before the tests');
      return admin;
    },
  };
}

/**
 * Register cleanup for this test file and get the fixture functions. Call once at the top of a
 * test file (or describe block).
 */
export function useWorkshops() {
  const servers: CanopyServer[] = [];
  const screens: RoomConnection[] = [];

  afterEach(async () => {
    for (const c of screens.splice(0)) c.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  function track(conn: RoomConnection, token: string): Screen {
    screens.push(conn);
    const events: Screen['events'] = [];
    // Attached before the socket can have connected (connecting is asynchronous), so nothing is missed.
    conn.socket.onAny((event: string, ...args: unknown[]) => events.push({ event, args }));
    return {
      conn,
      token,
      events,
      received: () => events.map((e) => e.event),
      welcome: () => events.find((e) => e.event === 'welcome')?.args[0] as Welcome | undefined,
    };
  }

  /** Start a server of our own on a free port (closed after the test); `opts.now`: its clock, moved by the test. */
  async function server(overrides: Partial<Config> = {}, opts: ServerOptions = {}): Promise<CanopyServer> {
    const s = await startServer(testConfig(overrides), undefined, opts);
    servers.push(s);
    return s;
  }

  /** A screen on any server (also for servers the test started itself, e.g. after a restart). */
  function connect(url: string, roomId: string, token: string, opts: Partial<ConnectOptions> = {}): Screen {
    return track(connectRoom({ url, roomId, token, ...opts }), token);
  }

  /** A facilitator creates a room over tRPC and opens the console. */
  async function workshop(srv: CanopyServer, room: Partial<NewRoom> = {}): Promise<Workshop> {
    const api = createApi(srv.url);
    const created = await api.rooms.create.mutate({ title: 'Team retro', agenda: slides([60, 120, 0]), ...room });
    const w: Workshop = {
      server: srv,
      api,
      ...created,
      console: connect(srv.url, created.roomId, created.facilitatorToken),
      connect: (token, opts) => connect(srv.url, created.roomId, token, opts),
      async join(nickname, opts = {}) {
        const token = opts.token ?? newParticipantToken();
        const deviceId = opts.deviceId ?? randomId();
        const { department, level } = opts;
        const res = await api.rooms.join.mutate({
          code: opts.code ?? created.code,
          nickname,
          token,
          deviceId,
          ...(department ? { department } : {}),
          ...(level ? { level } : {}),
        });
        const screen = w.connect(token);
        await welcomed(screen.conn);
        return { ...screen, id: res.participant.id, nickname: res.participant.nickname, deviceId };
      },
    };
    await welcomed(w.console.conn);
    return w;
  }

  return { server, connect, workshop };
}

/** Resolve once the connection is up and the server's welcome has arrived. */
export function welcomed(conn: RoomConnection): Promise<RoomSnapshot> {
  return conn.until((s) => s.status === 'connected' && s.role !== null && s.stage !== null, WAIT_MS);
}

/** Resolve once the connection is refused for good; the snapshot carries the error. */
export function refused(conn: RoomConnection): Promise<RoomSnapshot> {
  return conn.until((s) => s.status === 'failed', WAIT_MS);
}

/** Wait until every screen's state satisfies `pred`. */
export function allUntil(screens: Array<{ conn: RoomConnection }>, pred: (s: RoomSnapshot) => boolean): Promise<RoomSnapshot[]> {
  return Promise.all(screens.map((s) => s.conn.until(pred, WAIT_MS)));
}

/**
 * Send anything at all on a connection's socket (the SDK's typed methods cannot send malformed
 * payloads) and resolve with the server's acknowledgement.
 */
export function emitRaw(conn: RoomConnection, event: string, ...args: unknown[]): Promise<Ack<Record<string, unknown>>> {
  const socket = conn.socket as unknown as Socket;
  return socket.timeout(WAIT_MS).emitWithAck(event, ...args) as Promise<Ack<Record<string, unknown>>>;
}

/** Resolve with the Canopy error code and message of a tRPC call that must fail. */
export async function apiFailure(call: Promise<unknown>): Promise<{ code: string | undefined; message: string }> {
  try {
    await call;
  } catch (e) {
    return { code: apiErrorCode(e), message: apiErrorMessage(e) };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Resolve when `emitter` emits `event` (rejecting after the deadline). */
export function nextEvent<T = unknown>(
  emitter: { once(event: string, fn: (arg: T) => void): unknown; off(event: string, fn: (arg: T) => void): unknown },
  event: string,
  timeoutMs = WAIT_MS,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const fn = (arg: T) => {
      clearTimeout(timer);
      resolve(arg);
    };
    const timer = setTimeout(() => {
      emitter.off(event, fn);
      reject(new Error(`no "${event}" within ${timeoutMs} ms`));
    }, timeoutMs);
    emitter.once(event, fn);
  });
}

export type { Participant };

/**
 * One tRPC call over plain HTTP, with headers the SDK does not let a test set (e.g. a forwarded
 * address). Resolves with the HTTP status and either the result or Canopy's error code and message.
 */
export async function postTrpc(url: string, path: string, input: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(input) });
  const body = (await res.json()) as { result?: { data: unknown }; error?: { message: string; data?: { canopyCode?: string } } };
  return { status: res.status, data: body.result?.data, code: body.error?.data?.canopyCode, message: body.error?.message };
}

/** Resolve with the reason once the connection's socket is disconnected (at once if it already is). */
export function disconnected(conn: RoomConnection, timeoutMs = WAIT_MS): Promise<string> {
  if (!conn.socket.connected) return Promise.resolve('already disconnected');
  return nextEvent<string>(conn.socket as unknown as Socket, 'disconnect', timeoutMs);
}
