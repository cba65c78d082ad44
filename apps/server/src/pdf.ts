/**
 * The session report as PDF, drawn with pdfkit from the same structure the Markdown report and
 * the JSON download come from. Charts (bars, score distributions, the ally map's heatmap) are
 * vector graphics drawn with pdfkit's vector API. Text goes through `Pen` (pdf-text.ts): names and
 * answers in any of Latin, Greek, Cyrillic, Arabic, Hebrew, Chinese, Japanese and Korean print in
 * a font that has them (Arabic joined, right-to-left lines in reading order), emoji in one colour;
 * the fonts are embedded as subsets, and only those a report needs.
 */
import PDFDocument from 'pdfkit';
import { m, type Locale } from '@canopy/i18n';
import {
  impactSections,
  numberIn,
  reportDate,
  reportLocale,
  reportOverview,
  round1,
  type ImpactData,
  type ReportBlock,
  type ReportSection,
  type SessionData,
} from '@canopy/core';
import { Pen, type PenOptions } from './pdf-text.js';

const INK = '#1f2a24';
const MUTED = '#5b6b62';
const ACCENT = '#2f7d5b';
const RULE = '#d5ddd8';
const HIDDEN = '#eef1ef';
/** one colour per point of a scale, from disagree / rarely (warm) to agree / always (green) */
const SCALE_COLOURS = ['#c8553d', '#e07a5f', '#f2cc8f', '#d9d9d9', '#a8d5ba', '#5fae83', '#2f7d5b'];
const scaleColours = (n: number) =>
  n === 7
    ? SCALE_COLOURS
    : n === 5
      ? [0, 1, 3, 5, 6].map((i) => SCALE_COLOURS[i]!)
      : Array.from({ length: n }, (_, i) => SCALE_COLOURS[Math.round((i * 6) / Math.max(1, n - 1))]!);

type Doc = PDFKit.PDFDocument;

class ReportWriter {
  readonly doc: Doc;
  private readonly pen: Pen;
  private readonly left: number;
  private readonly width: number;

  /** the language of the report's own words (the room's) */
  private readonly locale: Locale;

  /** a figure to one decimal, as the report's language writes it ("3.8", "3,8") */
  private num(v: number): string {
    return numberIn(round1(v), this.locale);
  }

  constructor(title: string, locale: Locale) {
    this.locale = locale;
    this.doc = new PDFDocument({
      size: 'A4',
      margins: { top: 56, bottom: 56, left: 56, right: 56 },
      info: { Title: title, Creator: 'Canopy' },
      bufferPages: false,
    });
    this.pen = new Pen(this.doc);
    this.left = this.doc.page.margins.left;
    this.width = this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  private get bottom() {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  /** Start a new page unless `h` points still fit on this one. */
  private room(h: number) {
    if (this.doc.y + h > this.bottom) this.doc.addPage();
  }

  text(s: string, opts: { font?: 'body' | 'bold'; size?: number; color?: string; gap?: number; indent?: number } = {}) {
    const { doc } = this;
    const o: PenOptions = { size: opts.size ?? 10, weight: opts.font === 'bold' ? 700 : 400, width: this.width - (opts.indent ?? 0), color: opts.color ?? INK };
    // a long paragraph breaks across pages line by line
    for (const line of this.pen.lines(s, o)) {
      this.room(this.pen.lead(o.size));
      this.pen.line(line, this.left + (opts.indent ?? 0), doc.y, o);
      doc.y += this.pen.lead(o.size);
    }
    doc.y += opts.gap ?? 4;
  }

  title(data: SessionData) {
    const o = reportOverview(data);
    this.text(data.room.title, { font: 'bold', size: 22, gap: 2 });
    this.text(o.subtitle, { color: MUTED, gap: 14 });
    const locale = this.locale;
    this.h2(m.server_report_agenda({}, { locale }));
    o.agenda.forEach((a, i) => this.text(`${i + 1}.  ${a}`, { indent: 8, gap: 2 }));
    this.doc.y += 8;
    this.h2(m.server_report_participation({}, { locale }));
    this.text(o.summary);
    if (o.participation.rows.length > 0)
      this.bars(
        m.server_report_took_part_chart({}, { locale }),
        o.participation.rows.map(([label, value]) => ({ label, value })),
        Math.max(1, data.participation.present, ...o.participation.rows.map((r) => r[1])),
      );
  }

  h2(s: string) {
    this.room(60);
    this.doc.y += 6;
    this.text(s, { font: 'bold', size: 15, color: ACCENT, gap: 2 });
    const y = this.doc.y;
    this.doc
      .moveTo(this.left, y)
      .lineTo(this.left + this.width, y)
      .lineWidth(0.6)
      .strokeColor(RULE)
      .stroke();
    this.doc.y = y + 8;
  }

  section(s: ReportSection) {
    this.h2(s.title);
    for (const b of s.blocks) this.block(b);
  }

  block(b: ReportBlock) {
    switch (b.kind) {
      case 'heading':
        this.room(40);
        this.doc.y += 4;
        return this.text(b.text, { font: 'bold', size: 11.5, gap: 4 });
      case 'paragraph':
        return this.text(b.text, { gap: 6 });
      case 'list':
        for (const item of b.items) this.text(`•  ${item}`, { indent: 8, gap: 2 });
        this.doc.y += 4;
        return;
      case 'table':
        return this.table(b.columns, b.rows);
      case 'bars':
        return this.bars(b.title, b.bars, b.max, b.unit);
      case 'distribution':
        return this.distribution(b);
      case 'heatmap':
        return this.heatmap(b);
    }
  }

  table(columns: string[], rows: Array<Array<string | number | null>>) {
    const { doc } = this;
    if (rows.length === 0) return this.text(m.server_report_none({}, { locale: this.locale }), { color: MUTED });
    // Narrow columns for numbers, the rest share the width.
    const numeric = columns.map((_, i) => rows.every((r) => typeof r[i] === 'number' || r[i] === null));
    const narrow = 44;
    const wide = (this.width - narrow * numeric.filter(Boolean).length) / Math.max(1, numeric.filter((n) => !n).length);
    const widths = numeric.map((n) => (n ? narrow : wide));
    const cell = (v: string | number | null) => (v === null ? '–' : typeof v === 'number' ? this.num(v) : v);
    const drawRow = (vals: string[], bold: boolean) => {
      const o = (i: number): PenOptions => ({ size: 9, weight: bold ? 700 : 400, width: widths[i]! - 6, color: INK });
      const h = Math.max(...vals.map((v, i) => this.pen.height(v, o(i)))) + 6;
      this.room(h);
      const y = doc.y;
      let x = this.left;
      vals.forEach((v, i) => {
        this.pen.draw(v, x + 3, y + 3, o(i));
        x += widths[i]!;
      });
      doc
        .moveTo(this.left, y + h)
        .lineTo(this.left + this.width, y + h)
        .lineWidth(0.4)
        .strokeColor(RULE)
        .stroke();
      doc.y = y + h;
    };
    drawRow(columns, true);
    for (const r of rows)
      drawRow(
        columns.map((_, i) => cell(r[i] ?? null)),
        false,
      );
    doc.y += 8;
  }

  bars(title: string, bars: Array<{ label: string; value: number }>, max?: number, unit = '') {
    const { doc } = this;
    this.text(title, { font: 'bold', size: 10, gap: 4 });
    const top = max ?? Math.max(1, ...bars.map((b) => b.value));
    const labelW = Math.min(190, this.width * 0.38);
    const valueW = 44;
    const barW = this.width - labelW - valueW;
    for (const b of bars) {
      const label: PenOptions = { size: 9, width: labelW - 8, color: INK };
      const h = Math.max(14, this.pen.height(b.label, label) + 4);
      this.room(h);
      const y = doc.y;
      this.pen.draw(b.label, this.left, y + 2, label);
      doc.rect(this.left + labelW, y + 3, barW, 9).fill(HIDDEN);
      const w = top > 0 ? (Math.max(0, b.value) / top) * barW : 0;
      if (w > 0) doc.rect(this.left + labelW, y + 3, w, 9).fill(ACCENT);
      this.pen.draw(`${this.num(b.value)}${unit}`, this.left + labelW + barW + 6, y + 2, { size: 9, width: valueW - 6, color: INK });
      doc.y = y + h;
    }
    doc.y += 8;
  }

  distribution(b: Extract<ReportBlock, { kind: 'distribution' }>) {
    const { doc } = this;
    this.room(70);
    this.text(b.title, { font: 'bold', size: 10, gap: 4 });
    const colours = scaleColours(b.scale.length);
    // legend
    let x = this.left;
    let ly = doc.y;
    b.scale.forEach((s, i) => {
      const legend: PenOptions = { size: 7.5, width: 0, color: MUTED, nowrap: true };
      const w = this.pen.width(s, legend) + 16;
      if (x + w > this.left + this.width) {
        x = this.left;
        ly += 12;
      }
      doc.rect(x, ly + 1, 8, 8).fill(colours[i]!);
      this.pen.draw(s, x + 11, ly, legend);
      x += w + 6;
    });
    doc.y = ly + 14;
    const labelW = Math.min(200, this.width * 0.4);
    const barW = this.width - labelW - 70;
    for (const s of b.series) {
      const label: PenOptions = { size: 9, width: labelW - 8, color: INK };
      const h = Math.max(16, this.pen.height(s.label, label) + 4);
      this.room(h);
      const y = doc.y;
      this.pen.draw(s.label, this.left, y + 2, label);
      const bx = this.left + labelW;
      if (s.counts && s.answered > 0) {
        let cx = bx;
        s.counts.forEach((n, i) => {
          const w = (n / s.answered) * barW;
          if (w > 0) doc.rect(cx, y + 3, w, 10).fill(colours[i]!);
          cx += w;
        });
        this.pen.draw(`n=${s.answered}${s.mean !== null ? ` · ${this.num(s.mean)}` : ''}`, bx + barW + 6, y + 3, { size: 8, width: 64, color: MUTED });
      } else {
        doc.rect(bx, y + 3, barW, 10).fill(HIDDEN);
        this.pen.draw((s.answered === 0 ? m.server_report_no_answers : m.server_report_too_few)({}, { locale: this.locale }), bx + 4, y + 4, {
          size: 7.5,
          width: barW - 8,
          color: MUTED,
          nowrap: true,
        });
        this.pen.draw(`n=${s.answered}`, bx + barW + 6, y + 3, { size: 8, width: 64, color: MUTED });
      }
      doc.y = y + h;
    }
    doc.y += 8;
  }

  heatmap(b: Extract<ReportBlock, { kind: 'heatmap' }>) {
    const { doc } = this;
    const rowLabelW = 90;
    const cellW = Math.min(90, (this.width - rowLabelW) / Math.max(1, b.columns.length));
    const cellH = 28;
    this.room(40 + cellH * (b.rows.length + 1));
    this.text(b.title, { font: 'bold', size: 10, gap: 6 });
    const top = Math.max(1, ...b.cells.flat().map((v) => v ?? 0));
    const y0 = doc.y;
    b.columns.forEach((c, j) =>
      this.pen.draw(c, this.left + rowLabelW + j * cellW, y0, { size: 8.5, weight: 700, width: cellW, align: 'center', color: MUTED }),
    );
    const gy = y0 + 16;
    b.rows.forEach((r, i) => {
      const y = gy + i * cellH;
      this.pen.draw(r, this.left, y + cellH / 2 - 5, { size: 8.5, weight: 700, width: rowLabelW - 6, color: INK });
      b.columns.forEach((_, j) => {
        const v = b.cells[i]?.[j] ?? null;
        const x = this.left + rowLabelW + j * cellW;
        if (v === null) {
          doc.rect(x + 1, y + 1, cellW - 2, cellH - 2).fill(HIDDEN);
          this.pen.draw('–', x, y + cellH / 2 - 5, { size: 9, width: cellW, align: 'center', color: MUTED });
        } else {
          const strength = 0.15 + 0.85 * (v / top);
          doc
            .rect(x + 1, y + 1, cellW - 2, cellH - 2)
            .fillOpacity(strength)
            .fill(ACCENT)
            .fillOpacity(1);
          this.pen.draw(String(v), x, y + cellH / 2 - 6, { size: 10, weight: 700, width: cellW, align: 'center', color: strength > 0.55 ? '#ffffff' : INK });
        }
      });
    });
    doc.y = gy + b.rows.length * cellH + 6;
    doc.x = this.left;
    if (b.note) this.text(b.note, { size: 8, color: MUTED, gap: 8 });
  }
}

/** The impact report (the room's effect after its check-ins) as a PDF stream, drawn like the session report. */
export function impactPdf(data: ImpactData): NodeJS.ReadableStream {
  const locale = reportLocale(data);
  const w = new ReportWriter(m.server_impact_doc_title({ title: data.room.title }, { locale }), locale);
  w.text(data.room.title, { font: 'bold', size: 22, gap: 2 });
  const date = reportDate(data.generatedAt, locale);
  w.text(
    data.room.endedAt
      ? m.server_impact_subtitle({ ended: reportDate(data.room.endedAt, locale), code: data.room.code, date }, { locale })
      : m.server_impact_subtitle_open({ code: data.room.code, date }, { locale }),
    {
      color: MUTED,
      gap: 14,
    },
  );
  for (const s of impactSections(data)) w.section(s);
  w.doc.end();
  return w.doc;
}

/** The report as a PDF stream: read it (or pipe it) to get the bytes; it ends by itself. */
export function reportPdf(data: SessionData): NodeJS.ReadableStream {
  const w = new ReportWriter(data.room.title, reportLocale(data));
  w.title(data);
  for (const s of data.steps) if (s.type !== 'slide' || s.section.blocks.length > 0) w.section(s.section);
  if (data.questions) w.section(data.questions.section);
  w.doc.end();
  return w.doc;
}
