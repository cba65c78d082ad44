/**
 * The session's outcomes for the facilitator (issue #8): one structure, built from what the
 * facilitator may see of each step, that is the JSON download as it is (validated by
 * `SessionDataSchema`, published as JSON Schema), and that the Markdown and PDF reports draw.
 */
import { z } from 'zod';
import { baseLocale, formatDate, locales, m, type Locale } from '@canopy/i18n';
import { seenPhase } from './my-outcomes.js';
import { getActivity } from './activities/index.js';
import type { Participant } from './participant.js';
import { mdText, OutcomeTableSchema, ReportSectionSchema, sectionMarkdown, type ActivityOutcomes, type OutcomeTable, type ReportSection } from './report.js';
import { questionsOutcomes, type QuestionRecord, type QuestionsMod } from './questions.js';
import type { RoomState } from './room.js';
import { keyOf } from './say.js';

/** Bumped whenever a field is renamed, removed or changes meaning (adding fields keeps it). */
export const SCHEMA_VERSION = 1;

const IsoDate = z.iso.datetime();

export const SessionDataSchema = z
  .object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    generatedAt: IsoDate,
    room: z.object({
      title: z.string(),
      code: z.string(),
      createdAt: IsoDate,
      status: z.enum(['open', 'closed']),
      closedAt: IsoDate.nullable(),
      /** index of the step the room is on (−1: the lobby) */
      currentStep: z.number().int(),
      /** the room's language, in which the report's own words are written (absent: English) */
      language: z.enum(locales).optional(),
    }),
    participation: z.object({
      /** everyone who ever joined */
      joined: z.number().int(),
      /** joined and not removed */
      present: z.number().int(),
      removed: z.number().int(),
    }),
    /** the roster as the console shows it */
    participants: z.array(
      z.object({
        nickname: z.string(),
        department: z.string().nullable(),
        level: z.string().nullable(),
        joinedAt: IsoDate,
        removed: z.boolean(),
      }),
    ),
    steps: z.array(
      z.object({
        index: z.number().int(),
        id: z.string(),
        type: z.string(),
        /** the activity's name, in the room's language */
        activity: z.string(),
        title: z.string(),
        /** the room has reached this step */
        ran: z.boolean(),
        /** the current step's phase; for a step already run, its last phase (where it was left is not recorded); null if not run */
        phase: z.string().nullable(),
        /** participants with a record in this step */
        active: z.number().int(),
        section: ReportSectionSchema,
        tables: z.array(OutcomeTableSchema),
      }),
    ),
    /** the room's questions (text, votes, answered), when anyone asked: hidden, removed, withdrawn and merged-away ones left out */
    questions: z.object({ section: ReportSectionSchema, tables: z.array(OutcomeTableSchema) }).optional(),
  })
  .meta({
    title: 'Canopy session data',
    description: 'Everything the facilitator may see of a Canopy session: the room, its roster, and each step’s report section and data tables.',
  });
export type SessionData = z.infer<typeof SessionDataSchema>;

/** The published JSON Schema of the data download. */
export function sessionDataJsonSchema(): Record<string, unknown> {
  return { $id: 'canopy:session-data', ...z.toJSONSchema(SessionDataSchema, { target: 'draft-2020-12' }) };
}

export interface StepInputs {
  counters: Record<string, number>;
  records: Array<{ scope: string; value: unknown }>;
  shared: unknown;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Build the session data. `steps[i]` holds what is stored for `room.agenda[i]`. Only the
 * activities' `outcomes` hooks read records, so nothing private leaves except through them.
 */
export function buildSessionData(input: {
  room: RoomState;
  participants: Participant[];
  steps: StepInputs[];
  now: number;
  /** the room's questions as stored (see questions.ts) */
  questions?: { records: QuestionRecord[]; mod: QuestionsMod };
}): SessionData {
  const { room } = input;
  const locale = room.language ?? baseLocale;
  const present = input.participants.filter((p) => !p.removed);
  const roster = present.map(({ id, nickname, department, level }) => ({ id, nickname, department, level }));
  const steps = room.agenda.map((step, index) => {
    const mod = getActivity(step.type);
    const got = input.steps[index] ?? { counters: {}, records: [], shared: undefined };
    const ran = index <= room.current;
    const phase = seenPhase(room, index);
    const shared = got.shared ?? mod?.shared?.initial(step.config);
    const out: ActivityOutcomes = mod?.outcomes
      ? mod.outcomes({
          step: { id: step.id, title: step.title },
          config: step.config,
          phase,
          counters: got.counters,
          participants: present.length,
          roster,
          records: got.records,
          shared,
          locale,
        })
      : { section: { title: step.title, blocks: [] }, tables: [] };
    const active = new Set(out.active ?? got.records.filter((r) => r.scope.startsWith('p:')).map((r) => r.scope.slice(2)));
    const section: ReportSection = ran
      ? out.section
      : { title: out.section.title, blocks: [{ kind: 'paragraph', text: m.server_report_not_run({}, { locale }) }] };
    return {
      index,
      id: step.id,
      type: step.type,
      activity: mod ? activityName(step.type, mod.label, locale) : step.type,
      title: step.title,
      ran,
      phase: ran ? phase : null,
      active: active.size,
      section,
      tables: out.tables,
    };
  });
  return {
    schemaVersion: SCHEMA_VERSION,
    generatedAt: iso(input.now),
    room: {
      title: room.title,
      code: room.code,
      createdAt: iso(room.createdAt),
      status: room.status,
      closedAt: room.closedAt === null ? null : iso(room.closedAt),
      currentStep: room.current,
      ...(room.language && room.language !== baseLocale ? { language: room.language } : {}),
    },
    participation: { joined: input.participants.length, present: present.length, removed: input.participants.length - present.length },
    participants: input.participants.map((p) => ({
      nickname: p.nickname,
      department: p.department,
      level: p.level,
      joinedAt: iso(p.joinedAt),
      removed: p.removed,
    })),
    steps,
    ...withQuestions(input.questions, locale),
  };
}

/** An activity's name in the report's language (English: the module's `label`). */
function activityName(type: string, label: string, locale: Locale): string {
  if (locale === baseLocale) return label;
  const words = (m as unknown as Record<string, ((p: object, o: { locale: Locale }) => string) | undefined>)[`server_report_activity_${keyOf(type)}`];
  return words ? words({}, { locale }) : label;
}

function withQuestions(q: { records: QuestionRecord[]; mod: QuestionsMod } | undefined, locale: Locale): Pick<SessionData, 'questions'> {
  const out = q ? questionsOutcomes(q.records, q.mod, locale) : null;
  return out ? { questions: out } : {};
}

/** "23 November 2026", "23 de noviembre de 2026" */
export function reportDate(isoDate: string, locale: Locale = baseLocale): string {
  const options = { day: 'numeric', month: 'long', year: 'numeric' } as const;
  // English keeps its day-month order (en-GB), as reports printed before languages existed
  if (locale === 'en') return new Date(isoDate).toLocaleDateString('en-GB', { ...options, timeZone: 'UTC' });
  return formatDate(locale, new Date(isoDate), options, 'UTC');
}

/** The language a download's own words are in: the room's (absent: English). */
export const reportLocale = (data: { room: { language?: Locale | undefined } }): Locale => data.room.language ?? baseLocale;

/** The parts every report has before the activities' sections: agenda and participation. */
export function reportOverview(data: SessionData): {
  subtitle: string;
  agenda: string[];
  participation: { columns: string[]; rows: Array<[string, number]> };
  summary: string;
} {
  const locale = reportLocale(data);
  const { joined: count, removed } = data.participation;
  return {
    subtitle: m.server_report_subtitle({ date: reportDate(data.room.createdAt, locale), code: data.room.code }, { locale }),
    agenda: data.steps.map((s) =>
      (s.ran ? m.server_report_agenda_item : m.server_report_agenda_item_not_run)({ title: s.title, activity: s.activity }, { locale }),
    ),
    summary: removed ? m.server_report_joined_removed({ count, removed }, { locale }) : m.server_report_joined({ count }, { locale }),
    participation: {
      columns: [m.server_report_col_step({}, { locale }), m.server_report_col_took_part({}, { locale })],
      rows: data.steps.filter((s) => s.ran && s.type !== 'slide').map((s): [string, number] => [s.title, s.active]),
    },
  };
}

/** The report as Markdown (CommonMark + GFM tables). */
export function renderMarkdown(data: SessionData): string {
  const o = reportOverview(data);
  const locale = reportLocale(data);
  const [step, tookPart] = o.participation.columns;
  const parts = [
    `# ${mdText(data.room.title)}`,
    `_${mdText(o.subtitle)}_`,
    `## ${m.server_report_agenda({}, { locale })}`,
    o.agenda.map((a, i) => `${i + 1}. ${mdText(a)}`).join('\n'),
    `## ${m.server_report_participation({}, { locale })}`,
    mdText(o.summary),
    o.participation.rows.length > 0
      ? [`| ${step} | ${tookPart} |`, '| --- | --- |', ...o.participation.rows.map(([t, n]) => `| ${mdText(t)} | ${n} |`)].join('\n')
      : '',
    ...data.steps.filter((s) => s.type !== 'slide' || s.section.blocks.length > 0).map((s) => sectionMarkdown(s.section, 2, locale)),
    data.questions ? sectionMarkdown(data.questions.section, 2, locale) : '',
  ];
  return `${parts.filter(Boolean).join('\n\n')}\n`;
}

/** File name of one table in the CSV download: `<step number>-<step id>-<table>.csv`. */
export function tableFileName(step: { index: number; id: string }, t: OutcomeTable): string {
  return `${String(step.index + 1).padStart(2, '0')}-${step.id.replace(/[^A-Za-z0-9_-]/g, '_')}-${t.name}.csv`;
}
