import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One run for every unit, contract and integration test in the workspace (browser stories run
// under Playwright, see tests/e2e; the chaos suite in tests/chaos runs on its own with
// vitest.chaos.config.ts, so it is not listed here). Tests that need Redis spawn their own redis-server.
export default defineConfig({
  // the web app's `$lib` alias, for unit tests of its pure modules (views, packs)
  resolve: { alias: { $lib: fileURLToPath(new URL('./apps/web/src/lib', import.meta.url)) } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/web/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'apps/server/test/**/*.test.ts',
      'tests/integration/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
