/** How the participant's map is described, moved and drawn on their screen. */
import { getLocale, type Locale } from '@canopy/i18n';
import { mapLabels, SECTORS, type MapEntry, type Ring, type Sector, type Tag } from '@canopy/core';
import { RINGS_INSIDE_OUT } from './geometry';

const worded = new Map<Locale, ReturnType<typeof mapLabels>>();
/** The map's words (directions, rings, tags, levels) in the screen's language; called in markup, they follow a change of language. */
export function labels(): ReturnType<typeof mapLabels> {
  const locale = getLocale();
  let found = worded.get(locale);
  if (!found) worded.set(locale, (found = mapLabels(locale)));
  return found;
}

/** "Maria — Above, Ally, trusted" */
export function describeEntry(label: string, e: Pick<MapEntry, 'sector' | 'ring' | 'tags'>): string {
  return `${label} — ${placeText(e)}${e.tags.length ? `, ${tagText(e.tags)}` : ''}`;
}
export const placeText = (e: { sector: Sector; ring: Ring }) => `${labels().sectors[e.sector].name}, ${labels().rings[e.ring].name}`;
export const tagText = (tags: readonly Tag[]) => tags.map((t) => labels().tags[t].toLowerCase()).join(', ');

/** The direction `delta` steps clockwise (→) or anticlockwise (←) around the map. */
export function turn(sector: Sector, delta: 1 | -1): Sector {
  return SECTORS[(SECTORS.indexOf(sector) + delta + SECTORS.length) % SECTORS.length]!;
}
/** One ring closer (+1) or further (−1); stays put at the edges. */
export function closer(ring: Ring, delta: 1 | -1): Ring {
  const i = RINGS_INSIDE_OUT.indexOf(ring) - delta;
  return RINGS_INSIDE_OUT[Math.max(0, Math.min(RINGS_INSIDE_OUT.length - 1, i))]!;
}

/** Two letters for a token: initials of a name, or the first two characters of a single word. */
export function tokenText(label: string): string {
  const parts = label.trim().split(/\s+/u).filter(Boolean);
  if (parts.length === 0) return '?';
  const first = (p: string) => Array.from(p)[0] ?? '';
  const chars = parts.length > 1 ? first(parts[0]!) + first(parts[parts.length - 1]!) : Array.from(parts[0]!).slice(0, 2).join('');
  return chars.toUpperCase();
}

export const LABEL_MAX = 80;
export const clampLabel = (s: string) => Array.from(s.trim().replace(/\s+/gu, ' ')).slice(0, LABEL_MAX).join('');
