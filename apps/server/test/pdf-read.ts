/**
 * Reading a PDF back with poppler's tools, as a person's PDF reader would: its text (`pdftotext`),
 * its fonts (`pdffonts`) and whether a word is really drawn (`pdftotext -bbox` finds the word,
 * `pdftoppm` renders that box, and dark pixels must be there: a font whose glyphs come out empty
 * would still give its text to pdftotext). Used by the report's tests and the pack's browser story.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Unicode marks pdftotext puts around a right-to-left stretch of a line (RLE … PDF). */
export const RLE = '\u202b';
export const PDF_MARK = '\u202c';

export interface ReadPdf {
  /** pdftotext's lines, trimmed */
  lines: string[];
  /**
   * the fonts, without subset tags (pdfkit's `ABCDEF+`, pdf-lib's `-1234`), whether each is
   * embedded, and whether it is tagged as a subset (pdfkit tags them; pdf-lib subsets without a tag)
   */
  fonts: Array<{ name: string; embedded: boolean; subset: boolean }>;
  /** how many dark pixels the box of the first word equal to `word` has on its page (null: no such word) */
  ink(word: string): Promise<number | null>;
  close(): Promise<void>;
}

export async function readPdf(pdf: Uint8Array): Promise<ReadPdf> {
  const dir = await mkdtemp(join(tmpdir(), 'canopy-pdf-'));
  const file = join(dir, 'file.pdf');
  await writeFile(file, pdf);
  const [{ stdout: text }, { stdout: fontList }, { stdout: boxes }] = await Promise.all([
    run('pdftotext', ['-enc', 'UTF-8', file, '-']),
    run('pdffonts', [file]),
    run('pdftotext', ['-bbox', '-enc', 'UTF-8', file, '-']),
  ]);
  const fonts = fontList
    .split('\n')
    .slice(2)
    .filter(Boolean)
    .map((l) => {
      const cols = l.trim().split(/\s+/);
      // name, type (one or more words), encoding, emb, sub, uni, object id, generation
      const [emb, sub] = cols.slice(-5, -3);
      return { name: cols[0]!.replace(/^[A-Z]{6}\+/, '').replace(/-\d+$/, ''), embedded: emb === 'yes', subset: emb === 'yes' && sub === 'yes' };
    });
  // <page width="595" height="842"> … <word xMin="…" yMin="…" xMax="…" yMax="…">text</word>
  const words: Array<{ page: number; text: string; box: number[] }> = [];
  let page = 0;
  for (const m of boxes.matchAll(/<page |<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
    if (m[0] === '<page ') page++;
    else words.push({ page, text: unescape(m[5]!), box: m.slice(1, 5).map(Number) });
  }
  return {
    lines: text.split('\n').map((l) => l.trim()),
    fonts,
    async ink(word) {
      const w = words.find((x) => x.text === word);
      if (!w) return null;
      const scale = 2; // 144 dpi
      const [x0, y0, x1, y1] = w.box.map((v) => v * scale) as [number, number, number, number];
      const out = join(dir, `box-${Math.random().toString(36).slice(2)}`);
      await run('pdftoppm', [
        '-gray',
        '-r',
        String(72 * scale),
        '-f',
        String(w.page),
        '-l',
        String(w.page),
        '-singlefile',
        '-x',
        String(Math.floor(x0)),
        '-y',
        String(Math.floor(y0)),
        '-W',
        String(Math.ceil(x1 - x0)),
        '-H',
        String(Math.ceil(y1 - y0)),
        file,
        out,
      ]);
      const { readFile } = await import('node:fs/promises');
      const pgm = await readFile(`${out}.pgm`);
      // P5 <width> <height> <max>\n then one byte per pixel
      const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 40).toString('latin1'))!;
      const pixels = pgm.subarray(header[0].length);
      let dark = 0;
      for (const v of pixels) if (v < 128) dark++;
      return dark;
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
