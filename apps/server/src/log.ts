/** A tiny structured logger. Never pass message contents (nicknames, answers) to it: ids and kinds only. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, err?: unknown): void;
}

export function createLogger(level: 'silent' | 'info' | 'debug'): Logger {
  const out = (lvl: string, msg: string, fields?: Record<string, unknown>) => {
    if (level === 'silent') return;
    process.stdout.write(`${JSON.stringify({ t: new Date().toISOString(), lvl, msg, ...fields })}\n`);
  };
  return {
    info: (msg, fields) => out('info', msg, fields),
    warn: (msg, fields) => out('warn', msg, fields),
    error: (msg, err) => out('error', msg, { err: err instanceof Error ? err.message : String(err) }),
  };
}
