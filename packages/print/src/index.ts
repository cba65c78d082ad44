/**
 * Text on paper in every script: which font draws each character, and in which order the pieces
 * of a line go from left to right. Both PDFs use it, the server's report (pdfkit) and the
 * participant's pack drawn in the browser (pdf-lib); they only differ in how they load a font's
 * bytes and put a piece of text on the page.
 *
 * Fonts: DejaVu Sans for Latin, Greek, Cyrillic, Arabic, Hebrew and most symbols; Noto Sans SC, JP
 * and KR for Chinese, Japanese and Korean; Noto Emoji (one colour) for emoji. (Noto Sans Arabic
 * draws its dots and vowel marks by OpenType mark positioning, which pdf-lib does not apply, so the
 * pack would lose them; DejaVu Sans' Arabic letters carry their dots.) The Noto fonts come from the
 * Fontsource packages, which cut each font into slices by Unicode range (about a hundred of
 * 20–40 KB for each CJK font), so a PDF with three Chinese names loads a few slices, not a 4 MB
 * font. Each font is embedded as a subset of the glyphs used.
 *
 * Shaping (Arabic letters joining, ligatures) is done by fontkit inside both PDF libraries; the
 * order of a line is the Unicode Bidirectional Algorithm (bidi-js): runs of right-to-left text
 * are laid out right to left, and a right-to-left paragraph is set flush right.
 */
import bidiFactory from 'bidi-js';

export type Weight = 400 | 700;
export type Family = 'base' | SlicedFamily;
export type Direction = 'ltr' | 'rtl';

/** One font file: a family, the slice of it (`57`; `all` for DejaVu) and a weight. */
export interface Face {
  readonly id: string;
  readonly family: Family;
  readonly slice: string;
  readonly weight: Weight;
}

/** The fonts cut into numbered slices: the caller passes their `unicode.json` (slice → ranges). */
export type SlicedFamily = 'sc' | 'jp' | 'kr' | 'emoji';
export const SLICED: readonly SlicedFamily[] = ['sc', 'jp', 'kr', 'emoji'];
export type SliceTables = Record<SlicedFamily, Record<string, string>>;

const PACKAGE: Record<Exclude<Family, 'base'>, string> = {
  sc: 'noto-sans-sc',
  jp: 'noto-sans-jp',
  kr: 'noto-sans-kr',
  emoji: 'noto-emoji',
};

/** Where the slices' Unicode ranges are listed, as a package path. */
export const sliceTableFile = (family: SlicedFamily) => `@fontsource/${PACKAGE[family]}/unicode.json`;

/** The file of a face as a package path (`@fontsource/noto-sans-sc/files/noto-sans-sc-57-400-normal.woff`). */
export function faceFile(face: Pick<Face, 'family' | 'slice' | 'weight'>): string {
  if (face.family === 'base') return `dejavu-fonts-ttf/ttf/DejaVuSans${face.weight === 700 ? '-Bold' : ''}.ttf`;
  const pkg = PACKAGE[face.family];
  // Noto Emoji is drawn in one weight: a bold emoji reads the same
  const weight = face.family === 'emoji' ? 400 : face.weight;
  return `@fontsource/${pkg}/files/${pkg}-${face.slice}-${weight}-normal.woff`;
}

const faces = new Map<string, Face>();
function face(family: Family, slice: string, weight: Weight): Face {
  const id = `${family}-${slice}-${family === 'emoji' ? 400 : weight}`;
  let f = faces.get(id);
  if (!f) faces.set(id, (f = { id, family, slice, weight: family === 'emoji' ? 400 : weight }));
  return f;
}
export const baseFace = (weight: Weight) => face('base', 'all', weight);

/** `U+4e00-4e2f,U+4e3a` → sorted [from, to] pairs */
function parseRanges(list: string): Array<[number, number]> {
  return list
    .split(',')
    .map((r) => r.trim().replace(/^U\+/i, ''))
    .filter(Boolean)
    .map((r) => {
      const [a, b] = r.split('-');
      return [parseInt(a!, 16), parseInt(b ?? a!, 16)] as [number, number];
    });
}

/** code point → numbered slice, for one sliced family */
class SliceIndex {
  private readonly ranges: Array<[number, number, string]> = [];
  constructor(table: Record<string, string>) {
    for (const [key, list] of Object.entries(table)) {
      const m = /^\[(\d+)\]$/.exec(key);
      // the named slices (latin, cyrillic…) repeat what DejaVu Sans draws already
      if (m) for (const [a, b] of parseRanges(list)) this.ranges.push([a, b, m[1]!]);
    }
    this.ranges.sort((x, y) => x[0] - y[0]);
  }
  slice(cp: number): string | null {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b, s] = this.ranges[mid]!;
      if (cp < a) hi = mid - 1;
      else if (cp > b) lo = mid + 1;
      else return s;
    }
    return null;
  }
}

const ARABIC = /\p{Script=Arabic}/u;
const HANGUL = /\p{Script=Hangul}/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HAN_OR_CJK = /[\p{Script=Han}\p{Script=Bopomofo}\u3000-\u303f\uff00-\uffef\u3200-\u33ff]/u;
const EMOJI = /[\p{Extended_Pictographic}\p{Regional_Indicator}]/u;
const EMOJI_PRESENTATION = /\p{Emoji_Presentation}/u;
/** dropped from the page: emoji variation selectors, skin-tone modifiers, tag characters */
const dropped = (cp: number) => cp === 0xfe0e || cp === 0xfe0f || (cp >= 0x1f3fb && cp <= 0x1f3ff) || (cp >= 0xe0020 && cp <= 0xe007f);
const JOINERS = /[\u200c\u200d]/u;
/** drawn when no font has a character: a white square, never a broken glyph */
export const MISSING = '□';
/** The scripts that fontkit lays out right to left by itself (it reverses their glyphs). */
const RTL_SCRIPT = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}]/u;
const NOT_COMMON = /[^\p{Script=Common}\p{Script=Inherited}\p{Script=Unknown}]/u;
const SPACE = /^\s+$/u;

/** A piece of a line, in the order it is drawn from left to right. */
export interface Piece {
  /** the text to lay out in the face (right-to-left runs as fontkit wants them) */
  text: string;
  face: Face;
  /** white space: advances the pen, nothing to draw */
  space: boolean;
}

export type Measure = (text: string, face: Face) => number;

export interface SetOptions {
  weight: Weight;
  /** points: the widths `measure` gives are for this size */
  width: number;
  align?: 'start' | 'center' | 'end';
  /** false: each paragraph on one line, however long */
  wrap?: boolean;
  /**
   * The paragraphs' direction: the document's (an English report's lines stay left to right,
   * with any Arabic or Hebrew in them right to left in place), or `auto`: that of the first letter.
   */
  dir?: Direction | 'auto';
}

/** A line placed in a box: where each piece starts, from the box's left edge. */
export interface PlacedLine {
  pieces: Array<Piece & { x: number; w: number }>;
  width: number;
}

const bidi = bidiFactory();

export class Typesetter {
  private readonly slices: Partial<Record<SlicedFamily, SliceIndex>> = {};

  constructor(
    /** whether DejaVu Sans (the regular face) has a glyph for a code point */
    private readonly baseCovers: (cp: number) => boolean,
    /** the sliced fonts' tables; those not given yet can be added (see `slicedFamilies`) */
    tables: Partial<SliceTables> = {},
  ) {
    this.addTables(tables);
  }

  addTables(tables: Partial<SliceTables>) {
    for (const f of SLICED) if (tables[f] && !this.slices[f]) this.slices[f] = new SliceIndex(tables[f]);
  }

  /** The sliced fonts whose tables the texts need (the browser loads only those). */
  slicedFamilies(texts: Iterable<string>): SlicedFamily[] {
    const out = new Set<SlicedFamily>();
    for (const text of texts)
      for (const ch of text) {
        const cp = ch.codePointAt(0)!;
        if (HANGUL.test(ch)) out.add('kr');
        else if (KANA.test(ch)) out.add('jp');
        else if (HAN_OR_CJK.test(ch) && !this.baseCovers(cp)) out.add(this.cjk(text));
        else if (EMOJI.test(ch) && (EMOJI_PRESENTATION.test(ch) || !this.baseCovers(cp))) out.add('emoji');
      }
    return [...out];
  }

  /** The direction of a paragraph: that of its first letter with a direction (left to right when none). */
  direction(text: string): Direction {
    return bidi.getEmbeddingLevels(text, 'auto').paragraphs[0]?.level === 1 ? 'rtl' : 'ltr';
  }

  /** Han characters read as Japanese next to kana, as Korean next to Hangul, else as Chinese. */
  private cjk(text: string): 'sc' | 'jp' | 'kr' {
    return KANA.test(text) ? 'jp' : HANGUL.test(text) ? 'kr' : 'sc';
  }

  private faceOf(ch: string, cp: number, cjk: 'sc' | 'jp' | 'kr', weight: Weight): Face | null {
    const sliced = (family: SlicedFamily) => {
      const s = this.slices[family]?.slice(cp) ?? null;
      return s === null ? null : face(family, s, weight);
    };
    if (HANGUL.test(ch)) return sliced('kr');
    if (KANA.test(ch)) return sliced('jp');
    if (HAN_OR_CJK.test(ch) && !this.baseCovers(cp)) return sliced(cjk) ?? sliced('sc') ?? sliced('jp') ?? sliced('kr');
    if (EMOJI.test(ch) && (EMOJI_PRESENTATION.test(ch) || !this.baseCovers(cp))) return sliced('emoji');
    if (this.baseCovers(cp)) return baseFace(weight);
    return sliced(cjk) ?? sliced('emoji');
  }

  /** Each character of `text` with the face that draws it; characters no font has become □. */
  private characters(text: string, weight: Weight): Array<{ ch: string; at: number; face: Face }> {
    const cjk = this.cjk(text);
    const out: Array<{ ch: string; at: number; face: Face }> = [];
    let at = 0;
    for (const ch of text) {
      const here = at;
      at += ch.length;
      if (dropped(ch.codePointAt(0)!)) continue;
      const prev = out[out.length - 1];
      // joiners matter inside Arabic words (they choose letter forms); elsewhere they would draw as boxes
      if (JOINERS.test(ch)) {
        if (prev && ARABIC.test(prev.ch)) out.push({ ch, at: here, face: prev.face });
        continue;
      }
      const f = this.faceOf(ch, ch.codePointAt(0)!, cjk, weight);
      out.push(f ? { ch, at: here, face: f } : { ch: MISSING, at: here, face: baseFace(weight) });
    }
    return out;
  }

  /** Every face the texts need at this weight (to load before drawing). */
  faces(texts: Iterable<string>, weight: Weight): Face[] {
    const seen = new Map<string, Face>([[baseFace(weight).id, baseFace(weight)]]);
    for (const t of texts) for (const c of this.characters(t, weight)) seen.set(c.face.id, c.face);
    return [...seen.values()];
  }

  /** Whether some character of the texts has no font here (it prints as □). */
  missing(texts: Iterable<string>): boolean {
    for (const t of texts) if (this.characters(t, 400).some((c) => c.ch === MISSING && !t.includes(MISSING))) return true;
    return false;
  }

  /**
   * One line (no line breaks in it) as pieces from left to right. `dir` is the paragraph's
   * direction, so that a wrapped line of an Arabic paragraph keeps its order.
   */
  pieces(line: string, weight: Weight, dir: Direction = this.direction(line)): Piece[] {
    const chars = this.characters(line, weight);
    if (chars.length === 0) return [];
    const levels = bidi.getEmbeddingLevels(line, dir).levels;
    // runs: same face, same level; right-to-left runs also end at spaces, so that each word is
    // its own piece (text extraction puts right-to-left words back in reading order by position)
    const runs: Array<{ chars: typeof chars; level: number; space: boolean }> = [];
    for (const c of chars) {
      const level = levels[c.at] ?? 0;
      const space = SPACE.test(c.ch);
      const last = runs[runs.length - 1];
      const lastFace = last?.chars[0]!.face;
      if (last && lastFace === c.face && last.level === level && (level % 2 === 0 || last.space === space)) {
        last.chars.push(c);
        last.space &&= space;
      } else runs.push({ chars: [c], level, space });
    }
    // the bidi algorithm's rule L2: from the highest level down to the lowest odd one, reverse
    // every stretch of runs at that level or higher
    const max = Math.max(...runs.map((r) => r.level));
    const minOdd = Math.min(...runs.map((r) => (r.level % 2 ? r.level : r.level + 1)));
    for (let lv = max; lv >= minOdd; lv--) {
      for (let i = 0; i < runs.length;) {
        if (runs[i]!.level < lv) {
          i++;
          continue;
        }
        let j = i;
        while (j < runs.length && runs[j]!.level >= lv) j++;
        runs.splice(i, j - i, ...runs.slice(i, j).reverse());
        i = j;
      }
    }
    return runs.map((r) => {
      let text = r.chars.map((c) => c.ch).join('');
      if (r.level % 2 === 1) {
        text = Array.from(text, (ch) => bidi.getMirroredCharacter(ch) ?? ch).join('');
        // fontkit reverses a run whose first letter belongs to a right-to-left script; any other
        // right-to-left run (punctuation, digits in a Hebrew font) is reversed here
        const first = NOT_COMMON.exec(text)?.[0];
        if (!first || !RTL_SCRIPT.test(first)) text = Array.from(text).reverse().join('');
      }
      return { text, face: r.chars[0]!.face, space: r.space };
    });
  }

  /** Lines of at most `width` (measured with `measure`), broken at spaces, and inside words longer than a line. */
  wrap(text: string, o: { weight: Weight; width: number }, measure: Measure): string[] {
    const widthOf = (s: string) => this.width(s, o.weight, measure);
    const out: string[] = [];
    for (const para of text.split('\n')) {
      let line = '';
      for (const word of para.split(/\s+/u).filter(Boolean)) {
        const next = line ? `${line} ${word}` : word;
        if (widthOf(next) <= o.width) {
          line = next;
          continue;
        }
        if (line) out.push(line);
        line = '';
        let rest = word;
        while (widthOf(rest) > o.width) {
          const chars = Array.from(rest);
          let k = chars.length;
          while (k > 1 && widthOf(chars.slice(0, k).join('')) > o.width) k--;
          out.push(chars.slice(0, k).join(''));
          rest = chars.slice(k).join('');
        }
        line = rest;
      }
      out.push(line);
    }
    return out;
  }

  /** How wide a line is drawn. */
  width(line: string, weight: Weight, measure: Measure): number {
    return this.pieces(line, weight).reduce((w, p) => w + measure(p.text, p.face), 0);
  }

  /**
   * A text as placed lines in a box `width` wide: wrapped, each line's pieces with their x.
   * `start` is the left for a left-to-right paragraph and the right for a right-to-left one.
   */
  set(text: string, o: SetOptions, measure: Measure): PlacedLine[] {
    const out: PlacedLine[] = [];
    for (const para of text.split('\n')) {
      const dir = o.dir === 'auto' ? this.direction(para) : (o.dir ?? 'ltr');
      for (const line of o.wrap === false ? [para] : this.wrap(para, o, measure)) {
        let x = 0;
        const pieces = this.pieces(line, o.weight, dir).map((p) => {
          const w = measure(p.text, p.face);
          const placed = { ...p, x, w };
          x += w;
          return placed;
        });
        const align = o.align ?? 'start';
        const shift = align === 'center' ? (o.width - x) / 2 : (align === 'end') === (dir === 'ltr') ? o.width - x : 0;
        for (const p of pieces) p.x += shift;
        out.push({ pieces, width: x });
      }
    }
    return out;
  }
}
