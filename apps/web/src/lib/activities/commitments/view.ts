/** Reading the commitments views off the live room, the calendar file, and what the phases mean. */
import { commitmentsCalendar, type CalendarAction, type CalendarCheckIn, type CalendarCommitment } from '@canopy/client';
import { randomId, type RoomConnection, type RoomSnapshot } from '@canopy/client';
import type { Cadence, CommitmentItem, CommitmentsPresenterView, CommitmentsRecord, MapEntry } from '@canopy/core';
import { formatDate, getLocale, m, type Locale } from '@canopy/i18n';
import type { Sealer } from '../sealer.svelte';
import { activityData } from '../data';
import { errorText } from '$lib/errors';
import { phase } from '../phases';
import { calendarTexts } from './calendar';

export const ownView = (snap: RoomSnapshot, stepId: string) => activityData<CommitmentsRecord>(snap, stepId);
export const presenterView = (snap: RoomSnapshot, stepId: string) => activityData<CommitmentsPresenterView>(snap, stepId);

/** The phases; their names and notes are read when shown, so they follow the screen's language. */
export const PHASES = [
  phase('write', m.commit_phase_write, m.commit_phase_write_what),
  phase('review', m.commit_phase_review, m.commit_phase_review_what),
] as const;

const CADENCE_WORDS: Record<Cadence, { label: () => string; inSentence: () => string }> = {
  once: { label: m.commit_cadence_once, inSentence: m.commit_cadence_once_lower },
  weekly: { label: m.commit_cadence_weekly, inSentence: m.commit_cadence_weekly_lower },
  biweekly: { label: m.commit_cadence_biweekly, inSentence: m.commit_cadence_biweekly_lower },
  monthly: { label: m.commit_cadence_monthly, inSentence: m.commit_cadence_monthly_lower },
  quarterly: { label: m.commit_cadence_quarterly, inSentence: m.commit_cadence_quarterly_lower },
};

/** "Every month": how often a commitment repeats, on its own (a chip, a chart's row), in the screen's language. */
export const cadenceLabel = (c: Cadence): string => CADENCE_WORDS[c].label();

/** "every month": the same inside a sentence (lower case where the language writes it so). */
export const cadenceInSentence = (c: Cadence): string => CADENCE_WORDS[c].inSentence();

/** Today in the browser's calendar, YYYY-MM-DD. */
export function today(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** "Mon 30 Nov 2026" for a YYYY-MM-DD day, in the screen's language. */
export function dayText(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  const date = new Date(y ?? 2000, (m ?? 1) - 1, d ?? 1);
  return formatDate(getLocale(), date, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
}

/** A commitment as the calendar file takes it, with whom and what opened in this browser. */
export const toCalendar = (c: CommitmentItem, whom: string, what: string): CalendarCommitment => ({
  id: c.id,
  whom,
  what,
  start: c.start,
  cadence: c.cadence,
  ...(c.time ? { time: c.time } : {}),
});

/**
 * The .ics text for these commitments, in the browser's time zone (one event each, with a
 * reminder), its words in `locale` (the screen's language).
 */
export function calendarText(
  entries: CalendarCommitment[],
  workshopTitle: string,
  checkIns: CalendarCheckIn[] = [],
  actions: CalendarAction[] = [],
  locale: Locale = getLocale(),
): string {
  let timezone: string | undefined;
  try {
    timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    timezone = undefined;
  }
  return commitmentsCalendar(entries, { workshopTitle, checkIns, actions, texts: calendarTexts(locale), ...(timezone ? { timezone } : {}) });
}

/** The participant's calendar file, with the names opened in this browser. */
export function calendarFile(
  items: Array<CommitmentItem & { whomText: string; whatText: string }>,
  workshopTitle: string,
  checkIns: CalendarCheckIn[] = [],
  actions: CalendarAction[] = [],
): Blob {
  return new Blob(
    [
      calendarText(
        items.map((c) => toCalendar(c, c.whomText, c.whatText)),
        workshopTitle,
        checkIns,
        actions,
      ),
    ],
    { type: 'text/calendar;charset=utf-8' },
  );
}

/**
 * The check-ins as calendar events: `weeks` after `endedAt` (during the session: counted from
 * today, the plan page has the exact dates), each carrying this person's personal link.
 */
export function checkInEvents(weeks: readonly number[], endedAt: number, link: string, roomId: string): CalendarCheckIn[] {
  return weeks.map((w, index) => ({ index, day: today(new Date(endedAt + w * 7 * 86_400_000)), link, roomId }));
}

/** Where someone new named as a commitment's whom lands on the map: among peers, a contact not yet contacted (moved later). */
export const NEW_WHOM_PLACE = { sector: 'across', ring: 'contact', tags: ['uncontacted'] } as const;

/**
 * Someone named as a commitment's whom who is not on the person's map joins it (label sealed
 * here). Answers the map's entries as they stand then, or the reason it could not be done.
 */
export async function addWhomToMap(
  conn: Pick<RoomConnection, 'editPlan'>,
  sealer: Pick<Sealer, 'seal'>,
  name: string,
): Promise<{ ok: true; entries: MapEntry[] } | { ok: false; error: string }> {
  const label = await sealer.seal(name);
  if (!label) return { ok: false, error: m.commit_cannot_lock() };
  const res = await conn.editPlan({ op: 'person', entry: { id: randomId(8), label, ...NEW_WHOM_PLACE, tags: [...NEW_WHOM_PLACE.tags] } });
  return res.ok ? { ok: true, entries: res.plan.basis.map?.entries ?? [] } : { ok: false, error: errorText(res.error) };
}
