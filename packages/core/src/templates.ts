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

const slide = (id: string, title: string, minutes: number, body: string, notes: string): Step => step(id, 'slide', title, minutes, notes, { body });

/**
 * The partnership meeting of the built-in workshop: the conversation the articles recommend with
 * a potential ally from another team — start with what you admire, share your missions, see what
 * works and what does not, offer help, agree on next steps and when to meet again, and ask who
 * else belongs in the conversation. Two rounds of 2 + 3 + 3 + 2 + 3 + 2 minutes and a minute to
 * find each other: 32 minutes.
 */
export const BUILDING_ALLIES_PARTNERSHIP_PROMPTS: PartnershipPrompt[] = [
  {
    id: 'admire',
    title: 'What we admire',
    hint: 'Start generously: tell each other one thing you have seen the other team do well, and why it stood out.',
    minutes: 2,
  },
  {
    id: 'purpose',
    title: 'Our missions',
    hint: 'What is each of you trying to achieve this year, and why does it matter to you? Find the place where your goals touch.',
    minutes: 3,
  },
  {
    id: 'working',
    title: 'What works, what gets in the way',
    hint: 'Where do your teams already help each other? Where do hand-offs, delays or surprises hurt? Describe situations, not people.',
    minutes: 3,
  },
  {
    id: 'offer',
    title: 'How we can help each other',
    hint: 'Ask: how could I be useful to what you are trying to do? Look for a trade where both of you win.',
    minutes: 2,
  },
  {
    id: 'next-steps',
    title: 'Next steps, and when we meet again',
    hint: 'Agree on one or two concrete steps, each with an owner and a date, and on a date to meet again. Record them as actions.',
    minutes: 3,
  },
  {
    id: 'who-else',
    title: 'Who else should be in this conversation?',
    hint: 'Grow the base: name someone from either side who shares this aim. Who will invite them, and by when? Add it as an action.',
    minutes: 2,
  },
];

/**
 * The built-in workshop, 90 minutes, runnable with no editing. The activities' own defaults carry
 * the self-assessment's statements, the worthy adversaries' assumptions and the map's prompts by
 * level; the steps carry the partnership conversation, the 3 a.m. question and, on every step, a
 * short script for the facilitator (on the console only). Every step leaves room for its
 * activity's own schedule (`scheduleSeconds`): the partnership meetings take 32 minutes, the
 * worthy adversaries' stances, pairing, four steelman turns and re-rating 19 with four statements
 * and 20 with a fifth of the facilitator's own.
 */
export const BUILDING_ALLIES: Template = toTemplate({
  title: 'Building allies',
  description:
    'A 90-minute session: what an ally is, where you stand, who is around you, meeting across teams, learning from people who disagree, and what you will do next.',
  join: { askDepartment: true, askLevel: false },
  agenda: [
    slide(
      'welcome',
      'Welcome',
      3,
      'Nobody succeeds alone. Like redwoods whose shallow roots hold because they intertwine, we stand because of the people around us. Today we look at who helps us get things done — and at the ones we have not reached yet.',
      'Say who you are and what the next 90 minutes hold: a question, a private self-check, a map, two conversations across teams, one with someone who disagrees, and a commitment. Ask everyone to join with the code on the screen and give their department (it is used to mix the groups). Watch the joined count; start when most of the room is in. About 3 minutes.',
    ),
    step(
      'three-am',
      'open-prompt',
      'An ally you would call at 3 a.m.',
      5,
      'Read the question aloud and give people two minutes to post; answers appear on the display without names. Then open the vote and read the top three back. Listen for trust, honesty, being there when it costs something — you will come back to these words at the wrap-up. Hide anything that names a person. About 5 minutes.',
      { question: 'What makes someone an ally you would go to at 3 a.m.?', maxAnswersPerPerson: 3, votes: 3 },
    ),
    step(
      'self-check',
      'self-assessment',
      'Where you stand today',
      8,
      'Say plainly that answers are private: the room sees totals only, and a statement shows no bars until enough people answered it. Give about five minutes; watch “answered every statement” on the console. Move to Results and point at the practice the room rates itself lowest on — that is where today’s exercises help most. Ask: which of these is hardest for you, and why? About 8 minutes.',
    ),
    step(
      'map',
      'mental-map',
      'Map your allies',
      10,
      'Ask people to say on their phone whether they are new here or a seasoned leader: the prompts change. Newer people map upward and across first; seasoned leaders look below for overlooked talent and for people unlike themselves. Names never leave the phone. After about six minutes, Reveal the heatmap and read the blind spot aloud; if both levels have enough people, compare their maps. Invite two or three people to say what surprised them. About 10 minutes.',
    ),
    slide(
      'map-talk',
      'What the room’s map tells us',
      4,
      'Where are our allies? Where are our blind spots? Talk with your neighbour: which direction would you most like to strengthen, and who is one person there you have overlooked?',
      'The heatmap is no longer on the display: this slide frames a conversation in pairs. Peers and the people who report to us are the allies most often overlooked; say so if nobody does. About 4 minutes.',
    ),
    step(
      'partners',
      'partnership',
      'Partnership meetings',
      32,
      'Two rounds of six short questions with someone from another team. The question timer on the console runs each question; the step timer is the whole meeting. Start the round, then move to the next question when its timer ends (or when the room is ready). Walk the room: groups with no notes after two questions may need a nudge. Make sure the last two questions happen — a date to meet again and who else to invite are what turn a good chat into an alliance. 32 minutes.',
      { prompts: BUILDING_ALLIES_PARTNERSHIP_PROMPTS.map((p) => ({ ...p })) },
    ),
    step(
      'adversaries',
      'adversaries',
      'Worthy adversaries',
      20,
      'These statements are common assumptions about what makes someone successful — credit, doing it right, not asking for help, going around opposition. Add one of your own if the room has a live one (there is room for five). Everyone takes a stance; pair the room on the statement that divides it most. In each pair one states their view and the other restates it until the first accepts it, then they swap. Remind people: the aim is to understand, not to win. End with what they learned and a re-rating. About 20 minutes.',
    ),
    step(
      'commitments',
      'commitments',
      'Your commitments',
      5,
      'Ask for two or three people from the map and one concrete step each, with a rhythm: offer help first, stay in touch when you need nothing, say thank you. Names are encrypted on the phone. Move to Review and invite one or two people to share a commitment aloud. About 5 minutes.',
    ),
    slide(
      'wrap-up',
      'Wrap-up',
      3,
      'Allies are earned by helping first. Pick one person from your map and one commitment, and start this week.',
      'Come back to the 3 a.m. answers: that is the ally each of us can choose to be. Remind people to download their outcomes and the calendar file before they leave (“My outcomes” at the top of their phone). Thank the room. About 3 minutes.',
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
      'Introduce yourself and the plan for the session. Ask people to join with the code on the screen. About 3 minutes.',
    ),
    slide(
      'why',
      'Why allies matter',
      5,
      'Nobody moves a big idea through an organisation alone. Allies open doors, tell you what is really going on, and speak up for you in rooms you are not in.\n\nThink of your last big win: who backed you?',
      'Invite two or three people to share their story out loud. Listen for allies who were peers or reported to the speaker: they are the ones most often overlooked. About 5 minutes.',
    ),
    step(
      'map',
      'mental-map',
      'Map your allies',
      10,
      'Ask people to choose new or seasoned on their phone, then place at least five people. Names stay on the phone. After six minutes, Reveal and read the blind spot aloud. About 10 minutes.',
    ),
    slide(
      'wrap-up',
      'Wrap-up',
      3,
      'Choose one person you will reach out to this week, and one relationship you will invest in this quarter. Write both down before you leave.',
      'Ask for one or two people to say their choice aloud. Remind them to download their map from “My outcomes”. About 3 minutes.',
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
