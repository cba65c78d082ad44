/**
 * When a node gives back the memory a surge of joins left behind: once the memory has grown by the
 * threshold and the node is quiet, never while it is busy, never twice within the gap.
 */
import { describe, expect, it } from 'vitest';
import { MIN_GAP_MS, QUIET_SECONDS, QuietCollector } from '../src/heap.js';

const MB = 1024 * 1024;

describe('collecting the heap while quiet', () => {
  it('waits through a surge of joins and collects once the room has settled', () => {
    const c = new QuietCollector(64 * MB, 100 * MB);
    // 2,000 people join: the memory grows while the loop is busy
    expect(c.shouldCollect(180 * MB, 0.9, 1_000)).toBe(false);
    expect(c.shouldCollect(250 * MB, 0.8, 2_000)).toBe(false);
    // everyone is in and waiting for the facilitator: after a few quiet seconds, not at the first
    for (let s = 1; s < QUIET_SECONDS; s++) expect(c.shouldCollect(250 * MB, 0.05, 2_000 + s * 1_000)).toBe(false);
    expect(c.shouldCollect(250 * MB, 0.05, 2_000 + QUIET_SECONDS * 1_000)).toBe(true);
    c.collected(115 * MB, 5_000);
    expect(c.shouldCollect(116 * MB, 0.05, 6_000)).toBe(false);
  });

  it('does not collect in a short lull between two busy seconds of a step', () => {
    const c = new QuietCollector(64 * MB, 100 * MB);
    for (let s = 0; s < 10; s++) expect(c.shouldCollect(250 * MB, s % QUIET_SECONDS === 0 ? 0.6 : 0.1, s * 1_000)).toBe(false);
  });

  it('leaves memory that grew less than the threshold alone', () => {
    const c = new QuietCollector(64 * MB, 100 * MB);
    for (let s = 1; s <= 2 * QUIET_SECONDS; s++) expect(c.shouldCollect(150 * MB, 0, s * 1_000)).toBe(false);
  });

  it('counts growth from the lowest point, where V8 left it after a collection of its own', () => {
    const c = new QuietCollector(64 * MB, 200 * MB);
    expect(c.shouldCollect(90 * MB, 0.5, 1_000)).toBe(false); // memory given back: the floor is now 90 MB
    for (let s = 1; s < QUIET_SECONDS; s++) expect(c.shouldCollect(160 * MB, 0.1, 1_000 + s * 1_000)).toBe(false);
    expect(c.shouldCollect(160 * MB, 0.1, 1_000 + QUIET_SECONDS * 1_000)).toBe(true);
  });

  it('collects at most once per gap, even when the memory keeps growing while quiet', () => {
    const c = new QuietCollector(64 * MB, 100 * MB);
    for (let s = 1; s < QUIET_SECONDS; s++) c.shouldCollect(170 * MB, 0.1, s * 1_000 - 1_000);
    expect(c.shouldCollect(170 * MB, 0.1, 1_000)).toBe(true);
    c.collected(100 * MB, 1_000);
    expect(c.shouldCollect(170 * MB, 0.1, 1_000 + MIN_GAP_MS - 1)).toBe(false);
    expect(c.shouldCollect(170 * MB, 0.1, 1_000 + MIN_GAP_MS)).toBe(true);
  });
});
