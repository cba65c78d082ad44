/**
 * The bench's baseline: a bare Socket.IO server (same socket.io version and transport settings as
 * Canopy, no store, no validation) that does the least a server could for the same traffic.
 * `setup` gives it Canopy's own messages (a step's stage view, a submission's ack), so it sends the
 * same bytes: `command` broadcasts the next stage view to everyone, `submit` echoes the ack.
 */
import { createServer } from 'node:http';
import { SOCKET_OPTIONS } from '@canopy/server';
import { Server } from 'socket.io';

const http = createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404).end();
});
const io = new Server(http, SOCKET_OPTIONS);

let stages: Array<Record<string, unknown>> = [{ v: 0 }];
let submitAck: unknown = { ok: true };
let v = 0;

io.on('connection', (socket) => {
  void socket.join('r');
  socket.on('setup', (cfg: { stages: Array<Record<string, unknown>>; submitAck: unknown }, ack: (a: unknown) => void) => {
    stages = cfg.stages;
    submitAck = cfg.submitAck;
    ack({ ok: true });
  });
  socket.on('command', (_cmd: unknown, ack: (a: unknown) => void) => {
    v++;
    io.to('r').emit('stage', { ...stages[v % stages.length], v });
    ack({ ok: true, version: v });
  });
  socket.on('submit', (_p: unknown, ack: (a: unknown) => void) => ack(submitAck));
});

http.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void io.close(() => process.exit(0)));
