/**
 * Many nodes: any node serves any room. Two real server processes share one Redis (a spawned
 * redis-server, never the machine's) — and the same stories again on a Redis Cluster (three
 * masters with a replica each, spawned too): store, rate limits and the Socket.IO adapter all on
 * the cluster. The facilitator's console is on node B while participants join and connect through
 * node A, as a load balancer would spread them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectRoom, createApi, newParticipantToken, randomId, type RoomConnection, type RoomSnapshot } from '@canopy/client';
import { freePort, startRedisCluster, startRedisServer } from '@canopy/store/testing';
import { ensureServerBuild, SERVER_ENTRY } from '../../apps/server/build.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WAIT_MS = 10_000;
const BOOT_MS = 30_000;

interface Node {
  name: string;
  url: string;
  proc: ChildProcess;
  output: () => string;
}

const nodes: Node[] = [];

function killAll(): void {
  for (const n of nodes) if (n.proc.exitCode === null && n.proc.signalCode === null) n.proc.kill('SIGKILL');
}
process.once('exit', killAll);

/** Start the server as it ships (`node apps/server/dist/main.js`) on a free port and wait for its health check. */
async function startNode(name: string, redis: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<Node> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    ...redis,
    STORE_DRIVER: 'node-redis',
    LOG_LEVEL: 'info',
    JOIN_RATE_PER_MIN: '10000',
    CREATE_RATE_PER_HOUR: '1000',
    ...extraEnv,
  };
  delete env.WEB_BUILD_DIR;
  delete env.ALLOWED_ORIGINS;
  await ensureServerBuild();
  const proc = spawn(process.execPath, [SERVER_ENTRY], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d) => (out = (out + String(d)).slice(-20_000)));
  proc.stderr?.on('data', (d) => (out = (out + String(d)).slice(-20_000)));
  const node: Node = { name, url: `http://127.0.0.1:${port}`, proc, output: () => out };
  nodes.push(node);

  const deadline = Date.now() + BOOT_MS;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`node ${name} exited with ${proc.exitCode}:\n${out}`);
    try {
      const res = await fetch(`${node.url}/healthz`);
      if (res.ok) {
        const body = (await res.json()) as { store: string };
        if (body.store !== 'redis') throw new Error(`node ${name} is not on Redis: ${JSON.stringify(body)}`);
        return node;
      }
    } catch (e) {
      if (e instanceof Error && e.message.startsWith('node ')) throw e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`node ${name} was not healthy within ${BOOT_MS} ms:\n${out}`);
}

async function stopNode(n: Node): Promise<void> {
  if (n.proc.exitCode !== null || n.proc.signalCode !== null) return;
  const gone = new Promise((r) => n.proc.once('exit', r));
  n.proc.kill('SIGTERM');
  const force = setTimeout(() => n.proc.kill('SIGKILL'), 5_000);
  await gone;
  clearTimeout(force);
}

/** A Redis of the test's own: its env for a node, and how to stop it. */
interface Backend {
  env: Record<string, string>;
  stop(): Promise<void>;
}
const BACKENDS: Array<[string, () => Promise<Backend>]> = [
  ['one Redis', async () => startRedisServer().then((r) => ({ env: { REDIS_URL: r.url }, stop: () => r.stop() }))],
  ['a Redis Cluster', async () => startRedisCluster().then((c) => ({ env: c.env, stop: () => c.stop() }))],
];

describe.each(BACKENDS)('two server nodes on %s', (_name, backend) => {
  let redis: Backend;
  let a: Node;
  let b: Node;
  const open: RoomConnection[] = [];

  const welcomed = (conn: RoomConnection): Promise<RoomSnapshot> => conn.until((s) => s.status === 'connected' && s.role !== null && s.stage !== null, WAIT_MS);
  function screen(node: Node, roomId: string, token: string): RoomConnection {
    const conn = connectRoom({ url: node.url, roomId, token });
    open.push(conn);
    return conn;
  }
  /** A facilitator opens a room on node B; returns its tokens and the console, connected to B. */
  async function roomOnB() {
    const room = await createApi(b.url).rooms.create.mutate({
      title: 'Offsite',
      agenda: [1, 2, 3].map((i) => ({ id: `s${i}`, type: 'slide', title: `Slide ${i}`, durationSec: 60, config: {} })),
    });
    const console_ = screen(b, room.roomId, room.facilitatorToken);
    await welcomed(console_);
    return { room, console: console_ };
  }
  /** A participant joins through node A's API and connects to node A. */
  async function participantOnA(code: string, roomId: string, nickname: string) {
    const token = newParticipantToken();
    const joined = await createApi(a.url).rooms.join.mutate({ code, nickname, token, deviceId: randomId() });
    const conn = screen(a, roomId, token);
    await welcomed(conn);
    return { id: joined.participant.id, token, conn };
  }

  beforeAll(async () => {
    redis = await backend();
    try {
      [a, b] = await Promise.all([
        startNode('A', redis.env, { TRUST_PROXY: '1', JOIN_FAILURES_PER_10MIN: '3' }),
        startNode('B', redis.env, { TRUST_PROXY: '1', JOIN_FAILURES_PER_10MIN: '3' }),
      ]);
    } catch (e) {
      killAll();
      throw e;
    }
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });
  afterAll(async () => {
    await Promise.all(nodes.splice(0).map(stopNode));
    await redis?.stop();
  });

  it('a step started from the console on node B reaches a participant on node A', async () => {
    const { room, console: console_ } = await roomOnB();
    const ana = await participantOnA(room.code, room.roomId, 'Ana');

    const ack = await console_.command({ type: 'next' });
    expect(ack.ok).toBe(true);
    const s = await ana.conn.until((x) => x.stage?.index === 0, WAIT_MS);
    expect(s.stage?.step).toMatchObject({ id: 's1', title: 'Slide 1' });

    const started = await console_.command({ type: 'timer.start' });
    if (!started.ok) throw new Error(started.error.message);
    const [onA, onB] = await Promise.all([ana.conn, console_].map((c) => c.until((x) => x.stage?.v === started.version, WAIT_MS)));
    expect(onA!.stage?.timer.status).toBe('running');
    expect(onA!.stage?.timer).toEqual(onB!.stage?.timer);
  });

  it('a participant on node A gets their view of an answer step started on node B pushed, without asking', async () => {
    const room = await createApi(b.url).rooms.create.mutate({
      title: 'Offsite',
      agenda: [{ id: 'rate', type: 'self-assessment', title: 'How do you ally?', durationSec: 300, config: {} }],
    });
    const console_ = screen(b, room.roomId, room.facilitatorToken);
    await welcomed(console_);
    const ana = await participantOnA(room.code, room.roomId, 'Ana');
    const asked: string[] = [];
    ana.conn.socket.onAnyOutgoing((event: string) => asked.push(event));

    expect((await console_.command({ type: 'next' })).ok).toBe(true);
    const s = await ana.conn.until((x) => x.stage?.step?.id === 'rate' && x.activity?.stepId === 'rate', WAIT_MS);
    expect((s.activity?.data as { answered: number }).answered).toBe(0);
    expect(asked).not.toContain('sync');
  });

  it('node A, answering from the room as it last read it, refuses an answer to the step the console on node B has just left, and takes the next one once', async () => {
    const room = await createApi(b.url).rooms.create.mutate({
      title: 'Offsite',
      agenda: ['first', 'second'].map((id) => ({ id, type: 'self-assessment', title: `Rate ${id}`, durationSec: 300, config: {} })),
    });
    const console_ = screen(b, room.roomId, room.facilitatorToken);
    await welcomed(console_);
    const ana = await participantOnA(room.code, room.roomId, 'Ana');
    expect((await console_.command({ type: 'next' })).ok).toBe(true);
    const s = await ana.conn.until((x) => x.activity?.stepId === 'first', WAIT_MS);
    const statement = (s.stage!.step!.config as { statements: Array<{ id: string }> }).statements[0]!.id;
    const rate = (stepId: string) => ana.conn.submit(stepId, { op: 'rate', statementId: statement, value: 4 });
    expect((await rate('first')).ok).toBe(true); // node A has read the room, on its first step

    // the console moves on; Ana's late answer to the first step reaches node A at once, maybe before node A hears of the move
    expect((await console_.command({ type: 'next' })).ok).toBe(true);
    const late = await rate('first');
    expect(late.ok ? null : late.error.code).toBe('CONFLICT');
    const onSecond = await rate('second');
    expect(onSecond.ok).toBe(true);
    const consoleSees = await console_.until((x) => x.activity?.stepId === 'second' && (x.activity.data as { answeredAny: number }).answeredAny === 1, WAIT_MS);
    expect((consoleSees.activity?.data as { answeredAny: number }).answeredAny).toBe(1);
  });

  it('a participant joining through node A shows up on the console on node B, online, with the count', async () => {
    const { room, console: console_ } = await roomOnB();
    const ana = await participantOnA(room.code, room.roomId, 'Ana');
    const ben = await participantOnA(room.code, room.roomId, 'Ben');

    const seen = await console_.until((s) => s.roster.length === 2 && s.roster.every((p) => p.online) && s.count.joined === 2, WAIT_MS);
    expect(seen.roster.map((p) => p.id).sort()).toEqual([ana.id, ben.id].sort());
    await ana.conn.until((s) => s.count.joined === 2, WAIT_MS);

    // A second console opened on node B later sees who is online on node A.
    const cohost = screen(b, room.roomId, room.cohostToken);
    const hello = await welcomed(cohost);
    expect(hello.roster.map((p) => [p.nickname, p.online]).sort()).toEqual([
      ['Ana', true],
      ['Ben', true],
    ]);

    // Ben leaves node A: the console on B sees him go offline.
    ben.conn.close();
    await console_.until((s) => s.roster.some((p) => p.id === ben.id && !p.online), WAIT_MS);
  });

  it('removing a participant from node B disconnects them on node A', async () => {
    const { room, console: console_ } = await roomOnB();
    const ana = await participantOnA(room.code, room.roomId, 'Ana');
    const gone = new Promise<string>((resolve) => ana.conn.socket.once('disconnect', resolve));
    expect(await console_.remove(ana.id)).toEqual({ ok: true });
    const s = await ana.conn.until((x) => x.status === 'failed', WAIT_MS);
    expect(s.error?.code).toBe('REMOVED');
    expect(await gone).toBe('io server disconnect');
    await console_.until((x) => x.roster.some((p) => p.id === ana.id && p.removed) && x.count.joined === 0, WAIT_MS);
  });

  it('deleting the room from node B tells and disconnects everyone on node A; the code is unknown on both', async () => {
    const { room, console: console_ } = await roomOnB();
    const ana = await participantOnA(room.code, room.roomId, 'Ana');
    const display = screen(a, room.roomId, room.displayToken);
    await welcomed(display);
    const gone = [ana.conn, display].map((c) => new Promise<string>((resolve) => c.socket.once('disconnect', resolve)));
    expect(await console_.deleteRoom(room.code)).toEqual({ ok: true });
    for (const c of [ana.conn, display, console_]) expect((await c.until((x) => x.status === 'failed', WAIT_MS)).error?.code).toBe('ROOM_DELETED');
    expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
    for (const node of [a, b]) await expect(createApi(node.url).rooms.lookup.mutate({ code: room.code })).rejects.toThrow(/No open room/);
  });

  it('a participant on node A deletes their data: the console on node B drops them and the count', async () => {
    const { room, console: console_ } = await roomOnB();
    const ana = await participantOnA(room.code, room.roomId, 'Ana');
    await participantOnA(room.code, room.roomId, 'Ben');
    await console_.until((s) => s.roster.length === 2, WAIT_MS);
    expect(await ana.conn.forgetMe()).toEqual({ ok: true });
    expect((await ana.conn.until((x) => x.status === 'failed', WAIT_MS)).error?.code).toBe('DATA_DELETED');
    const seen = await console_.until((s) => s.roster.length === 1 && s.count.joined === 1, WAIT_MS);
    expect(seen.roster.map((p) => p.nickname)).toEqual(['Ben']);
  });

  it('the code-scanning brake is shared: wrong codes on node A block the same address on node B', async () => {
    const { room } = await roomOnB();
    const scanner = { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' };
    const lookup = (node: Node, code: string) => fetch(`${node.url}/trpc/rooms.lookup`, { method: 'POST', headers: scanner, body: JSON.stringify({ code }) });
    for (const code of ['AAAA-AAAA', 'CCCC-CCCC', 'DDDD-DDDD']) expect((await lookup(a, code)).status).toBe(404);
    expect((await lookup(b, room.code)).status).toBe(429);
    // Everyone else still gets in through either node.
    expect((await createApi(b.url).rooms.lookup.mutate({ code: room.code })).roomId).toBe(room.roomId);
  });

  it('a participant with a tab on each node stays online on the console when one tab closes', async () => {
    const { room, console: console_ } = await roomOnB();
    const ana = await participantOnA(room.code, room.roomId, 'Ana');
    const secondTab = screen(b, room.roomId, ana.token);
    await welcomed(secondTab);
    await console_.until((s) => s.roster.some((p) => p.id === ana.id && p.online), WAIT_MS);
    const presence: Array<{ online: boolean }> = [];
    console_.socket.on('roster', (e) => {
      if (e.type === 'online' && e.participantId === ana.id) presence.push({ online: e.online });
    });

    secondTab.close();
    // A console opened afterwards counts sockets on every node: Ana is still online, on node A.
    const cohost = screen(b, room.roomId, room.cohostToken);
    expect((await welcomed(cohost)).roster.find((p) => p.id === ana.id)?.online).toBe(true);
    // One round trip on the open console: whatever node B told it before now has arrived.
    await console_.socket.timeout(WAIT_MS).emitWithAck('clock', Date.now());
    // The open console must agree, not show her offline.
    expect(presence).not.toContainEqual({ online: false });
    expect(console_.state.roster.find((p) => p.id === ana.id)?.online).toBe(true);
  });

  it('while node A hangs, a console opening on node B still gets its welcome', async () => {
    const { room } = await roomOnB();
    await participantOnA(room.code, room.roomId, 'Ana');
    a.proc.kill('SIGSTOP'); // alive for Redis (still subscribed), answering nothing
    try {
      const console2 = screen(b, room.roomId, room.facilitatorToken);
      const outcome = await console2.until((s) => s.status === 'failed' || (s.status === 'connected' && s.role !== null && s.stage !== null), WAIT_MS);
      expect(outcome.status).toBe('connected');
      expect(outcome.room?.id).toBe(room.roomId);
      expect(outcome.roster.map((p) => p.nickname)).toEqual(['Ana']);
    } finally {
      a.proc.kill('SIGCONT');
    }
  });

  // Runs last: it kills node A.
  it('when node A crashes, a console opening on node B still gets its welcome', async () => {
    const { room } = await roomOnB();
    await participantOnA(room.code, room.roomId, 'Ana');
    a.proc.kill('SIGKILL');
    await new Promise((r) => (a.proc.exitCode !== null || a.proc.signalCode !== null ? r(null) : a.proc.once('exit', r)));

    const console2 = screen(b, room.roomId, room.facilitatorToken);
    const outcome = await console2.until((s) => s.status === 'failed' || (s.status === 'connected' && s.role !== null && s.stage !== null), WAIT_MS);
    expect(outcome.status).toBe('connected');
    expect(outcome.roster.map((p) => p.nickname)).toEqual(['Ana']);
  });
});
