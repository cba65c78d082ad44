/**
 * What a node keeps of people's own records between their answers (so the next one is a single
 * write): the last one it stored or read of each, within a budget, the least recently kept going
 * first; and nothing of a person whose data was deleted, or of a deleted room.
 */
import { describe, expect, it } from 'vitest';
import { MemoryRoomStore } from '@canopy/store';
import { createLimiters } from '../src/ratelimit.js';
import { ServiceContext } from '../src/service/context.js';
import { testConfig } from './support.js';

const node = (recordCacheChars: number) =>
  new ServiceContext(new MemoryRoomStore(), createLimiters(testConfig()), { retentionSeconds: 3600, recordCacheChars });
const record = (rev: number, chars: number) => ({ rev, value: 'x'.repeat(chars) });

describe("a node's records of people's own answers", () => {
  it('keeps the last one of each person within its budget, dropping the least recently kept first', () => {
    const ctx = node(300);
    ctx.keepRecord('room/self/p:ana', record(1, 100));
    ctx.keepRecord('room/self/p:bo', record(1, 100));
    ctx.keepRecord('room/self/p:ana', record(2, 100)); // Ana answered again: hers is now the newest
    ctx.keepRecord('room/self/p:cy', record(1, 100));
    expect(ctx.knownRecord('room/self/p:ana')).toEqual(record(2, 100));
    // a fourth 100 goes over 300: Bo's, kept least recently, makes room
    ctx.keepRecord('room/self/p:dee', record(1, 100));
    expect(ctx.knownRecord('room/self/p:bo')).toBeUndefined();
    expect([ctx.knownRecord('room/self/p:ana')?.rev, ctx.knownRecord('room/self/p:cy')?.rev, ctx.knownRecord('room/self/p:dee')?.rev]).toEqual([2, 1, 1]);
    // a record read as gone is not kept
    ctx.keepRecord('room/self/p:cy', null);
    expect(ctx.knownRecord('room/self/p:cy')).toBeUndefined();
  });

  it("forgets one person's records in every step when their data is deleted, and a whole room's when it is", () => {
    const ctx = node(10_000);
    for (const key of ['room/self/p:ana', 'room/map/p:ana', 'room/self/p:bo', 'other/self/p:ana']) ctx.keepRecord(key, record(1, 10));
    ctx.forgetRecords('room', 'p:ana');
    expect(['room/self/p:ana', 'room/map/p:ana', 'room/self/p:bo', 'other/self/p:ana'].map((k) => ctx.knownRecord(k) !== undefined)).toEqual([
      false,
      false,
      true,
      true,
    ]);
    ctx.forgetRecords('room');
    expect(ctx.knownRecord('room/self/p:bo')).toBeUndefined();
    expect(ctx.knownRecord('other/self/p:ana')).toEqual(record(1, 10));
  });
});
