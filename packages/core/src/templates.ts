/**
 * Agenda templates: a workshop's plan as a file a facilitator can save, share and load again.
 * The format is versioned (`schemaVersion`); a file that does not fit is refused whole, with a
 * message naming the problem — nothing is half-imported.
 */
import { z } from 'zod';
import { getActivity } from './activities/index.js';
import { issueMessage } from './issues.js';
import { JoinSettingsSchema, MAX_STEPS, StepSchema, validateAgenda, type Step } from './room.js';

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
    return { ok: false, error: issueMessage(parsed.error, { where: describePath }) };
  }
  const agenda = validateAgenda(parsed.data.agenda);
  if (!agenda.ok) return { ok: false, error: agenda.error };
  return { ok: true, template: { ...parsed.data, agenda: agenda.agenda } };
}

/** `['agenda', 2, 'title']` → `Step 3, title` */
function describePath(path: PropertyKey[]): string {
  if (path[0] === 'agenda' && typeof path[1] === 'number') {
    const rest = path.slice(2).map(String).join('.');
    return `Step ${path[1] + 1}${rest ? `, ${rest}` : ''}`;
  }
  return path.map(String).join('.') || 'template';
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

const step = (id: string, type: string, title: string, minutes: number, config: object = {}): Step => ({ id, type, title, durationSec: minutes * 60, config });

const slide = (id: string, title: string, minutes: number, body: string, notes = ''): Step => step(id, 'slide', title, minutes, { body, notes });

/**
 * The built-in workshop, about 90 minutes, runnable with no editing. Each activity's own defaults
 * carry the prompts and statements; the slides carry the facilitator's framing. Every step leaves
 * room for its activity's own schedule (`scheduleSeconds`): the partnership meetings' two rounds of
 * five 3-minute questions take 32 minutes, the worthy adversaries' stances on four statements,
 * pairing, four steelman turns and re-rating 19.
 */
export const BUILDING_ALLIES: Template = toTemplate({
  title: 'Building allies',
  description: 'A 90-minute session: where you stand, who is around you, meeting across teams, learning from people who disagree, and what you will do next.',
  join: { askDepartment: true, askLevel: false },
  agenda: [
    slide(
      'welcome',
      'Welcome',
      5,
      'Nobody succeeds alone. Today we look at the people who help us get things done — and at the ones we have not reached yet.',
      'Introduce yourself and the plan. Ask people to join with the code on the screen and to give their department.',
    ),
    step('self-check', 'self-assessment', 'Where you stand today', 7),
    step('map', 'mental-map', 'Map your allies', 11),
    slide(
      'map-talk',
      'What the room’s map tells us',
      5,
      'Where are our allies? Where are our blind spots? Talk with your neighbour: which direction would you most like to strengthen, and why?',
      'Before you come to this slide, show the room’s heatmap on the map step (Reveal, then Discuss) and invite two or three people to say what surprised them. This slide then frames the conversation in pairs; the heatmap is no longer on the display.',
    ),
    step('partners', 'partnership', 'Partnership meetings', 32),
    step('adversaries', 'adversaries', 'Worthy adversaries', 19),
    step('commitments', 'commitments', 'Your commitments', 6),
    slide(
      'wrap-up',
      'Wrap-up',
      5,
      'Allies are earned by helping first. Pick one person from your map and one commitment, and start this week.',
      'Remind people to download their outcomes and their calendar file before they leave: “My outcomes” at the top of their phone.',
    ),
  ],
});

/** A short example, ready to run: three slides around an ally map (about 20 minutes). */
export const SHORT_EXAMPLE: Template = toTemplate({
  title: 'Building allies',
  description: 'About 20 minutes: why allies matter, and everyone maps theirs.',
  join: { askDepartment: true, askLevel: false },
  agenda: [
    slide(
      'welcome',
      'Welcome',
      3,
      'Grab a seat and join on your phone. Today is about the people who help you get things done — and the ones you have not met yet.',
      'Introduce yourself and the plan for the session. Ask people to join with the code on the screen.',
    ),
    slide(
      'why',
      'Why allies matter',
      5,
      'Nobody moves a big idea through an organisation alone. Allies open doors, tell you what is really going on, and speak up for you in rooms you are not in.\n\nThink of your last big win: who backed you?',
      'Invite two or three people to share their story out loud.',
    ),
    step('map', 'mental-map', 'Map your allies', 10),
    slide(
      'wrap-up',
      'Wrap-up',
      3,
      'Choose one person you will reach out to this week, and one relationship you will invest in this quarter. Write both down before you leave.',
    ),
  ],
});

/** Every template Canopy ships (the new-workshop page offers them). */
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
