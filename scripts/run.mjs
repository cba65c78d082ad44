#!/usr/bin/env node
// The README's two commands (`npm start`, `npm test`), `npm run dev` and `node scripts/run.mjs
// package DIR` (what the Docker image is made of), on a machine with only Node and npm: install
// dependencies with pnpm (through npx) when needed, build the web app and the server bundle when
// their sources are newer, then run. Plain Node, no dependencies, so it works before anything is
// installed.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer, ensureServerBuild, newest, SERVER_ENTRY } from '../apps/server/build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM = ['npx', '--yes', 'pnpm@10'];
const WEB_BUILD = join(root, 'apps/web/build');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts, env: { ...process.env, ...opts.env } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

function ensureInstalled() {
  const marker = join(root, 'node_modules/.modules.yaml');
  if (mtime(marker) >= mtime(join(root, 'pnpm-lock.yaml')) && existsSync(join(root, 'apps/web/node_modules'))) return;
  console.log('› installing dependencies (pnpm via npx)…');
  run(PNPM[0], [...PNPM.slice(1), 'install', '--frozen-lockfile']);
}

/**
 * The report reads only the WOFF files of weights 400 and 700 of the Noto fonts (see
 * packages/print): the rest of each Fontsource package (WOFF2, seven other weights, CSS) would be
 * 200 MB of the production folder for nothing.
 */
function pruneFonts(out) {
  const store = join(out, 'node_modules/.pnpm');
  if (!existsSync(store)) return;
  for (const entry of readdirSync(store).filter((d) => d.startsWith('@fontsource+'))) {
    const scope = join(store, entry, 'node_modules/@fontsource');
    for (const pkg of readdirSync(scope)) {
      const files = join(scope, pkg, 'files');
      if (!existsSync(files)) continue;
      for (const f of readdirSync(files)) if (!/-(400|700)-normal\.woff$/.test(f)) rmSync(join(files, f));
    }
  }
}

function ensureWebBuild(force) {
  const src = Math.max(
    ...['apps/web/src', 'packages/core/src', 'packages/client/src', 'packages/print/src', 'packages/i18n/messages'].map((d) => newest(join(root, d))),
  );
  if (!force && mtime(join(WEB_BUILD, 'handler.js')) > src) return;
  console.log('› building the web app…');
  run(PNPM[0], [...PNPM.slice(1), '--filter', '@canopy/web', 'build']);
}

async function serverBuild(force) {
  const built = force ? await buildServer() : await ensureServerBuild();
  if (built) console.log(`› built the server: apps/server/dist/main.js (${Math.round(built.bytes / 1024)} KB, ${built.ms} ms)`);
}

function serve(extraEnv = {}) {
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    cwd: root,
    stdio: 'inherit',
    env: { WEB_BUILD_DIR: WEB_BUILD, ...process.env, ...extraEnv },
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
  return child;
}

const task = process.argv[2];
ensureInstalled();
switch (task) {
  case 'start':
    ensureWebBuild(false);
    await serverBuild(false);
    serve();
    break;
  case 'package': {
    // The production folder the Docker image runs (infra/Dockerfile calls exactly this): the server
    // bundle, its production dependencies only (pnpm deploy, versions from the lockfile), the web
    // build and the health check. Run it with `node dist/main.js` (WEB_BUILD_DIR=web).
    if (!process.argv[3]) {
      console.error('usage: node scripts/run.mjs package DIR (a new or empty folder)');
      process.exit(2);
    }
    const out = resolve(process.argv[3]);
    if (existsSync(out) && readdirSync(out).length) {
      console.error(`✗ ${out} is not empty: give a new or empty folder.`);
      process.exit(2);
    }
    ensureWebBuild(false);
    await serverBuild(false);
    console.log(`› production dependencies into ${out} (pnpm deploy --prod)…`);
    run(PNPM[0], [...PNPM.slice(1), '--filter', '@canopy/server', 'deploy', '--prod', '--legacy', out]);
    pruneFonts(out);
    cpSync(WEB_BUILD, join(out, 'web'), { recursive: true });
    cpSync(join(root, 'infra/healthcheck.mjs'), join(out, 'healthcheck.mjs'));
    console.log(`› ${out}: start it with  cd ${out} && WEB_BUILD_DIR=web node dist/main.js`);
    break;
  }
  case 'dev': {
    // API server on 3001 (restarts on change), Vite on 3000 with hot reload, proxying to it.
    const api = spawn(process.execPath, ['--import', 'tsx', '--watch', 'apps/server/src/main.ts'], {
      cwd: root,
      stdio: 'inherit',
      env: { PORT: '3001', ...process.env },
    });
    const vite = spawn(PNPM[0], [...PNPM.slice(1), '--filter', '@canopy/web', 'dev'], { cwd: root, stdio: 'inherit' });
    const stop = () => {
      api.kill();
      vite.kill();
    };
    for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, stop);
    api.on('exit', stop);
    vite.on('exit', stop);
    break;
  }
  case 'test': {
    const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    if (!existsSync(chromium)) {
      console.error(
        `✗ The browser tests need Chromium at ${chromium}.\n  Install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROMIUM_PATH. .ci/run does this for CI.`,
      );
      process.exit(1);
    }
    const which = spawnSync('redis-server', ['--version']);
    if (which.status !== 0) {
      console.error('✗ Tests that need Redis spawn their own redis-server: install it (apt-get install -y redis-server).');
      process.exit(1);
    }
    console.log('› languages: every catalogue has English keys, no screen text outside them…');
    run('node', ['packages/i18n/compile.mjs', '--if-stale']);
    run('node', ['scripts/i18n-check.mjs']);
    console.log('› type check (svelte-check, tsc), lint (type-aware eslint), format (prettier)…');
    run(PNPM[0], [...PNPM.slice(1), 'check']);
    run(PNPM[0], [...PNPM.slice(1), 'lint']);
    run(PNPM[0], [...PNPM.slice(1), 'format:check']);
    ensureWebBuild(true);
    await serverBuild(true);
    console.log('› unit, contract and integration tests (vitest)…');
    run(PNPM[0], [...PNPM.slice(1), 'exec', 'vitest', 'run']);
    console.log('› chaos suite: faults and abuse against real processes (vitest, docs/reliability.md)…');
    run(PNPM[0], [...PNPM.slice(1), 'exec', 'vitest', 'run', '-c', 'vitest.chaos.config.ts']);
    console.log('› browser stories (Playwright + Chromium)…');
    run(PNPM[0], [...PNPM.slice(1), 'exec', 'playwright', 'test', '-c', 'tests/e2e/playwright.config.ts']);
    break;
  }
  default:
    console.error('usage: node scripts/run.mjs start|dev|test|package DIR');
    process.exit(2);
}
