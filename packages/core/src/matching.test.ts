import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxWeightMatching } from './matching.js';
import type { WeightedEdge } from './matching.js';

/** Best (cardinality, weight) over all matchings, by trying every one. */
function bruteForce(n: number, edges: readonly WeightedEdge[], maxCardinality: boolean): { size: number; weight: number } {
  const w = new Map<number, number>();
  for (const [i, j, x] of edges) w.set(Math.min(i, j) * n + Math.max(i, j), x);
  const used = new Array<boolean>(n).fill(false);
  let best = { size: 0, weight: 0 };
  const visit = (from: number, size: number, weight: number): void => {
    let i = from;
    while (i < n && used[i]) i++;
    if (i >= n) {
      const wins = maxCardinality ? size > best.size || (size === best.size && weight > best.weight) : weight > best.weight;
      if (wins) best = { size, weight };
      return;
    }
    used[i] = true;
    visit(i + 1, size, weight); // i stays single
    for (let j = i + 1; j < n; j++) {
      const x = w.get(i * n + j);
      if (used[j] || x === undefined) continue;
      used[j] = true;
      visit(i + 1, size + 1, weight + x);
      used[j] = false;
    }
    used[i] = false;
  };
  visit(0, 0, 0);
  return best;
}

/** Checks that `mate` is a matching made of edges of the graph; returns its size and weight. */
function measure(n: number, edges: readonly WeightedEdge[], mate: Int32Array): { size: number; weight: number } {
  const w = new Map<number, number>();
  for (const [i, j, x] of edges) w.set(Math.min(i, j) * n + Math.max(i, j), x);
  let size = 0;
  let weight = 0;
  for (let v = 0; v < n; v++) {
    const u = mate[v]!;
    if (u === -1) continue;
    expect(mate[u]).toBe(v);
    if (v < u) {
      const x = w.get(v * n + u);
      expect(x, `edge ${v}-${u} exists`).toBeDefined();
      size++;
      weight += x!;
    }
  }
  return { size, weight };
}

const graph = (maxN: number, maxWeight: number) =>
  fc.integer({ min: 0, max: maxN }).chain((n) =>
    fc
      .array(fc.tuple(fc.boolean(), fc.oneof(fc.constant(0), fc.integer({ min: 0, max: maxWeight }))), {
        minLength: (n * (n - 1)) / 2,
        maxLength: (n * (n - 1)) / 2,
      })
      .map((cells) => {
        const edges: WeightedEdge[] = [];
        let c = 0;
        for (let i = 0; i < n; i++)
          for (let j = i + 1; j < n; j++) {
            const [present, x] = cells[c++]!;
            if (present) edges.push([i, j, x]);
          }
        return { n, edges };
      }),
  );

describe('maximum-weight matching (Edmonds blossom)', () => {
  it('finds a matching as heavy as the best one found by trying them all, on random graphs of up to 10 vertices', () => {
    fc.assert(
      fc.property(graph(10, 30), ({ n, edges }) => {
        const mate = maxWeightMatching(n, edges, { verify: true });
        expect(measure(n, edges, mate).weight).toBe(bruteForce(n, edges, false).weight);
      }),
      { numRuns: 400 },
    );
  });

  it('with maxCardinality, matches as many vertices as possible and is the heaviest of those', () => {
    fc.assert(
      fc.property(graph(10, 30), ({ n, edges }) => {
        const mate = maxWeightMatching(n, edges, { maxCardinality: true, verify: true });
        expect(measure(n, edges, mate)).toEqual(bruteForce(n, edges, true));
      }),
      { numRuns: 400 },
    );
  });

  it('carries a dual certificate of optimality on larger random graphs', () => {
    fc.assert(
      fc.property(graph(60, 1_000_000), fc.boolean(), ({ n, edges }, maxCardinality) => {
        const mate = maxWeightMatching(n, edges, { maxCardinality, verify: true });
        measure(n, edges, mate);
      }),
      { numRuns: 40 },
    );
  });

  it('prefers one heavy edge to two light ones unless asked for maximum cardinality', () => {
    const edges: WeightedEdge[] = [
      [1, 2, 5],
      [2, 3, 11],
      [3, 4, 5],
    ];
    expect([...maxWeightMatching(5, edges)]).toEqual([-1, -1, 3, 2, -1]);
    expect([...maxWeightMatching(5, edges, { maxCardinality: true })]).toEqual([-1, 2, 1, 4, 3]);
  });

  it('augments through a blossom (odd cycle) to reach the best matching', () => {
    // Triangle 1-2-3 with pendants 1-6 and 3-4-5: the optimum uses the triangle's cheap side.
    const edges: WeightedEdge[] = [
      [1, 2, 9],
      [1, 3, 8],
      [2, 3, 10],
      [1, 4, 5],
      [4, 5, 4],
      [1, 6, 3],
    ];
    const mate = maxWeightMatching(7, edges, { verify: true });
    expect(measure(7, edges, mate)).toEqual(bruteForce(7, edges, false));
    expect([...mate]).toEqual([-1, 6, 3, 2, 5, 4, 1]);
  });

  it('handles weights in the billions exactly (integers only, no float drift)', () => {
    const edges: WeightedEdge[] = [];
    for (let i = 0; i < 9; i++) for (let j = i + 1; j < 9; j++) edges.push([i, j, 4_000_000_000 + ((i * 7 + j * 13) % 11)]);
    const mate = maxWeightMatching(9, edges, { maxCardinality: true, verify: true });
    expect(measure(9, edges, mate)).toEqual(bruteForce(9, edges, true));
  });

  it('returns everyone single for an empty graph and rejects bad input', () => {
    expect([...maxWeightMatching(3, [])]).toEqual([-1, -1, -1]);
    expect(() => maxWeightMatching(2, [[0, 1, 1.5]])).toThrow(RangeError);
    expect(() => maxWeightMatching(2, [[0, 0, 1]])).toThrow(RangeError);
    expect(() => maxWeightMatching(2, [[0, 2, 1]])).toThrow(RangeError);
  });
});
