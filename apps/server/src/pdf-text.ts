/**
 * Text in the report PDF, in every script: @canopy/print chooses the font of each character and
 * the order of each line; this draws the pieces with pdfkit. A font file is read the first time a
 * report needs it and kept in memory (Latin-only reports read only DejaVu Sans); pdfkit embeds
 * only the fonts a report uses, each as a subset of the glyphs used.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';
import { SLICED, Typesetter, baseFace, faceFile, sliceTableFile, type Face, type PlacedLine, type SliceTables, type Weight } from '@canopy/print';

const require = createRequire(import.meta.url);
const files = new Map<string, Buffer>();

/** A font file's bytes, read on first use and kept. */
export function faceBytes(face: Face): Buffer {
  const path = faceFile(face);
  let b = files.get(path);
  if (!b) files.set(path, (b = readFileSync(require.resolve(path))));
  return b;
}

const base = fontkit.create(faceBytes(baseFace(400))) as fontkit.Font;
const coverage = new Map<number, boolean>();
export const typesetter = new Typesetter(
  (cp) => {
    let hit = coverage.get(cp);
    if (hit === undefined) coverage.set(cp, (hit = base.hasGlyphForCodePoint(cp)));
    return hit;
  },
  Object.fromEntries(SLICED.map((f) => [f, require(sliceTableFile(f)) as Record<string, string>])) as SliceTables,
);

export interface PenOptions {
  size: number;
  weight?: Weight;
  /** the box's width; the text wraps in it (unless `nowrap`) */
  width: number;
  align?: 'start' | 'center' | 'end';
  color?: string;
  /** one line, however long */
  nowrap?: boolean;
}

/** Line height as a share of the font size (DejaVu Sans' own: ascender plus descender). */
const LEAD = 1.17;
/** Baseline below a line's top, as a share of the font size. */
const ASCENT = 0.93;

/** Text for one pdfkit document: measures and draws with the fonts each piece needs. */
export class Pen {
  private readonly registered = new Set<string>();
  constructor(private readonly doc: PDFKit.PDFDocument) {}

  private use(face: Face, size: number) {
    if (!this.registered.has(face.id)) {
      this.doc.registerFont(face.id, faceBytes(face));
      this.registered.add(face.id);
    }
    this.doc.font(face.id).fontSize(size);
  }

  /** `text` as placed lines in a box of the options' width (wrapped unless `nowrap`). */
  lines(text: string, o: PenOptions): PlacedLine[] {
    const measure = (t: string, face: Face) => {
      this.use(face, o.size);
      return this.doc.widthOfString(t);
    };
    return typesetter.set(
      o.nowrap ? text.replace(/\s*\n\s*/g, ' ') : text,
      { weight: o.weight ?? 400, width: o.width, align: o.align, wrap: !o.nowrap },
      measure,
    );
  }

  lead(size: number) {
    return size * LEAD;
  }

  /** The height `text` takes in a box. */
  height(text: string, o: PenOptions): number {
    return this.lines(text, o).length * this.lead(o.size);
  }

  /** How wide `text` is on one line. */
  width(text: string, o: Omit<PenOptions, 'width'>): number {
    return Math.max(0, ...this.lines(text, { ...o, width: 0, nowrap: true }).map((l) => l.width));
  }

  /** Draw one placed line with its top at y. */
  line(line: PlacedLine, x: number, y: number, o: PenOptions) {
    const { doc } = this;
    const [keepX, keepY] = [doc.x, doc.y];
    for (const p of line.pieces) {
      if (p.space) continue;
      this.use(p.face, o.size);
      doc.fillColor(o.color ?? '#000000').text(p.text, x + p.x, y + ASCENT * o.size, { lineBreak: false, baseline: 'alphabetic' });
    }
    doc.x = keepX;
    doc.y = keepY;
  }

  /** Draw `text` in the box whose top left corner is (x, y); returns the height used. */
  draw(text: string, x: number, y: number, o: PenOptions): number {
    const lines = this.lines(text, o);
    lines.forEach((line, i) => this.line(line, x, y + i * this.lead(o.size), o));
    return lines.length * this.lead(o.size);
  }
}
