/**
 * The participant's outbox (`@canopy/client`'s `Outbox`) against a real server over real
 * Socket.IO: answers typed on a phone that is offline wait and go out once the connection is back,
 * a refusal drops the answer and says why, an answer the server has not stored survives the tab
 * closing (through the storage adapter) and is sent by the reloaded page, and an answer resent
 * after its acknowledgement was lost is stored once.
 */
import { describe, expect, it } from 'vitest';
import { memoryOutboxStorage, Outbox, type OutboxState, type RoomConnection } from '@canopy/client';
import type { OpenPromptConsoleView, OpenPromptParticipantView } from '@canopy/core';
import { useWorkshops, WAIT_MS, welcomed, type Screen, type Workshop } from './support.js';

const { server, workshop } = useWorkshops();

const answers = (conn: RoomConnection) => (conn.state.activity?.data as OpenPromptParticipantView | undefined)?.answers ?? [];
const entries = (w: Workshop) => (w.console.conn.state.activity?.data as OpenPromptConsoleView | undefined)?.entries ?? [];

/** A room on its open prompt, and Ana's phone on it (answers time out after 300 ms, so a lost connection shows quickly). */
async function onTheQuestion(): Promise<{ w: Workshop; phone: Screen }> {
  const w = await workshop(await server(), {
    agenda: [{ id: 'ideas', type: 'open-prompt', title: 'What makes an ally?', durationSec: 0, config: {} }],
  });
  const ana = await w.join('Ana');
  ana.conn.close();
  const phone = w.connect(ana.token, { ackTimeoutMs: 300 });
  await welcomed(phone.conn);
  await w.console.conn.command({ type: 'next' });
  await phone.conn.until((s) => s.activity?.stepId === 'ideas', WAIT_MS);
  return { w, phone };
}

/** Resolve once the outbox's state satisfies `pred`. */
const until = (outbox: Outbox, pred: (s: OutboxState) => boolean) =>
  new Promise<void>((resolve) => {
    const off = outbox.subscribe((s) => {
      if (!pred(s)) return;
      queueMicrotask(() => off());
      resolve();
    });
  });
const acked = (outbox: Outbox, n: number) => until(outbox, (s) => s.acked >= n);

describe('the participant’s outbox', () => {
  it('keeps what Ana types while her phone is offline and sends it once when the connection is back', async () => {
    const { w, phone } = await onTheQuestion();
    const storage = memoryOutboxStorage();
    const outbox = new Outbox(phone.conn, storage);

    phone.conn.socket.disconnect(); // the train enters a tunnel
    outbox.push('ideas', { op: 'answer', id: 'a1', text: 'Shares credit openly' });
    await phone.conn.until((s) => s.retrying?.code === 'TIMEOUT', WAIT_MS); // tried, no answer, trying again
    expect(outbox.for('ideas')).toHaveLength(1);
    expect(storage.saved).toHaveLength(1);

    phone.conn.socket.connect();
    await acked(outbox, 1);
    expect(outbox.state).toMatchObject({ items: [], error: '', acked: 1 });
    expect(storage.saved).toEqual([]);
    await phone.conn.until(() => answers(phone.conn).length === 1, WAIT_MS);
    // every retry carried the same submission id: the room has the answer once
    await w.console.conn.until(() => entries(w).length === 1, WAIT_MS);
    expect(entries(w).map((e) => e.text)).toEqual(['Shares credit openly']);
  });

  it('drops an answer the server refuses and says why; the next one goes through', async () => {
    const { phone } = await onTheQuestion();
    const storage = memoryOutboxStorage();
    const outbox = new Outbox(phone.conn, storage);

    outbox.push('ideas', { op: 'answer', id: 'a1', text: ' \u200b ' });
    outbox.push('ideas', { op: 'answer', id: 'a2', text: 'Keeps confidences' });
    await acked(outbox, 1);
    expect(outbox.state.items).toEqual([]);
    expect(storage.saved).toEqual([]);
    expect(answers(phone.conn).map((a) => a.text)).toEqual(['Keeps confidences']);

    outbox.push('ideas', { op: 'answer', id: 'a3', text: '' });
    await until(outbox, (s) => s.items.length === 0);
    expect(outbox.state).toMatchObject({ error: 'Write something first.', acked: 1 });
    expect(storage.saved).toEqual([]);
  });

  it('an answer not yet stored when Ana closes the tab survives in storage and the reloaded page sends it', async () => {
    const { w, phone } = await onTheQuestion();
    const storage = memoryOutboxStorage();
    const outbox = new Outbox(phone.conn, storage);

    phone.conn.socket.disconnect();
    outbox.push('ideas', { op: 'answer', id: 'a1', text: 'Asks what I am working on' });
    await phone.conn.until((s) => s.retrying?.code === 'TIMEOUT', WAIT_MS);
    phone.conn.close(); // the tab closes: "not stored yet" is all the server (never) said
    await new Promise((r) => setTimeout(r, 50));
    expect(outbox.state.error).toBe('');
    expect(storage.saved.map((i) => i.input)).toEqual([{ op: 'answer', id: 'a1', text: 'Asks what I am working on' }]);

    // the page loads again: a new connection with Ana's token, a new outbox on the same storage
    const reloaded = w.connect(phone.token);
    await welcomed(reloaded.conn);
    const again = new Outbox(reloaded.conn, storage);
    expect(again.for('ideas')).toHaveLength(1);
    await again.flush();
    expect(again.state).toMatchObject({ items: [], acked: 1 });
    expect(storage.saved).toEqual([]);
    await w.console.conn.until(() => entries(w).length === 1, WAIT_MS);
  });

  it('an answer resent after its acknowledgement was lost is stored once', async () => {
    const { w, phone } = await onTheQuestion();
    const storage = memoryOutboxStorage();
    const outbox = new Outbox(phone.conn, storage);

    const item = outbox.push('ideas', { op: 'answer', id: 'a1', text: 'Gives before asking' });
    await acked(outbox, 1);
    const rev = phone.conn.state.activity?.rev;
    // the server stored it, but the phone never heard: the item is still in storage after a reload
    storage.save([item]);
    const again = new Outbox(phone.conn, storage);
    await again.flush();
    expect(again.state).toMatchObject({ items: [], error: '', acked: 1 });
    expect(phone.conn.state.activity?.rev).toBe(rev);
    expect(answers(phone.conn)).toHaveLength(1);
    await w.console.conn.until(() => entries(w).length === 1, WAIT_MS);
  });
});
