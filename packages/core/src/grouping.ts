/**
 * Grouping engine for partnership meetings: split the people present into groups of 2–4 for one
 * round so that, in this order of priority, nobody meets someone they already met in an earlier
 * round of the session, departments mix as much as possible, and group sizes stay even. Pure and
 * deterministic: the only randomness is a PRNG seeded by the caller. The algorithm, its
 * guarantees and their exact conditions: docs/grouping.md.
 *
 * - Pairs in a small room (size 2 and fewer than 8 people per planned round): the circle method
 *   (round-robin), so a whole schedule of rounds never repeats a pair; the seating and the order
 *   of the rounds are chosen for department mix.
 * - Otherwise a greedy "deal" (departments largest first, each person into the open group where
 *   they meet the fewest people already met, then the fewest of their own department), a repair
 *   by swaps between groups (exhaustive for anyone sitting with someone they met), and a few swap
 *   passes for department mix.
 * - If a repeat is still left, a backtracking search for a grouping without one (bounded).
 * - Late joiners and leavers only touch one group (placeLateJoiner / removeFromRound).
 */
import { z } from 'zod';

export interface Person {
  id: string;
  /** department or team; null (or blank) = unknown, never counted as the same as anyone */
  department: string | null;
}

export type GroupSize = 2 | 3 | 4;

export interface GroupingOptions {
  /** target group size; groups have this size or one more or one less (see groupSizes) */
  size: GroupSize;
  /** an unsigned 32-bit integer (others are floored and wrapped); same inputs and seed → same groups */
  seed: number;
  /**
   * How many rounds the session plans (planRounds sets it). Pairs in a small room (size 2 and
   * fewer than 8·rounds people) follow one round-robin schedule across the rounds, which is what
   * keeps them free of repeats; pass the same value on every call of a session.
   * Default: the number of rounds so far, history.length + 1.
   */
  rounds?: number;
}

export const GROUPING_MAX_ROUNDS = 50;

/** For the activity config / command payloads: validate before calling the engine. */
export const GroupingOptionsSchema = z.object({
  size: z.union([z.literal(2), z.literal(3), z.literal(4)]),
  seed: z.number().int().min(0).max(0xffffffff),
  rounds: z.number().int().min(1).max(GROUPING_MAX_ROUNDS).optional(),
});

/** One round: groups of participant ids. */
export type Round = string[][];

export type GroupingStrategy = 'single' | 'circle' | 'deal' | 'exact';

export interface RoundResult {
  round: Round;
  /**
   * how the round was made: 'single' = everyone in one group (nothing to choose); 'circle' = the
   * round-robin schedule; 'deal' = greedy deal and swaps; 'exact' = backtracking search, used when
   * swaps left a repeat
   */
  strategy: GroupingStrategy;
  /** elementary steps spent (candidate groups looked at, swap partners tried, pairs scored) */
  work: number;
}

export interface RoundStats {
  /** pairs of people grouped together now who already met in the history */
  repeatedPairs: number;
  /** pairs of people grouped together who share a (known) department */
  sameDepartmentPairs: number;
  /** all pairs of people grouped together: Σ k(k−1)/2 over the groups */
  pairs: number;
  /** share of those pairs that cross departments (pairs with an unknown department count as mixed); 1 when there are no pairs */
  mixScore: number;
  /** group size → number of groups of that size */
  sizes: Record<number, number>;
}

/**
 * A repeated pair weighs more than any change in same-department pairs a swap can make (at most
 * 2·size either way), so a swap that removes a repeat always beats one that only mixes.
 */
const REPEAT = 1000;
/** Above this many people, pairs never use the round-robin (choosing its seating costs ~n²). */
const CIRCLE_MAX_PEOPLE = 1024;
/** Seatings tried for the round-robin schedule besides the two constructed ones. */
const CIRCLE_RANDOM_SEATINGS = 4;
/** Mixing passes after the repair, and groups sampled per person in each pass. */
const MIX_PASSES = 3;
const MIX_SAMPLE_GROUPS = 24;
/** Steps the exact search may take (it only runs when swaps left a repeat, i.e. in crowded cases). */
const EXACT_BUDGET = 200_000;
/** Hard cap on the swap searches (in work units); far above what real rooms use. */
const SEARCH_BUDGET = 20_000_000;

// ---------------------------------------------------------------------------------------------
// sizes

/**
 * Group sizes for n people and target size s (largest first). With g = ⌊n/s⌋ and r = n mod s:
 * - n ≤ s: one group of everyone (n = 1 is the one unavoidable singleton);
 * - r ≤ g: g groups, r of them of size s+1 (e.g. 7 people in pairs → 3, 2, 2; 5 in fours → 5);
 * - otherwise g+1 groups of s and s−1 (e.g. 6 in fours → 3, 3; 5 in threes → 3, 2).
 * So for n ≥ 2: no singleton, sizes differ by at most one, and every size is within s−1..s+1
 * unless n < s.
 */
export function groupSizes(n: number, size: number): number[] {
  assertSize(size);
  if (!Number.isInteger(n) || n <= 0) return [];
  if (n <= size) return [n];
  const g = Math.floor(n / size);
  const r = n % size;
  if (r <= g) return Array.from({ length: g }, (_, i) => (i < r ? size + 1 : size));
  const groups = g + 1;
  const short = groups * size - n; // groups of size − 1 (never more than `groups`, and size − 1 ≥ 2 here)
  return Array.from({ length: groups }, (_, i) => (i < groups - short ? size : size - 1));
}

function assertSize(size: number): asserts size is GroupSize {
  if (size !== 2 && size !== 3 && size !== 4) throw new RangeError(`group size must be 2, 3 or 4, got ${String(size)}`);
}

// ---------------------------------------------------------------------------------------------
// seeded randomness (core never draws its own)

/** mulberry32: small, fast, good enough to shuffle; state is one 32-bit integer. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Combine a seed with a salt (murmur3 finalizer), so each round and purpose gets its own stream. */
function mix(seed: number, salt: number): number {
  let h = (Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt >>> 0, 0xcc9e2d51)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function normSeed(seed: number): number {
  return Number.isFinite(seed) ? Math.floor(seed) >>> 0 : 0;
}

function shuffle<T>(xs: T[], rng: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = xs[i]!;
    xs[i] = xs[j]!;
    xs[j] = t;
  }
  return xs;
}

// ---------------------------------------------------------------------------------------------
// the problem, indexed

/** Departments compare trimmed and case-insensitively; blank is unknown. */
function departmentKey(d: string | null | undefined): string | null {
  if (d == null) return null;
  const k = d.normalize('NFKC').trim().toLowerCase();
  return k === '' ? null : k;
}

interface Ctx {
  /** ids of the people present, sorted, unique: person i is ids[i] */
  ids: string[];
  /** department index per person, −1 = unknown */
  dept: Int32Array;
  /** number of departments (indices 0..D−1, in sorted key order) */
  D: number;
  /** people (present) each person met in the history */
  met: Set<number>[];
  work: number;
}

function buildCtx(people: readonly Person[], history: readonly Round[]): Ctx {
  const byId = new Map<string, string | null>();
  for (const p of people) if (!byId.has(p.id)) byId.set(p.id, departmentKey(p.department));
  const ids = [...byId.keys()].sort();
  const index = new Map<string, number>();
  ids.forEach((id, i) => index.set(id, i));
  // Only departments of two or more people can be "the same": the others count as unknown.
  const counts = new Map<string, number>();
  for (const k of byId.values()) if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1);
  const keys = [...counts.keys()].filter((k) => counts.get(k)! >= 2).sort();
  const deptIndex = new Map<string, number>();
  keys.forEach((k, i) => deptIndex.set(k, i));
  const dept = new Int32Array(ids.length);
  ids.forEach((id, i) => {
    const k = byId.get(id) ?? null;
    dept[i] = k === null ? -1 : (deptIndex.get(k) ?? -1);
  });
  const met = ids.map(() => new Set<number>());
  let work = 0;
  for (const round of history) {
    for (const group of round) {
      const present: number[] = [];
      for (const id of group) {
        const i = index.get(id);
        if (i !== undefined) present.push(i);
      }
      for (let a = 0; a < present.length; a++)
        for (let b = a + 1; b < present.length; b++) {
          const x = present[a]!;
          const y = present[b]!;
          if (x !== y) {
            met[x]!.add(y);
            met[y]!.add(x);
          }
        }
      work += present.length * present.length;
    }
  }
  return { ids, dept, D: keys.length, met, work };
}

/** Cost of grouping a with b: a repeat weighs REPEAT, a shared department 1. */
function weight(c: Ctx, a: number, b: number): number {
  let v = c.met[a]!.has(b) ? REPEAT : 0;
  const d = c.dept[a]!;
  if (d >= 0 && d === c.dept[b]) v += 1;
  return v;
}

function deptMembers(c: Ctx): { byDept: number[][]; unknown: number[] } {
  const byDept: number[][] = Array.from({ length: c.D }, () => []);
  const unknown: number[] = [];
  for (let i = 0; i < c.ids.length; i++) {
    const d = c.dept[i]!;
    if (d >= 0) byDept[d]!.push(i);
    else unknown.push(i);
  }
  return { byDept, unknown };
}

/** Everyone, departments largest first (members shuffled), unknown departments last. */
function dealOrder(c: Ctx, rng: () => number): number[] {
  const { byDept, unknown } = deptMembers(c);
  for (const list of byDept) shuffle(list, rng);
  shuffle(unknown, rng);
  const order = byDept.map((_, d) => d).sort((a, b) => byDept[b]!.length - byDept[a]!.length || a - b);
  return [...order.flatMap((d) => byDept[d]!), ...unknown];
}

/**
 * The fewest same-department pairs any grouping with these sizes can have: each department spread
 * as evenly as possible over the groups. The deal reaches it when there is no history.
 */
function sameDepartmentFloor(c: Ctx, groups: number): number {
  const counts = new Array<number>(c.D).fill(0);
  for (const d of c.dept) if (d >= 0) counts[d]!++;
  let floor = 0;
  for (const nd of counts) {
    const q = Math.floor(nd / groups);
    const r = nd % groups;
    floor += (r * (q + 1) * q) / 2 + ((groups - r) * q * (q - 1)) / 2;
  }
  return floor;
}

// ---------------------------------------------------------------------------------------------
// greedy deal

/**
 * Deal the department-sorted list like cards: person i of the list into group i mod g, groups
 * largest first. Group j receives ⌈(n−j)/g⌉ people, which is exactly sizes[j]; each department is
 * a contiguous run of the list, so it lands ⌊n_d/g⌋ or ⌈n_d/g⌉ times in every group — the floor.
 */
function plainDeal(c: Ctx, sizes: number[], rng: () => number): number[][] {
  const g = sizes.length;
  const groups: number[][] = sizes.map(() => []);
  dealOrder(c, rng).forEach((x, i) => groups[i % g]!.push(x));
  c.work += c.ids.length;
  return groups;
}

/**
 * The deal with a history: people in deal order, each into the open group (with room left) where
 * they would meet the fewest people they already met, then the fewest of their department; ties
 * go to the group with the most room, then to the next group after the last one used — which,
 * without history, is the plain deal again. O(n·g).
 */
function greedyDeal(c: Ctx, sizes: number[], rng: () => number): number[][] {
  const g = sizes.length;
  const groups: number[][] = sizes.map(() => []);
  const where = new Int32Array(c.ids.length).fill(-1);
  // members of department d in group j: deptIn[d·g + j] (departments of one are unknown, see buildCtx)
  const deptIn = new Uint8Array(c.D * g);
  const metCount = new Int32Array(g);
  let ptr = 0;
  for (const x of dealOrder(c, rng)) {
    const d = c.dept[x]!;
    const row = d * g;
    for (const y of c.met[x]!) {
      const j = where[y]!;
      if (j >= 0) metCount[j]!++;
    }
    let best = -1;
    let bestCost = Infinity;
    let bestFree = -1;
    for (let k = 0, j = ptr; k < g; k++, j = j + 1 === g ? 0 : j + 1) {
      const free = sizes[j]! - groups[j]!.length;
      if (free <= 0) continue;
      const cost = metCount[j]! * REPEAT + (d >= 0 ? deptIn[row + j]! : 0);
      if (cost < bestCost || (cost === bestCost && free > bestFree)) {
        best = j;
        bestCost = cost;
        bestFree = free;
      }
    }
    c.work += g + 2 * c.met[x]!.size;
    groups[best]!.push(x);
    where[x] = best;
    if (d >= 0) deptIn[row + best]!++;
    for (const y of c.met[x]!) {
      const j = where[y]!;
      if (j >= 0) metCount[j] = 0;
    }
    ptr = best + 1 === g ? 0 : best + 1;
  }
  return groups;
}

// ---------------------------------------------------------------------------------------------
// local search: swaps between groups

/**
 * Repair, then improve, by swapping two people of different groups. Phase 1 (repair) looks at
 * every possible partner for each person who sits with someone they already met and takes the
 * best strictly improving swap; since a repeat weighs more than any change in mixing, such a swap
 * removes a repeat whenever one can be removed without adding another (see docs/grouping.md for
 * when that is guaranteed). Phase 2 (mix) tries a bounded sample of groups for each person who
 * sits with their own department. Every applied swap strictly lowers the total cost.
 */
function localSearch(c: Ctx, groups: number[][], rng: () => number, mixFloor: number): void {
  const n = c.ids.length;
  const g = groups.length;
  if (g < 2) return;
  const where = new Int32Array(n);
  const own = new Int32Array(n); // cost of a person with the rest of their group
  groups.forEach((members, j) => {
    for (const x of members) where[x] = j;
  });
  const refresh = (j: number): void => {
    const members = groups[j]!;
    for (const x of members) {
      let v = 0;
      for (const y of members) if (y !== x) v += weight(c, x, y);
      own[x] = v;
    }
    c.work += members.length * members.length;
  };
  for (let j = 0; j < g; j++) refresh(j);
  const start = c.work;
  const budgetLeft = (): boolean => c.work - start < SEARCH_BUDGET;

  /** Best swap for x among the groups listed; returns the partner or −1. */
  const bestSwap = (x: number, candidates: Iterable<number>): number => {
    const A = where[x]!;
    const groupA = groups[A]!;
    let best = -1;
    let bestDelta = 0;
    for (const B of candidates) {
      if (B === A) continue;
      const groupB = groups[B]!;
      let xInB = 0;
      for (const b of groupB) xInB += weight(c, x, b);
      for (const y of groupB) {
        let yInA = 0;
        for (const a of groupA) if (a !== x) yInA += weight(c, y, a);
        const delta = xInB - weight(c, x, y) + yInA - own[x]! - own[y]!;
        if (delta < bestDelta) {
          bestDelta = delta;
          best = y;
        }
      }
      c.work += groupB.length * (groupA.length + 1);
    }
    return best;
  };
  const apply = (x: number, y: number): void => {
    const A = where[x]!;
    const B = where[y]!;
    const ga = groups[A]!;
    const gb = groups[B]!;
    ga[ga.indexOf(x)] = y;
    gb[gb.indexOf(y)] = x;
    where[x] = B;
    where[y] = A;
    refresh(A);
    refresh(B);
  };
  const allGroupsFrom = (A: number): number[] => Array.from({ length: g - 1 }, (_, k) => (A + 1 + k) % g);

  // Phase 1: repair repeats.
  const order = shuffle(
    Array.from({ length: n }, (_, i) => i),
    rng,
  );
  for (let changed = true; changed && budgetLeft();) {
    changed = false;
    for (const x of order) {
      if (own[x]! < REPEAT) continue;
      const y = bestSwap(x, allGroupsFrom(where[x]!));
      if (y >= 0) {
        apply(x, y);
        changed = true;
      }
      if (!budgetLeft()) break;
    }
  }

  // Phase 2: mixing, only if it can still improve.
  const sample = Math.min(g - 1, MIX_SAMPLE_GROUPS);
  for (let pass = 0; pass < MIX_PASSES && budgetLeft(); pass++) {
    let same = 0;
    for (let x = 0; x < n; x++) same += own[x]! % REPEAT;
    if (same / 2 <= mixFloor) break;
    let changed = false;
    for (const x of order) {
      if (own[x]! % REPEAT === 0) continue;
      const A = where[x]!;
      const picks: number[] = [];
      for (let k = 0; k < sample; k++) picks.push((A + 1 + Math.floor(rng() * (g - 1))) % g);
      const y = bestSwap(x, picks);
      if (y >= 0) {
        apply(x, y);
        changed = true;
      }
      if (!budgetLeft()) break;
    }
    if (!changed) break;
  }

  // Phase 3: still above the floor after sampling (rare): one pass over every partner.
  let same = 0;
  for (let x = 0; x < n; x++) same += own[x]! % REPEAT;
  if (same / 2 > mixFloor && budgetLeft()) {
    for (const x of order) {
      if (own[x]! % REPEAT === 0) continue;
      const y = bestSwap(x, allGroupsFrom(where[x]!));
      if (y >= 0) apply(x, y);
      if (!budgetLeft()) break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// exact search (when swaps leave a repeat)

function countRepeats(c: Ctx, groups: number[][]): number {
  let repeats = 0;
  for (const members of groups)
    for (let a = 0; a < members.length; a++) for (let b = a + 1; b < members.length; b++) if (c.met[members[a]!]!.has(members[b]!)) repeats++;
  return repeats;
}

/**
 * Backtracking over every grouping with these sizes, skipping any partial group with a pair that
 * already met: each group is opened by the first person not yet placed (in a fixed order that
 * alternates departments, so the first grouping found is already fairly mixed) and completed
 * with later people only, so each grouping is visited once. Returns the first grouping without a
 * repeat, or null if there is none — or if EXACT_BUDGET steps were not enough to tell.
 */
function exactSearch(c: Ctx, sizes: number[], rng: () => number): number[][] | null {
  const n = c.ids.length;
  // The order: one person of each department in turn (largest departments first).
  const { byDept, unknown } = deptMembers(c);
  const lists = [...byDept.map((l) => shuffle(l, rng)), ...unknown.map((x) => [x])].sort((a, b) => b.length - a.length);
  const order: number[] = [];
  for (let k = 0; order.length < n; k++) for (const l of lists) if (k < l.length) order.push(l[k]!);
  const remaining = new Map<number, number>();
  for (const k of sizes) remaining.set(k, (remaining.get(k) ?? 0) + 1);
  const distinct = [...remaining.keys()].sort((a, b) => b - a);
  const placed = new Uint8Array(n);
  const groups: number[][] = [];
  let steps = 0;
  let placedCount = 0;
  const fits = (q: number, group: number[]): boolean => {
    for (const x of group) if (c.met[q]!.has(x)) return false;
    return true;
  };
  const fill = (group: number[], target: number, from: number): boolean => {
    if (group.length === target) {
      groups.push([...group]);
      if (open()) return true;
      groups.pop();
      return false;
    }
    for (let i = from; i < n; i++) {
      if (++steps > EXACT_BUDGET) return false;
      const q = order[i]!;
      if (placed[q] || !fits(q, group)) continue;
      placed[q] = 1;
      placedCount++;
      group.push(q);
      if (fill(group, target, i + 1)) return true;
      group.pop();
      placed[q] = 0;
      placedCount--;
    }
    return false;
  };
  const open = (): boolean => {
    if (placedCount === n) return true;
    let i = 0;
    while (placed[order[i]!]) i++;
    const p = order[i]!;
    placed[p] = 1;
    placedCount++;
    for (const k of distinct) {
      if (remaining.get(k)! === 0) continue;
      remaining.set(k, remaining.get(k)! - 1);
      if (fill([p], k, i + 1)) return true;
      remaining.set(k, remaining.get(k)! + 1);
      if (steps > EXACT_BUDGET) break;
    }
    placed[p] = 0;
    placedCount--;
    return false;
  };
  const ok = open();
  c.work += steps * 4;
  return ok ? groups : null;
}

// ---------------------------------------------------------------------------------------------
// circle method (pairs)

/**
 * Round-robin on np (even) seats: seats 0..m−1 on a circle (m = np − 1, odd) and one fixed seat m.
 * Round r pairs the fixed seat with r, and (r+j, r−j) for j = 1..(m−1)/2 — i.e. circle seats whose
 * sum is 2r mod m. Over the m rounds every two seats meet exactly once.
 */
function circlePairs(np: number, r: number): Array<[number, number]> {
  const m = np - 1;
  const pairs: Array<[number, number]> = [[m, r]];
  for (let j = 1; j <= (m - 1) / 2; j++) pairs.push([(r + j) % m, (r - j + m) % m]);
  return pairs;
}

/** The round in which two seats meet. */
function circleRoundOf(np: number, s: number, t: number): number {
  const m = np - 1;
  if (s === m) return t;
  if (t === m) return s;
  return ((s + t) * ((m + 1) / 2)) % m;
}

interface ScheduledRound {
  /** repeats·REPEAT + same-department pairs, the odd one out included */
  cost: number;
  /** index (in circlePairs order) of the pair the odd one out joins, −1 when n is even */
  trio: number;
  /** rounds still unspent that the trio's two new pairs would spoil */
  spoils: number;
}

/**
 * Score round r of a seating. With `spent` (rounds that already contain a pair who met), the
 * score counts repeats against the history; without, only departments (to pick the seating).
 * The odd one out (the person facing the empty seat) joins the pair that costs least, and among
 * those the one that spoils fewest unspent rounds: the pairs they form are due in other rounds.
 */
function scheduleRound(c: Ctx, seat: Int32Array, np: number, r: number, spent: Int32Array | null): ScheduledRound {
  const pairs = circlePairs(np, r);
  const w = (a: number, b: number): number => (spent ? weight(c, a, b) : weight(c, a, b) % REPEAT);
  let cost = 0;
  let byeSeat = -1;
  for (const [s, t] of pairs) {
    const a = seat[s]!;
    const b = seat[t]!;
    if (a < 0 || b < 0) byeSeat = a < 0 ? t : s;
    else cost += w(a, b);
  }
  c.work += pairs.length;
  if (byeSeat < 0) return { cost, trio: -1, spoils: 0 };
  const bye = seat[byeSeat]!;
  let trio = -1;
  let trioCost = Infinity;
  let spoils = Infinity;
  pairs.forEach(([s, t], i) => {
    const a = seat[s]!;
    const b = seat[t]!;
    if (a < 0 || b < 0) return;
    const extra = w(bye, a) + w(bye, b);
    if (extra > trioCost) return;
    let sp = 0;
    if (spent) for (const other of [s, t]) if (spent[circleRoundOf(np, byeSeat, other)] === 0) sp++;
    if (extra < trioCost || sp < spoils) {
      trio = i;
      trioCost = extra;
      spoils = sp;
    }
  });
  c.work += pairs.length;
  return { cost: cost + trioCost, trio, spoils };
}

/**
 * Choose a seating (seat → person, −1 = the empty seat when the count is odd) among: the deal
 * (round 0 is exactly the department-spreading deal, so the best round reaches the floor), one
 * with departments in blocks (the circle's reflections then send big departments across to the
 * others), and a few random ones. The winner has the cheapest best round, then the cheapest
 * `horizon` best rounds.
 */
function chooseSeating(c: Ctx, np: number, horizon: number, rng: () => number): Int32Array {
  const n = c.ids.length;
  const m = np - 1;
  const L = dealOrder(c, rng);
  const seatings: Int32Array[] = [];
  {
    // Deal into g groups: L[i] pairs with L[i+g]; when n is odd, L[2g] is the third of group 0,
    // so it faces the empty seat in round 0 and may join (L[0], L[g]).
    const g = Math.floor(n / 2);
    const seat = new Int32Array(np).fill(-1);
    seat[m] = L[0]!;
    seat[0] = L[g]!;
    for (let j = 1; j < g; j++) {
      seat[j] = L[j]!;
      seat[m - j] = L[j + g]!;
    }
    if (n !== np) seat[g] = L[2 * g]!; // seats g and g+1 = m−g meet in round 0; g+1 stays empty
    seatings.push(seat);
  }
  {
    const seat = new Int32Array(np).fill(-1);
    L.forEach((x, i) => (seat[i] = x));
    seatings.push(seat);
  }
  for (let k = 0; k < CIRCLE_RANDOM_SEATINGS; k++) seatings.push(Int32Array.from(shuffle(n === np ? [...L] : [...L, -1], rng)));
  const h = Math.min(horizon, m);
  let best = seatings[0]!;
  let bestMin = Infinity;
  let bestSum = Infinity;
  for (const seat of seatings) {
    const costs: number[] = [];
    for (let r = 0; r < m; r++) costs.push(scheduleRound(c, seat, np, r, null).cost);
    costs.sort((a, b) => a - b);
    let sum = 0;
    for (let i = 0; i < h; i++) sum += costs[i]!;
    if (costs[0]! < bestMin || (costs[0] === bestMin && sum < bestSum)) {
      best = seat;
      bestMin = costs[0]!;
      bestSum = sum;
    }
  }
  return best;
}

/**
 * The next round of the schedule: the round of the chosen seating with the lowest cost against
 * the history (repeats first, then same-department pairs; then the fewest unspent rounds
 * spoiled; then the earliest). With the same people, seed and horizon every call picks the same
 * seating, so the rounds already played are exactly the spent ones and the next round is free of
 * repeats for as long as the schedule lasts.
 */
function circleRound(c: Ctx, horizon: number, seed: number): { groups: number[][]; repeats: boolean } {
  const n = c.ids.length;
  const np = n % 2 === 0 ? n : n + 1;
  const m = np - 1;
  const seat = chooseSeating(c, np, horizon, mulberry32(mix(seed, 0x5ea7)));
  // A round is spent once one of its pairs has met (it was played, or a trio used one of them).
  const spent = new Int32Array(m);
  for (let r = 0; r < m; r++) {
    for (const [s, t] of circlePairs(np, r)) {
      const a = seat[s]!;
      const b = seat[t]!;
      if (a >= 0 && b >= 0 && c.met[a]!.has(b)) spent[r] = 1;
    }
    c.work += np / 2;
  }
  let bestR = 0;
  let best: ScheduledRound | null = null;
  for (let r = 0; r < m; r++) {
    const round = scheduleRound(c, seat, np, r, spent);
    if (!best || round.cost < best.cost || (round.cost === best.cost && round.spoils < best.spoils)) {
      best = round;
      bestR = r;
    }
  }
  const pairs = circlePairs(np, bestR).map(([s, t]) => [seat[s]!, seat[t]!]);
  const bye = pairs.find(([a, b]) => a! < 0 || b! < 0);
  if (bye) pairs[best!.trio]!.push(bye[0]! < 0 ? bye[1]! : bye[0]!);
  const groups = pairs.filter(([a, b]) => a! >= 0 && b! >= 0);
  return { groups, repeats: best!.cost >= REPEAT };
}

// ---------------------------------------------------------------------------------------------
// public API

/** Form the next round, with what it cost; see nextRound. */
export function formRound(people: readonly Person[], history: readonly Round[], opts: GroupingOptions): RoundResult {
  assertSize(opts.size);
  const c = buildCtx(people, history);
  const n = c.ids.length;
  const s = opts.size;
  const seed = normSeed(opts.seed);
  const sizes = groupSizes(n, s);
  if (sizes.length <= 1) return { round: sizes.length === 0 ? [] : [[...c.ids]], strategy: 'single', work: c.work };
  const horizon = Math.max(history.length + 1, Math.floor(opts.rounds ?? 0));
  const rng = mulberry32(mix(seed, history.length));
  const floor = sameDepartmentFloor(c, sizes.length);
  let groups: number[][];
  let strategy: GroupingStrategy;
  if (s === 2 && n < 8 * horizon && n <= CIRCLE_MAX_PEOPLE) {
    strategy = 'circle';
    const made = circleRound(c, horizon, seed);
    groups = made.groups;
    if (made.repeats) localSearch(c, groups, rng, floor);
  } else if (c.met.every((m) => m.size === 0)) {
    strategy = 'deal';
    groups = plainDeal(c, sizes, rng); // no history: the deal alone is optimal, nothing to repair
  } else {
    strategy = 'deal';
    groups = greedyDeal(c, sizes, rng);
    localSearch(c, groups, rng, floor);
  }
  if (countRepeats(c, groups) > 0) {
    // Swaps could not remove every repeat: search exhaustively for a grouping without any.
    const found = exactSearch(c, sizes, rng);
    if (found) {
      strategy = 'exact';
      groups = found;
      localSearch(c, groups, rng, floor);
    }
  }
  return { round: groups.map((members) => members.map((i) => c.ids[i]!)), strategy, work: c.work };
}

/**
 * Form the next round for the people present, given the rounds already held in this session
 * (pairs who met in any of them are kept apart while possible). The result depends only on the
 * set of people (not their order), the history and the options.
 */
export function nextRound(people: readonly Person[], history: readonly Round[], opts: GroupingOptions): Round {
  return formRound(people, history, opts).round;
}

/** Plan several rounds for the same people: round k is nextRound of the k rounds before it. */
export function planRounds(people: readonly Person[], rounds: number, opts: GroupingOptions): Round[] {
  const count = Math.max(0, Math.floor(rounds));
  const o: GroupingOptions = { ...opts, rounds: Math.max(count, opts.rounds ?? 0) };
  const out: Round[] = [];
  for (let k = 0; k < count; k++) out.push(nextRound(people, out, o));
  return out;
}

interface Lookup {
  dept: (id: string) => string | null;
  met: (a: string, b: string) => boolean;
}

function lookup(people: readonly Person[], history: readonly Round[], extra?: Person): Lookup {
  const depts = new Map<string, string | null>();
  for (const p of people) if (!depts.has(p.id)) depts.set(p.id, departmentKey(p.department));
  if (extra) depts.set(extra.id, departmentKey(extra.department));
  const met = new Map<string, Set<string>>();
  for (const round of history)
    for (const group of round)
      for (const a of group)
        for (const b of group) {
          if (a === b) continue;
          let set = met.get(a);
          if (!set) met.set(a, (set = new Set()));
          set.add(b);
        }
  return { dept: (id) => depts.get(id) ?? null, met: (a, b) => met.get(a)?.has(b) ?? false };
}

/**
 * The group for one more person that disturbs nobody: among the smallest groups (so sizes never
 * drift more than one apart), the one with the fewest people they already met, then the fewest
 * of their department, then the first. Returns the group's index, or −1 if there is none.
 */
function pickGroup(round: Round, person: string, skip: number, l: Lookup): number {
  let min = Infinity;
  round.forEach((g, i) => {
    if (i !== skip && g.length > 0) min = Math.min(min, g.length);
  });
  const d = l.dept(person);
  let best = -1;
  let bestCost = Infinity;
  round.forEach((g, i) => {
    if (i === skip || g.length !== min) return;
    let cost = 0;
    for (const id of g) {
      if (l.met(person, id)) cost += REPEAT;
      if (d !== null && l.dept(id) === d) cost += 1;
    }
    if (cost < bestCost) {
      bestCost = cost;
      best = i;
    }
  });
  return best;
}

/**
 * Put a late joiner into the current round without moving anyone: they join one of the smallest
 * groups (preferring no one they met in earlier rounds, then a department new to the group), so
 * that group grows by one — with pairs, a pair becomes a trio; once every group has grown, the
 * next joiner makes one a group of four, and so on (sizes stay within one of each other). A
 * joiner into an empty round starts a group alone until the next person arrives. Someone already
 * in the round leaves it unchanged (safe to retry).
 * `history` is the earlier rounds (not the current one); `people` supplies departments.
 */
export function placeLateJoiner(round: Round, person: Person, people: readonly Person[], history: readonly Round[]): Round {
  if (round.some((g) => g.includes(person.id))) return round;
  const target = pickGroup(round, person.id, -1, lookup(people, history, person));
  if (target < 0) return [...round.filter((g) => g.length > 0), [person.id]];
  return round.map((g, i) => (i === target ? [...g, person.id] : g));
}

/**
 * Someone left during the round: only their group changes. If it still has two or more people it
 * simply shrinks; if one person is left, they join one of the smallest other groups (preferring
 * no one they met before, then a department new to the group) — so no one is left alone unless
 * they are the only one left. An id that is not in the round leaves it unchanged (safe to retry).
 */
export function removeFromRound(round: Round, personId: string, people: readonly Person[], history: readonly Round[]): Round {
  const gi = round.findIndex((g) => g.includes(personId));
  if (gi < 0) return round;
  const rest = round[gi]!.filter((id) => id !== personId);
  if (rest.length !== 1) return rest.length === 0 ? round.filter((_, i) => i !== gi) : round.map((g, i) => (i === gi ? rest : g));
  const orphan = rest[0]!;
  const target = pickGroup(round, orphan, gi, lookup(people, history));
  if (target < 0) return round.map((g, i) => (i === gi ? rest : g));
  return round.flatMap((g, i) => (i === gi ? [] : i === target ? [[...g, orphan]] : [g]));
}

/** Metrics for the tests and the console. Departments compare as in grouping (trimmed, case-insensitive). */
export function roundStats(round: Round, people: readonly Person[], history: readonly Round[]): RoundStats {
  const l = lookup(people, history);
  let repeatedPairs = 0;
  let sameDepartmentPairs = 0;
  let pairs = 0;
  const sizes: Record<number, number> = {};
  for (const g of round) {
    sizes[g.length] = (sizes[g.length] ?? 0) + 1;
    for (let a = 0; a < g.length; a++)
      for (let b = a + 1; b < g.length; b++) {
        pairs++;
        if (l.met(g[a]!, g[b]!)) repeatedPairs++;
        const d = l.dept(g[a]!);
        if (d !== null && d === l.dept(g[b]!)) sameDepartmentPairs++;
      }
  }
  return { repeatedPairs, sameDepartmentPairs, pairs, mixScore: pairs === 0 ? 1 : 1 - sameDepartmentPairs / pairs, sizes };
}

/**
 * The baseline: the expected mixScore of shuffling the people at random and cutting the list into
 * groups — the same for any group sizes: 1 − P(two different people drawn at random share a
 * department).
 */
export function randomMixScore(people: readonly Person[]): number {
  const byId = new Map<string, string | null>();
  for (const p of people) if (!byId.has(p.id)) byId.set(p.id, departmentKey(p.department));
  const n = byId.size;
  if (n < 2) return 1;
  const counts = new Map<string, number>();
  for (const k of byId.values()) if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1);
  let same = 0;
  for (const k of counts.values()) same += k * (k - 1);
  return 1 - same / (n * (n - 1));
}
