/**
 * The ally map's part of the participant's pack: their map drawn with the names opened on their
 * device (as SVG, as PNG and in the PDF, all from one figure built on the map's own geometry),
 * who is where, and what the map says.
 */
import { labels } from './model';
import { m } from '@canopy/i18n';
import { SECTORS, type MapEntry, type MentalMapOwnView, type Ring, type Sector } from '@canopy/core';
// relative, not $lib: the figure is unit-tested outside the SvelteKit build
import { figureToSvg, svgToPng, type Figure, type Shape } from '../../pack/figure';
import type { PackHook } from '../../pack/types';
import { cellPath, placeInCells, R, R_YOU, ringShort, RINGS_INSIDE_OUT, ringLabelSpot, SECTOR_LABEL_SPOTS, TOKEN, VIEW } from './geometry';
import { describeEntry, tokenText } from './model';

/** the screen's palette (PersonMap.svelte), light theme: rings darker towards the centre */
const RING_FILL = ['#cfe9d9', '#def1e5', '#eaf6ee', '#f4faf6'];
const RING_FILL_ALT = ['#c6e4d1', '#d6ecdf', '#e3f2e9', '#eef7f1'];
const BRAND = '#1b5e3f';
const INK_2 = '#3d4b43';
const MUTED = '#56675d';
const LINE = '#c9d5ce';
const TRUSTED = '#2f9466';
const INFLUENTIAL = '#f0a35e';
const POTENTIAL = '#e8833a';

export interface LabelledEntry extends Pick<MapEntry, 'id' | 'sector' | 'ring' | 'tags'> {
  label: string;
}

/** The participant's map with every person's name, as a vector figure. */
export function mapFigure(people: readonly LabelledEntry[], owner: string): Figure {
  const you = 'You';
  const shapes: Shape[] = [{ t: 'circle', cx: 0, cy: 0, r: R + 0.6, stroke: LINE, strokeWidth: 0.6 }];
  SECTORS.forEach((sector: Sector, si) =>
    RINGS_INSIDE_OUT.forEach((ring: Ring, ri) =>
      shapes.push({ t: 'path', d: cellPath(sector, ring), fill: (si % 2 ? RING_FILL_ALT : RING_FILL)[ri]!, stroke: '#ffffff', strokeWidth: 0.8 }),
    ),
  );
  shapes.push({ t: 'circle', cx: 0, cy: 0, r: R_YOU, fill: BRAND });
  shapes.push({ t: 'text', x: 0, y: 2.4, text: you, size: 6.4, fill: '#ffffff', anchor: 'middle', bold: true });
  for (const sector of SECTORS) {
    const s = SECTOR_LABEL_SPOTS[sector];
    shapes.push({
      t: 'text',
      x: s.x,
      y: s.y,
      rotate: s.rotate,
      text: labels().sectors[sector].name.toUpperCase(),
      size: 6.2,
      fill: INK_2,
      anchor: 'middle',
      bold: true,
    });
  }
  for (const ring of RINGS_INSIDE_OUT) {
    const p = ringLabelSpot(ring);
    shapes.push({ t: 'text', x: p.x, y: p.y, text: ringShort(ring), size: 5.4, fill: MUTED, anchor: 'middle', bold: true, halo: '#ffffff' });
  }
  const r = (TOKEN / 2) * 0.82;
  for (const p of placeInCells(people)) {
    const uncontacted = p.tags.includes('uncontacted');
    if (p.tags.includes('potential')) shapes.push({ t: 'circle', cx: p.x, cy: p.y, r: r + 1.2, fill: POTENTIAL });
    shapes.push({
      t: 'circle',
      cx: p.x,
      cy: p.y,
      r,
      fill: uncontacted ? '#ffffff' : BRAND,
      stroke: uncontacted ? BRAND : '#ffffff',
      strokeWidth: 0.9,
      ...(uncontacted ? { dash: [1.6, 1.2] } : {}),
    });
    shapes.push({ t: 'text', x: p.x, y: p.y + 1.6, text: tokenText(p.label), size: 4.3, fill: uncontacted ? BRAND : '#ffffff', anchor: 'middle', bold: true });
    if (p.tags.includes('trusted'))
      shapes.push({ t: 'circle', cx: p.x + r * 0.8, cy: p.y + r * 0.8, r: 1.9, fill: TRUSTED, stroke: '#ffffff', strokeWidth: 0.5 });
    if (p.tags.includes('influential'))
      shapes.push({ t: 'circle', cx: p.x + r * 0.8, cy: p.y - r * 0.8, r: 1.9, fill: INFLUENTIAL, stroke: '#ffffff', strokeWidth: 0.5 });
    shapes.push({ t: 'text', x: p.x, y: p.y + r + 4.2, text: p.label, size: 3.6, fill: '#16211b', anchor: 'middle', halo: '#ffffff' });
  }
  return {
    title: m.map_pack_figure_title({ owner, people: people.map((p) => p.label).join(', ') || m.map_pack_nobody() }),
    viewBox: [-VIEW, -VIEW, 2 * VIEW, 2 * VIEW],
    shapes,
  };
}

export const mentalMapPack: PackHook<'mental-map'> = async ({ step, unseal, fileBase, outcomes }) => {
  const view = step.data as MentalMapOwnView | null;
  const entries = view?.entries ?? [];
  const kind = m.map_label();
  if (entries.length === 0) return { title: step.title, kind, blocks: [{ kind: 'text', text: m.map_pack_empty(), tone: 'muted' }] };
  let locked = 0;
  const people = await Promise.all(
    entries.map(async (e) => {
      const label = await unseal(e.label);
      if (label === null) locked++;
      return { id: e.id, sector: e.sector, ring: e.ring, tags: e.tags, label: label ?? m.map_pack_locked_name() };
    }),
  );
  const figure = mapFigure(people, outcomes.you.nickname);
  const svg = figureToSvg(figure, 1000);
  const png = await svgToPng(figureToSvg(figure, 1400));
  return {
    title: step.title,
    kind,
    blocks: [
      {
        kind: 'figure',
        figure,
        caption: m.map_pack_caption(),
      },
      ...(locked
        ? [
            {
              kind: 'text' as const,
              text: m.map_pack_locked({ count: locked }),
              tone: 'muted' as const,
            },
          ]
        : []),
      { kind: 'heading', text: m.map_pack_who_where() },
      { kind: 'list', items: people.map((p) => describeEntry(p.label, p)) },
      ...(view?.insights.length
        ? [
            { kind: 'heading' as const, text: m.map_pack_what_says() },
            { kind: 'list' as const, items: view.insights.map((i) => i.text) },
          ]
        : []),
    ],
    files: [
      { name: `${fileBase}.svg`, mime: 'image/svg+xml', label: m.map_pack_file({ format: 'SVG' }), data: svg },
      { name: `${fileBase}.png`, mime: 'image/png', label: m.map_pack_file({ format: 'PNG' }), data: png },
    ],
  };
};
