/**
 * The server's logger: pino underneath, behind the small `Logger` seam the rest of the server uses.
 *
 * - JSON lines on stdout (`{"level":"info","time":"…","pid":…,"hostname":"…","msg":"…",…}`), written
 *   synchronously so nothing is lost when the process exits; readable lines instead when stdout is
 *   a terminal and pino-pretty (a dev dependency) is installed.
 * - Levels `silent | error | warn | info | debug`, from `LOG_LEVEL`.
 * - Errors keep their type, message, stack, code and cause chain (nothing else: an error object may
 *   carry the input that caused it).
 * - Call sites pass ids and kinds, never what a person typed. As a second line of defence, fields
 *   named like something a person types or a secret (`REDACTED_KEYS`, at the top level and one
 *   level down) are replaced with "[redacted]", and URLs logged under `url`/`path`/`referer` lose
 *   their room codes (`/j/<code>`) and token-bearing query parameters and fragments.
 */
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger as Pino } from 'pino';

export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Record<string, unknown>;

/** Never pass message contents (nicknames, answers, labels, codes, tokens) to it: ids and kinds only. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, err?: unknown, fields?: LogFields): void;
}

/** Field names whose values are what a person typed, or a secret: never written to the log. */
export const REDACTED_KEYS = [
  'token',
  'tokens',
  'facilitatorToken',
  'cohostToken',
  'displayToken',
  'participantToken',
  'authorization',
  'cookie',
  'key',
  'roomCode',
  'joinCode',
  'nickname',
  'department',
  'name',
  'title',
  'text',
  'texts',
  'body',
  'notes',
  'label',
  'labels',
  'answer',
  'answers',
  'value',
  'input',
  'payload',
] as const;
export const CENSOR = '[redacted]';

const URL_KEYS = new Set(['url', 'path', 'referer']);

/**
 * A URL without its secrets: the room code of a join link (`/j/<code>`), and the values of query
 * parameters and fragments (`?token=…`, `#t=…&k=…`) are replaced. Room ids stay: they name a room
 * but open nothing.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/\/j\/[^/?#]+/, `/j/${CENSOR}`)
    .replace(/([?&#])([^=&#]+)=[^&#]*/g, `$1$2=${CENSOR}`)
    .replace(/#(?![^=&#]+=)[^#]+$/, `#${CENSOR}`);
}

interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  code?: string | number;
  cause?: SerializedError;
}

/** An error as logged: type, message, stack, code and causes; anything else it carries is left out. */
export function serializeError(e: unknown, depth = 0): SerializedError {
  if (!(e instanceof Error)) return { type: typeof e, message: String(e) };
  const code = (e as { code?: unknown }).code;
  return {
    type: e.name,
    message: e.message,
    ...(e.stack ? { stack: e.stack } : {}),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(e.cause !== undefined && depth < 3 ? { cause: serializeError(e.cause, depth + 1) } : {}),
  };
}

export interface LoggerOptions {
  /** where the lines go (tests); default stdout */
  destination?: DestinationStream;
  /** readable lines instead of JSON; default: when stdout is a terminal and pino-pretty is installed */
  pretty?: boolean;
}

/** pino-pretty's synchronous stream when asked for and installed (it is a dev dependency only). */
function prettyStream(wanted: boolean | undefined): DestinationStream | undefined {
  if (wanted === false || (wanted === undefined && !process.stdout.isTTY)) return undefined;
  try {
    const pretty = createRequire(import.meta.url)('pino-pretty') as (opts: object) => DestinationStream;
    return pretty({ sync: true, colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  } catch {
    return undefined;
  }
}

export function createPino(level: LogLevel, opts: LoggerOptions = {}): Pino {
  return pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => {
          const urls = Object.keys(fields).filter((k) => URL_KEYS.has(k) && typeof fields[k] === 'string');
          return urls.length ? { ...fields, ...Object.fromEntries(urls.map((k) => [k, redactUrl(fields[k] as string)])) } : fields;
        },
      },
      serializers: { err: (e: unknown) => serializeError(e) },
      redact: { paths: REDACTED_KEYS.flatMap((k) => [k, `*.${k}`]), censor: CENSOR },
    },
    opts.destination ?? prettyStream(opts.pretty) ?? pino.destination({ dest: 1, sync: true }),
  );
}

export function createLogger(level: LogLevel, opts: LoggerOptions = {}): Logger {
  const p = createPino(level, opts);
  return {
    debug: (msg, fields) => p.debug(fields ?? {}, msg),
    info: (msg, fields) => p.info(fields ?? {}, msg),
    warn: (msg, fields) => p.warn(fields ?? {}, msg),
    error: (msg, err, fields) => p.error({ ...fields, ...(err === undefined ? {} : { err }) }, msg),
  };
}
