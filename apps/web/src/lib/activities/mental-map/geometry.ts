/**
 * The radial map's geometry, shared by the participant's map and the room's heatmap: four
 * direction wedges (above at the top, across on the right, below at the bottom, outside on the
 * left) and four rings of closeness (core circle innermost, contact outermost) around "you".
 * Units: an SVG viewBox of −100…100 with the centre at 0,0; angles in degrees clockwise from up.
 */
import { m } from '@canopy/i18n';
import { RINGS, SECTORS, type Ring, type Sector } from '@canopy/core';

export const VIEW = 100;
/** outer radius of the map */
export const R = 84;
/** radius of the "you" disc */
export const R_YOU = 0.16 * R;

/** inner and outer radius of each ring */
export const RING_BANDS: Record<Ring, [number, number]> = {
  core: [R_YOU, 0.37 * R],
  ally: [0.37 * R, 0.58 * R],
  colleague: [0.58 * R, 0.79 * R],
  contact: [0.79 * R, R],
};
/** rings from the centre outwards */
export const RINGS_INSIDE_OUT: readonly Ring[] = ['core', 'ally', 'colleague', 'contact'];

export const SECTOR_ANGLE: Record<Sector, number> = { above: 0, across: 90, below: 180, outside: 270 };

const rad = (deg: number) => (deg * Math.PI) / 180;
export const polar = (r: number, deg: number) => ({ x: r * Math.sin(rad(deg)), y: -r * Math.cos(rad(deg)) });
const f = (n: number) => Math.round(n * 100) / 100;

/** SVG path of one cell: the wedge of `sector` between the radii of `ring`. */
export function cellPath(sector: Sector, ring: Ring): string {
  const [r0, r1] = RING_BANDS[ring];
  return wedgePath(SECTOR_ANGLE[sector] - 45, SECTOR_ANGLE[sector] + 45, r0, r1);
}

export function wedgePath(a0: number, a1: number, r0: number, r1: number): string {
  const p0 = polar(r1, a0);
  const p1 = polar(r1, a1);
  const p2 = polar(r0, a1);
  const p3 = polar(r0, a0);
  return `M${f(p0.x)} ${f(p0.y)}A${f(r1)} ${f(r1)} 0 0 1 ${f(p1.x)} ${f(p1.y)}L${f(p2.x)} ${f(p2.y)}A${f(r0)} ${f(r0)} 0 0 0 ${f(p3.x)} ${f(p3.y)}Z`;
}

/** The middle of a cell (for its number on the heatmap, and as a drop target in tests). */
export function cellCentre(sector: Sector, ring: Ring) {
  const [r0, r1] = RING_BANDS[ring];
  return polar((r0 + r1) / 2, SECTOR_ANGLE[sector]);
}

/** Where the map's words sit: direction names round the edge (turned along it), ring names on a diagonal. */
const EDGE = R + 8.5;
export const SECTOR_LABEL_SPOTS: Record<Sector, { x: number; y: number; rotate: number }> = {
  above: { x: 0, y: -EDGE + 2, rotate: 0 },
  across: { x: EDGE - 2, y: 0, rotate: 90 },
  below: { x: 0, y: EDGE + 2, rotate: 0 },
  outside: { x: -EDGE + 2, y: 0, rotate: -90 },
};
export function ringLabelSpot(ring: Ring) {
  const p = polar((RING_BANDS[ring][0] + RING_BANDS[ring][1]) / 2, 45);
  return { x: p.x, y: p.y + 1.7 };
}
/** A ring's short name, drawn on the map (in the screen's language: call it when drawing). */
export function ringShort(ring: Ring): string {
  return { core: m.map_ring_core_short, ally: m.map_ring_ally_short, colleague: m.map_ring_colleague_short, contact: m.map_ring_contact_short }[ring]();
}

/** Token diameter in map units (about 28 px on a 360 px phone). */
export const TOKEN = 15;

/**
 * Where the `n` people of one cell sit: spread along the middle of the ring, kept off the wedge
 * edges; when they do not fit in one row, two staggered rows.
 */
export function cellSlots(sector: Sector, ring: Ring, n: number): Array<{ x: number; y: number }> {
  if (n <= 0) return [];
  const [r0, r1] = RING_BANDS[ring];
  const mid = (r0 + r1) / 2;
  const centre = SECTOR_ANGLE[sector];
  const row = (r: number, count: number, offset: number) => {
    const margin = ((TOKEN * 0.62) / r) * (180 / Math.PI); // keep half a token off each edge
    const span = Math.max(0, 90 - 2 * margin);
    return Array.from({ length: count }, (_, i) => polar(r, centre + (count === 1 ? offset : span * ((i + 0.5) / count - 0.5) + offset)));
  };
  const fits = (r: number) => Math.max(1, Math.floor((rad(90) * r - TOKEN * 0.4) / (TOKEN * 1.05)));
  if (n <= fits(mid)) return row(mid, n, 0);
  const inner = mid - (r1 - r0) / 4;
  const outer = mid + (r1 - r0) / 4;
  const nOuter = Math.ceil(n / 2);
  return [...row(outer, nOuter, 0), ...row(inner, n - nOuter, n - nOuter === 1 ? 0 : 90 / (4 * Math.max(2, n)))];
}

/** Where each person sits on the map: people of one cell share its ring, spread along the arc (input order kept). */
export function placeInCells<T extends { id: string; sector: Sector; ring: Ring }>(people: readonly T[]): Array<T & { x: number; y: number }> {
  const byCell: Record<string, T[]> = {};
  for (const p of people) (byCell[`${p.sector}:${p.ring}`] ??= []).push(p);
  const pos: Record<string, { x: number; y: number }> = {};
  for (const list of Object.values(byCell)) {
    const slots = cellSlots(list[0]!.sector, list[0]!.ring, list.length);
    list.forEach((p, i) => (pos[p.id] = slots[i]!));
  }
  return people.map((p) => ({ ...p, ...pos[p.id]! }));
}

/** The cell under a point in map units, or null off the map (or on "you", which has no direction). */
export function cellAt(x: number, y: number): { sector: Sector; ring: Ring } | null {
  const r = Math.hypot(x, y);
  if (r > R * 1.1 || r < R_YOU * 0.7) return null;
  let deg = (Math.atan2(x, -y) * 180) / Math.PI;
  if (deg < 0) deg += 360;
  const sector = SECTORS[Math.round(deg / 90) % 4]!;
  const ring = RINGS_INSIDE_OUT.find((g) => r <= RING_BANDS[g][1]) ?? 'contact';
  return { sector, ring };
}

export { RINGS, SECTORS };
