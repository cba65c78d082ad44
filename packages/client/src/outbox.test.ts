/**
 * The outbox's queue on a phone that has not reached the server yet (a real Socket.IO client
 * pointed at a port nobody listens on): answers wait in order, a newer answer to the same thing
 * replaces the waiting one, the queue is kept in the storage adapter and read back by the next
 * page load, and what is unreadable or a day old is dropped. The round trips (sent on reconnect,
 * refusals, retries, resends) are told against a real server in apps/server/test/outbox.test.ts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryOutboxStorage, Outbox, OUTBOX_MAX_AGE_MS, OUTBOX_MAX_ITEMS } from './outbox.js';
import { connectRoom, type RoomConnection } from './room.js';

const open: RoomConnection[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

async function offlinePhone(): Promise<RoomConnection> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((ok) => s.close(() => ok()));
  const conn = connectRoom({ url: `http://127.0.0.1:${port}`, roomId: 'room1', token: 'x'.repeat(32) });
  open.push(conn);
  return conn;
}

describe('the outbox while the phone has not reached the server', () => {
  it('keeps answers in order; a newer answer to the same thing replaces the waiting one', async () => {
    const outbox = new Outbox(await offlinePhone(), memoryOutboxStorage());
    outbox.push('map', { op: 'put', id: 'maria', ring: 'ally' }, 'maria');
    outbox.push('map', { op: 'put', id: 'li', ring: 'contact' }, 'li');
    outbox.push('map', { op: 'put', id: 'maria', ring: 'core' }, 'maria');
    outbox.push('other-step', { op: 'level', level: 'newer' }, 'maria');
    expect(outbox.for('map').map((i) => i.input)).toEqual([
      { op: 'put', id: 'maria', ring: 'core' },
      { op: 'put', id: 'li', ring: 'contact' },
    ]);
    expect(outbox.for('other-step')).toHaveLength(1);
    expect(new Set(outbox.state.items.map((i) => i.sid)).size).toBe(3);
  });

  it('the next page load reads the queue back from the storage, dropping what is unreadable or a day old', async () => {
    let now = 1_000_000;
    const storage = memoryOutboxStorage();
    const first = new Outbox(await offlinePhone(), storage, { now: () => now });
    const kept = first.push('ideas', { op: 'answer', id: 'a1', text: 'Shares credit' });
    now += OUTBOX_MAX_AGE_MS - 1;
    const later = first.push('ideas', { op: 'answer', id: 'a2', text: 'Keeps confidences' });
    storage.save([...storage.saved, { nonsense: true } as never]);

    const reloaded = new Outbox(await offlinePhone(), storage, { now: () => now });
    expect(reloaded.for('ideas')).toEqual([kept, later]);
    now += 2;
    const dayLater = new Outbox(await offlinePhone(), storage, { now: () => now });
    expect(dayLater.for('ideas')).toEqual([later]);
  });

  it('keeps the newest items when far too many wait', async () => {
    const storage = memoryOutboxStorage();
    const outbox = new Outbox(await offlinePhone(), storage);
    for (let i = 0; i < OUTBOX_MAX_ITEMS + 5; i++) outbox.push('ideas', { n: i });
    expect(outbox.state.items).toHaveLength(OUTBOX_MAX_ITEMS);
    expect(outbox.state.items[0]!.input).toEqual({ n: 5 });
    expect(storage.saved).toHaveLength(OUTBOX_MAX_ITEMS);
  });
});
