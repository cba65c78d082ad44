/**
 * Browser stories (Playwright + the system's Chromium).
 *
 * These tests run against the PRODUCTION web build served by the real server: build it first.
 * From the repo root:
 *
 *   npx --yes pnpm@10 --filter @canopy/web build
 *   npx playwright test -c tests/e2e/playwright.config.ts
 *
 * (`npm test` at the root does both.) The server gets a free port (or E2E_PORT). To run beside
 * another test run in the same checkout, give this one its own build folders: CANOPY_WEB_OUT=build-b
 * CANOPY_KIT_DIR=.svelte-kit-b. Chromium comes from the system (`apt-get install chromium`),
 * not from `playwright install`: set CHROMIUM_PATH if it is not /usr/bin/chromium.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_LAUNCH, INSECURE_HOST } from './support';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A port nobody uses, picked once: the config is loaded again in each worker, which inherits the
 * environment, so every process agrees on it. E2E_PORT chooses one by hand.
 */
function freePort(): number {
  const script = "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}
process.env.E2E_PORT ??= String(freePort());
const PORT = Number(process.env.E2E_PORT);

export default defineConfig({
  testDir: '.',
  outputDir: process.env.E2E_OUT ?? './test-results',
  timeout: 240_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: 'list',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: CHROMIUM_LAUNCH,
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    // the server as it ships: the bundle, rebuilt first (under a second)
    command: 'node apps/server/build.mjs && node apps/server/dist/main.js',
    cwd: root,
    url: `http://127.0.0.1:${PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(PORT),
      // Loopback only: the server then offers no local-network address, so every link the console
      // hands out stays on 127.0.0.1 and no story can send traffic to this machine's real address.
      HOST: '127.0.0.1',
      WEB_BUILD_DIR: `apps/web/${process.env.CANOPY_WEB_OUT ?? 'build'}`,
      LOG_LEVEL: 'silent',
      // the insecure-context story's host name (see support.ts): a page reached by a name, not an
      // address, must be a configured origin (the Origin check does not trust the Host header alone)
      ALLOWED_ORIGINS: `http://${INSECURE_HOST}:${PORT}`,
      // every person in the story joins from this one machine's address
      JOIN_RATE_PER_MIN: '10000',
      JOIN_FAILURES_PER_10MIN: '10000',
      CREATE_RATE_PER_HOUR: '10000',
    },
  },
});
