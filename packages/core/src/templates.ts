/**
 * Agenda templates: a workshop's plan as a file a facilitator can save, share and load again.
 * The format is versioned (`schemaVersion`); a file that does not fit is refused whole, with a
 * message naming the problem — nothing is half-imported.
 */
import { z } from 'zod';
import { getActivity, type ActivityType } from './activities/index.js';
import { agendaPath, issueMessage } from './issues.js';
import type { PartnershipPrompt } from './activities/partnership.js';
import { JoinSettingsSchema, MAX_STEPS, StepSchema, validateAgenda, type Step } from './room.js';
import { activityTexts } from './content.js';
import { keyOf, say, type Locale } from './say.js';

export const TEMPLATE_KIND = 'canopy.agenda';
export const TEMPLATE_SCHEMA_VERSION = 1;

export const TemplateSchema = z.object({
  kind: z.literal(TEMPLATE_KIND),
  schemaVersion: z.literal(TEMPLATE_SCHEMA_VERSION),
  title: z.string().trim().min(1).max(120),
  description: z.string().max(1000).default(''),
  agenda: z.array(StepSchema).min(1, 'the agenda has no steps').max(MAX_STEPS),
  join: JoinSettingsSchema.partial().optional(),
});
export type Template = z.output<typeof TemplateSchema>;

export type TemplateResult = { ok: true; template: Template } | { ok: false; error: string };

/** Read a template file's text: the whole of it, or a reason it cannot be used. */
export function parseTemplate(text: string): TemplateResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `This file is not valid JSON (${e instanceof Error ? e.message : String(e)}).` };
  }
  return checkTemplate(raw);
}

/** Check a template object (already parsed): structure, version, and every step's activity settings. */
export function checkTemplate(raw: unknown): TemplateResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || (raw as { kind?: unknown }).kind !== TEMPLATE_KIND) {
    return { ok: false, error: 'This is not a Canopy agenda template.' };
  }
  const version = (raw as { schemaVersion?: unknown }).schemaVersion;
  if (version !== TEMPLATE_SCHEMA_VERSION) {
    return { ok: false, error: `This template has format version ${JSON.stringify(version)}; this Canopy reads version ${TEMPLATE_SCHEMA_VERSION}.` };
  }
  const parsed = TemplateSchema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, error: issueMessage(parsed.error, { where: agendaPath, whole: 'template' }) };
  }
  const agenda = validateAgenda(parsed.data.agenda);
  if (!agenda.ok) return { ok: false, error: agenda.error };
  return { ok: true, template: { ...parsed.data, agenda: agenda.agenda } };
}

/** A template of a workshop's current plan (to save or download). */
export function toTemplate(input: { title: string; description?: string; agenda: Step[]; join?: Template['join'] }): Template {
  return {
    kind: TEMPLATE_KIND,
    schemaVersion: TEMPLATE_SCHEMA_VERSION,
    title: input.title,
    description: input.description ?? '',
    agenda: input.agenda,
    ...(input.join ? { join: input.join } : {}),
  };
}

const step = (id: string, type: ActivityType, title: string, minutes: number, notes: string, config: object = {}): Step => ({
  id,
  type,
  title,
  durationSec: minutes * 60,
  config,
  notes,
});

/**
 * One built-in template's step in `locale`: its title, notes and (for a slide) body from the
 * `content` catalogue (`content_<prefix>_<step>_title` …). In English a step leaves its activity's
 * texts to the activity's defaults (`config` as given); in another language it carries them,
 * so the whole step reads in that language.
 */
function localStep(prefix: string, locale: Locale, id: string, type: ActivityType, minutes: number, config: Record<string, unknown> = {}): Step {
  const key = `${prefix}_${keyOf(id)}`;
  const texts = locale === 'en' ? {} : activityTexts(type, locale);
  const body = type === 'slide' ? { body: say(`${key}_body`, locale) } : {};
  return step(id, type, say(`${key}_title`, locale), minutes, say(`${key}_notes`, locale), { ...texts, ...body, ...config });
}

const PARTNERSHIP_PROMPT_MINUTES: Array<[id: string, minutes: number]> = [
  ['admire', 2],
  ['purpose', 3],
  ['working', 3],
  ['offer', 2],
  ['next-steps', 3],
  ['who-else', 2],
];

/**
 * The partnership meeting of the built-in workshop: the conversation the articles recommend with
 * a potential ally from another team — start with what you admire, share your missions, see what
 * works and what does not, offer help, agree on next steps and when to meet again, and ask who
 * else belongs in the conversation. Two rounds of 2 + 3 + 3 + 2 + 3 + 2 minutes and a minute to
 * find each other: 32 minutes. Ids and minutes are the same in every language.
 */
export function buildingAlliesPartnershipPrompts(locale: Locale): PartnershipPrompt[] {
  return PARTNERSHIP_PROMPT_MINUTES.map(([id, minutes]) => ({
    id,
    title: say(`ba_prompt_${keyOf(id)}_title`, locale),
    hint: say(`ba_prompt_${keyOf(id)}_hint`, locale),
    minutes,
  }));
}

/** The built-in workshop's partnership questions in English. */
export const BUILDING_ALLIES_PARTNERSHIP_PROMPTS: PartnershipPrompt[] = buildingAlliesPartnershipPrompts('en');

/**
 * The built-in workshop, 90 minutes, runnable with no editing, in `locale`. The activities' own
 * defaults carry the self-assessment's statements, the worthy adversaries' assumptions and the
 * map's prompts by level (in English; other languages carry them in the steps); the steps carry
 * the partnership conversation, the 3 a.m. question and, on every step, a short script for the
 * facilitator (on the console only). Every step leaves room for its activity's own schedule
 * (`scheduleSeconds`): the partnership meetings take 32 minutes, the worthy adversaries' stances,
 * pairing, four steelman turns and re-rating 19 with four statements and 20 with a fifth of the
 * facilitator's own. Step ids are the same in every language.
 */
export function buildingAllies(locale: Locale): Template {
  const at = (id: string, type: ActivityType, minutes: number, config?: Record<string, unknown>) => localStep('ba', locale, id, type, minutes, config);
  return toTemplate({
    title: say('ba_title', locale),
    description: say('ba_description', locale),
    join: { askDepartment: true, askLevel: false },
    agenda: [
      at('welcome', 'slide', 3),
      at('three-am', 'open-prompt', 5, { question: say('ba_three_am_question', locale), maxAnswersPerPerson: 3, votes: 3 }),
      at('self-check', 'self-assessment', 8),
      at('map', 'mental-map', 10),
      at('map-talk', 'slide', 4),
      at('partners', 'partnership', 32, { prompts: buildingAlliesPartnershipPrompts(locale) }),
      at('adversaries', 'adversaries', 20),
      at('commitments', 'commitments', 5),
      at('wrap-up', 'slide', 3),
    ],
  });
}

/** A short example, ready to run, in `locale`: three slides around an ally map (about 20 minutes). */
export function shortExample(locale: Locale): Template {
  const at = (id: string, type: ActivityType, minutes: number) => localStep('ex', locale, id, type, minutes);
  return toTemplate({
    title: say('ex_title', locale),
    description: say('ex_description', locale),
    join: { askDepartment: true, askLevel: false },
    agenda: [at('welcome', 'slide', 3), at('why', 'slide', 5), at('map', 'mental-map', 10), at('wrap-up', 'slide', 3)],
  });
}

/** Every template Canopy ships, in `locale` (the new-workshop page offers them in the room's language). */
export function builtInTemplates(locale: Locale): { buildingAllies: Template; shortExample: Template } {
  return { buildingAllies: buildingAllies(locale), shortExample: shortExample(locale) };
}

/** The built-in workshop in English. */
export const BUILDING_ALLIES: Template = buildingAllies('en');

/** The short example in English. */
export const SHORT_EXAMPLE: Template = shortExample('en');

/** Every template Canopy ships, in English. */
export const BUILT_IN_TEMPLATES: readonly Template[] = [BUILDING_ALLIES, SHORT_EXAMPLE];

/** Steps whose activity's own schedule (`scheduleSeconds`) does not fit in the step's duration. */
export function overrunningSteps(agenda: readonly Step[]): Array<{ index: number; step: Step; needSec: number }> {
  const out: Array<{ index: number; step: Step; needSec: number }> = [];
  agenda.forEach((s, index) => {
    const mod = getActivity(s.type);
    if (!mod || s.durationSec <= 0) return;
    const parsed = mod.configSchema.safeParse(s.config ?? mod.defaultConfig());
    if (!parsed.success) return;
    const needSec = mod.scheduleSeconds(parsed.data);
    if (needSec > s.durationSec) out.push({ index, step: s, needSec });
  });
  return out;
}
