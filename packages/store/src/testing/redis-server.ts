/**
 * A throwaway `redis-server` for tests (contract, server, multi-node, chaos): its own free port
 * and data directory, never the machine's Redis.
 *
 * The child cannot outlive the test process: it is killed on `exit`, and a tiny shell watchdog
 * started with it holds a pipe from this process and SIGKILLs redis when that pipe closes — which
 * also happens when this process is ended by a signal, even SIGKILL. A temp data dir is removed
 * the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServerOptions {
  /** AOF persistence (so `kill()` + `restart()` keeps data up to the last fsync); default false */
  appendonly?: boolean;
  /**
   * With `appendonly`: when Redis fsyncs the AOF; default `everysec`, as `infra/redis.conf`. With
   * `everysec` a write normally reaches the file before its reply, but while a slow background fsync
   * runs Redis may hold writes back for up to 2 s and still reply: a process killed then loses them.
   * `always` writes and fsyncs before every reply.
   */
  appendfsync?: 'always' | 'everysec';
  /** e.g. '64mb'; the policy is then `noeviction` */
  maxmemory?: string;
  /** data directory; default a fresh temp directory, removed when the process exits */
  dir?: string;
  /**
   * Cluster mode (`cluster-enabled yes`, its own `nodes.conf` in `dir`, the cluster bus on a second
   * free port) with this `cluster-node-timeout`; see `startRedisCluster` in `redis-cluster.ts`.
   */
  cluster?: { nodeTimeoutMs: number };
}

export interface RedisServer {
  url: string;
  host: string;
  port: number;
  dir: string;
  /** the process id of the running redis-server (null while it is down) */
  pid(): number | null;
  /** SIGTERM (a clean shutdown: AOF flushed), resolves when the process is gone */
  stop(): Promise<void>;
  /** SIGKILL, like a crash; resolves when the process is gone */
  kill(): Promise<void>;
  /** start again (stopping first if running) on the same port and dir, so AOF data survives */
  restart(): Promise<void>;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

/** `$$` is the shell's pid, which `exec` hands to redis-server; the watchdog kills it when stdin closes. */
const WATCHDOG = 'exec 3<&0; (read _ <&3; kill -9 $$) >/dev/null 2>&1 & exec redis-server "$@" </dev/null 3<&-';

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let exitHooked = false;

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => {
    for (const child of children) child.kill('SIGKILL');
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
}

/**
 * Remove a temp dir when this process ends, however it ends: on `exit`, and by a janitor shell
 * that waits for its stdin (a pipe from us) to close — test runners often end workers by signal.
 */
function removeWhenGone(dir: string): void {
  tempDirs.add(dir);
  const janitor = spawn('/bin/sh', ['-c', 'read _; rm -rf "$1"', 'janitor', dir], { stdio: ['pipe', 'ignore', 'ignore'] });
  janitor.unref();
  (janitor.stdin as { unref?: () => void } | null)?.unref?.();
}

/** A port that was free a moment ago: listen on 0, read it, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Is the server on `port` our child, done loading its data? One `INFO` over a raw socket: the
 * process id tells our redis from another process that grabbed the port (a PING would not).
 */
function answersAsReady(port: number, pid: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: HOST, port });
    let buf = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('INFO server persistence\r\n'));
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      if (buf.startsWith('-')) return done(false); // e.g. -LOADING
      const head = /^\$(\d+)\r\n/.exec(buf);
      if (head && buf.length >= head[0].length + Number(head[1])) {
        done(buf.includes(`\r\nprocess_id:${pid}\r\n`) && buf.includes('\r\nloading:0\r\n'));
      }
    });
  });
}

/** The redis log from a byte offset ('' if there is none yet). */
function readLog(file: string, from: number): string {
  return existsSync(file) ? readFileSync(file).subarray(from).toString('latin1') : '';
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

class PortInUse extends Error {}

export async function startRedisServer(opts: RedisServerOptions = {}): Promise<RedisServer> {
  hookExit();
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'canopy-redis-'));
  if (!opts.dir) removeWhenGone(dir);
  const logfile = join(dir, 'redis.log');
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const launch = async (port: number, busPort: number): Promise<void> => {
    const args = ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', opts.appendonly ? 'yes' : 'no'];
    if (opts.appendonly && opts.appendfsync) args.push('--appendfsync', opts.appendfsync);
    args.push('--dir', dir, '--logfile', logfile, '--daemonize', 'no');
    if (opts.cluster) {
      args.push('--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-port', String(busPort));
      args.push('--cluster-node-timeout', String(opts.cluster.nodeTimeoutMs));
    }
    if (opts.maxmemory) args.push('--maxmemory', opts.maxmemory, '--maxmemory-policy', 'noeviction');
    const logStart = readLog(logfile, 0).length;
    const proc = spawn('/bin/sh', ['-c', WATCHDOG, 'redis-server', ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
    let alive = true;
    children.add(proc);
    exited = new Promise((resolve) => {
      const gone = () => {
        alive = false;
        children.delete(proc);
        proc.stdin?.destroy(); // lets the watchdog go
        resolve();
      };
      proc.once('exit', gone);
      proc.once('error', (err) => {
        stderr += String(err);
        gone();
      });
    });
    proc.unref();
    for (const s of [proc.stdin, proc.stderr] as Array<{ unref?: () => void } | null>) s?.unref?.();
    child = proc;

    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!alive) {
        const why = `${stderr}\n${readLog(logfile, logStart)}`;
        if (/address already in use/i.test(why)) throw new PortInUse(`port ${port} is taken`);
        throw new Error(`redis-server exited before it was ready:\n${why.trim()}`);
      }
      if (proc.pid !== undefined && (await answersAsReady(port, proc.pid))) return;
      await delay(20);
    }
    proc.kill('SIGKILL');
    throw new Error(`redis-server on port ${port} was not ready within ${READY_TIMEOUT_MS} ms`);
  };

  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const proc = child;
    proc.kill(sig);
    const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  let port = 0;
  let busPort = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    busPort = opts.cluster ? await freePort() : 0;
    try {
      await launch(port, busPort);
      break;
    } catch (err) {
      if (!(err instanceof PortInUse) || attempt >= 5) throw err;
    }
  }

  return {
    url: `redis://${HOST}:${port}`,
    host: HOST,
    port,
    dir,
    pid: () => {
      const c = child as ChildProcess | null;
      return c && c.exitCode === null && c.signalCode === null ? (c.pid ?? null) : null;
    },
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    async restart() {
      await signal('SIGTERM');
      await launch(port, busPort);
    },
  };
}
