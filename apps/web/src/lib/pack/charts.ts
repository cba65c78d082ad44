/** Charts for the pack, as vector figures: the room's answers on a scale, with the participant's own marked. */
import { formatDate, getLocale, m } from '@canopy/i18n';
import type { Figure, Shape } from './figure';

const BAR = '#9fcdb3';
const MINE = '#e8833a';
const INK = '#16211b';
const MUTED = '#56675d';
const AXIS = '#c9d5ce';

/**
 * One column per point of the scale: the room's count as a bar (when it may be shown), the
 * participant's own answer in accent colour with "You" above it, the scale's words underneath.
 * Its words are in the pack's language (the phone's when the pack is made).
 */
export function scaleFigure(opts: { title: string; scale: readonly string[]; counts: readonly number[] | null; mine: number | null }): Figure {
  const n = opts.scale.length;
  const colW = 60;
  const w = n * colW;
  const top = 12;
  const barMax = 44;
  const base = top + barMax;
  const h = base + 20;
  const max = Math.max(1, ...(opts.counts ?? [0]));
  const shapes: Shape[] = [{ t: 'path', d: `M0 ${base}H${w}`, stroke: AXIS, strokeWidth: 0.8 }];
  opts.scale.forEach((word, i) => {
    const x = i * colW;
    const mine = opts.mine === i + 1;
    const count = opts.counts?.[i] ?? 0;
    if (opts.counts) {
      const bh = (count / max) * barMax;
      if (bh > 0) shapes.push({ t: 'rect', x: x + 12, y: base - bh, w: colW - 24, h: bh, fill: mine ? MINE : BAR });
      shapes.push({ t: 'text', x: x + colW / 2, y: base - Math.max(bh, 0) - 2.5, text: String(count), size: 6.5, fill: MUTED, anchor: 'middle' });
    } else if (mine) {
      shapes.push({ t: 'rect', x: x + 12, y: base - 8, w: colW - 24, h: 8, fill: MINE });
    }
    if (mine) shapes.push({ t: 'text', x: x + colW / 2, y: 8, text: m.common_pack_you(), size: 7, fill: MINE, anchor: 'middle', bold: true });
    shapes.push({
      t: 'text',
      x: x + colW / 2,
      y: base + 9,
      text: word,
      size: word.length > 12 ? 5.2 : 6.2,
      fill: mine ? INK : MUTED,
      anchor: 'middle',
      bold: mine,
    });
  });
  return { title: opts.title, viewBox: [0, 0, w, h], shapes };
}

/** "2026-12-01" → "1 December 2026" in the pack's language (`locale`: the phone's when the pack is made). */
export function dayText(day: string, locale = getLocale()): string {
  const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!parts) return day;
  const date = Date.UTC(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3]));
  return formatDate(locale, date, { year: 'numeric', month: 'long', day: 'numeric' }, 'UTC');
}
