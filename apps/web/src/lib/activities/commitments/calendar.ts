/**
 * The calendar file's words (titles, descriptions, reminders) in one language, for the client
 * package's `commitmentsCalendar`, which has no catalogue of its own: the commitments step, the
 * plan page and the pack pass them in the language of the screen that makes the file.
 */
import type { CalendarTexts } from '@canopy/client';
import type { Cadence } from '@canopy/core';
import { formatList, m, type Locale } from '@canopy/i18n';

type Worded = (inputs: { title: string }, options: { locale: Locale }) => string;
const COMMITMENT_TEXT: Record<Cadence, Worded> = {
  once: m.common_calendar_commitment_once,
  weekly: m.common_calendar_commitment_weekly,
  biweekly: m.common_calendar_commitment_biweekly,
  monthly: m.common_calendar_commitment_monthly,
  quarterly: m.common_calendar_commitment_quarterly,
};

/** Every word of the calendar file in `locale`. */
export function calendarTexts(locale: Locale): CalendarTexts {
  const o = { locale };
  return {
    untitledWorkshop: m.common_calendar_untitled({}, o),
    someone: m.common_calendar_someone({}, o),
    calendarName: ({ title }) => m.common_calendar_name({ title }, o),
    commitmentSummary: ({ whom, what }) => (what ? m.common_calendar_summary({ whom, what }, o) : m.common_calendar_summary_whom({ whom }, o)),
    commitmentDescription: ({ title, cadence }) => COMMITMENT_TEXT[cadence]({ title }, o),
    tomorrow: ({ summary }) => m.common_calendar_tomorrow({ summary }, o),
    checkInSummary: ({ title }) => m.common_calendar_check_in({ title }, o),
    checkInDescription: ({ number, link }) => m.common_calendar_check_in_text({ number, link }, o),
    actionSummary: ({ text }) => m.common_calendar_action({ text }, o),
    actionDescription: ({ title, with: others, due }) => {
      if (!others.length) return due ? m.common_calendar_action_due({ title }, o) : m.common_calendar_action_undated({ title }, o);
      const names = formatList(locale, others);
      return due ? m.common_calendar_action_due_with({ title, names }, o) : m.common_calendar_action_undated_with({ title, names }, o);
    },
  };
}
