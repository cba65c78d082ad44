/**
 * The activities' default texts in every language Canopy speaks: the self-assessment's statements
 * and practices, the worthy adversaries' assumptions, the map's prompts, the open prompt's question,
 * the commitments' hints, the partnership's questions. English is what the activities' own
 * `defaultConfig()` holds; `defaultConfigIn(type, locale)` is the same config in another language,
 * and the built-in templates (`builtInTemplates(locale)`) carry these texts in their steps.
 */
import type { ActivityType } from './activities/index.js';
import { getActivity } from './activities/index.js';
import { ADVERSARY_SCALE, ADVERSARY_STATEMENTS } from './activities/adversaries.js';
import { CADENCES, type Cadence } from './activities/commitments.js';
import { DEFAULT_PARTNERSHIP_PROMPTS } from './activities/partnership.js';
import { DEFAULT_SCALE, DEFAULT_STATEMENTS, DEFAULT_THEMES } from './activities/self-assessment.js';
import { keyOf, say, type Locale } from './say.js';

type ThemeId = keyof typeof DEFAULT_THEMES;
const THEME_IDS = Object.keys(DEFAULT_THEMES) as ThemeId[];
const themeIdOf = (theme: string): ThemeId | undefined => THEME_IDS.find((id) => DEFAULT_THEMES[id] === theme);

/** The self-assessment's five practices in `locale` (`DEFAULT_THEMES` in English). */
export function practiceNames(locale: Locale): Record<ThemeId, string> {
  return Object.fromEntries(THEME_IDS.map((id) => [id, say(`sa_theme_${id}`, locale)])) as Record<ThemeId, string>;
}

/** How often a commitment repeats, in `locale` (`CADENCE_LABELS` in English). */
export function cadenceLabels(locale: Locale): Record<Cadence, string> {
  return Object.fromEntries(CADENCES.map((c) => [c, say(`cm_cadence_${c}`, locale)])) as Record<Cadence, string>;
}

/** The worthy adversaries' seven points, strongest disagreement first, in `locale` (`ADVERSARY_SCALE` in English). */
export function adversaryScale(locale: Locale): string[] {
  return ADVERSARY_SCALE.map((_, i) => say(`adv_scale_${i + 1}`, locale));
}

/**
 * The text fields of an activity's default config in `locale` (numbers and switches keep their
 * defaults): what a step of that type needs to read naturally in that language.
 */
export function activityTexts(type: ActivityType, locale: Locale): Record<string, unknown> {
  switch (type) {
    case 'self-assessment': {
      const practices = practiceNames(locale);
      return {
        prompt: say('sa_prompt', locale),
        statements: DEFAULT_STATEMENTS.map((s) => {
          const theme = themeIdOf(s.theme);
          return { id: s.id, theme: theme ? practices[theme] : s.theme, text: say(`sa_statement_${keyOf(s.id)}`, locale) };
        }),
        scale: DEFAULT_SCALE.map((_, i) => say(`sa_scale_${i + 1}`, locale)),
      };
    }
    case 'adversaries':
      return { statements: ADVERSARY_STATEMENTS.map((s) => ({ id: s.id, text: say(`adv_statement_${keyOf(s.id)}`, locale) })) };
    case 'mental-map':
      return {
        prompt: say('map_prompt', locale),
        levelPrompts: { newer: say('map_level_prompt_newer', locale), seasoned: say('map_level_prompt_seasoned', locale) },
      };
    case 'open-prompt':
      return { question: say('op_question', locale) };
    case 'commitments':
      return {
        prompt: say('cm_prompt', locale),
        whomHint: say('cm_whom_hint', locale),
        whatHint: say('cm_what_hint', locale),
        cadenceHint: say('cm_cadence_hint', locale),
      };
    case 'partnership':
      return {
        intro: say('pm_intro', locale),
        prompts: DEFAULT_PARTNERSHIP_PROMPTS.map((p) => ({
          ...p,
          title: say(`pm_prompt_${keyOf(p.id)}_title`, locale),
          hint: say(`pm_prompt_${keyOf(p.id)}_hint`, locale),
        })),
      };
    default:
      return {};
  }
}

/** An activity's default config with its texts in `locale` (English: the activity's own `defaultConfig()`). */
export function defaultConfigIn(type: ActivityType, locale: Locale): unknown {
  const mod = getActivity(type);
  if (!mod) throw new Error(`unknown activity type ${type}`);
  return locale === 'en' ? mod.defaultConfig() : mod.configSchema.parse(activityTexts(type, locale));
}
