import { defineConfig } from 'vitest/config';

// `pnpm test:chaos`: the reliability and abuse matrix (docs/reliability.md) against real server
// processes, their own redis-servers, real socket.io clients and Chromium. One file at a time:
// each starts several processes, and the faults they inject must not land on each other.
export default defineConfig({
  test: {
    include: ['tests/chaos/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
