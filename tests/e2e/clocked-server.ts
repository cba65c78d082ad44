/**
 * A server of a story's own whose clock the story moves (an injected clock: test-only, never a
 * production switch), serving the production web build. For the stories that go weeks ahead.
 */
import { fileURLToPath } from 'node:url';
import { loadConfig, startServer, type CanopyServer } from '../../apps/server/src/index';

export function startClockedServer(now: () => number): Promise<CanopyServer> {
  return startServer(
    loadConfig(
      {},
      {
        PORT: 0,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        ROOM_RETENTION_DAYS: 30,
        WEB_BUILD_DIR: fileURLToPath(new URL(`../../apps/web/${process.env.CANOPY_WEB_OUT ?? 'build'}`, import.meta.url)),
        JOIN_RATE_PER_MIN: 10_000,
        JOIN_FAILURES_PER_10MIN: 10_000,
        CREATE_RATE_PER_HOUR: 10_000,
      },
    ),
    undefined,
    { now },
  );
}
