/**
 * The composition root: one Node HTTP server on one port. Hono answers /trpc, /healthz and /api;
 * Socket.IO attaches to the same server; every other path goes to the SvelteKit build.
 */
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createAdaptorServer, type HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { trpcServer } from '@hono/trpc-server';
import { createAppRouter, retryAfterOf } from '@canopy/api';
import { DAY_SECONDS, PROTOCOL_VERSION } from '@canopy/core';
import { createStore, type RoomStore } from '@canopy/store';
import { Hono } from 'hono';
import type { Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { mountDownloads, mountImpactDownloads } from './downloads.js';
import { shareOrigins } from './lan.js';
import { collectWhenQuiet } from './heap.js';
import { createLimiters } from './ratelimit.js';
import { attachRealtime } from './realtime.js';
import { clientAddress, configuredOrigins, originAllowed } from './security.js';
import { limitBody, securityHeaders, socketHeaders } from './hardening.js';
import { connectShared, SIO_STREAM } from './redis-shared.js';
import { RoomService } from './service.js';

export const VERSION = '0.1.0';
export { SIO_STREAM };

export interface CanopyServer {
  url: string;
  port: number;
  http: HttpServer;
  service: RoomService;
  store: RoomStore;
  log: Logger;
  /** how many nodes serve the app, this one included, as this one last counted them (Infinity: not counted yet; see realtime.ts) */
  nodes(): number;
  close(): Promise<void>;
}

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

async function loadWebHandler(dir: string | undefined, log: Logger): Promise<NodeHandler | null> {
  if (!dir) return null;
  const file = join(resolve(dir), 'handler.js');
  if (!existsSync(file)) {
    log.warn('no web build found; serving the API only', { dir });
    return null;
  }
  const mod = (await import(pathToFileURL(file).href)) as { handler: NodeHandler };
  return mod.handler;
}

/** What only tests set: nothing here is read from the environment. */
export interface ServerOptions {
  /**
   * the server's clock (session times, check-in dates, retention; the memory store's expiry too):
   * tests move it through weeks of follow-up instead of waiting. The wall clock otherwise.
   */
  now?: () => number;
}

export async function startServer(config: Config, log: Logger = createLogger(config.LOG_LEVEL), opts: ServerOptions = {}): Promise<CanopyServer> {
  const store = await createStore({
    ...(opts.now ? { now: opts.now } : {}),
    ...(config.REDIS_URL
      ? { redisUrl: config.REDIS_URL, cluster: config.REDIS_CLUSTER, waitReplicas: config.REDIS_WAIT_REPLICAS, waitTimeoutMs: config.REDIS_WAIT_TIMEOUT_MS }
      : {}),
    driver: config.STORE_DRIVER,
    dedupeWindow: config.ROOM_DEDUPE_WINDOW,
  });
  // One node-redis client (one server or a cluster) for cross-node broadcast and shared rate
  // limits, whatever driver the store uses.
  const redis = config.REDIS_URL ? await connectShared({ ...config, REDIS_URL: config.REDIS_URL }, log) : null;
  const limiters = createLimiters(config, redis?.client);
  const service = new RoomService(store, limiters, {
    retentionSeconds: Math.round(config.ROOM_RETENTION_DAYS * DAY_SECONDS),
    maxRoomBytes: config.ROOM_MAX_BYTES,
    ...(opts.now ? { now: opts.now } : {}),
  });
  const web = await loadWebHandler(config.WEB_BUILD_DIR, log);

  const origins = configuredOrigins(config);
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.use('*', securityHeaders());
  // every route that takes a body: refused before it is read when it is over the limit
  app.use('/trpc/*', limitBody(config.HTTP_BODY_LIMIT_BYTES));
  app.use('/api/*', limitBody(config.HTTP_BODY_LIMIT_BYTES));
  app.use('*', async (c, next) => {
    // logged when the raw response is done (the web app answers on it directly); the logger
    // redacts the room code of a join link from the path
    const started = performance.now();
    const res = c.env.outgoing;
    const { method, path } = c.req;
    res.once('close', () => log.debug('http request', { method, path, status: res.statusCode, ms: Math.round(performance.now() - started) }));
    await next();
  });
  app.use('/api/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  app.get('/healthz', async (c) => {
    let status: 'ok' | 'degraded' = 'ok';
    try {
      await store.ping();
    } catch {
      status = 'degraded';
    }
    return c.json({ status, store: store.kind, driver: store.driver, version: VERSION, protocol: PROTOCOL_VERSION }, status === 'ok' ? 200 : 503);
  });
  // a page on another site (or a DNS-rebinding one) cannot call the API from a browser
  app.use('/trpc/*', async (c, next) => {
    if (!originAllowed(c.env.incoming, origins))
      return c.json({ error: { message: 'This origin may not call the API.', code: -32003, data: { code: 'FORBIDDEN', httpStatus: 403 } } }, 403);
    await next();
  });
  app.use(
    '/trpc/*',
    trpcServer({
      endpoint: '/trpc',
      router: createAppRouter(service, { debug: config.LOG_LEVEL === 'debug' }),
      createContext: (_opts, c) => ({ address: clientAddress((c.env as HttpBindings).incoming, config.TRUST_PROXY) }),
      // every rate-limited (or busy) answer says when to try again
      responseMeta: ({ errors }) => {
        const wait = Math.max(0, ...errors.map((e) => retryAfterOf(e) ?? 0));
        return wait ? { headers: { 'Retry-After': String(wait) } } : {};
      },
    }),
  );
  // the addresses the console hands out in its join link and QR code (see lan.ts); set once listening
  let share = shareOrigins({ publicUrl: config.PUBLIC_URL, host: config.HOST, port: config.PORT });
  app.get('/api/share-origin', (c) => c.json(share));
  mountDownloads(app, service, limiters.downloads, (c) => clientAddress(c.env.incoming, config.TRUST_PROXY));
  mountImpactDownloads(app, service, limiters.downloads, (c) => clientAddress(c.env.incoming, config.TRUST_PROXY));
  app.all('/api/*', (c) => c.json({ error: 'Not found' }, 404));
  app.all('*', (c) => {
    if (!web) return c.text('Canopy API server. Build the web app (pnpm build) to serve the screens.', 404);
    web(c.env.incoming, c.env.outgoing, () => {
      c.env.outgoing.statusCode = 404;
      c.env.outgoing.end('Not found');
    });
    return RESPONSE_ALREADY_SENT;
  });

  const http = createAdaptorServer({ fetch: app.fetch }) as HttpServer;
  const { io, nodes } = attachRealtime(http, service, config, log, redis?.adapter);
  io.engine.on('initial_headers', socketHeaders);
  io.engine.on('headers', socketHeaders);

  await new Promise<void>((ok, fail) => {
    http.once('error', fail);
    http.listen(config.PORT, config.HOST, () => ok());
  });
  const addr = http.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  const url = `http://${config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST}:${port}`;
  share = shareOrigins({ publicUrl: config.PUBLIC_URL, host: config.HOST, port });
  const reach = share.publicUrl ? ` (public address ${share.publicUrl})` : share.lan.length ? ` (phones on this network: ${share.lan.join(', ')})` : '';
  log.info(`Canopy listening on ${url}${reach}`, {
    store:
      store.kind === 'memory'
        ? 'memory (embedded: nothing survives a restart; set REDIS_URL for Redis)'
        : `redis (${store.driver}${config.REDIS_CLUSTER ? ', cluster' : ''}${config.REDIS_WAIT_REPLICAS ? `, acks wait for ${config.REDIS_WAIT_REPLICAS} replica(s)` : ''})`,
    ...(config.REDIS_URL ? { adapter: config.SOCKETIO_ADAPTER } : {}),
    web: web ? 'served' : 'not built',
  });

  const stopCollecting = collectWhenQuiet(config.GC_AFTER_GROWTH_MB, log);
  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    http,
    service,
    store,
    log,
    nodes,
    close: () =>
      (closing ??= (async () => {
        stopCollecting();
        await io.close(); // also closes the HTTP server
        await store.close();
        await redis?.close();
      })()),
  };
}
