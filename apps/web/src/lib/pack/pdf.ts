/**
 * The pack as one PDF, drawn in the browser with pdf-lib: figures drawn as vectors, text through
 * @canopy/print, so names and answers in Latin, Greek, Cyrillic, Arabic, Hebrew, Chinese, Japanese
 * and Korean print in a font that has them (Arabic joined, right-to-left words in reading order)
 * and emoji in one colour, each font embedded as a subset so the text can be searched and copied.
 * Only the fonts this pack's text needs are fetched (see fonts.ts).
 */
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, degrees, rgb, type Color, type PDFFont, type PDFPage } from 'pdf-lib';
import { m } from '@canopy/i18n';
import { Typesetter, baseFace, type Face, type Weight } from '@canopy/print';
import { textDirection } from '$lib/i18n.svelte';
import { circlePath, rectPath, type Figure, type Shape } from './figure';
import { prepareFonts, regularBytes } from './fonts';
import type { PackBlock, PackSection } from './types';

const PAGE: [number, number] = [595.28, 841.89]; // A4
const MARGIN = 50;
const WIDTH = PAGE[0] - 2 * MARGIN;
const FIGURE_MAX_HEIGHT = 430;

const INK = rgb(0.09, 0.16, 0.12);
const MUTED = rgb(0.38, 0.44, 0.4);
const BRAND = rgb(0.13, 0.45, 0.3);

/** `#rrggbb` → pdf-lib colour */
export function hex(c: string): Color {
  const hit = /^#([0-9a-f]{6})$/i.exec(c.trim());
  if (!hit) return INK;
  const v = parseInt(hit[1]!, 16);
  return rgb(((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255);
}

export interface PdfCover {
  title: string;
  subtitle: string;
  lines: string[];
}

/** The texts of a block, each with the weight it is set in. */
function blockTexts(b: PackBlock): Array<[string, Weight]> {
  switch (b.kind) {
    case 'heading':
      return [[b.text, 700]];
    case 'text':
      return [[b.text, b.tone === 'label' ? 700 : 400]];
    case 'list':
      return b.items.map((t) => [t, 400]);
    case 'figure':
      return [
        ...(b.caption ? [[b.caption, 400] as [string, Weight]] : []),
        ...b.figure.shapes.flatMap((sh): Array<[string, Weight]> => (sh.t === 'text' ? [[sh.text, sh.bold ? 700 : 400]] : [])),
      ];
  }
}

export async function buildPdf(cover: PdfCover, sections: PackSection[], progress: (done: number) => void = () => {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  doc.setTitle(`${cover.title} — ${cover.subtitle}`);
  doc.setCreator('Canopy');
  doc.setProducer('Canopy (pdf-lib)');
  doc.setCreationDate(new Date());

  // Every text with its weight, to fetch the fonts they need before drawing
  const texts: Array<[string, Weight]> = [
    [cover.title, 700],
    [cover.subtitle, 700],
    [cover.subtitle, 400], // in the page numbers
    ...cover.lines.map((l): [string, Weight] => [l, 400]),
    ...sections.flatMap((sec): Array<[string, Weight]> => [[sec.title, 700], [sec.kind, 400], ...sec.blocks.flatMap(blockTexts)]),
  ];
  const regular = await doc.embedFont(await regularBytes(), { subset: true });
  const known = new Set(regular.getCharacterSet());
  const typesetter = new Typesetter((cp) => known.has(cp));
  const faceBytes = await prepareFonts(
    typesetter,
    texts.map(([t]) => t),
  );
  // A character none of the fonts has (a script beyond the eight): say so rather than leave
  // unexplained boxes (the map's SVG keeps every name as written).
  if (typesetter.missing(texts.map(([t]) => t)))
    cover = {
      ...cover,
      lines: [...cover.lines, m.console_pack_missing_glyphs()],
    };
  const needed = new Map<string, Face>();
  for (const weight of [400, 700] as const)
    for (const f of typesetter.faces(
      texts.filter(([, w]) => w === weight).map(([t]) => t),
      weight,
    ))
      needed.set(f.id, f);
  const bytes = await Promise.all([...needed.values()].map(async (f) => [f, f.id === baseFace(400).id ? null : await faceBytes(f)] as const));
  const fonts = new Map<string, PDFFont>([[baseFace(400).id, regular]]);
  for (const [f, b] of bytes) if (b) fonts.set(f.id, await doc.embedFont(b, { subset: true }));
  const bold = fonts.get(baseFace(700).id) ?? (await doc.embedFont(await faceBytes(baseFace(700)), { subset: true }));
  const fontOf = (f: Face) => fonts.get(f.id) ?? (f.weight === 700 ? bold : regular);
  const measure = (size: number) => (text: string, f: Face) => fontOf(f).widthOfTextAtSize(text, size);

  /** the pack's direction: the phone's language when it is made */
  const dir = textDirection();
  let page: PDFPage = doc.addPage(PAGE);
  let y = PAGE[1] - MARGIN;
  const newPage = () => {
    page = doc.addPage(PAGE);
    y = PAGE[1] - MARGIN;
  };
  const room = (h: number) => {
    if (y - h < MARGIN) newPage();
  };
  const lines = (text: string, opts: { weight?: Weight; size?: number; color?: Color; indent?: number; gap?: number; bullet?: boolean }) => {
    const weight = opts.weight ?? 400;
    const size = opts.size ?? 10.5;
    const indent = opts.indent ?? 0;
    const lead = size * 1.38;
    // a right-to-left pack (an Arabic phone) sets its paragraphs from the right, indents and bullets there too
    const rtl = dir === 'rtl';
    const inset = indent + (opts.bullet ? 12 : 0);
    const left = rtl ? MARGIN : MARGIN + inset;
    const placed = typesetter.set(text, { weight, width: WIDTH - inset, dir }, measure(size));
    const bulletX = rtl ? MARGIN + WIDTH - indent - regular.widthOfTextAtSize('•', size) : MARGIN + indent;
    placed.forEach((line, i) => {
      room(lead);
      y -= lead;
      if (opts.bullet && i === 0) page.drawText('•', { x: bulletX, y, size, font: regular, color: BRAND });
      for (const p of line.pieces) if (!p.space) page.drawText(p.text, { x: left + p.x, y, size, font: fontOf(p.face), color: opts.color ?? INK });
    });
    y -= opts.gap ?? 0;
  };

  // Cover
  y -= 40;
  lines(cover.title, { weight: 700, size: 26, color: BRAND, gap: 6 });
  lines(cover.subtitle, { weight: 700, size: 15, gap: 10 });
  for (const l of cover.lines) lines(l, { color: MUTED, gap: 2 });
  y -= 18;

  /** roughly how much a block needs on its page, so a heading is never left alone at the bottom */
  const needs = (b: PackBlock | undefined) => {
    if (!b) return 0;
    if (b.kind !== 'figure') return 36;
    const [, , vw, vh] = b.figure.viewBox;
    return vh * Math.min(WIDTH / vw, FIGURE_MAX_HEIGHT / vh) + 30;
  };

  sections.forEach((section, i) => {
    room(70 + needs(section.blocks[0]));
    y -= 14;
    page.drawLine({ start: { x: MARGIN, y }, end: { x: MARGIN + WIDTH, y }, thickness: 1.2, color: BRAND });
    y -= 4;
    lines(section.title, { weight: 700, size: 17, gap: 1 });
    if (section.kind !== section.title) lines(section.kind, { size: 9.5, color: MUTED, gap: 8 });
    else y -= 8;
    section.blocks.forEach((b, k) => {
      switch (b.kind) {
        case 'heading':
          room(34 + needs(section.blocks[k + 1]));
          y -= 6;
          lines(b.text, { weight: 700, size: 12, color: BRAND, gap: 3 });
          break;
        case 'text':
          if (b.tone === 'label') room(30 + needs(section.blocks[k + 1]));
          lines(
            b.text,
            b.tone === 'muted'
              ? { color: MUTED, size: 9.5, gap: 5 }
              : b.tone === 'quote'
                ? { indent: 14, gap: 5 }
                : b.tone === 'label'
                  ? { weight: 700, size: 10, gap: 2 }
                  : { gap: 5 },
          );
          break;
        case 'list':
          for (const item of b.items) lines(item, { bullet: true, gap: 2 });
          y -= 4;
          break;
        case 'figure':
          drawFigure(b.figure, b.caption);
          break;
      }
    });
    progress((i + 1) / sections.length);
  });

  function drawFigure(fig: Figure, caption?: string) {
    const [vx, vy, vw, vh] = fig.viewBox;
    const s = Math.min(WIDTH / vw, FIGURE_MAX_HEIGHT / vh);
    const h = vh * s;
    room(h + 24);
    const left = MARGIN + (WIDTH - vw * s) / 2;
    const top = y - 4;
    // a point of the figure → page coordinates (the figure's y grows downwards)
    const at = (px: number, py: number) => ({ x: left + (px - vx) * s, y: top - (py - vy) * s });
    for (const shape of fig.shapes) drawShape(shape, at, s, { left: left - vx * s, top: top + vy * s });
    y = top - h - 6;
    if (caption) lines(caption, { size: 9, color: MUTED, gap: 6 });
    else y -= 6;
  }

  function drawShape(shape: Shape, at: (x: number, y: number) => { x: number; y: number }, s: number, origin: { left: number; top: number }) {
    if (shape.t === 'text') {
      const size = shape.size * s;
      const weight = shape.bold ? 700 : 400;
      const line = typesetter.set(shape.text, { weight, width: 0, wrap: false }, measure(size))[0];
      if (!line) return;
      const w = line.width;
      const shift = shape.anchor === 'middle' ? -w / 2 : shape.anchor === 'end' ? -w : 0;
      const p = at(shape.x, shape.y);
      const a = (-(shape.rotate ?? 0) * Math.PI) / 180;
      // the start of the text, then each piece along its (possibly turned) baseline
      const along = (d: number) => ({ x: p.x + (shift + d) * Math.cos(a), y: p.y + (shift + d) * Math.sin(a) });
      const start = along(0);
      if (shape.halo && !shape.rotate)
        page.drawRectangle({ x: start.x - size * 0.15, y: start.y - size * 0.28, width: w + size * 0.3, height: size * 1.18, color: hex(shape.halo) });
      for (const piece of line.pieces) {
        if (piece.space) continue;
        const o = along(piece.x);
        page.drawText(piece.text, {
          x: o.x,
          y: o.y,
          size,
          font: fontOf(piece.face),
          color: hex(shape.fill ?? '#000000'),
          rotate: degrees(-(shape.rotate ?? 0)),
        });
      }
      return;
    }
    const d = shape.t === 'path' ? shape.d : shape.t === 'circle' ? circlePath(shape.cx, shape.cy, shape.r) : rectPath(shape.x, shape.y, shape.w, shape.h);
    const fill = shape.fill && shape.fill !== 'none' ? hex(shape.fill) : undefined;
    const stroke = shape.stroke ? hex(shape.stroke) : undefined;
    page.drawSvgPath(d, {
      x: origin.left,
      y: origin.top,
      scale: s,
      ...(fill ? { color: fill } : {}),
      ...(stroke ? { borderColor: stroke, borderWidth: shape.strokeWidth ?? 1 } : { borderWidth: 0 }),
      ...('dash' in shape && shape.dash?.length ? { borderDashArray: shape.dash } : {}),
    });
  }

  // page numbers
  const pages = doc.getPages();
  pages.forEach((p, i) => {
    const line = typesetter.set(`${cover.subtitle} · ${i + 1} / ${pages.length}`, { weight: 400, width: 0, wrap: false }, measure(8))[0]!;
    for (const piece of line.pieces)
      if (!piece.space) p.drawText(piece.text, { x: PAGE[0] - MARGIN - line.width + piece.x, y: MARGIN / 2, size: 8, font: fontOf(piece.face), color: MUTED });
  });
  return doc.save();
}
