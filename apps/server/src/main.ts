import { loadConfig } from './config.js';
import { startServer } from './app.js';
import { createLogger } from './log.js';

const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
const server = await startServer(config, log).catch((e: unknown) => {
  log.error('could not start', e);
  process.exit(1);
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: closing connections and stopping`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
