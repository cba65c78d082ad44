#!/usr/bin/env node
// The container's HEALTHCHECK (and anyone's): exit 0 when this node's /healthz answers 200 within
// 3 seconds, 1 otherwise. /healthz answers 503 while the store (Redis) cannot be reached.
const port = process.env.PORT || '3000';
const host = !process.env.HOST || process.env.HOST === '0.0.0.0' || process.env.HOST === '::' ? '127.0.0.1' : process.env.HOST;
const res = await fetch(`http://${host.includes(':') ? `[${host}]` : host}:${port}/healthz`, { signal: AbortSignal.timeout(3000) }).catch(() => null);
process.exit(res?.ok ? 0 : 1);
