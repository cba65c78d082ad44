/**
 * Worthy-adversary pairing: split a room into pairs (and, for an odd count, exactly one trio) so
 * that the total disagreement on a 7-point scale is as large as possible, optionally avoiding
 * same-department pairs and pairs already used in this session. Pure and deterministic for a
 * seed. See docs/pairing.md for the objective, the proofs and the bounds.
 *
 * Vocabulary: a *link* is one conversation. A pair has one link; the trio is a pair plus a
 * joiner who is linked to one member of it (the *hub*), so it has two links: hub–partner and
 * hub–joiner. The joiner's other side is not a link (it carries no score and no constraint).
 * Every partition of N ≥ 2 people has the same number of links, L = ⌈N/2⌉.
 */
import { z } from 'zod';
import { maxWeightMatching } from './matching.js';
import type { WeightedEdge } from './matching.js';

export const STANCE_POINTS = 7;
/** Rooms up to this many people (after removing those who sit out) are solved exactly. */
export const EXACT_LIMIT = 400;

export interface PairingPerson {
  id: string;
  /** Position on the disagree–agree scale, 1..7; null if the person did not place themselves. */
  stance: number | null;
  department: string | null;
}

export interface PairingOptions {
  seed: number;
  avoidSameDepartment?: boolean;
  /** Pairs already used in this session (e.g. the links of earlier pairings), in any order. */
  avoidPairs?: ReadonlyArray<readonly [string, string]>;
  /** People without a stance: paired among themselves after everyone else, or left out. */
  noStance: 'pair-last' | 'sit-out';
  /** 'auto' (default): exact up to EXACT_LIMIT people, fold-the-line beyond. For tests and tools. */
  method?: 'auto' | 'exact' | 'fold';
}

export interface PairingResult {
  /** Groups of two, and at most one of three written [hub, partner, joiner]. */
  pairs: string[][];
  sittingOut: string[];
  /** Sum over all links of |stance difference| (links with a no-stance person count 0). */
  totalDisagreement: number;
  /** The conversations: one per pair, two per trio. Record these as used for the next round. */
  links: [string, string][];
  /** Links between two people of the same (non-null) department, whether or not avoided. */
  sameDepartmentLinks: number;
  /** Links that repeat one of `avoidPairs` (non-zero only when unavoidable). */
  repeatedLinks: number;
  method: 'exact' | 'fold';
}

export const PairingPersonSchema = z.object({
  id: z.string().min(1),
  stance: z.number().int().min(1).max(STANCE_POINTS).nullable(),
  department: z.string().nullable(),
});

export const PairingOptionsSchema = z.object({
  seed: z.number(),
  avoidSameDepartment: z.boolean().optional(),
  avoidPairs: z.array(z.tuple([z.string(), z.string()])).optional(),
  noStance: z.enum(['pair-last', 'sit-out']),
  method: z.enum(['auto', 'exact', 'fold']).optional(),
});

// ---------------------------------------------------------------------------------------------
// Seeded randomness (tie-breaking only)

function mix32(x: number): number {
  let z = x | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A small splitmix-style PRNG returning uint32s; any finite number is a valid seed. */
export function seededRandom(seed: number): () => number {
  if (!Number.isFinite(seed)) throw new RangeError('seed must be a finite number');
  let state = mix32((seed >>> 0) ^ mix32(Math.floor(seed / 4294967296) ^ 0x51ed270b));
  return () => {
    state = (state + 0x9e3779b9) | 0;
    return mix32(state);
  };
}

function seededShuffle<X>(items: X[], seed: number): X[] {
  const next = seededRandom(seed);
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor((next() / 4294967296) * (i + 1));
    const x = out[i]!;
    out[i] = out[j]!;
    out[j] = x;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The scoring model

/** A link's or a partition's score: violation code (lower is better), then disagreement. */
interface Score {
  viol: number;
  d: number;
}
const better = (a: Score, b: Score): boolean => a.viol < b.viol || (a.viol === b.viol && a.d > b.d);
const add = (a: Score, b: Score): Score => ({ viol: a.viol + b.viol, d: a.d + b.d });

interface Model {
  n: number;
  ids: string[];
  stance: (number | null)[];
  dept: (string | null)[];
  /** Weight of one more mixed (stance ↔ no-stance) link, repeated link, same-department link. */
  kCross: number;
  kRepeat: number;
  kDept: number;
  avoidDept: boolean;
  repeated: Set<number>;
}

const key = (m: Model, i: number, j: number): number => (i < j ? i * m.n + j : j * m.n + i);
const distance = (m: Model, i: number, j: number): number => {
  const a = m.stance[i];
  const b = m.stance[j];
  return a === null || a === undefined || b === null || b === undefined ? 0 : Math.abs(a - b);
};
const sameDept = (m: Model, i: number, j: number): boolean => m.dept[i] !== null && m.dept[i] === m.dept[j];
const mixed = (m: Model, i: number, j: number): boolean => (m.stance[i] === null) !== (m.stance[j] === null);

/**
 * Violation code of a link: κ·mixed + ρ·repeated + same-department, with ρ = L+1 and κ = (L+1)².
 * A partition has L links, so its total code orders partitions lexicographically by
 * (#mixed, #repeated, #same-department): the lower counts can never add up to one unit above.
 */
function linkScore(m: Model, i: number, j: number): Score {
  let viol = 0;
  if (mixed(m, i, j)) viol += m.kCross;
  if (m.repeated.has(key(m, i, j))) viol += m.kRepeat;
  if (m.avoidDept && sameDept(m, i, j)) viol += m.kDept;
  return { viol, d: distance(m, i, j) };
}

/**
 * Score of a group. A trio is scored with its best hub and reordered in place to
 * [hub, partner, joiner], the hub–partner link being at least as good as the hub–joiner one.
 */
function groupScore(m: Model, g: number[]): Score {
  if (g.length === 2) return linkScore(m, g[0]!, g[1]!);
  let best: Score | null = null;
  let order: number[] = g;
  for (let h = 0; h < 3; h++) {
    const [a, b] = g.filter((_, x) => x !== h) as [number, number];
    const hub = g[h]!;
    const sa = linkScore(m, hub, a);
    const sb = linkScore(m, hub, b);
    const s = add(sa, sb);
    if (best === null || better(s, best)) {
      best = s;
      order = better(sb, sa) ? [hub, b, a] : [hub, a, b];
    }
  }
  g.splice(0, 3, ...order);
  return best!;
}

// ---------------------------------------------------------------------------------------------
// Exact: maximum-weight matching

/**
 * Link weight for the matching: (V − code)·(6L+1) + disagreement, V the largest code. Summing
 * L of them, any drop in the total code costs at least 6L+1, more than disagreement can give
 * back (at most 6 per link), so the heaviest perfect matching is the lexicographic optimum.
 */
function exactGroups(m: Model, members: readonly number[]): number[][] {
  const n = members.length;
  const links = Math.ceil(n / 2);
  const maxCode = m.kCross + m.kRepeat + m.kDept;
  const scale = 6 * links + 1;
  const weight = (i: number, j: number): number => {
    const s = linkScore(m, members[i]!, members[j]!);
    return (maxCode - s.viol) * scale + s.d;
  };
  const edges: WeightedEdge[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) edges.push([i, j, weight(i, j)]);
  const odd = n % 2 === 1;
  // Odd count: an extra vertex z stands for "the joiner's link". Edge r–z weighs r's best link
  // to anyone; a perfect matching then leaves exactly one person r on z, who joins the pair of
  // their best link partner (the hub). Any hub works, as everyone else is matched.
  const bestLink = new Int32Array(n).fill(-1);
  if (odd) {
    for (let r = 0; r < n; r++) {
      let best = -1;
      let bestW = -Infinity;
      for (let v = 0; v < n; v++) {
        if (v === r) continue;
        const w = weight(r, v);
        if (w > bestW) {
          bestW = w;
          best = v;
        }
      }
      bestLink[r] = best;
      edges.push([r, n, bestW]);
    }
  }
  const mate = maxWeightMatching(odd ? n + 1 : n, edges, { maxCardinality: true });
  const groups: number[][] = [];
  let joiner = -1;
  for (let v = 0; v < n; v++) {
    const w = mate[v]!;
    if (w === n) joiner = v;
    else if (v < w) groups.push([v, w]);
  }
  if (odd) {
    const hub = bestLink[joiner]!;
    const g = groups.find((x) => x.includes(hub))!;
    g.splice(0, 2, hub, g[0] === hub ? g[1]! : g[0]!, joiner);
  }
  return groups.map((g) => g.map((i) => members[i]!));
}

// ---------------------------------------------------------------------------------------------
// Large rooms: fold the line, then local exchanges for the constraints

interface Fold {
  groups: number[][];
  /** Total disagreement of `groups`. */
  value: number;
}

/**
 * Fold the line: for people sorted by stance, pairing the i-th lowest with the i-th highest
 * maximizes the sum of |differences| (it equals Σ top half − Σ bottom half, an upper bound).
 */
function foldEven(m: Model, sorted: readonly number[]): Fold {
  const groups: number[][] = [];
  let value = 0;
  for (let i = 0; i < sorted.length / 2; i++) {
    const a = sorted[i]!;
    const b = sorted[sorted.length - 1 - i]!;
    groups.push([a, b]);
    value += distance(m, a, b);
  }
  return { groups, value };
}

/**
 * Odd count (≥ 3, all with a stance): one person r is left out of the fold and joins as the
 * trio's joiner, linked to the farther end of the line. Tries every r in O(n) with prefix sums:
 * value(r) = fold(rest) + max(x_r − min(rest), max(rest) − x_r).
 */
function foldOdd(m: Model, sorted: readonly number[]): Fold {
  const n = sorted.length;
  const k = (n - 1) / 2;
  const x = (i: number): number => m.stance[sorted[i]!]!;
  const prefix = [0];
  for (let i = 0; i < n; i++) prefix.push(prefix[i]! + x(i));
  let bestI = -1;
  let bestV = -Infinity;
  for (let i = 0; i < n; i++) {
    const fold = i < k ? prefix[n]! - prefix[k + 1]! - (prefix[k + 1]! - x(i)) : prefix[n]! - prefix[k]! - x(i) - prefix[k]!;
    const lo = x(i === 0 ? 1 : 0);
    const hi = x(i === n - 1 ? n - 2 : n - 1);
    const v = fold + Math.max(x(i) - lo, hi - x(i));
    if (v > bestV) {
      bestV = v;
      bestI = i;
    }
  }
  const joiner = sorted[bestI]!;
  const rest = foldEven(
    m,
    sorted.filter((_, i) => i !== bestI),
  );
  // The first fold pair holds both ends of the line; the joiner links to the farther one.
  const [lo, hi] = rest.groups[0]!;
  const hub = distance(m, joiner, lo!) >= distance(m, joiner, hi!) ? lo! : hi!;
  rest.groups[0] = [hub, hub === lo ? hi! : lo!, joiner];
  return { groups: rest.groups, value: bestV };
}

/** Sorted list without its element at `i`. */
const without = (list: readonly number[], i: number): number[] => list.filter((_, j) => j !== i);

/** Where the median sits: leaving it out of an odd fold loses the least. */
const median = (list: readonly number[]): number => (list.length - 1) / 2;

/**
 * The large-room starting point: optimal disagreement with the fewest mixed links (proof in
 * docs/pairing.md). S = people with a stance sorted by stance (ties in seeded order), U = the
 * others in seeded order; U is paired in order since their links carry no disagreement.
 */
function foldGroups(m: Model): number[][] {
  const S: number[] = [];
  const U: number[] = [];
  for (let i = 0; i < m.n; i++) (m.stance[i] === null ? U : S).push(i);
  S.sort((a, b) => m.stance[a]! - m.stance[b]! || a - b);
  const pairUp = (list: readonly number[]): number[][] => {
    const out: number[][] = [];
    for (let i = 0; i + 1 < list.length; i += 2) out.push([list[i]!, list[i + 1]!]);
    return out;
  };
  const sEven = S.length % 2 === 0;
  const uEven = U.length % 2 === 0;

  if (sEven && uEven) return [...foldEven(m, S).groups, ...pairUp(U)];
  if (!sEven && uEven && S.length >= 3) return [...foldOdd(m, S).groups, ...pairUp(U)];
  if (sEven && !uEven && U.length >= 3) return [...foldEven(m, S).groups, ...pairUp(U.slice(0, -3)), U.slice(-3)];
  if (!sEven && !uEven) {
    // Both odd, even total: one mixed pair (the median and a person without a stance).
    const mid = median(S);
    return [...foldEven(m, without(S, mid)).groups, [S[mid]!, U[U.length - 1]!], ...pairUp(U.slice(0, -1))];
  }
  if (!sEven) {
    // A single person with a stance and an even number without: they join a pair (mixed link).
    return [[U[0]!, U[1]!, S[0]!], ...pairUp(U.slice(2))];
  }
  // S even, exactly one person without a stance: one mixed link either way. Either they join a
  // fold pair (value: fold(S)), or they pair with someone s and S − s forms the trio (a trio has
  // two links, so this can be worth more). Only s's stance matters: try one s per value.
  const u = U[0]!;
  const plain = foldEven(m, S);
  let best: number[][] = S.length > 0 ? [[...plain.groups[0]!, u], ...plain.groups.slice(1)] : [];
  let bestValue = plain.value;
  if (S.length >= 4) {
    for (let i = 0; i < S.length; i++) {
      if (i > 0 && m.stance[S[i]!] === m.stance[S[i - 1]!]) continue;
      const odd = foldOdd(m, without(S, i));
      if (odd.value > bestValue) {
        bestValue = odd.value;
        best = [...odd.groups, [S[i]!, u]];
      }
    }
  }
  return best;
}

/** People per window when re-optimizing a large room piece by piece. */
const WINDOW = 150;

const totalScore = (m: Model, groups: number[][]): Score => groups.reduce((t, g) => add(t, groupScore(m, g)), { viol: 0, d: 0 });

/**
 * One sweep of large-neighbourhood search: cut the groups into windows of about WINDOW people
 * (seeded shuffle; groups that break a constraint spread evenly over the windows) and regroup
 * each window exactly with the matching. A window's old grouping is one of its candidates, so
 * the total never gets worse.
 */
function windowSweep(m: Model, groups: number[][], seed: number): number[][] {
  const scored = seededShuffle(
    groups.map((g) => ({ g, viol: groupScore(m, g).viol })),
    seed,
  );
  const ordered = [...scored.filter((x) => x.viol > 0), ...scored.filter((x) => x.viol === 0)];
  const windows = Math.max(1, Math.round(m.n / WINDOW));
  const buckets: number[][][] = Array.from({ length: windows }, () => []);
  ordered.forEach((x, i) => buckets[i % windows]!.push(x.g));
  return buckets.flatMap((bucket) => exactGroups(m, bucket.flat()));
}

/**
 * Exchange one member between a group that breaks a constraint and any other group, whenever
 * that improves the total; repeat until no such exchange helps. This reaches across windows
 * (e.g. a department holding exactly half the room).
 */
function repairByExchanges(m: Model, groups: number[][], maxPasses = 20): void {
  const scores = groups.map((g) => groupScore(m, g));
  for (let pass = 0; pass < maxPasses; pass++) {
    let improved = false;
    for (let a = 0; a < groups.length; a++) {
      if (scores[a]!.viol === 0) continue;
      search: for (let b = 0; b < groups.length; b++) {
        if (b === a) continue;
        const ga = groups[a]!;
        const gb = groups[b]!;
        const before = add(scores[a]!, scores[b]!);
        for (let i = 0; i < ga.length; i++) {
          for (let j = 0; j < gb.length; j++) {
            const na = ga.slice();
            const nb = gb.slice();
            na[i] = gb[j]!;
            nb[j] = ga[i]!;
            const sa = groupScore(m, na);
            const sb = groupScore(m, nb);
            if (better(add(sa, sb), before)) {
              groups[a] = na;
              groups[b] = nb;
              scores[a] = sa;
              scores[b] = sb;
              improved = true;
              break search;
            }
          }
        }
      }
    }
    if (!improved) break;
  }
}

/**
 * The large-room method after the fold: alternate window sweeps (each with a fresh seeded
 * shuffle) and exchange repairs. Stops when the result is provably optimal (fewest possible
 * mixed links, no other violation, the fold's disagreement), after `patience` sweeps in a row
 * without improvement, or after `maxSweeps`.
 */
function improveLargeRoom(m: Model, fold: number[][], seed: number, maxSweeps = 8, patience = 2): number[][] {
  let current = fold;
  const floor = mixedFloor(m);
  const ceiling = totalScore(m, fold).d; // no grouping with `floor` mixed links beats the fold
  let idle = 0;
  for (let sweep = 0; sweep < maxSweeps && idle < patience; sweep++) {
    const before = totalScore(m, current);
    if (before.viol === floor && before.d === ceiling) break;
    const swept = windowSweep(m, current, seed + 7919 * (sweep + 1));
    if (better(totalScore(m, swept), before)) current = swept;
    repairByExchanges(m, current);
    idle = better(totalScore(m, current), before) ? 0 : idle + 1;
  }
  return current;
}

// ---------------------------------------------------------------------------------------------

function linksOf(g: number[]): [number, number][] {
  return g.length === 2
    ? [[g[0]!, g[1]!]]
    : [
        [g[0]!, g[1]!],
        [g[0]!, g[2]!],
      ];
}

/**
 * Pairs people so that total disagreement is maximal among the groupings that best honour the
 * constraints. Priorities, strictly in this order: (1) people without a stance are not mixed
 * with people who have one (pair-last), except when parity forces one mixed link; (2) fewest
 * repeated pairs; (3) fewest same-department pairs (if asked); (4) most total disagreement.
 * Ties are broken by a seeded shuffle, so the same people and seed always give the same result,
 * whatever order the people are passed in.
 */
export function pairAdversaries(people: readonly PairingPerson[], opts: PairingOptions): PairingResult {
  const seen = new Set<string>();
  for (const p of people) {
    if (typeof p.id !== 'string' || p.id === '') throw new RangeError('every person needs an id');
    if (seen.has(p.id)) throw new RangeError(`duplicate id ${p.id}`);
    seen.add(p.id);
    if (p.stance !== null && !(Number.isInteger(p.stance) && p.stance >= 1 && p.stance <= STANCE_POINTS)) {
      throw new RangeError(`stance of ${p.id} must be an integer 1..${STANCE_POINTS} or null`);
    }
  }
  // Canonical order first (so input order never matters), then the seeded tie-break order.
  const canonical = people.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const sittingOut = opts.noStance === 'sit-out' ? canonical.filter((p) => p.stance === null).map((p) => p.id) : [];
  const inPlay = seededShuffle(
    canonical.filter((p) => opts.noStance === 'pair-last' || p.stance !== null),
    opts.seed,
  );
  const method = opts.method === 'exact' || opts.method === 'fold' ? opts.method : inPlay.length <= EXACT_LIMIT ? 'exact' : 'fold';
  if (inPlay.length < 2) {
    return {
      pairs: [],
      sittingOut: canonical.filter((p) => sittingOut.includes(p.id) || inPlay.includes(p)).map((p) => p.id),
      totalDisagreement: 0,
      links: [],
      sameDepartmentLinks: 0,
      repeatedLinks: 0,
      method,
    };
  }

  const n = inPlay.length;
  const L = Math.ceil(n / 2);
  const index = new Map(inPlay.map((p, i) => [p.id, i]));
  const m: Model = {
    n,
    ids: inPlay.map((p) => p.id),
    stance: inPlay.map((p) => p.stance),
    dept: inPlay.map((p) => p.department),
    kDept: 1,
    kRepeat: L + 1,
    kCross: (L + 1) * (L + 1),
    avoidDept: opts.avoidSameDepartment === true,
    repeated: new Set(),
  };
  for (const [a, b] of opts.avoidPairs ?? []) {
    const i = index.get(a);
    const j = index.get(b);
    if (i !== undefined && j !== undefined && i !== j) m.repeated.add(key(m, i, j));
  }

  let groups: number[][];
  if (method === 'exact') {
    groups = exactGroups(
      m,
      m.ids.map((_, i) => i),
    );
  } else {
    groups = foldGroups(m);
    // The fold maximizes disagreement with the fewest mixed links; if it also breaks no
    // constraint it is optimal, otherwise improve it window by window.
    if (totalScore(m, groups).viol > mixedFloor(m)) groups = improveLargeRoom(m, groups, opts.seed);
  }
  for (const g of groups) groupScore(m, g); // puts each trio's hub first
  for (const g of groups) if (g.length === 2 && g[0]! > g[1]!) g.reverse();
  groups.sort((a, b) => Math.min(...a) - Math.min(...b));

  const links = groups.flatMap(linksOf);
  return {
    pairs: groups.map((g) => g.map((i) => m.ids[i]!)),
    sittingOut,
    totalDisagreement: links.reduce((s, [i, j]) => s + distance(m, i, j), 0),
    links: links.map(([i, j]) => [m.ids[i]!, m.ids[j]!]),
    sameDepartmentLinks: links.filter(([i, j]) => sameDept(m, i, j)).length,
    repeatedLinks: links.filter(([i, j]) => m.repeated.has(key(m, i, j))).length,
    method,
  };
}

/** The violation code every grouping must pay: one mixed link when parity forces it. */
function mixedFloor(m: Model): number {
  let s = 0;
  for (const x of m.stance) if (x !== null) s++;
  const u = m.n - s;
  if (s === 0 || u === 0) return 0;
  const forced = (s % 2 === 1 && u % 2 === 1) || (s === 1 && u % 2 === 0) || (u === 1 && s % 2 === 0);
  return forced ? m.kCross : 0;
}

// ---------------------------------------------------------------------------------------------
// Results: how the room moved

export interface StanceShift {
  /** People with a stance both before and after. */
  compared: number;
  /** Of those, how many changed their stance. */
  moved: number;
  /** Mean |after − before| over those compared (0 if none). */
  meanAbsShift: number;
  /** Counts per scale point 1..7 (index 0 is point 1) over everyone in each map. */
  histogramBefore: number[];
  histogramAfter: number[];
}

export function stanceShift(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): StanceShift {
  const histogram = (values: ReadonlyMap<string, number>): number[] => {
    const h = new Array<number>(STANCE_POINTS).fill(0);
    for (const [id, s] of values) {
      if (!(Number.isInteger(s) && s >= 1 && s <= STANCE_POINTS)) throw new RangeError(`stance of ${id} out of range`);
      h[s - 1]!++;
    }
    return h;
  };
  const histogramBefore = histogram(before);
  const histogramAfter = histogram(after);
  let compared = 0;
  let moved = 0;
  let shift = 0;
  for (const [id, b] of before) {
    const a = after.get(id);
    if (a === undefined) continue;
    compared++;
    if (a !== b) moved++;
    shift += Math.abs(a - b);
  }
  return { compared, moved, meanAbsShift: compared === 0 ? 0 : shift / compared, histogramBefore, histogramAfter };
}
