/**
 * The room service's one write loop (`applyOnce`), against the real in-process store: two nodes
 * racing on one record both land, a resend is answered without writing, a change that keeps losing
 * gives up with its own refusal, and changes to one record on one node wait for each other.
 */
import { describe, expect, it } from 'vitest';
import { ServiceError } from '@canopy/api';
import { createRoomState, NewRoomSchema } from '@canopy/core';
import { MemoryRoomStore } from '@canopy/store';
import { applyOnce, CAS_ATTEMPTS, DUPLICATE, KeyedQueue, LOST, type Change } from '../src/service/apply-once.js';

const ROOM = 'room-apply-once';

async function storeWithRoom() {
  const store = new MemoryRoomStore();
  const room = createRoomState({
    id: ROOM,
    code: 'KKKKKKKK',
    now: 0,
    room: NewRoomSchema.parse({ title: 'Loop', agenda: [{ id: 's1', type: 'slide', title: 'Notes', config: {} }] }),
  });
  await store.createRoom(room, { facilitator: 'f', cohost: 'c', display: 'd' });
  return store;
}

/** Add one note with a client-made id to the record, the way answers are written. */
function addNote(
  store: MemoryRoomStore,
  id: string,
  reads: { n: number } = { n: 0 },
): Change<{ applied: number | null; rev: number; notes: string[] }, string> {
  return {
    key: `${ROOM}/s1/notes`,
    async read() {
      reads.n++;
      const [applied, stored] = await Promise.all([store.wasApplied(ROOM, 's1', 'notes', id), store.getRecord(ROOM, 's1', 'notes')]);
      return { applied, rev: stored?.rev ?? 0, notes: stored ? (JSON.parse(stored.value) as string[]) : [] };
    },
    dedupe: { seen: (s) => s.applied !== null, answer: () => `${id}: already there` },
    async write(s) {
      const res = await store.writeRecord(ROOM, 's1', 'notes', { submissionId: id, expectedRev: s.rev, value: JSON.stringify([...s.notes, id]), counters: {} });
      if (res.status === 'conflict') return LOST;
      if (res.status === 'duplicate') return DUPLICATE;
      return `${id}: saved`;
    },
    busy: () => new ServiceError('BUSY', 'Not saved yet.'),
  };
}

const notes = async (store: MemoryRoomStore) => JSON.parse((await store.getRecord(ROOM, 's1', 'notes'))!.value) as string[];

describe('the apply-once loop', () => {
  it('lets two nodes racing on one record both land: the one that loses reads again and writes on top', async () => {
    const store = await storeWithRoom();
    const [a, b] = [new KeyedQueue(), new KeyedQueue()]; // two nodes: nothing queues them behind each other
    const reads = { n: 0 };
    expect(await Promise.all([applyOnce(a, addNote(store, 'from-a', reads)), applyOnce(b, addNote(store, 'from-b', reads))])).toEqual([
      'from-a: saved',
      'from-b: saved',
    ]);
    expect((await notes(store)).sort()).toEqual(['from-a', 'from-b']);
    expect(reads.n).toBeGreaterThan(2); // someone lost the race and read again
  });

  it('answers a resend of an applied change as a duplicate, and writes nothing', async () => {
    const store = await storeWithRoom();
    const queue = new KeyedQueue();
    expect(await applyOnce(queue, addNote(store, 'n1'))).toBe('n1: saved');
    expect(await applyOnce(queue, addNote(store, 'n1'))).toBe('n1: already there');
    expect(await notes(store)).toEqual(['n1']);
    expect((await store.getRecord(ROOM, 's1', 'notes'))?.rev).toBe(1);
  });

  it('answers a resend that races the first copy as a duplicate too (the store saw the id first)', async () => {
    const store = await storeWithRoom();
    const [a, b] = [new KeyedQueue(), new KeyedQueue()];
    const answers = await Promise.all([applyOnce(a, addNote(store, 'twice')), applyOnce(b, addNote(store, 'twice'))]);
    expect(answers.sort()).toEqual(['twice: already there', 'twice: saved']);
    expect(await notes(store)).toEqual(['twice']);
  });

  it(`gives up with the change's own refusal after ${CAS_ATTEMPTS} lost races`, async () => {
    let reads = 0;
    const never: Change<number, string> = {
      read: async () => ++reads,
      write: async () => LOST,
      busy: () => new ServiceError('BUSY', 'The step is busy; retrying…'),
    };
    await expect(applyOnce(new KeyedQueue(), never)).rejects.toMatchObject({ code: 'BUSY', message: 'The step is busy; retrying…' });
    expect(reads).toBe(CAS_ATTEMPTS);
  });

  it('runs changes to one record on one node one after another, so they never lose a race to each other', async () => {
    const store = await storeWithRoom();
    const queue = new KeyedQueue();
    const reads = { n: 0 };
    const ids = ['n1', 'n2', 'n3', 'n4', 'n5'];
    await Promise.all(ids.map((id) => applyOnce(queue, addNote(store, id, reads))));
    expect(await notes(store)).toEqual(ids);
    expect(reads.n).toBe(ids.length);
  });

  it('passes a refusal straight through, and the next change of the same record still runs', async () => {
    const store = await storeWithRoom();
    const queue = new KeyedQueue();
    const refused = applyOnce(queue, {
      ...addNote(store, 'closed'),
      write: () => Promise.reject(new ServiceError('CONFLICT', 'Answers are closed for this step right now.')),
    });
    const next = applyOnce(queue, addNote(store, 'n1'));
    await expect(refused).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await next).toBe('n1: saved');
  });
});
