/**
 * What the session produced, as the facilitator may see it (issue #8). Each activity module
 * contributes its own part through `outcomes(ctx)`: a report section — a small structured
 * document of headings, paragraphs, lists, tables and charts described as data (bars, score
 * distributions, the ally map's heatmap grid) — and its raw data tables. The server draws the same
 * sections as PDF; `renderMarkdown` draws them as Markdown; the JSON download is the structure
 * itself, validated by the published schema made from these zod schemas.
 */
import { z } from 'zod';
import { baseLocale, formatNumber, m, type Locale } from '@canopy/i18n';

export const Cell = z.union([z.string(), z.number(), z.null()]);
export type Cell = z.infer<typeof Cell>;

export const ReportBlockSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('heading'), text: z.string() }),
  z.object({ kind: z.literal('paragraph'), text: z.string() }),
  z.object({ kind: z.literal('list'), items: z.array(z.string()) }),
  z.object({ kind: z.literal('table'), columns: z.array(z.string()), rows: z.array(z.array(Cell)) }),
  /** a horizontal bar chart: one bar per label; `max` is the scale's end (defaults to the largest value) */
  z.object({
    kind: z.literal('bars'),
    title: z.string(),
    bars: z.array(z.object({ label: z.string(), value: z.number() })),
    max: z.number().optional(),
    /** how values read, e.g. "%" for shares in percent */
    unit: z.string().optional(),
  }),
  /**
   * Answers on a scale (Likert, disagree–agree): one row of counts per series. `counts` is null
   * when the series is based on fewer people than the step's minimum group size (not shown).
   */
  z.object({
    kind: z.literal('distribution'),
    title: z.string(),
    scale: z.array(z.string()),
    series: z.array(z.object({ label: z.string(), answered: z.number(), counts: z.array(z.number()).nullable(), mean: z.number().nullable() })),
  }),
  /** a grid of counts (the ally map: direction × closeness); null cells are below the minimum group size */
  z.object({
    kind: z.literal('heatmap'),
    title: z.string(),
    rows: z.array(z.string()),
    columns: z.array(z.string()),
    cells: z.array(z.array(z.number().nullable())),
    note: z.string().optional(),
  }),
]);
export type ReportBlock = z.infer<typeof ReportBlockSchema>;

export const ReportSectionSchema = z.object({
  title: z.string(),
  blocks: z.array(ReportBlockSchema),
});
export type ReportSection = z.infer<typeof ReportSectionSchema>;

/** Stable snake_case names: they are the CSV file names and headers people build spreadsheets on. */
export const OutcomeTableSchema = z.object({
  name: z.string().regex(/^[a-z0-9_]+$/),
  columns: z.array(z.string().regex(/^[a-z0-9_]+$/)),
  rows: z.array(z.array(Cell)),
});
export type OutcomeTable = z.infer<typeof OutcomeTableSchema>;

export interface ActivityOutcomes {
  section: ReportSection;
  tables: OutcomeTable[];
  /**
   * Who took part in the step (participant ids), when the module knows better than "has an own
   * record" (e.g. partnership notes live in group records: their authors took part).
   */
  active?: string[];
}

/** What an activity's `outcomes` hook sees: exactly what the facilitator may see of the step. */
export interface OutcomesContext<Config, Shared = unknown> {
  step: { id: string; title: string };
  config: Config;
  /** the phase the step is in or was left in (null for a step never run) */
  phase: string | null;
  /** the step's aggregate counters */
  counters: Record<string, number>;
  /** participants who have joined the room (not removed) */
  participants: number;
  /** everyone who joined (not removed), in join order */
  roster: Array<{ id: string; nickname: string; department: string | null; level: string | null }>;
  /** every participant or group record of the step (the shared state left out) */
  records: Array<{ scope: string; value: unknown }>;
  shared: Shared | undefined;
  /** the room's language: the section's own words are in it (absent: English) */
  locale?: Locale;
}

// --- helpers for modules -----------------------------------------------------------------------

export const heading = (text: string): ReportBlock => ({ kind: 'heading', text });
export const paragraph = (text: string): ReportBlock => ({ kind: 'paragraph', text });
export const list = (items: string[]): ReportBlock => ({ kind: 'list', items });
export const table = (columns: string[], rows: Cell[][]): ReportBlock => ({ kind: 'table', columns, rows });

/**
 * Small groups stay hidden, on every screen and in every download. A count of people is shown
 * only when at least `minGroupSize` people make it. A share ("25 % have an ally above", "3 of 5
 * moved") is shown only when the people it counts are at least `minGroupSize` — in a room of four,
 * 25 % is one person — or nobody at all ("0 %", nothing to point at), and the room it is a share
 * of is at least that big too.
 */
export const shownCount = (n: number, minGroupSize: number): number | null => (n >= minGroupSize && n > 0 ? n : null);
export function shareShown(n: number, of: number, minGroupSize: number): boolean {
  return of > 0 && of >= minGroupSize && (n === 0 || n >= minGroupSize);
}

/** "3 of 12 people" in `locale` (the room's) */
export const ofPeopleIn = (n: number, total: number, locale: Locale) => m.server_report_of_people({ n, count: total }, { locale });
/** A number in a report's sentence: as the locale writes it (English as it always printed, e.g. "1.5"). */
export const numberIn = (value: number, locale: Locale): string => (locale === baseLocale ? String(value) : formatNumber(locale, value));
export const round1 = (x: number) => Math.round(x * 10) / 10;

// --- Markdown ----------------------------------------------------------------------------------

/** Text people typed, as Markdown text: nothing in it becomes markup or HTML. */
export function mdText(s: string): string {
  return s
    .replace(/\r?\n/g, ' ')
    .replace(/([\\`*_{}[\]|~])/g, '\\$1')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/^(\s*)([#+-]|\d+[.)])/, '$1\\$2');
}

const mdCell = (c: Cell, locale: Locale) => (c === null ? '–' : typeof c === 'number' ? numberIn(round1(c), locale) : mdText(c));

function mdTable(columns: string[], rows: Cell[][], locale: Locale): string {
  if (columns.length === 0) return '';
  const head = `| ${columns.map(mdText).join(' | ')} |`;
  const rule = `| ${columns.map(() => '---').join(' | ')} |`;
  return [head, rule, ...rows.map((r) => `| ${columns.map((_, i) => mdCell(r[i] ?? null, locale)).join(' | ')} |`)].join('\n');
}

const BAR_WIDTH = 20;
const bar = (value: number, max: number) => '█'.repeat(max > 0 ? Math.round((Math.max(0, value) / max) * BAR_WIDTH) : 0);

/** One block as Markdown; the words the report adds itself ("None.", the table's own columns) in `locale`. */
export function blockMarkdown(b: ReportBlock, locale: Locale = baseLocale): string {
  const none = `_${m.server_report_none({}, { locale })}_`;
  switch (b.kind) {
    case 'heading':
      return `### ${mdText(b.text)}`;
    case 'paragraph':
      return mdText(b.text);
    case 'list':
      return b.items.length === 0 ? none : b.items.map((i) => `- ${mdText(i)}`).join('\n');
    case 'table':
      return b.rows.length === 0 ? none : mdTable(b.columns, b.rows, locale);
    case 'bars': {
      const max = b.max ?? Math.max(0, ...b.bars.map((x) => x.value));
      const unit = b.unit ?? '';
      return [
        `**${mdText(b.title)}**`,
        '',
        ...b.bars.map((x) => `- ${mdText(x.label)}: \`${bar(x.value, max).padEnd(BAR_WIDTH, '·')}\` ${numberIn(round1(x.value), locale)}${unit}`),
      ].join('\n');
    }
    case 'distribution': {
      const columns = ['', ...b.scale, m.server_report_answered({}, { locale }), m.server_report_mean({}, { locale })];
      const rows: Cell[][] = b.series.map((s) => [s.label, ...(s.counts ?? b.scale.map(() => null)), s.answered, s.mean]);
      return `**${mdText(b.title)}**\n\n${mdTable(columns, rows, locale)}\n\n_${m.server_report_hidden_note({}, { locale })}_`;
    }
    case 'heatmap': {
      const rows: Cell[][] = b.rows.map((r, i) => [r, ...(b.cells[i] ?? []).map((c) => c)]);
      return [`**${mdText(b.title)}**`, '', mdTable(['', ...b.columns], rows, locale), ...(b.note ? ['', `_${mdText(b.note)}_`] : [])].join('\n');
    }
  }
}

export function sectionMarkdown(s: ReportSection, level = 2, locale: Locale = baseLocale): string {
  return [`${'#'.repeat(level)} ${mdText(s.title)}`, ...s.blocks.map((b) => blockMarkdown(b, locale))].join('\n\n');
}
