import { formatDate } from '@canopy/i18n';
import { currentLocale } from '$lib/i18n.svelte';

/** "Thu, Dec 17, 2026" for a moment, in the screen's language and the browser's zone. */
export function longDate(ms: number): string {
  return formatDate(currentLocale(), ms, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
}
