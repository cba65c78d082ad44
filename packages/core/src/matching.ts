/**
 * Maximum-weight matching in a general (non-bipartite) graph: Edmonds' blossom algorithm with the
 * primal-dual method, O(n³). The structure follows Galil's survey ("Efficient algorithms for
 * finding maximum matching in graphs", ACM Computing Surveys 1986) as implemented in Joris van
 * Rantwijk's mwmatching.py, which NetworkX's `max_weight_matching` also derives from.
 *
 * Weights must be safe integers. Vertex duals are stored doubled (2·u), so with integer weights
 * every dual, slack and delta stays an integer and there is no floating-point error at all.
 *
 * Vocabulary (Galil): a blossom is an odd cycle contracted into one node; top-level blossoms are
 * labelled S (outer, even distance from a free vertex) or T (inner); a stage grows alternating
 * trees from the free vertices until it finds an augmenting path, adjusting duals (delta1..4)
 * whenever it runs out of tight edges.
 */

export type WeightedEdge = readonly [u: number, v: number, weight: number];

export interface MatchingOptions {
  /** Only consider matchings of maximum cardinality (then maximize weight among those). */
  maxCardinality?: boolean;
  /** Check the dual certificate of optimality before returning (throws if it fails). */
  verify?: boolean;
}

const FREE = 0;
const S = 1;
const T = 2;
const BREADCRUMB = 4;

/**
 * Returns `mate`, where `mate[v]` is the vertex matched to `v`, or -1 if `v` stays single.
 * Vertices are `0 .. vertexCount-1`; at most one edge per pair of vertices, no loops.
 */
export function maxWeightMatching(vertexCount: number, edges: readonly WeightedEdge[], options: MatchingOptions = {}): Int32Array {
  const maxCardinality = options.maxCardinality ?? false;
  const nv = vertexCount;
  const ne = edges.length;
  const result = new Int32Array(nv).fill(-1);
  if (nv === 0 || ne === 0) return result;

  // Edge k has endpoints 2k (its first vertex) and 2k+1 (its second vertex).
  const endpoint = new Int32Array(2 * ne);
  const weight = new Float64Array(ne);
  const degree = new Int32Array(nv + 1);
  let maxWeight = 0;
  for (let k = 0; k < ne; k++) {
    const [i, j, w] = edges[k]!;
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < 0 || i >= nv || j >= nv || i === j) {
      throw new RangeError(`edge ${k}: bad endpoints ${i}, ${j}`);
    }
    if (!Number.isSafeInteger(w)) throw new RangeError(`edge ${k}: weight must be a safe integer`);
    endpoint[2 * k] = i;
    endpoint[2 * k + 1] = j;
    weight[k] = w;
    if (w > maxWeight) maxWeight = w;
    degree[i]!++;
    degree[j]!++;
  }
  // neighbend: for each vertex, the remote endpoints of its edges (CSR layout).
  const nbStart = new Int32Array(nv + 1);
  for (let v = 0; v < nv; v++) nbStart[v + 1] = nbStart[v]! + degree[v]!;
  const nbFill = nbStart.slice(0, nv);
  const neighbend = new Int32Array(2 * ne);
  for (let k = 0; k < ne; k++) {
    neighbend[nbFill[endpoint[2 * k]!]!++] = 2 * k + 1;
    neighbend[nbFill[endpoint[2 * k + 1]!]!++] = 2 * k;
  }

  const nb = 2 * nv; // vertices 0..nv-1, non-trivial blossoms nv..2nv-1
  // mate[v]: remote endpoint of v's matched edge, or -1.
  const mate = new Int32Array(nv).fill(-1);
  // label[b]: FREE, S or T for top-level blossoms (and T-reachability inside T-blossoms); -1 if recycled.
  const label = new Int32Array(nb);
  // labelend[b]: remote endpoint of the edge through which b got its label, or -1.
  const labelend = new Int32Array(nb).fill(-1);
  // inblossom[v]: top-level blossom containing vertex v.
  const inblossom = new Int32Array(nv);
  for (let v = 0; v < nv; v++) inblossom[v] = v;
  const blossomparent = new Int32Array(nb).fill(-1);
  // Children of a non-trivial blossom, starting at the base and going round the cycle.
  const blossomchilds: (number[] | null)[] = new Array<number[] | null>(nb).fill(null);
  // Base vertex of each (sub-)blossom.
  const blossombase = new Int32Array(nb).fill(-1);
  for (let v = 0; v < nv; v++) blossombase[v] = v;
  // blossomendps[b][i]: endpoint of childs[i] on the edge connecting it to childs[i+1].
  const blossomendps: (number[] | null)[] = new Array<number[] | null>(nb).fill(null);
  // Least-slack edge from a free vertex to an S-vertex / from an S-blossom to another S-blossom.
  const bestedge = new Int32Array(nb).fill(-1);
  const blossombestedges: (number[] | null)[] = new Array<number[] | null>(nb).fill(null);
  const unusedblossoms: number[] = [];
  for (let b = nv; b < nb; b++) unusedblossoms.push(b);
  // dualvar[v] = 2·u(v) for vertices; z(b) for blossoms.
  const dualvar = new Float64Array(nb);
  for (let v = 0; v < nv; v++) dualvar[v] = maxWeight;
  const allowedge = new Uint8Array(ne);
  const queue: number[] = [];

  const at = <X>(list: X[], i: number): X => list[i < 0 ? i + list.length : i]!;
  // Twice the slack of edge k (not valid for edges inside a blossom).
  const slack = (k: number): number => dualvar[endpoint[2 * k]!]! + dualvar[endpoint[2 * k + 1]!]! - 2 * weight[k]!;

  // Leaf vertices of a (sub-)blossom, in the order of its children.
  const blossomLeaves = (b: number, out: number[] = []): number[] => {
    if (b < nv) out.push(b);
    else for (const t of blossomchilds[b]!) blossomLeaves(t, out);
    return out;
  };

  const assignLabel = (w: number, t: number, p: number): void => {
    const b = inblossom[w]!;
    label[w] = label[b] = t;
    labelend[w] = labelend[b] = p;
    bestedge[w] = bestedge[b] = -1;
    if (t === S) {
      blossomLeaves(b, queue);
    } else {
      // A T-blossom's base is matched; its mate becomes S.
      const base = blossombase[b]!;
      const m = mate[base]!;
      assignLabel(endpoint[m]!, S, m ^ 1);
    }
  };

  // Trace back from v and w; return the base of a new blossom, or -1 for an augmenting path.
  const scanBlossom = (v0: number, w0: number): number => {
    let v = v0;
    let w = w0;
    const path: number[] = [];
    let base = -1;
    while (v !== -1 || w !== -1) {
      let b = inblossom[v]!;
      if (label[b]! & BREADCRUMB) {
        base = blossombase[b]!;
        break;
      }
      path.push(b);
      label[b] = S | BREADCRUMB;
      if (labelend[b] === -1) {
        v = -1; // reached a single vertex
      } else {
        v = endpoint[labelend[b]!]!;
        b = inblossom[v]!;
        v = endpoint[labelend[b]!]!; // through the T-blossom
      }
      if (w !== -1) {
        const x = v;
        v = w;
        w = x;
      }
    }
    for (const b of path) label[b] = S;
    return base;
  };

  const addBlossom = (base: number, k: number): void => {
    let v = endpoint[2 * k]!;
    let w = endpoint[2 * k + 1]!;
    const bb = inblossom[base]!;
    let bv = inblossom[v]!;
    let bw = inblossom[w]!;
    const b = unusedblossoms.pop()!;
    blossombase[b] = base;
    blossomparent[b] = -1;
    blossomparent[bb] = b;
    const path: number[] = [];
    const endps: number[] = [];
    while (bv !== bb) {
      blossomparent[bv] = b;
      path.push(bv);
      endps.push(labelend[bv]!);
      v = endpoint[labelend[bv]!]!;
      bv = inblossom[v]!;
    }
    path.push(bb);
    path.reverse();
    endps.reverse();
    endps.push(2 * k);
    while (bw !== bb) {
      blossomparent[bw] = b;
      path.push(bw);
      endps.push(labelend[bw]! ^ 1);
      w = endpoint[labelend[bw]!]!;
      bw = inblossom[w]!;
    }
    blossomchilds[b] = path;
    blossomendps[b] = endps;
    label[b] = S;
    labelend[b] = labelend[bb]!;
    dualvar[b] = 0;
    for (const x of blossomLeaves(b)) {
      if (label[inblossom[x]!] === T) queue.push(x); // former T-vertices become S
      inblossom[x] = b;
    }
    // Least-slack edges from the new blossom to each neighbouring S-blossom.
    const bestedgeto = new Int32Array(nb).fill(-1);
    const consider = (kk: number): void => {
      let i = endpoint[2 * kk]!;
      let j = endpoint[2 * kk + 1]!;
      if (inblossom[j] === b) {
        const x = i;
        i = j;
        j = x;
      }
      const bj = inblossom[j]!;
      if (bj !== b && label[bj] === S && (bestedgeto[bj] === -1 || slack(kk) < slack(bestedgeto[bj]!))) {
        bestedgeto[bj] = kk;
      }
    };
    for (const sub of path) {
      const list = blossombestedges[sub];
      if (list === null || list === undefined) {
        for (const x of blossomLeaves(sub)) {
          for (let q = nbStart[x]!; q < nbStart[x + 1]!; q++) consider(neighbend[q]! >> 1);
        }
      } else {
        for (const kk of list) consider(kk);
      }
      blossombestedges[sub] = null;
      bestedge[sub] = -1;
    }
    const list: number[] = [];
    for (let i = 0; i < nb; i++) if (bestedgeto[i] !== -1) list.push(bestedgeto[i]!);
    blossombestedges[b] = list;
    bestedge[b] = -1;
    for (const kk of list) if (bestedge[b] === -1 || slack(kk) < slack(bestedge[b]!)) bestedge[b] = kk;
  };

  const expandBlossom = (b: number, endstage: boolean): void => {
    const childs = blossomchilds[b]!;
    for (const s of childs) {
      blossomparent[s] = -1;
      if (s < nv) inblossom[s] = s;
      else if (endstage && dualvar[s] === 0) expandBlossom(s, endstage);
      else for (const x of blossomLeaves(s)) inblossom[x] = s;
    }
    if (!endstage && label[b] === T) {
      // Relabel the sub-blossoms of an expanded T-blossom, from the entry child to the base.
      const endps = blossomendps[b]!;
      const entrychild = inblossom[endpoint[labelend[b]! ^ 1]!]!;
      let j = childs.indexOf(entrychild);
      let jstep: number;
      let endptrick: number;
      if (j & 1) {
        j -= childs.length;
        jstep = 1;
        endptrick = 0;
      } else {
        jstep = -1;
        endptrick = 1;
      }
      let p = labelend[b]!;
      while (j !== 0) {
        label[endpoint[p ^ 1]!] = 0;
        label[endpoint[at(endps, j - endptrick) ^ endptrick ^ 1]!] = 0;
        assignLabel(endpoint[p ^ 1]!, T, p);
        allowedge[at(endps, j - endptrick) >> 1] = 1;
        j += jstep;
        p = at(endps, j - endptrick) ^ endptrick;
        allowedge[p >> 1] = 1;
        j += jstep;
      }
      // The base sub-blossom becomes T without passing the label on to its mate.
      let bv = at(childs, j);
      label[endpoint[p ^ 1]!] = label[bv] = T;
      labelend[endpoint[p ^ 1]!] = labelend[bv] = p;
      bestedge[bv] = -1;
      j += jstep;
      while (at(childs, j) !== entrychild) {
        bv = at(childs, j);
        if (label[bv] === S) {
          j += jstep;
          continue;
        }
        let reached = -1;
        for (const x of blossomLeaves(bv)) {
          if (label[x] !== 0) {
            reached = x;
            break;
          }
        }
        if (reached !== -1) {
          label[reached] = 0;
          label[endpoint[mate[blossombase[bv]!]!]!] = 0;
          assignLabel(reached, T, labelend[reached]!);
        }
        j += jstep;
      }
    }
    label[b] = labelend[b] = -1;
    blossomchilds[b] = blossomendps[b] = null;
    blossombase[b] = -1;
    blossombestedges[b] = null;
    bestedge[b] = -1;
    unusedblossoms.push(b);
  };

  // Swap matched/unmatched edges along the path from vertex v to the base of blossom b.
  const augmentBlossom = (b: number, v: number): void => {
    let t = v;
    while (blossomparent[t] !== b) t = blossomparent[t]!;
    if (t >= nv) augmentBlossom(t, v);
    const childs = blossomchilds[b]!;
    const endps = blossomendps[b]!;
    const i = childs.indexOf(t);
    let j = i;
    let jstep: number;
    let endptrick: number;
    if (i & 1) {
      j -= childs.length;
      jstep = 1;
      endptrick = 0;
    } else {
      jstep = -1;
      endptrick = 1;
    }
    while (j !== 0) {
      j += jstep;
      t = at(childs, j);
      const p = at(endps, j - endptrick) ^ endptrick;
      if (t >= nv) augmentBlossom(t, endpoint[p]!);
      j += jstep;
      t = at(childs, j);
      if (t >= nv) augmentBlossom(t, endpoint[p ^ 1]!);
      mate[endpoint[p]!] = p ^ 1;
      mate[endpoint[p ^ 1]!] = p;
    }
    blossomchilds[b] = childs.slice(i).concat(childs.slice(0, i));
    blossomendps[b] = endps.slice(i).concat(endps.slice(0, i));
    blossombase[b] = blossombase[blossomchilds[b]![0]!]!;
  };

  // Augment along the path through edge k, which joins two S-vertices of different trees.
  const augmentMatching = (k: number): void => {
    const starts: [number, number][] = [
      [endpoint[2 * k]!, 2 * k + 1],
      [endpoint[2 * k + 1]!, 2 * k],
    ];
    for (const [s0, p0] of starts) {
      let s = s0;
      let p = p0;
      for (;;) {
        const bs = inblossom[s]!;
        if (bs >= nv) augmentBlossom(bs, s);
        mate[s] = p;
        if (labelend[bs] === -1) break; // reached a single vertex
        const t = endpoint[labelend[bs]!]!;
        const bt = inblossom[t]!;
        s = endpoint[labelend[bt]!]!;
        const j = endpoint[labelend[bt]! ^ 1]!;
        if (bt >= nv) augmentBlossom(bt, j);
        mate[j] = labelend[bt]!;
        p = labelend[bt]! ^ 1;
      }
    }
  };

  // Main loop: each stage augments the matching by one edge, or proves optimality.
  for (let stage = 0; stage < nv; stage++) {
    label.fill(0);
    bestedge.fill(-1);
    for (let b = nv; b < nb; b++) blossombestedges[b] = null;
    allowedge.fill(0);
    queue.length = 0;
    for (let v = 0; v < nv; v++) {
      if (mate[v] === -1 && label[inblossom[v]!] === FREE) assignLabel(v, S, -1);
    }

    let augmented = false;
    for (;;) {
      // Substage: label everything reachable through tight alternating paths.
      while (queue.length > 0 && !augmented) {
        const v = queue.pop()!;
        for (let q = nbStart[v]!; q < nbStart[v + 1]!; q++) {
          const p = neighbend[q]!;
          const k = p >> 1;
          const w = endpoint[p]!;
          if (inblossom[v] === inblossom[w]) continue;
          let kslack = 0;
          if (!allowedge[k]) {
            kslack = slack(k);
            if (kslack <= 0) allowedge[k] = 1;
          }
          if (allowedge[k]) {
            if (label[inblossom[w]!] === FREE) {
              assignLabel(w, T, p ^ 1);
            } else if (label[inblossom[w]!] === S) {
              const base = scanBlossom(v, w);
              if (base >= 0) {
                addBlossom(base, k);
              } else {
                augmentMatching(k);
                augmented = true;
                break;
              }
            } else if (label[w] === 0) {
              // w is inside a T-blossom and now reachable from outside it.
              label[w] = T;
              labelend[w] = p ^ 1;
            }
          } else if (label[inblossom[w]!] === S) {
            const b = inblossom[v]!;
            if (bestedge[b] === -1 || kslack < slack(bestedge[b]!)) bestedge[b] = k;
          } else if (label[w] === 0) {
            if (bestedge[w] === -1 || kslack < slack(bestedge[w]!)) bestedge[w] = k;
          }
        }
      }
      if (augmented) break;

      // No augmenting path with tight edges: change the duals (all values are doubled).
      let deltatype = -1;
      let delta = 0;
      let deltaedge = -1;
      let deltablossom = -1;
      if (!maxCardinality) {
        // delta1: smallest vertex dual.
        deltatype = 1;
        delta = Infinity;
        for (let v = 0; v < nv; v++) delta = Math.min(delta, dualvar[v]!);
      }
      // delta2: least slack between an S-vertex and a free vertex.
      for (let v = 0; v < nv; v++) {
        if (label[inblossom[v]!] === FREE && bestedge[v] !== -1) {
          const d = slack(bestedge[v]!);
          if (deltatype === -1 || d < delta) {
            delta = d;
            deltatype = 2;
            deltaedge = bestedge[v]!;
          }
        }
      }
      // delta3: half the least slack between two S-blossoms (even for integer weights).
      for (let b = 0; b < nb; b++) {
        if (blossomparent[b] === -1 && label[b] === S && bestedge[b] !== -1) {
          const kslack = slack(bestedge[b]!);
          if (kslack % 2 !== 0) throw new Error('maxWeightMatching: odd slack between S-blossoms');
          const d = kslack / 2;
          if (deltatype === -1 || d < delta) {
            delta = d;
            deltatype = 3;
            deltaedge = bestedge[b]!;
          }
        }
      }
      // delta4: smallest z of a T-blossom.
      for (let b = nv; b < nb; b++) {
        if (blossombase[b]! >= 0 && blossomparent[b] === -1 && label[b] === T && (deltatype === -1 || dualvar[b]! < delta)) {
          delta = dualvar[b]!;
          deltatype = 4;
          deltablossom = b;
        }
      }
      if (deltatype === -1) {
        // Max-cardinality optimum reached; one last update keeps the certificate checkable.
        deltatype = 1;
        let m = Infinity;
        for (let v = 0; v < nv; v++) m = Math.min(m, dualvar[v]!);
        delta = Math.max(0, m);
      }

      for (let v = 0; v < nv; v++) {
        const l = label[inblossom[v]!];
        if (l === S) dualvar[v]! -= delta;
        else if (l === T) dualvar[v]! += delta;
      }
      for (let b = nv; b < nb; b++) {
        if (blossombase[b]! >= 0 && blossomparent[b] === -1) {
          if (label[b] === S) dualvar[b]! += delta;
          else if (label[b] === T) dualvar[b]! -= delta;
        }
      }

      if (deltatype === 1) break;
      if (deltatype === 2) {
        allowedge[deltaedge] = 1;
        let i = endpoint[2 * deltaedge]!;
        if (label[inblossom[i]!] === FREE) i = endpoint[2 * deltaedge + 1]!;
        queue.push(i);
      } else if (deltatype === 3) {
        allowedge[deltaedge] = 1;
        queue.push(endpoint[2 * deltaedge]!);
      } else {
        expandBlossom(deltablossom, false);
      }
    }

    if (!augmented) break;
    // End of stage: expand S-blossoms whose dual reached zero.
    for (let b = nv; b < nb; b++) {
      if (blossomparent[b] === -1 && blossombase[b]! >= 0 && label[b] === S && dualvar[b] === 0) expandBlossom(b, true);
    }
  }

  if (options.verify) {
    verifyOptimum(nv, ne, maxCardinality, endpoint, weight, mate, dualvar, blossomparent, blossombase, blossomendps);
  }
  for (let v = 0; v < nv; v++) result[v] = mate[v]! >= 0 ? endpoint[mate[v]!]! : -1;
  return result;
}

/** Checks the complementary-slackness certificate of the primal-dual solution. */
function verifyOptimum(
  nv: number,
  ne: number,
  maxCardinality: boolean,
  endpoint: Int32Array,
  weight: Float64Array,
  mate: Int32Array,
  dualvar: Float64Array,
  blossomparent: Int32Array,
  blossombase: Int32Array,
  blossomendps: (number[] | null)[],
): void {
  const fail = (why: string): never => {
    throw new Error(`maxWeightMatching: optimality check failed (${why})`);
  };
  let minVertexDual = Infinity;
  for (let v = 0; v < nv; v++) minVertexDual = Math.min(minVertexDual, dualvar[v]!);
  const offset = maxCardinality ? Math.max(0, -minVertexDual) : 0;
  if (minVertexDual + offset < 0) fail('negative vertex dual');
  for (let b = nv; b < 2 * nv; b++) if (dualvar[b]! < 0) fail('negative blossom dual');
  const ancestors = (x: number): number[] => {
    const list = [x];
    while (blossomparent[list[list.length - 1]!] !== -1) list.push(blossomparent[list[list.length - 1]!]!);
    return list.reverse();
  };
  for (let k = 0; k < ne; k++) {
    const i = endpoint[2 * k]!;
    const j = endpoint[2 * k + 1]!;
    let s = dualvar[i]! + dualvar[j]! - 2 * weight[k]!;
    const bi = ancestors(i);
    const bj = ancestors(j);
    for (let x = 0; x < Math.min(bi.length, bj.length); x++) {
      if (bi[x] !== bj[x]) break;
      s += 2 * dualvar[bi[x]!]!;
    }
    if (s < 0) fail(`edge ${k} has negative slack`);
    const mi = mate[i]! >> 1 === k && mate[i]! >= 0;
    const mj = mate[j]! >> 1 === k && mate[j]! >= 0;
    if (mi !== mj) fail(`edge ${k} half matched`);
    if (mi && s !== 0) fail(`matched edge ${k} is not tight`);
  }
  for (let v = 0; v < nv; v++) if (mate[v]! < 0 && dualvar[v]! + offset !== 0) fail(`single vertex ${v} has a dual`);
  for (let b = nv; b < 2 * nv; b++) {
    if (blossombase[b]! >= 0 && dualvar[b]! > 0) {
      const endps = blossomendps[b]!;
      if (endps.length % 2 !== 1) fail('even blossom');
      for (let x = 1; x < endps.length; x += 2) {
        const p = endps[x]!;
        if (mate[endpoint[p]!] !== (p ^ 1) || mate[endpoint[p ^ 1]!] !== p) fail(`blossom ${b} not full`);
      }
    }
  }
}
