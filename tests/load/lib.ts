/**
 * Helpers shared by the bench's processes: one clock for every process on this machine, stats,
 * spawning server processes and reading their memory and CPU from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Milliseconds on a clock every process and thread on this machine shares: each one's time origin
 * (wall clock at its start) plus its monotonic time since then.
 */
export const now = (): number => performance.timeOrigin + performance.now();

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export const sortNum = (xs: number[]): number[] => Float64Array.from(xs).sort() as unknown as number[];

export const round = (x: number, digits = 1): number => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bytes on the wire for one WebSocket message of `payload` bytes, server → client (unmasked). */
export const wsFrame = (payload: number, masked = false): number => payload + (payload < 126 ? 2 : payload < 65536 ? 4 : 10) + (masked ? 4 : 0);

export interface Proc {
  name: string;
  url: string;
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

const procs = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

/** Spawn `node <script>` (through tsx when it is TypeScript) with env on `port` and wait until GET `health` answers 200. */
export async function spawnServer(
  name: string,
  script: string,
  port: number,
  env: Record<string, string>,
  nodeArgs: string[] = [],
  health = '/healthz',
): Promise<Proc> {
  const proc = spawn(process.execPath, [...nodeArgs, ...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), script], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  procs.add(proc);
  let out = '';
  proc.stdout?.on('data', (d) => (out = (out + String(d)).slice(-20_000)));
  proc.stderr?.on('data', (d) => (out = (out + String(d)).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const p: Proc = {
    name,
    url,
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const force = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(force);
      procs.delete(proc);
    },
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode}:\n${out}`);
    try {
      if ((await fetch(url + health)).ok) return p;
    } catch {
      /* not yet */
    }
    await sleep(100);
  }
  await p.stop();
  throw new Error(`${name} did not come up within 60 s:\n${out}`);
}

/** Resident memory of a process, in bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** How long after the last join the memory is read again: a quiet node's collection has run by then. */
export const SETTLE_MS = 10_000;

/**
 * The processes' resident memory SETTLE_MS after the last join. Right after a surge of joins a
 * process still holds the surge's garbage; a quiet Canopy node gives it back after a few quiet
 * seconds (GC_AFTER_GROWTH_MB): this is what it holds for its connections, not the high-water mark.
 */
export async function settledRss(pids: number[], sinceMs: number): Promise<number> {
  await new Promise((r) => setTimeout(r, Math.max(0, SETTLE_MS - sinceMs)));
  return pids.reduce((s, p) => s + rssBytes(p), 0);
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15 of stat)
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}
