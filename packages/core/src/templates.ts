/**
 * Agenda templates: a workshop's plan as a file a facilitator can save, share and load again.
 * The format is versioned (`schemaVersion`); a file that does not fit is refused whole, with a
 * message naming the problem — nothing is half-imported.
 */
import { z } from 'zod';
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

/**
 * The built-in workshop, about 90 minutes, runnable with no editing. Each activity's own defaults
 * carry the prompts and statements; the slides carry the facilitator's framing.
 */
export const BUILDING_ALLIES: Template = toTemplate({
  title: 'Building allies',
  description: 'A 90-minute session: where you stand, who is around you, meeting across teams, learning from people who disagree, and what you will do next.',
  join: { askDepartment: true, askLevel: false },
  agenda: [
    step('welcome', 'slide', 'Welcome', 5, {
      body: 'Nobody succeeds alone. Today we look at the people who help us get things done — and at the ones we have not reached yet.',
      notes: 'Introduce yourself and the plan. Ask people to join with the code on the screen and to give their department.',
    }),
    step('self-check', 'self-assessment', 'Where you stand today', 8),
    step('map', 'mental-map', 'Map your allies', 12),
    step('map-talk', 'slide', 'What the room’s map tells us', 8, {
      body: 'Where are our allies? Where are our blind spots? Talk with your neighbour: which direction would you most like to strengthen, and why?',
      notes: 'Keep the heatmap on the display (reveal, then discuss). Invite two or three people to share what surprised them.',
    }),
    step('partners', 'partnership', 'Partnership meetings', 25),
    step('adversaries', 'adversaries', 'Worthy adversaries', 20),
    step('commitments', 'commitments', 'Your commitments', 7),
    step('wrap-up', 'slide', 'Wrap-up', 5, {
      body: 'Allies are earned by helping first. Pick one person from your map and one commitment, and start this week.',
      notes: 'Remind people to download their outcomes and their calendar file before they leave.',
    }),
  ],
});
