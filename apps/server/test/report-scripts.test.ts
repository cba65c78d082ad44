/**
 * A facilitator in a global organisation plans a workshop whose title and steps are written in
 * eight scripts, and downloads the report PDF. Read back with poppler's tools, every title comes
 * back as typed — accents, Greek, Cyrillic, Chinese, Japanese and Korean as they are, Arabic
 * (its letters joined) and Hebrew in reading order (pdftotext puts a right-to-left stretch between the Unicode marks RLE
 * and PDF, U+202B … U+202C), emoji as themselves — and is really drawn, each script in a font
 * that has it, embedded as a subset; a report in Latin letters embeds DejaVu Sans alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '@canopy/client';
import type { NewRoom } from '@canopy/core';
import { startServer, type CanopyServer } from '../src/index.js';
import { PDF_MARK, readPdf, RLE } from './pdf-read.js';
import { testConfig } from './support.js';

/** Each script's step: its title and the slide's text. */
export const SCRIPTS = {
  latin: { title: 'Zoë Ångström, Łukasz & Çağla', body: 'Núñez and Ødegård open the day.' },
  greek: { title: 'Αλέξης Παπαδόπουλος', body: 'Η εμπιστοσύνη χτίζεται σιγά σιγά.' },
  cyrillic: { title: 'Дмитрий Иванов', body: 'Доверие строится понемногу.' },
  chinese: { title: '陈静的团队', body: '信任来自每天的小事。' },
  japanese: { title: '山田はなこ', body: 'チームで一緒に話しましょう。' },
  korean: { title: '김민수와 동료들', body: '함께 일하는 동료를 믿어요.' },
  arabic: { title: 'أحمد يوسف', body: 'الثقة تبنى خطوة بخطوة' },
  hebrew: { title: 'דנה כהן', body: 'אמון נבנה לאט לאט' },
  emoji: { title: 'Priya 🌱', body: 'Trees 🌳 and targets 🎯' },
} as const;

let server: CanopyServer;

async function report(title: string, agenda: NewRoom['agenda']): Promise<Buffer> {
  const room = await createApi(server.url).rooms.create.mutate({ title, agenda });
  const res = await fetch(`${server.url}/api/rooms/${room.roomId}/report.pdf`, { headers: { Authorization: `Bearer ${room.facilitatorToken}` } });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

const slidesOf = (texts: ReadonlyArray<{ title: string; body: string }>): NewRoom['agenda'] =>
  texts.map((t, i) => ({ id: `s${i + 1}`, type: 'slide', title: t.title, durationSec: 0, config: { body: t.body } }));

const RTL = /[\u0590-\u06ff]/;

beforeAll(async () => {
  server = await startServer(testConfig({ DOWNLOAD_RATE_PER_MIN: 1000 }));
});

afterAll(async () => {
  await server?.close();
});

describe('the report PDF in every script', () => {
  it('prints each script’s title as typed, right-to-left ones in reading order', async () => {
    const pdf = await readPdf(await report('Allies — 同盟', slidesOf(Object.values(SCRIPTS))));
    const { lines } = pdf;
    expect(lines[0]).toBe('Allies — 同盟');
    // the agenda: "7. أحمد يوسف — Slide (not run)"; pdftotext keeps the dash with the Arabic it follows
    const agenda = Object.values(SCRIPTS).map((s) => s.title);
    agenda.forEach((title, i) => {
      const line = lines.find((l) => l.startsWith(`${i + 1}. `));
      if (RTL.test(title)) expect(line).toBe(`${i + 1}. ${RLE} — ${title}${PDF_MARK}Slide (not run)`);
      else expect(line).toBe(`${i + 1}. ${title} — Slide (not run)`);
    });
    // each step's heading, alone on its line
    for (const { title } of Object.values(SCRIPTS)) {
      const expected = RTL.test(title) ? `${RLE}${title}${PDF_MARK}` : title;
      expect(lines.filter((l) => l === expected)).toHaveLength(1);
    }
    // and each is really drawn: dark pixels in the word's box (pdftotext -bbox gives right-to-left
    // words in the order of their letters on the page)
    const reversed = (w: string) => Array.from(w).reverse().join('');
    for (const word of ['Allies', '同盟', 'Дмитрий', 'Αλέξης', '陈静的团队', '山田はなこ', '김민수와', '🌱', reversed('يوسف'), reversed('כהן')])
      expect(await pdf.ink(word), word).toBeGreaterThan(20);
    // DejaVu Sans for Latin, Greek, Cyrillic, Arabic and Hebrew, a Noto font for each of the
    // others, in the weights used, each a subset of its glyphs (Fontsource's
    // static cuts of the Noto fonts keep "Thin" in some names: their glyphs are regular and bold)
    const used = pdf.fonts;
    expect(used.every((f) => f.subset)).toBe(true);
    expect(new Set(used.map((f) => f.name.replace(/Thin-/, '-')))).toEqual(
      new Set(['DejaVuSans', 'DejaVuSans-Bold', 'NotoEmoji-Regular', ...['SC', 'JP', 'KR'].flatMap((s) => [`NotoSans${s}-Regular`, `NotoSans${s}-Bold`])]),
    );
    await pdf.close();
  });

  it('a report in Latin letters only embeds DejaVu Sans and nothing else', async () => {
    const pdf = await readPdf(await report('Allies day', slidesOf([SCRIPTS.latin, SCRIPTS.greek, SCRIPTS.cyrillic])));
    expect(new Set(pdf.fonts.map((f) => f.name))).toEqual(new Set(['DejaVuSans', 'DejaVuSans-Bold']));
    for (const s of [SCRIPTS.latin, SCRIPTS.greek, SCRIPTS.cyrillic]) expect(pdf.lines).toContain(s.title);
    await pdf.close();
  });
});
