/**
 * The pack as one PDF, drawn in the browser with pdf-lib: text set in DejaVu Sans (embedded and
 * subset, so names in any Latin, Greek or Cyrillic script print and can be searched and copied —
 * the PDF standard fonts only know Western European characters), figures drawn as vectors.
 */
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, degrees, rgb, type Color, type PDFFont, type PDFPage } from 'pdf-lib';
import boldUrl from 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf?url';
import regularUrl from 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf?url';
import { circlePath, rectPath, type Figure, type Shape } from './figure';
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
  const m = /^#([0-9a-f]{6})$/i.exec(c.trim());
  if (!m) return INK;
  const v = parseInt(m[1]!, 16);
  return rgb(((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255);
}

export interface PdfCover {
  title: string;
  subtitle: string;
  lines: string[];
}

async function fontBytes(url: string): Promise<ArrayBuffer> {
  const res = await fetch(url);
  if (!res.ok) throw new Error('Could not load the font for the PDF. Check your connection and try again.');
  return res.arrayBuffer();
}

/** Lines of at most `width` points, broken at spaces (and inside words longer than a line). */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/u).filter(Boolean)) {
      const next = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(next, size) <= width) {
        line = next;
        continue;
      }
      if (line) out.push(line);
      line = '';
      let rest = word;
      while (font.widthOfTextAtSize(rest, size) > width) {
        const chars = Array.from(rest);
        let k = chars.length;
        while (k > 1 && font.widthOfTextAtSize(chars.slice(0, k).join(''), size) > width) k--;
        out.push(chars.slice(0, k).join(''));
        rest = chars.slice(k).join('');
      }
      line = rest;
    }
    out.push(line);
  }
  return out;
}

function blockTexts(b: PackBlock): string[] {
  switch (b.kind) {
    case 'heading':
    case 'text':
      return [b.text];
    case 'list':
      return b.items;
    case 'figure':
      return [...(b.caption ? [b.caption] : []), ...b.figure.shapes.flatMap((sh) => (sh.t === 'text' ? [sh.text] : []))];
  }
}

export async function buildPdf(cover: PdfCover, sections: PackSection[], progress: (done: number) => void = () => {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const [regBytes, boldBytes] = await Promise.all([fontBytes(regularUrl), fontBytes(boldUrl)]);
  const regular = await doc.embedFont(regBytes, { subset: true });
  const bold = await doc.embedFont(boldBytes, { subset: true });
  doc.setTitle(`${cover.title} — ${cover.subtitle}`);
  doc.setCreator('Canopy');
  doc.setProducer('Canopy (pdf-lib)');
  doc.setCreationDate(new Date());

  // DejaVu Sans covers Latin, Greek, Cyrillic and more, not Chinese, Japanese or Korean: say so
  // rather than leave unexplained boxes (the map's SVG keeps every name as written).
  const known = new Set(regular.getCharacterSet());
  const texts = [cover.title, cover.subtitle, ...cover.lines, ...sections.flatMap((sec) => [sec.title, sec.kind, ...sec.blocks.flatMap(blockTexts)])];
  const undrawable = texts.some((t) => Array.from(t).some((ch) => !/\s/u.test(ch) && !known.has(ch.codePointAt(0)!)));
  if (undrawable)
    cover = {
      ...cover,
      lines: [
        ...cover.lines,
        'Some characters in here are outside this PDF’s font and show as boxes; the map’s SVG file in your pack keeps every name as written.',
      ],
    };

  let page: PDFPage = doc.addPage(PAGE);
  let y = PAGE[1] - MARGIN;
  const newPage = () => {
    page = doc.addPage(PAGE);
    y = PAGE[1] - MARGIN;
  };
  const room = (h: number) => {
    if (y - h < MARGIN) newPage();
  };
  const lines = (text: string, opts: { font?: PDFFont; size?: number; color?: Color; indent?: number; gap?: number; bullet?: boolean }) => {
    const font = opts.font ?? regular;
    const size = opts.size ?? 10.5;
    const indent = opts.indent ?? 0;
    const lead = size * 1.38;
    const wrapped = wrap(text, font, size, WIDTH - indent - (opts.bullet ? 12 : 0));
    wrapped.forEach((line, i) => {
      room(lead);
      y -= lead;
      if (opts.bullet && i === 0) page.drawText('•', { x: MARGIN + indent, y, size, font, color: BRAND });
      page.drawText(line, { x: MARGIN + indent + (opts.bullet ? 12 : 0), y, size, font, color: opts.color ?? INK });
    });
    y -= opts.gap ?? 0;
  };

  // Cover
  y -= 40;
  lines(cover.title, { font: bold, size: 26, color: BRAND, gap: 6 });
  lines(cover.subtitle, { font: bold, size: 15, gap: 10 });
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
    lines(section.title, { font: bold, size: 17, gap: 1 });
    if (section.kind !== section.title) lines(section.kind, { size: 9.5, color: MUTED, gap: 8 });
    else y -= 8;
    section.blocks.forEach((b, k) => {
      switch (b.kind) {
        case 'heading':
          room(34 + needs(section.blocks[k + 1]));
          y -= 6;
          lines(b.text, { font: bold, size: 12, color: BRAND, gap: 3 });
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
                  ? { font: bold, size: 10, gap: 2 }
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
      const font = shape.bold ? bold : regular;
      const size = shape.size * s;
      const w = font.widthOfTextAtSize(shape.text, size);
      const shift = shape.anchor === 'middle' ? -w / 2 : shape.anchor === 'end' ? -w : 0;
      const p = at(shape.x, shape.y);
      const a = (-(shape.rotate ?? 0) * Math.PI) / 180;
      const x = p.x + shift * Math.cos(a);
      const y0 = p.y + shift * Math.sin(a);
      if (shape.halo && !shape.rotate)
        page.drawRectangle({ x: x - size * 0.15, y: y0 - size * 0.28, width: w + size * 0.3, height: size * 1.18, color: hex(shape.halo) });
      page.drawText(shape.text, { x, y: y0, size, font, color: hex(shape.fill ?? '#000000'), rotate: degrees(-(shape.rotate ?? 0)) });
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
    const label = `${cover.subtitle} · ${i + 1} / ${pages.length}`;
    p.drawText(label, { x: PAGE[0] - MARGIN - regular.widthOfTextAtSize(label, 8), y: MARGIN / 2, size: 8, font: regular, color: MUTED });
  });
  return doc.save();
}
