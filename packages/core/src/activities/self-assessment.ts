/**
 * Self-assessment. Participants rate how often a few ally-building practices are true of them on
 * a five-point scale. The console and the projector show one anonymous bar chart per statement,
 * live; after the facilitator moves to results, every phone shows the room's distribution next to
 * the participant's own answers. A distribution based on fewer than `minGroupSize` answers is
 * never shown, so nobody's rating can be read off a small room.
 */
import { z } from 'zod';
import { reduceEach, type ActivityModule, type Counters, type Outcome, type PresenterContext, type PreviewContext } from '../activity.js';
import { wholeNumber } from '../issues.js';
import { ofPeopleIn, paragraph, round1, type ActivityOutcomes, type OutcomesContext, type ReportBlock } from '../report.js';
import { baseLocale, m } from '@canopy/i18n';

export const LIKERT_POINTS = 5;
export const SELF_ASSESSMENT_MAX_STATEMENTS = 24;

/** Statement ids appear in counter keys (`s:<id>:<value>`), so they are kept to a safe alphabet. */
export const StatementIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1–40 letters, digits, - or _');

export const THEME_MAX = 60;

export const StatementSchema = z.object({
  id: StatementIdSchema,
  text: z.string().min(1, 'a statement is empty — write it or remove it').max(300),
  /** the practice this statement belongs to; the results group statements by it and name the room's weakest */
  theme: z.string().trim().max(THEME_MAX).default(''),
});
export type Statement = z.infer<typeof StatementSchema>;

/**
 * The habits of a good ally and the ingredients of other people's commitment to your success that
 * a person can rate about themselves, grouped into five practices.
 */
export const DEFAULT_THEMES = {
  understand: 'Understand what matters to them',
  give: 'Give first',
  trust: 'Be someone people can rely on',
  connect: 'Stay connected',
  open: 'Welcome challenge',
} as const;

const t = DEFAULT_THEMES;
export const DEFAULT_STATEMENTS: Statement[] = [
  { id: 'their-goals', theme: t.understand, text: 'I find out what the people I work with are trying to achieve, and what success would look like for them.' },
  { id: 'their-world', theme: t.understand, text: 'I know what drives my colleagues beyond their job title: what they care about and what they need.' },
  { id: 'genuine', theme: t.understand, text: 'My interest in colleagues is real: I show who I am instead of playing a part.' },
  { id: 'listen-closely', theme: t.understand, text: 'In conversations I listen closely to the words people use, so I understand what matters to them.' },
  { id: 'offer-help', theme: t.give, text: 'I offer to help before anyone has to ask me.' },
  { id: 'ask-how', theme: t.give, text: 'Once I know what a colleague is aiming for, I ask how I can help them get there.' },
  { id: 'no-score', theme: t.give, text: 'I help without keeping score or expecting anything back.' },
  { id: 'their-growth', theme: t.give, text: 'I support colleagues’ growth with feedback or coaching, after checking that they want it.' },
  { id: 'follow-through', theme: t.trust, text: 'When I say I will do something, I do it, and on time.' },
  { id: 'confidences', theme: t.trust, text: 'What someone tells me in confidence stays with me.' },
  { id: 'honest-limits', theme: t.trust, text: 'When I cannot do what someone asks, I say so plainly rather than agreeing and letting it slide.' },
  { id: 'considerate-asks', theme: t.trust, text: 'Before I ask for a favour, I check that it will not put the other person in an awkward position.' },
  { id: 'in-touch', theme: t.connect, text: 'I stay in touch with my allies when I need nothing from them.' },
  { id: 'thanks', theme: t.connect, text: 'I thank people for their support, the small favours as well as the big ones.' },
  { id: 'acknowledge', theme: t.connect, text: 'I notice what colleagues achieve and say so, to them and to others.' },
  { id: 'widen', theme: t.connect, text: 'I keep widening my circle instead of leaning on the same one or two supporters.' },
  { id: 'ask-impact', theme: t.open, text: 'I ask colleagues how my way of working lands with them, including the parts I may not see.' },
  { id: 'involve-early', theme: t.open, text: 'I bring others into my thinking while an idea is still rough, and I listen to what they say.' },
  { id: 'disagreement', theme: t.open, text: 'When someone disagrees with me, I treat it as a chance to test and improve my view.' },
  {
    id: 'raise-concerns',
    theme: t.open,
    text: 'When something a colleague does bothers me, I tell them directly instead of keeping it to myself or going around them.',
  },
  { id: 'willing-wrong', theme: t.open, text: 'I can say I was wrong, and I own my part when something goes badly.' },
];

export const DEFAULT_SCALE = ['Rarely', 'Sometimes', 'Often', 'Usually', 'Almost always'] as const;

export const SelfAssessmentConfig = z.object({
  prompt: z
    .string()
    .max(600)
    .default('Think about the last few months at work. How often is each of these true of you? Your own answers are never shown to anyone else.'),
  statements: z
    .array(StatementSchema)
    .min(1)
    .max(SELF_ASSESSMENT_MAX_STATEMENTS)
    .refine((s) => new Set(s.map((x) => x.id)).size === s.length, 'statement ids must be unique')
    .default(() => DEFAULT_STATEMENTS.map((s) => ({ ...s }))),
  /** labels for the points 1…5, lowest first */
  scale: z
    .array(z.string().min(1, 'every point of the scale needs a label').max(40))
    .length(LIKERT_POINTS, 'every point of the scale needs a label')
    .default(() => [...DEFAULT_SCALE]),
  /** a statement's distribution based on fewer answers than this is not shown */
  minGroupSize: wholeNumber(1, 20, 'the minimum group size').default(3),
  /** keep the projector to progress only until the results phase (the console always sees the bars) */
  hideUntilResults: z.boolean().default(false),
});
export type SelfAssessmentConfig = z.infer<typeof SelfAssessmentConfig>;

export const SelfAssessmentInput = z.discriminatedUnion('op', [
  /** set (or change) the answer to one statement: a replay sets the same value again */
  z.object({ op: z.literal('rate'), statementId: StatementIdSchema, value: z.number().int().min(1).max(LIKERT_POINTS) }),
  z.object({ op: z.literal('clear'), statementId: StatementIdSchema }),
]);
export type SelfAssessmentInput = z.infer<typeof SelfAssessmentInput>;

export interface SelfAssessmentRecord {
  /** statement id → 1…5 */
  ratings: Record<string, number>;
}

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

export function reduceSelfAssessment(
  rec: SelfAssessmentRecord,
  input: SelfAssessmentInput,
  config: Pick<SelfAssessmentConfig, 'statements'>,
): Outcome<SelfAssessmentRecord> {
  const known = config.statements.some((s) => s.id === input.statementId);
  if (input.op === 'rate') {
    if (!known) return { ok: false, error: `There is no statement “${input.statementId}” in this self-assessment.` };
    if (has(rec.ratings, input.statementId) && rec.ratings[input.statementId] === input.value) return { ok: true, value: rec };
    return { ok: true, value: { ratings: { ...rec.ratings, [input.statementId]: input.value } } };
  }
  // Clearing an answer to a statement the facilitator has since removed is allowed: it tidies up.
  if (!has(rec.ratings, input.statementId)) {
    return known ? { ok: true, value: rec } : { ok: false, error: `There is no statement “${input.statementId}” in this self-assessment.` };
  }
  const ratings = { ...rec.ratings };
  delete ratings[input.statementId];
  return { ok: true, value: { ratings } };
}

/** Whether these ratings answer every statement of the step. */
const answersAll = (ratings: Record<string, number>, config: Pick<SelfAssessmentConfig, 'statements'>) => config.statements.every((s) => has(ratings, s.id));

/** One participant's share of the room's counters: a histogram bar per answer, and progress. */
export function selfAssessmentContribution(rec: SelfAssessmentRecord, config: Pick<SelfAssessmentConfig, 'statements'>): Counters {
  const c: Counters = {};
  const answers = Object.entries(rec.ratings);
  for (const [id, v] of answers) c[`s:${id}:${v}`] = 1;
  if (answers.length > 0) c['people:any'] = 1;
  if (answersAll(rec.ratings, config)) c['people:all'] = 1;
  return c;
}

/**
 * `counterDelta` of the two records' contributions, without building either: only the statements
 * whose answer changed, and the two progress counters (an answer changes one statement).
 */
export function selfAssessmentDelta(prev: SelfAssessmentRecord, next: SelfAssessmentRecord, config: Pick<SelfAssessmentConfig, 'statements'>): Counters {
  const out: Counters = {};
  const a = prev.ratings;
  const b = next.ratings;
  if (a === b) return out;
  const before = Object.keys(a);
  const after = Object.keys(b);
  let moved = false; // a statement answered or cleared (not just answered differently)
  for (const id of before) {
    const v = a[id];
    if (!has(b, id)) moved = true;
    else if (b[id] === v) continue;
    out[`s:${id}:${v}`] = -1;
    if (has(b, id)) out[`s:${id}:${b[id]}`] = 1;
  }
  for (const id of after) {
    if (has(a, id)) continue;
    moved = true;
    out[`s:${id}:${b[id]}`] = 1;
  }
  if (!moved) return out;
  const any = (n: number) => (n > 0 ? 1 : 0);
  const anyDelta = any(after.length) - any(before.length);
  if (anyDelta) out['people:any'] = anyDelta;
  const allDelta = Number(answersAll(b, config)) - Number(answersAll(a, config));
  if (allDelta) out['people:all'] = allDelta;
  return out;
}

// --- the room's picture ------------------------------------------------------------------------

export interface StatementResult {
  id: string;
  text: string;
  /** how many answered this statement */
  answered: number;
  /** people per point of the scale (index 0 = lowest); null when fewer than minGroupSize answered */
  counts: number[] | null;
  /** average on the 1–5 scale; null when the counts are withheld */
  mean: number | null;
}

export interface SelfAssessmentPresenterView {
  phase: string;
  /** false on the projector while answering when the facilitator keeps the bars for the results */
  revealed: boolean;
  participants: number;
  /** people who answered at least one statement / every statement */
  answeredAny: number;
  answeredAll: number;
  minGroupSize: number;
  scale: string[];
  statements: StatementResult[];
  /** the statements grouped by practice, with the room's average for each (empty when no statement has a theme) */
  themes: ThemeResult[];
  /** the practice the room rates itself lowest on (null until two themes have results) */
  weakest: string | null;
}

export function statementResults(ctx: Pick<PresenterContext<SelfAssessmentConfig>, 'config' | 'counters'>): StatementResult[] {
  const { config, counters: c } = ctx;
  return config.statements.map((s) => {
    const raw = Array.from({ length: LIKERT_POINTS }, (_, i) => c[`s:${s.id}:${i + 1}`] ?? 0);
    const answered = raw.reduce((a, b) => a + b, 0);
    if (answered < config.minGroupSize || answered === 0) return { id: s.id, text: s.text, answered, counts: null, mean: null };
    const mean = raw.reduce((sum, n, i) => sum + n * (i + 1), 0) / answered;
    return { id: s.id, text: s.text, answered, counts: raw, mean };
  });
}

export interface ThemeResult {
  theme: string;
  /** the theme's statements, in config order */
  statementIds: string[];
  /** statements of the theme whose distribution is shown (enough answers) */
  shown: number;
  /** average of the shown statements' answers on the 1–5 scale, weighted by answers; null when none is shown */
  mean: number | null;
}

/**
 * The results grouped by practice (statements without a theme are left out): each theme's average
 * over the statements shown, so a withheld statement adds nothing that could be read off a small
 * room. `weakest` is the theme with the lowest average, where the room has the most to practise.
 */
export function themeResults(results: readonly StatementResult[], statements: readonly Statement[]): { themes: ThemeResult[]; weakest: string | null } {
  const order: string[] = [];
  const byTheme = new Map<string, StatementResult[]>();
  for (const s of statements) {
    if (!s.theme) continue;
    const r = results.find((x) => x.id === s.id);
    if (!r) continue;
    if (!byTheme.has(s.theme)) {
      byTheme.set(s.theme, []);
      order.push(s.theme);
    }
    byTheme.get(s.theme)!.push(r);
  }
  const themes = order.map((theme) => {
    const rs = byTheme.get(theme)!;
    const shown = rs.filter((r) => r.mean !== null);
    const answers = shown.reduce((n, r) => n + r.answered, 0);
    const mean = answers > 0 ? shown.reduce((sum, r) => sum + r.mean! * r.answered, 0) / answers : null;
    return { theme, statementIds: rs.map((r) => r.id), shown: shown.length, mean };
  });
  const withMean = themes.filter((x) => x.mean !== null);
  const weakest = withMean.length >= 2 ? withMean.reduce((a, b) => (b.mean! < a.mean! ? b : a)).theme : null;
  return { themes, weakest };
}

export function selfAssessmentPresenterView(ctx: PresenterContext<SelfAssessmentConfig>): SelfAssessmentPresenterView {
  const { config, counters: c } = ctx;
  const revealed = ctx.audience === 'console' || ctx.phase !== 'answer' || !config.hideUntilResults;
  const results = statementResults(ctx);
  const shown = revealed ? results : results.map((r) => ({ ...r, counts: null, mean: null }));
  return {
    phase: ctx.phase,
    revealed,
    participants: ctx.participants,
    answeredAny: c['people:any'] ?? 0,
    answeredAll: c['people:all'] ?? 0,
    minGroupSize: config.minGroupSize,
    scale: [...config.scale],
    statements: shown,
    ...themeResults(shown, config.statements),
  };
}

export interface SelfAssessmentRoomView {
  scale: string[];
  minGroupSize: number;
  statements: StatementResult[];
  themes: ThemeResult[];
  weakest: string | null;
}

/** The room's answers for a phone: only once the facilitator has moved to results, so nobody is nudged. */
export function selfAssessmentRoomView(ctx: PresenterContext<SelfAssessmentConfig>): SelfAssessmentRoomView | null {
  if (ctx.phase !== 'results') return null;
  const statements = statementResults(ctx);
  return { scale: [...ctx.config.scale], minGroupSize: ctx.config.minGroupSize, statements, ...themeResults(statements, ctx.config.statements) };
}

export interface SelfAssessmentOwnView extends SelfAssessmentRecord {
  /** how many statements this participant has answered */
  answered: number;
  /** statement ids rated highest (at least 4), best first: practices to build on */
  strengths: string[];
  /** statement ids rated lowest (at most 2), lowest first: practices to try next */
  toPractise: string[];
}

export function selfAssessmentOwnView(rec: SelfAssessmentRecord): SelfAssessmentOwnView {
  // One pass over the answers in the record's order; each list keeps its three best so far, a later
  // answer going after the equal ones already there — the same as a stable sort of all of them.
  const strengths: Array<[string, number]> = [];
  const toPractise: Array<[string, number]> = [];
  let answered = 0;
  for (const id of Object.keys(rec.ratings)) {
    const v = rec.ratings[id]!;
    answered++;
    if (v >= 4) keepTop(strengths, id, v, -1);
    else if (v <= 2) keepTop(toPractise, id, v, 1);
  }
  return { ratings: { ...rec.ratings }, answered, strengths: strengths.map(([id]) => id), toPractise: toPractise.map(([id]) => id) };
}

/** Insert into `top` (ordered by `dir * value`, at most three long) after the entries it does not beat. */
function keepTop(top: Array<[string, number]>, id: string, v: number, dir: 1 | -1) {
  let i = top.length;
  while (i > 0 && dir * (v - top[i - 1]![1]) < 0) i--;
  if (i >= 3) return;
  top.splice(i, 0, [id, v]);
  if (top.length > 3) top.pop();
}

export interface SelfAssessmentParticipantView extends SelfAssessmentOwnView {
  /**
   * every statement of the step, in order, with this participant's answer (null if none yet);
   * the statements' texts are in the step's participant config (`statements`), not repeated here
   */
  answers: Array<{ id: string; value: number | null }>;
}

/** The participant's own answers laid out statement by statement (the room's come separately). */
export function selfAssessmentParticipantView(config: Pick<SelfAssessmentConfig, 'statements'>, rec: SelfAssessmentRecord): SelfAssessmentParticipantView {
  const view = selfAssessmentOwnView(rec) as SelfAssessmentParticipantView;
  view.answers = config.statements.map((s) => ({ id: s.id, value: has(rec.ratings, s.id) ? (rec.ratings[s.id] ?? null) : null }));
  return view;
}

/** The participant's answers as they will be once the pending ones are stored (the record is the view's `ratings`). */
export function previewSelfAssessment(
  view: SelfAssessmentParticipantView,
  pending: readonly SelfAssessmentInput[],
  ctx: PreviewContext<Pick<SelfAssessmentConfig, 'statements'>>,
): SelfAssessmentParticipantView {
  const rec: SelfAssessmentRecord = { ratings: view.ratings };
  const next = reduceEach<SelfAssessmentRecord, SelfAssessmentInput>(rec, pending, (r, input) => reduceSelfAssessment(r, input, ctx.config));
  return next === rec ? view : selfAssessmentParticipantView(ctx.config, next);
}

/** The room's answers per statement (withheld below the minimum group size), as on the display. */
export function selfAssessmentOutcomes(ctx: OutcomesContext<SelfAssessmentConfig>): ActivityOutcomes {
  const { config, counters: c } = ctx;
  const results = statementResults({ config, counters: c });
  const answered = c['people:any'] ?? 0;
  const { themes, weakest } = themeResults(results, config.statements);
  const locale = ctx.locale ?? baseLocale;
  const opts = { locale };
  const themeBlocks: ReportBlock[] = themes.some((x) => x.mean !== null)
    ? [
        {
          kind: 'bars',
          title: m.server_report_sa_themes({}, opts),
          bars: themes.filter((x) => x.mean !== null).map((x) => ({ label: x.theme, value: round1(x.mean!) })),
          max: LIKERT_POINTS,
        },
        ...(weakest ? [paragraph(m.server_report_sa_weakest({ practice: weakest }, opts))] : []),
      ]
    : [];
  return {
    section: {
      title: ctx.step.title,
      blocks: [
        paragraph(m.server_report_sa_summary({ people: ofPeopleIn(answered, ctx.participants, locale), all: c['people:all'] ?? 0 }, opts)),
        {
          kind: 'distribution',
          title: m.server_report_sa_distribution({}, opts),
          scale: [...config.scale],
          series: results.map((r) => ({ label: r.text, answered: r.answered, counts: r.counts, mean: r.mean === null ? null : round1(r.mean) })),
        },
        ...themeBlocks,
      ],
    },
    tables: [
      {
        name: 'self_assessment',
        columns: ['statement_id', 'statement', 'answered', ...Array.from({ length: LIKERT_POINTS }, (_, i) => `count_${i + 1}`), 'mean', 'theme'],
        rows: results.map((r) => [
          r.id,
          r.text,
          r.answered,
          ...(r.counts ?? Array.from({ length: LIKERT_POINTS }, () => null)),
          r.mean === null ? null : Math.round(r.mean * 100) / 100,
          config.statements.find((x) => x.id === r.id)?.theme ?? '',
        ]),
      },
    ],
  };
}

/** what the phones and the display get of the config (not whether the bars wait for the results) */
export type SelfAssessmentParticipantConfig = Pick<SelfAssessmentConfig, 'prompt' | 'statements' | 'scale' | 'minGroupSize'>;

export const selfAssessment: ActivityModule<
  SelfAssessmentConfig,
  SelfAssessmentInput,
  SelfAssessmentRecord,
  never,
  never,
  SelfAssessmentParticipantConfig,
  SelfAssessmentParticipantView
> = {
  type: 'self-assessment',
  label: 'Self-assessment',
  configSchema: SelfAssessmentConfig,
  defaultConfig: () => SelfAssessmentConfig.parse({}),
  phases: ['answer', 'results'],
  scheduleSeconds: () => 0,
  participantConfig: (config) => ({ prompt: config.prompt, statements: config.statements, scale: config.scale, minGroupSize: config.minGroupSize }),
  input: {
    schema: SelfAssessmentInput,
    acceptIn: ['answer', 'results'],
    initial: () => ({ ratings: {} }),
    reduce: (rec, input, { config }) => reduceSelfAssessment(rec, input, config),
    contribution: selfAssessmentContribution,
    delta: selfAssessmentDelta,
  },
  participantView: ({ config, own }) => selfAssessmentParticipantView(config, own),
  preview: previewSelfAssessment,
  presenterView: selfAssessmentPresenterView,
  participantRoomView: selfAssessmentRoomView,
  outcomes: selfAssessmentOutcomes,
};
