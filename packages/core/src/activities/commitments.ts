/**
 * Commitments (a tickler file). Each participant writes the follow-ups they will make after the
 * workshop: whom and what they will do (both sealed in their browser like the names on the ally
 * map — the server only ever sees ciphertext), a first date, how often to repeat it and, if they like, a
 * time of day for the reminder. They take the list home as a calendar file (.ics, built in their
 * browser where the names can be opened). The room sees counts only: how many commitments, from
 * how many people, at which cadence.
 */
import { z } from 'zod';
import { reduceEach, type ActivityModule, type Counters, type Outcome, type PresenterContext, type PreviewContext } from '../activity.js';
import { wholeNumber } from '../issues.js';
import { ofPeopleIn, paragraph, type ActivityOutcomes, type OutcomesContext } from '../report.js';
import { baseLocale, intlTag, m } from '@canopy/i18n';
import { say } from '../say.js';
import { normalizeText } from '../text.js';
import { SealedLabelSchema } from './mental-map.js';

export const CADENCES = ['once', 'weekly', 'biweekly', 'monthly', 'quarterly'] as const;
export type Cadence = (typeof CADENCES)[number];

export const CADENCE_LABELS: Record<Cadence, string> = {
  once: 'Once',
  weekly: 'Every week',
  biweekly: 'Every two weeks',
  monthly: 'Every month',
  quarterly: 'Every three months',
};

/** what a participant will do: one line, kept short enough to read as a calendar title */
export const COMMITMENT_WHAT_MAX = 200;

/** `YYYY-MM-DD` that names a day on the calendar (no 2026-02-30), years 2000–2199. */
export function isCalendarDate(s: string): boolean {
  const m = /^(2[01]\d\d)-(\d\d)-(\d\d)$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/**
 * What a participant will do, sealed in their browser like whom (the room only ever sees counts
 * and cadences, so nobody else needs the text): COMMITMENT_WHAT_MAX characters (graphemes: an
 * emoji with skin tone and gender is one, ~17 bytes) plus the 16-byte tag, in base64url — room for
 * about 3 KB.
 */
export const SEALED_TEXT_CT_MAX = 4000;
export const SealedTextSchema = z.object({
  iv: z.string().regex(/^[A-Za-z0-9_-]{16}$/, 'must be a 12-byte IV in base64url'),
  ct: z.string().regex(new RegExp(`^[A-Za-z0-9_-]{22,${SEALED_TEXT_CT_MAX}}$`), 'must be base64url ciphertext'),
});

export const CommitmentItemSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{6,40}$/),
  /** whom it is about, sealed in the browser (initials, a nickname, a name) */
  whom: SealedLabelSchema,
  /** what they will do, sealed in the browser (normalized with `normalizeCommitmentWhat` before sealing) */
  what: SealedTextSchema,
  /** the first day to act */
  start: z.string().refine(isCalendarDate, 'must be a real date written YYYY-MM-DD'),
  cadence: z.enum(CADENCES),
  /** time of day for the reminder, 24-hour HH:MM; without it the commitment is an all-day item */
  time: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day written HH:MM')
    .optional(),
});
export type CommitmentItem = z.infer<typeof CommitmentItemSchema>;

export const CommitmentsConfig = z.object({
  prompt: z
    .string()
    .max(600)
    .default('Who will you reach out to after today, and how often? Pick a few people from your ally map and one concrete step for each.'),
  whomHint: z.string().max(300).default('Initials or a nickname you will recognise. It is encrypted on your device; nobody else can read it.'),
  whatHint: z.string().max(300).default('One concrete step: ask what they are working on, offer help, say thank you, share an early idea.'),
  cadenceHint: z.string().max(300).default('Relationships grow with regular contact. A light, steady rhythm beats one big effort.'),
  maxItems: wholeNumber(1, 50, 'commitments per person').default(20),
});
export type CommitmentsConfig = z.infer<typeof CommitmentsConfig>;

export const CommitmentsInput = z.discriminatedUnion('op', [
  /** add a commitment, or replace it (edit): an upsert, so a replay changes nothing */
  z.object({ op: z.literal('put'), item: CommitmentItemSchema }),
  z.object({ op: z.literal('remove'), id: z.string().max(40) }),
]);
export type CommitmentsInput = z.infer<typeof CommitmentsInput>;

export interface CommitmentsRecord {
  items: CommitmentItem[];
}

/** One short line of plain text, as the browser seals it (the server never sees the text to check it). */
export function normalizeCommitmentWhat(what: string): string {
  return normalizeText(what, { maxLength: COMMITMENT_WHAT_MAX });
}

export function reduceCommitments(rec: CommitmentsRecord, input: CommitmentsInput, config: Pick<CommitmentsConfig, 'maxItems'>): Outcome<CommitmentsRecord> {
  if (input.op === 'remove') {
    if (!rec.items.some((e) => e.id === input.id)) return { ok: true, value: rec };
    return { ok: true, value: { items: rec.items.filter((e) => e.id !== input.id) } };
  }
  const { time, ...rest } = input.item;
  const item: CommitmentItem = { ...rest, ...(time !== undefined ? { time } : {}) };
  const i = rec.items.findIndex((e) => e.id === item.id);
  if (i === -1 && rec.items.length >= config.maxItems) return { ok: false, error: `You can keep at most ${config.maxItems} commitments here.` };
  const items = i === -1 ? [...rec.items, item] : rec.items.map((e, j) => (j === i ? item : e));
  return { ok: true, value: { items } };
}

/** One participant's share of the room's counters: numbers only, nothing of whom or what. */
export function commitmentsContribution(rec: CommitmentsRecord): Counters {
  const c: Counters = {};
  for (const e of rec.items) c[`cadence:${e.cadence}`] = (c[`cadence:${e.cadence}`] ?? 0) + 1;
  if (rec.items.length > 0) {
    c.items = rec.items.length;
    c['people:any'] = 1;
  }
  return c;
}

export interface CommitmentsPresenterView {
  phase: string;
  participants: number;
  /** people who wrote at least one commitment */
  people: number;
  items: number;
  byCadence: Record<Cadence, number>;
  /** the rhythm most commitments follow; null when there are none or two rhythms tie for the most */
  commonest: Cadence | null;
}

export function commitmentsPresenterView(ctx: PresenterContext<CommitmentsConfig>): CommitmentsPresenterView {
  const c = ctx.counters;
  const byCadence = Object.fromEntries(CADENCES.map((k) => [k, c[`cadence:${k}`] ?? 0])) as Record<Cadence, number>;
  const most = Math.max(...CADENCES.map((k) => byCadence[k]));
  const tops = CADENCES.filter((k) => byCadence[k] === most);
  return {
    phase: ctx.phase,
    participants: ctx.participants,
    people: c['people:any'] ?? 0,
    items: c.items ?? 0,
    byCadence,
    commonest: most > 0 && tops.length === 1 ? tops[0]! : null,
  };
}

/** Commitments in the report: how many, from how many people, at which rhythm — never whom or what. */
export function commitmentsOutcomes(ctx: OutcomesContext<CommitmentsConfig>): ActivityOutcomes {
  const v = commitmentsPresenterView({
    config: ctx.config,
    phase: ctx.phase ?? 'write',
    audience: 'console',
    counters: ctx.counters,
    participants: ctx.participants,
  });
  const locale = ctx.locale ?? baseLocale;
  const opts = { locale };
  const cadence = (k: Cadence) => (locale === baseLocale ? CADENCE_LABELS[k] : say(`cm_cadence_${k}`, locale));
  const people = ofPeopleIn(v.people, v.participants, locale);
  const commitments = m.server_report_cm_commitments({ count: v.items }, opts);
  const commonest = v.commonest ? cadence(v.commonest) : null;
  return {
    section: {
      title: ctx.step.title,
      blocks: [
        paragraph(
          commonest
            ? m.server_report_cm_summary_commonest(
                { people, commitments, cadence: commonest.charAt(0).toLocaleLowerCase(intlTag(locale)) + commonest.slice(1) },
                opts,
              )
            : m.server_report_cm_summary({ people, commitments }, opts),
        ),
        { kind: 'bars', title: m.server_report_cm_bars({}, opts), bars: CADENCES.map((k) => ({ label: cadence(k), value: v.byCadence[k] })) },
      ],
    },
    tables: [{ name: 'commitments_by_cadence', columns: ['cadence', 'commitments'], rows: CADENCES.map((k) => [k, v.byCadence[k]]) }],
  };
}

/** The participant's commitments as they will be once the pending changes are stored: their view is their record. */
export function previewCommitments(
  view: CommitmentsRecord,
  pending: readonly CommitmentsInput[],
  ctx: PreviewContext<Pick<CommitmentsConfig, 'maxItems'>>,
): CommitmentsRecord {
  return reduceEach<CommitmentsRecord, CommitmentsInput>(view, pending, (r, input) => reduceCommitments(r, input, ctx.config));
}

export const commitments: ActivityModule<CommitmentsConfig, CommitmentsInput, CommitmentsRecord, never, never, CommitmentsConfig, CommitmentsRecord> = {
  type: 'commitments',
  label: 'Commitments',
  configSchema: CommitmentsConfig,
  defaultConfig: () => CommitmentsConfig.parse({}),
  /** write → review: the review is the moment to download the calendar file and share one aloud */
  phases: ['write', 'review'],
  scheduleSeconds: () => 0,
  participantConfig: (config) => config,
  input: {
    schema: CommitmentsInput,
    acceptIn: ['write', 'review'],
    initial: () => ({ items: [] }),
    reduce: (rec, input, { config }) => reduceCommitments(rec, input, config),
    contribution: commitmentsContribution,
  },
  preview: previewCommitments,
  presenterView: commitmentsPresenterView,
  participantRoomView: commitmentsPresenterView,
  outcomes: commitmentsOutcomes,
};
