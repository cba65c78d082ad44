/**
 * Every word a person reads in Canopy comes from the message catalogues in `messages/<locale>.json`
 * (English is the source; every other catalogue has exactly its keys, checked by
 * `scripts/i18n-check.mjs`). They compile (Paraglide JS) into one typed function per message:
 * `m.join_title()`, `m.people_count({ count })`. Without a `locale` option a message uses the
 * current locale, which the web app sets from the room and the device; the server passes the
 * room's locale to every message it prints (`m.report_title({}, { locale })`).
 *
 * Numbers, dates, lists and plurals go through `Intl` with the same locale (the helpers below),
 * never through string concatenation.
 */
import { locales, baseLocale, isLocale, getLocale, overwriteGetLocale } from './paraglide/runtime.js';

export { m } from './paraglide/messages.js';
export { locales, baseLocale, isLocale, getLocale, overwriteGetLocale };

export type Locale = (typeof locales)[number];

/** Each language as it names itself (a language menu lists them so), and its writing direction. */
export const LANGUAGES: Record<Locale, { name: string; dir: 'ltr' | 'rtl' }> = {
  en: { name: 'English', dir: 'ltr' },
  es: { name: 'Español', dir: 'ltr' },
  de: { name: 'Deutsch', dir: 'ltr' },
  ar: { name: 'العربية', dir: 'rtl' },
};

export function textDirection(locale: Locale): 'ltr' | 'rtl' {
  return LANGUAGES[locale].dir;
}

/** The first of a device's preferred languages (`navigator.languages`) that Canopy speaks, by language only ("es-MX" → "es"). */
export function matchLocale(preferred: readonly string[]): Locale | undefined {
  for (const tag of preferred) {
    const lang = tag.toLowerCase().split('-')[0] ?? '';
    if (isLocale(lang)) return lang;
  }
  return undefined;
}

/** A whole number or a decimal as the locale writes it (Arabic keeps Western digits: `ar` with `-u-nu-latn`, as most Arabic-speaking workplaces type them). */
export function formatNumber(locale: Locale, value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(intlTag(locale), options).format(value);
}

/** "Ada, Ben and Chloé" in the locale's own words for "and". */
export function formatList(locale: Locale, items: readonly string[], type: Intl.ListFormatType = 'conjunction'): string {
  return new Intl.ListFormat(intlTag(locale), { style: 'long', type }).format(items);
}

/** A date and/or time in the locale's order and words. */
export function formatDate(locale: Locale, date: Date | number, options: Intl.DateTimeFormatOptions, timeZone?: string): string {
  return new Intl.DateTimeFormat(intlTag(locale), timeZone ? { ...options, timeZone } : options).format(date);
}

/** The BCP 47 tag handed to `Intl` for a locale. */
export function intlTag(locale: Locale): string {
  return locale === 'ar' ? 'ar-u-nu-latn' : locale;
}
