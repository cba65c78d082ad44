/**
 * What ships: the production folder the Docker image is made of, built by the very command
 * infra/Dockerfile runs (`node scripts/run.mjs package DIR`), then started the way the image starts
 * it (`node dist/main.js`, WEB_BUILD_DIR=web, from that folder, outside this workspace, with no
 * tsx and no NODE_OPTIONS) on a redis-server of the test's own. It serves the screens and the API,
 * makes the PDF report and the CSV zip (pdfkit, fonts and fflate resolved from the folder's own
 * node_modules), its health check script answers as Docker's HEALTHCHECK would read it, and it
 * holds production dependencies only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, newParticipantToken, randomId } from '@canopy/client';
import { freePort, startRedisServer, type RedisServer } from '@canopy/store/testing';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BOOT_MS = 30_000;

/** Run a process to its end; resolve with its exit code and output. */
function run(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += String(d)));
    p.stderr.on('data', (d) => (out += String(d)));
    p.once('exit', (code) => done({ code, out }));
  });
}

/** The environment of a production container: none of this test runner's loaders or settings. */
function productionEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG'];
  return { ...Object.fromEntries(keep.filter((k) => process.env[k]).map((k) => [k, process.env[k]])), NODE_ENV: 'production', ...extra };
}

describe('the production folder (what the Docker image runs)', () => {
  let dir: string;
  let redis: RedisServer;
  let server: ChildProcess | null = null;
  let serverOut = '';
  let port: number;
  let packaging: { code: number | null; out: string };
  const url = () => `http://127.0.0.1:${port}`;

  async function start(env: Record<string, string>): Promise<{ store: string; driver: string }> {
    port = await freePort();
    serverOut = '';
    const proc = spawn(process.execPath, ['dist/main.js'], {
      cwd: dir,
      env: productionEnv({ PORT: String(port), HOST: '127.0.0.1', WEB_BUILD_DIR: 'web', REDIS_URL: redis.url, ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = proc;
    proc.stdout?.on('data', (d) => (serverOut += String(d)));
    proc.stderr?.on('data', (d) => (serverOut += String(d)));
    const deadline = Date.now() + BOOT_MS;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`the packaged server exited with ${proc.exitCode}:\n${serverOut}`);
      const res = await fetch(`${url()}/healthz`).catch(() => null);
      if (res?.ok) return (await res.json()) as { store: string; driver: string };
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the packaged server did not answer /healthz within ${BOOT_MS} ms:\n${serverOut}`);
  }

  async function stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const proc = server;
    server = null;
    if (!proc || proc.exitCode !== null) return { code: proc?.exitCode ?? null, signal: null };
    const gone = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.once('exit', (code, signal) => r({ code, signal })));
    proc.kill('SIGTERM');
    return gone;
  }

  const healthcheck = () => run(['healthcheck.mjs'], { cwd: dir, env: productionEnv({ PORT: String(port) }) });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'canopy-package-'));
    rmSync(dir, { recursive: true });
    [packaging, redis] = await Promise.all([run(['scripts/run.mjs', 'package', dir], { cwd: ROOT }), startRedisServer()]);
  }, 600_000);

  afterAll(async () => {
    await stop();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is made by the command the Dockerfile runs, and holds the bundle, the web build and production dependencies only', () => {
    expect(packaging.code, packaging.out.slice(-3000)).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['dist', 'healthcheck.mjs', 'node_modules', 'package.json', 'web']);
    expect(existsSync(join(dir, 'dist/main.js'))).toBe(true);
    expect(existsSync(join(dir, 'web/handler.js'))).toBe(true);
    const top = readdirSync(join(dir, 'node_modules')).filter((n) => !n.startsWith('.'));
    expect(top).toEqual(expect.arrayContaining(['socket.io', 'pino', 'redis', 'pdfkit', 'fflate', '@valkey']));
    // workspace packages are inside the bundle; build and test tools are nowhere
    const everything = readdirSync(join(dir, 'node_modules/.pnpm'));
    for (const dev of ['@canopy', 'tsx', 'esbuild', 'vitest', 'vite', 'svelte', 'pino-pretty', 'yazl', 'yauzl', 'utf-8-validate'])
      expect(everything.filter((n) => n === dev || n.startsWith(`${dev}@`) || n.startsWith(`${dev}+`))).toEqual([]);
  });

  it('starts from that folder on Redis, serves the screens and the API, and makes the downloads', async () => {
    expect(await start({})).toMatchObject({ store: 'redis', driver: 'node-redis' });
    expect(serverOut).toMatch(/^\{"level":"info",.*"web":"served".*"msg":"Canopy listening on /m);

    const home = await fetch(`${url()}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<html');

    const api = createApi(url());
    const room = await api.rooms.create.mutate({
      // names in Chinese, Japanese, Korean and an emoji: the report reads those fonts from the folder's own (pruned) node_modules
      title: 'Packaged — 同盟 山田はなこ 김민수 🌱',
      agenda: [{ id: 'rate', type: 'self-assessment', title: 'How do you build allies?', durationSec: 0, config: {} }],
    });
    await api.rooms.join.mutate({ code: room.code, nickname: 'Ana', token: newParticipantToken(), deviceId: randomId() });
    const auth = { headers: { Authorization: `Bearer ${room.facilitatorToken}` } };
    const pdf = await fetch(`${url()}/api/rooms/${room.roomId}/report.pdf`, auth);
    expect(pdf.status).toBe(200);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    const zip = await fetch(`${url()}/api/rooms/${room.roomId}/data.zip`, auth);
    expect(zip.status).toBe(200);
    expect(Object.keys(unzipSync(new Uint8Array(await zip.arrayBuffer()))).length).toBeGreaterThan(0);
  });

  it('answers its health check while up, fails it when down, and stops cleanly on SIGTERM', async () => {
    if (!server) await start({});
    expect((await healthcheck()).code).toBe(0);
    expect(await stop()).toEqual({ code: 0, signal: null });
    expect((await healthcheck()).code).toBe(1);
  });

  it('runs on the GLIDE store driver too (its native module is in the folder)', async () => {
    expect(await start({ STORE_DRIVER: 'glide' })).toMatchObject({ store: 'redis', driver: 'glide' });
    await stop();
  });
});
