/** Everything configurable, read from the environment once (documented in the README). */
import { z } from 'zod';
import { issueMessage } from '@canopy/core';
import { LOG_LEVELS } from './log.js';

const bool = z.enum(['1', '0', 'true', 'false', 'yes', 'no']).transform((v) => v === '1' || v === 'true' || v === 'yes');
const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /**
   * unset: embedded in-process store (one node, nothing survives a restart). With REDIS_CLUSTER,
   * one or more comma-separated seed nodes of the cluster.
   */
  REDIS_URL: z
    .string()
    .refine(
      (s) => s.split(',').every((u) => /^rediss?:\/\/./.test(u.trim()) && URL.canParse(u.trim())),
      'expected redis:// or rediss:// URL(s), comma separated',
    )
    .optional(),
  /** REDIS_URL is a Redis/Valkey Cluster (keys routed by slot; every room in one slot) */
  REDIS_CLUSTER: bool.default(false),
  /**
   * acknowledge a write only once this many replicas have it (Redis `WAIT`): with 1, an answer a
   * phone saw acknowledged survives the loss of its master (docs/reliability.md); 0 acknowledges
   * as soon as the master has it
   */
  REDIS_WAIT_REPLICAS: z.coerce.number().int().min(0).max(10).default(0),
  /** how long a write waits for those replicas; past it the write is answered "not saved, retrying" */
  REDIS_WAIT_TIMEOUT_MS: z.coerce.number().int().positive().max(10_000).default(500),
  /** how broadcasts cross nodes: `streams` (replays missed broadcasts on reconnect) or `sharded` (sharded Pub/Sub) */
  SOCKETIO_ADAPTER: z.enum(['streams', 'sharded']).default('streams'),
  /** which Redis client the store uses */
  STORE_DRIVER: z.enum(['node-redis', 'glide']).default('node-redis'),
  /**
   * the address people reach this server at (e.g. https://workshop.example.org): the console's
   * join link, QR code and other links use it. Unset: the console's own address, or this
   * machine's local-network address when the console is opened on localhost
   */
  PUBLIC_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://')
    .optional(),
  /**
   * browser origins allowed to open a socket or call the API, besides PUBLIC_URL's (a page at this
   * server's own IP address or localhost is always allowed; a page reached by a host name must be
   * listed here or be PUBLIC_URL, so a DNS-rebinding page is refused)
   */
  ALLOWED_ORIGINS: list.default([]),
  /** behind a proxy: take the client address from X-Forwarded-For */
  TRUST_PROXY: bool.default(false),
  /** folder of the SvelteKit adapter-node build (with handler.js); unset: no web app served */
  WEB_BUILD_DIR: z.string().optional(),
  /** join attempts (right or wrong) per client address per minute */
  JOIN_RATE_PER_MIN: z.coerce.number().int().positive().default(60),
  /** wrong or unusable room codes per client address per 10 minutes before that address is blocked */
  JOIN_FAILURES_PER_10MIN: z.coerce.number().int().positive().default(10),
  /** rooms created per client address per hour */
  CREATE_RATE_PER_HOUR: z.coerce.number().int().positive().default(30),
  /** report and data downloads per client address per minute */
  DOWNLOAD_RATE_PER_MIN: z.coerce.number().int().positive().default(30),
  /** socket messages per second per connection (burst of twice that) */
  SOCKET_MSGS_PER_SEC: z.coerce.number().int().positive().default(20),
  /** socket messages per second shared by all the connections of one token (burst of twice that) */
  TOKEN_MSGS_PER_SEC: z.coerce.number().int().positive().default(20),
  /** reads of everything one has done or of the whole room (`outcomes:mine`, `sync`) per token per minute */
  COSTLY_READS_PER_MIN: z.coerce.number().int().positive().default(30),
  /** questions one token may ask per minute (burst of a third of that, at least 1) */
  QUESTION_ASKS_PER_MIN: z.coerce.number().int().positive().default(6),
  /** open connections per token (one person's tabs and devices) on one node */
  SOCKETS_PER_TOKEN: z.coerce.number().int().positive().default(8),
  /** open connections per client address on one node (a venue's Wi-Fi shares one address: keep it high) */
  SOCKETS_PER_ADDRESS: z.coerce.number().int().positive().default(2500),
  /**
   * handlers of one room running at once on one node; more wait behind that room's own work. Each
   * waits on the store most of its time (two or three round trips), so this bounds one room's
   * answers per second at about ROOM_CONCURRENCY ÷ round-trip time (at 16, a room of 2,000 on the
   * bench stalled near 5,000 answers/s with CPU to spare; at 64 the CPU is the limit)
   */
  ROOM_CONCURRENCY: z.coerce.number().int().positive().default(64),
  /** messages of one room waiting for their turn on one node; beyond it they are answered BUSY (retried) */
  ROOM_QUEUE_MAX: z.coerce.number().int().positive().default(2000),
  /**
   * days a room is kept after it is closed; an open room is kept this long after its last change
   * (every key of the room carries a Redis TTL; see docs/data-retention.md)
   */
  ROOM_RETENTION_DAYS: z.coerce.number().positive().max(3650).default(30),
  /**
   * the most one room's records may hold, in bytes: participants' answers plus the submission ids
   * each answer remembers (ROOM_DEDUPE_WINDOW per answer); an answer that would go over it is
   * refused with ROOM_FULL naming this cap, and nothing else is affected
   */
  ROOM_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(4096)
    .default(8 * 1024 * 1024),
  /**
   * submission ids remembered per answer (its dedupe window): a retry is recognised as long as
   * fewer than this many later changes were made to the same answer
   */
  ROOM_DEDUPE_WINDOW: z.coerce.number().int().min(1).max(1024).default(32),
  /** largest HTTP request body accepted (tRPC and /api); bigger ones are answered 413 before being read */
  HTTP_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(256 * 1024),
  /** silent | error | warn | info | debug (debug also puts tRPC's stack traces in its error answers) */
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /**
   * after the process's memory grew by this many MB (a surge of joins' garbage), one full
   * collection once the node is quiet gives the memory back; 0 = never (V8 alone decides)
   */
  GC_AFTER_GROWTH_MB: z.coerce.number().int().min(0).default(64),
});

export type Config = z.infer<typeof EnvSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) throw new Error(issueMessage(parsed.error, { about: 'Bad configuration', whole: 'environment' }));
  return { ...parsed.data, ...overrides };
}
