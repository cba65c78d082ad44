/**
 * How a line of a name or an answer is cut into pieces for the PDF: each piece in a font that has
 * its characters, right-to-left words in the order they stand on the page, Arabic words whole so
 * that their letters join, and the fonts a text needs known before drawing (so the browser fetches
 * only those). DejaVu Sans' coverage and the Noto fonts' slice tables are the real ones.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';
import { describe, expect, it } from 'vitest';
import { SLICED, Typesetter, baseFace, faceFile, sliceTableFile, type Piece, type SliceTables } from './index';

const require = createRequire(import.meta.url);
const dejavu = fontkit.create(readFileSync(require.resolve(faceFile(baseFace(400))))) as fontkit.Font;
const tables = Object.fromEntries(SLICED.map((f) => [f, require(sliceTableFile(f))])) as SliceTables;
const ts = new Typesetter((cp) => dejavu.hasGlyphForCodePoint(cp), tables);

/** pieces as "text@family" from left to right, spaces as "_" */
const show = (pieces: Piece[]) => pieces.map((p) => (p.space ? '_' : `${p.text}@${p.face.family}`));

describe('cutting a line into pieces', () => {
  it('keeps a line in Latin, Greek and Cyrillic letters as one piece of DejaVu Sans', () => {
    expect(show(ts.pieces('Zoë Ångström · Αλέξης · Дмитрий', 400))).toEqual(['Zoë Ångström · Αλέξης · Дмитрий@base']);
  });

  it('lays an Arabic phrase out right to left, word by word, each word whole for its letters to join', () => {
    // logical "مرحبا بالعالم": the first word stands on the right
    expect(show(ts.pieces('مرحبا بالعالم', 400))).toEqual(['بالعالم@base', '_', 'مرحبا@base']);
    // fontkit joins the letters of a whole word: its glyphs are not the letters' isolated forms
    const word = ts.pieces('يوسف', 400)[0]!.text;
    const isolated = Array.from(word, (ch) => dejavu.glyphForCodePoint(ch.codePointAt(0)!).id);
    expect(
      dejavu
        .layout(word)
        .glyphs.map((g) => g.id)
        .reverse(),
    ).not.toEqual(isolated);
  });

  it('puts a Hebrew name inside an English line where the bidi algorithm says', () => {
    expect(show(ts.pieces('Met דנה כהן today', 400, 'ltr'))).toEqual(['Met @base', 'כהן@base', '_', 'דנה@base', ' today@base']);
  });

  it('numbers after Arabic words stand to their left, in their own order', () => {
    // "step 2 of 5" in Arabic: الخطوة 2 من 5
    expect(show(ts.pieces('الخطوة 2 من 5', 400, 'rtl'))).toEqual(['5@base', '_', 'من@base', '_', '2@base', '_', 'الخطوة@base']);
  });

  it('mirrors brackets in a right-to-left run', () => {
    // (דנה) in a right-to-left paragraph: the run is laid out reversed, so "(" must draw as ")"
    const [piece] = ts.pieces('(דנה)', 400, 'rtl');
    expect(piece!.text).toBe(')דנה(');
  });

  it('draws Chinese in Noto Sans SC, and Han characters beside kana or Hangul in the Japanese or Korean font', () => {
    const families = (text: string) => [...new Set(ts.pieces(text, 400).map((p) => p.face.family))];
    expect(families('陈静')).toEqual(['sc']);
    expect(families('山田はなこ')).toEqual(['jp']);
    expect(families('金 김민수')).toEqual(['kr', 'base']);
  });

  it('draws emoji in Noto Emoji and drops skin tones, joiners and variation selectors it cannot combine', () => {
    expect(show(ts.pieces('Priya 🌱', 400))).toEqual(['Priya @base', '🌱@emoji']);
    expect(ts.pieces('👩🏽‍💻', 400).map((p) => [p.text, p.face.family].join('@'))).toEqual(expect.arrayContaining([expect.stringMatching(/^👩.*@emoji$/)]));
    expect(
      ts
        .pieces('👩🏽‍💻', 400)
        .map((p) => p.text)
        .join(''),
    ).toBe('👩💻');
    // a heart DejaVu Sans has: drawn from it, in text style
    expect(ts.pieces('❤️', 400).map((p) => [p.text, p.face.family])).toEqual([['❤', 'base']]);
  });

  it('shows a character none of the fonts has as □, and says the texts need it', () => {
    expect(show(ts.pieces('ሰላም', 400))).toEqual([`${'□'.repeat(Array.from('ሰላም').length)}@base`]);
    expect(ts.missing(['ሰላም'])).toBe(true);
    expect(ts.missing(['陈静', 'أحمد', '🌱'])).toBe(false);
  });
});

describe('knowing the fonts before drawing', () => {
  it('a Latin text needs DejaVu Sans alone, and no slice table', () => {
    expect(ts.faces(['Zoë', 'Дмитрий', 'أحمد', 'דנה'], 400).map((f) => f.id)).toEqual(['base-all-400']);
    expect(ts.slicedFamilies(['Zoë', 'Дмитрий', 'أحمد', 'דנה', '© ™'])).toEqual([]);
  });

  it('a Chinese name needs the one or two slices that hold its characters', () => {
    const faces = ts.faces(['王芳'], 700).filter((f) => f.family === 'sc');
    expect(faces.length).toBeGreaterThanOrEqual(1);
    expect(faces.length).toBeLessThanOrEqual(2);
    expect(faces.every((f) => f.weight === 700 && /^\d+$/.test(f.slice))).toBe(true);
    expect(faceFile(faces[0]!)).toMatch(/^@fontsource\/noto-sans-sc\/files\/noto-sans-sc-\d+-700-normal\.woff$/);
    expect(ts.slicedFamilies(['王芳', '김민수', '🌳'])).toEqual(['sc', 'kr', 'emoji']);
  });

  it('a typesetter without tables learns them later (the browser loads only those needed)', () => {
    const bare = new Typesetter((cp) => dejavu.hasGlyphForCodePoint(cp));
    expect(bare.pieces('王', 400)[0]!.text).toBe('□');
    bare.addTables({ sc: tables.sc });
    expect(bare.pieces('王', 400)[0]!.face.family).toBe('sc');
  });
});

describe('setting a paragraph in a box', () => {
  const measure = (text: string) => Array.from(text).length * 6;

  it('wraps at spaces and sets a right-to-left paragraph flush right when asked to follow its own direction', () => {
    const lines = ts.set('أحمد يوسف', { weight: 400, width: 100, dir: 'auto' }, measure);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.width).toBe(9 * 6);
    expect(lines[0]!.pieces[0]!.x).toBe(100 - 9 * 6);
    // in an English document it stays at the left
    expect(ts.set('أحمد يوسف', { weight: 400, width: 100 }, measure)[0]!.pieces[0]!.x).toBe(0);
    expect(ts.set('Zoë Ångström and Łukasz', { weight: 400, width: 80 }, measure).map((l) => l.pieces.map((p) => p.text).join(''))).toEqual([
      'Zoë Ångström',
      'and Łukasz',
    ]);
  });
});
