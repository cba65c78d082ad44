/** File names for the pack. */

/** `Allies at Würzburg!` → `allies-at-wurzburg`: portable file names (letters of any script are kept, accents dropped). */
export function slug(s: string): string {
  const out = s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return out || 'workshop';
}
