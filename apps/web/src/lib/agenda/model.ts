/**
 * The agenda editor's working copy: steps as the facilitator types them (minutes as text, each
 * activity's own draft), turned back into `Step`s to open a room, change a live agenda or save a
 * template. Steps already run in a live room are `locked`: they go back exactly as they came.
 * A step added here (or switched to another type) starts from its activity's defaults in the
 * room's language, the language its participants will read.
 */
import { m, type Locale } from '@canopy/i18n';
import { randomId } from '@canopy/client';
import { defaultConfigIn, getActivity, parseTemplate, toTemplate, type ActivityType, type Step, type Template, type TemplateResult } from '@canopy/core';
import { activityUi, activityUis } from '$lib/activities';
import { saveFile } from '$lib/files';

export interface DraftStep {
  /** the step's id (kept from a template or room; new steps get a random one) */
  id: string;
  type: ActivityType;
  title: string;
  /** minutes as typed; empty = no timer */
  minutes: string;
  /** each type's editor draft, made when its settings are first shown; kept while the type changes back and forth */
  drafts: Record<string, object>;
  /** the config the step came with, used as is until its settings are edited */
  source: { type: ActivityType; config: unknown } | null;
  /** settings shown */
  open: boolean;
  /** already run (live room): shown, not editable or movable */
  locked: boolean;
  /** the step as it came (for locked steps) */
  original: Step | null;
  /** the facilitator's notes for the step (console only) */
  notes: string;
  /** the notes field shown */
  notesOpen: boolean;
}

/** Types offered in the type picker: every registered activity with an editor. */
export const editableTypes = (): [ActivityType, string][] =>
  (Object.keys(activityUis) as ActivityType[]) // the registry's keys are exactly the activity types (its `satisfies`)
    .filter((type) => activityUis[type].editor)
    .map((type) => [type, activityUis[type].label]);

export const typeLabel = (type: string) => activityUi(type)?.label ?? type.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An editor draft from a saved config (a template's, a live agenda's): the form filled from it. */
export function draftFromConfig(type: string, config: unknown): object | undefined {
  return activityUi(type)?.editor?.fromConfig(config);
}

const minutesOf = (sec: number) => (sec > 0 ? String(Math.round((sec / 60) * 100) / 100) : '');

export function toSeconds(minutes: string): number {
  const m = Number(minutes.replace(',', '.'));
  return Number.isFinite(m) && m > 0 ? Math.round(m * 60) : 0;
}

export function fromStep(step: Step, opts: { locked?: boolean; open?: boolean } = {}): DraftStep {
  const d: DraftStep = {
    id: step.id,
    type: step.type,
    title: step.title,
    minutes: minutesOf(step.durationSec),
    drafts: {},
    source: { type: step.type, config: step.config },
    open: false,
    locked: opts.locked ?? false,
    original: opts.locked ? step : null,
    notes: step.notes ?? '',
    notesOpen: false,
  };
  if (opts.open && !d.locked) {
    // its own config fills the form
    const draft = draftFromConfig(d.type, step.config);
    if (draft) d.drafts[d.type] = draft;
    d.open = true;
  }
  return d;
}

/** A new step of `type`, its texts (statements, prompts, questions) in `locale`, the room's language. */
export function newStep(type: ActivityType, locale: Locale): DraftStep {
  const d: DraftStep = {
    id: randomId(6),
    type,
    title: '',
    minutes: '',
    drafts: {},
    source: null,
    open: false,
    locked: false,
    original: null,
    notes: '',
    notesOpen: false,
  };
  openSettings(d, locale);
  return d;
}

/**
 * Show a step's settings, making its draft from the config it came with, or (a type it did not
 * come with) from the type's defaults in `locale`, the room's language.
 */
export function openSettings(d: DraftStep, locale: Locale) {
  const editor = activityUi(d.type)?.editor;
  if (!d.drafts[d.type] && editor) {
    const draft = d.source?.type === d.type ? draftFromConfig(d.type, d.source.config) : editor.blank(defaultConfigIn(d.type, locale));
    if (draft) d.drafts[d.type] = draft;
  }
  d.open = true;
}

export function setType(d: DraftStep, type: ActivityType, locale: Locale) {
  d.type = type;
  if (activityUi(type)?.editor) openSettings(d, locale);
}

export function toStep(d: DraftStep): Step {
  if (d.locked && d.original) return d.original;
  const editor = activityUi(d.type)?.editor;
  const draft = d.drafts[d.type];
  // (every type has an editor, whose draft is made when the step is added or its type chosen)
  const config = editor && draft ? editor.toConfig(draft) : d.source?.type === d.type ? d.source.config : (getActivity(d.type)?.defaultConfig() ?? {});
  const notes = d.notes.trim();
  return { id: d.id, type: d.type, title: d.title.trim(), durationSec: toSeconds(d.minutes), config, ...(notes ? { notes } : {}) };
}

/** The first problem to fix before the agenda can be used, with the id of the field to focus. */
export function checkSteps(steps: DraftStep[]): { message: string; focus: string } | null {
  if (steps.length === 0) return { message: m.shell_agenda_need_step(), focus: 'add-step' };
  for (const [i, s] of steps.entries()) {
    if (s.locked) continue;
    if (!s.title.trim()) return { message: m.shell_agenda_need_title({ number: i + 1 }), focus: `title-${s.id}` };
    const draft = s.drafts[s.type];
    const problem = draft ? activityUi(s.type)?.editor?.check?.(draft, i) : null;
    if (problem) return { message: problem.message, focus: `${problem.field}-${s.id}` };
  }
  return null;
}

// ---- template files and "My templates" ----

export const templateFileName = (title: string) =>
  `${
    title
      .trim()
      .replace(/[\\/:*?"<>|]+/g, '-')
      .replace(/\s+/g, ' ')
      .slice(0, 80) || 'agenda'
  }.canopy-agenda.json`;

/** Hand the browser a template file to save. */
export function downloadTemplate(template: Template) {
  const blob = new Blob([JSON.stringify(template, null, 2) + '\n'], { type: 'application/json' });
  saveFile(blob, templateFileName(template.title));
}

export interface SavedTemplate {
  id: string;
  savedAt: number;
  template: Template;
}

const TEMPLATES_KEY = 'canopy:templates';

/** The templates kept in this browser (invalid entries are dropped quietly). */
export function loadSavedTemplates(): SavedTemplate[] {
  let raw: unknown;
  try {
    raw = JSON.parse(localStorage.getItem(TEMPLATES_KEY) ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  const out: SavedTemplate[] = [];
  for (const item of raw) {
    if (!isObject(item) || typeof item.id !== 'string') continue;
    const checked: TemplateResult = parseTemplate(JSON.stringify(item.template));
    if (checked.ok) out.push({ id: item.id, savedAt: Number(item.savedAt) || 0, template: checked.template });
  }
  return out;
}

function writeSavedTemplates(list: SavedTemplate[]): boolean {
  try {
    localStorage.setItem(TEMPLATES_KEY, JSON.stringify(list));
    return true;
  } catch {
    return false; // storage full or disabled: the download still happened
  }
}

/** Keep a template in this browser; one with the same title is replaced. */
export function keepTemplate(template: Template): SavedTemplate[] {
  const list = loadSavedTemplates().filter((t) => t.template.title !== template.title);
  list.unshift({ id: randomId(6), savedAt: Date.now(), template });
  writeSavedTemplates(list);
  return list;
}

export function forgetTemplate(id: string): SavedTemplate[] {
  const list = loadSavedTemplates().filter((t) => t.id !== id);
  writeSavedTemplates(list);
  return list;
}

export { parseTemplate, toTemplate };
