/** Words the partnership screens make from what core sends as codes (no Svelte state: unit-testable). */
import { formatNumber, getLocale, m, type Locale } from '@canopy/i18n';
import type { PartnershipNudge } from '@canopy/core';

/** A nudge in the screen's language: the facilitator's own words as typed, else its kind worded here. */
export function nudgeText(nudge: PartnershipNudge, locale: Locale = getLocale()): string {
  const o = { locale };
  switch (nudge.kind) {
    case 'text':
      return nudge.text;
    case 'left':
      return m.partner_nudge_left({ count: nudge.minutes, minutes: formatNumber(locale, nudge.minutes) }, o);
    case 'about':
      return m.partner_nudge_about({ count: nudge.minutes, minutes: formatNumber(locale, nudge.minutes) }, o);
    case 'time-up':
      return m.partner_nudge_time_up({}, o);
    case 'wrap-up':
      return m.partner_nudge_wrap_up({}, o);
  }
}
