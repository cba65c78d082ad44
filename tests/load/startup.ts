/**
 * How the server starts, by the way it is run: the TypeScript sources through tsx (`npm run dev`,
 * and production before the bundle), the bundle that ships (`node apps/server/dist/main.js`), and
 * the bundle with `--enable-source-maps`. For each: milliseconds from spawn until /healthz answers,
 * and the process's resident memory then and after a few requests. Embedded store, the web build
 * served when there is one (as in production).
 *
 *   node --import tsx tests/load/startup.ts [--runs 5]
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@canopy/store/testing';
import { ensureServerBuild, SERVER_ENTRY } from '../../apps/server/build.mjs';
import { percentile, round, ROOT, sleep, sortNum } from './lib.js';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
const web = join(ROOT, 'apps/web/build');

const ways: Array<{ name: string; args: string[] }> = [
  { name: 'tsx (TypeScript sources)', args: ['--import', 'tsx', 'apps/server/src/main.ts'] },
  { name: 'bundle (node dist/main.js)', args: [SERVER_ENTRY] },
  { name: 'bundle --enable-source-maps', args: ['--enable-source-maps', SERVER_ENTRY] },
];

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

interface Start {
  readyMs: number;
  rssReady: number;
  rssAfter: number;
}

async function once(args: string[]): Promise<Start> {
  const port = await freePort();
  const started = performance.now();
  const proc = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...(existsSync(web) ? { WEB_BUILD_DIR: web } : {}) },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${proc.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await sleep(5);
    }
    const readyMs = performance.now() - started;
    const rssReady = rssMb(proc.pid!);
    for (let i = 0; i < 20; i++) await fetch(`http://127.0.0.1:${port}/${i % 2 ? 'healthz' : ''}`).then((r) => r.arrayBuffer());
    await sleep(500);
    return { readyMs, rssReady, rssAfter: rssMb(proc.pid!) };
  } finally {
    proc.kill('SIGKILL');
  }
}

const built = await ensureServerBuild();
if (built) console.log(`(built the bundle in ${built.ms} ms)`);
console.log(`Node ${process.version}, ${runs} runs each, median (min–max); web build ${existsSync(web) ? 'served' : 'absent'}\n`);
console.log('| how | ready ms | RSS at ready MB | RSS after 20 requests MB |\n|---|---:|---:|---:|');
for (const w of ways) {
  const rs: Start[] = [];
  for (let i = 0; i < runs; i++) rs.push(await once(w.args));
  const col = (f: (r: Start) => number) => {
    const xs = sortNum(rs.map(f));
    return `${round(percentile(xs, 50), 0)} (${round(xs[0]!, 0)}–${round(xs[xs.length - 1]!, 0)})`;
  };
  console.log(`| ${w.name} | ${col((r) => r.readyMs)} | ${col((r) => r.rssReady)} | ${col((r) => r.rssAfter)} |`);
}
