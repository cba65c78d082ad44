/**
 * Planning in another language (/new): the built-in workshop is loaded in the room's language, so
 * when the facilitator picks another language for the room afterwards, the agenda should follow —
 * but never at the cost of what they have typed. An agenda still exactly as it was loaded is
 * loaded again in the new language; a changed one stays, and the page offers to load it again.
 */
import type { Step } from '@canopy/core';
import type { Locale } from '@canopy/i18n';

/** The built-in template the plan was started from, in the language it was loaded in, and the plan right after loading. */
export interface LoadedBuiltIn {
  language: Locale;
  /** `planPrint` of the plan as loaded */
  print: string;
}

/** What the plan is, to tell whether it changed since it was loaded: its title and its steps as they would be sent. */
export const planPrint = (title: string, agenda: readonly Step[]): string => JSON.stringify({ title: title.trim(), agenda });

/**
 * What the room's language becoming `next` does to the plan: `reload` the built-in template in
 * `next` (nothing was changed since it was loaded), `offer` to (it was changed: the facilitator
 * decides), or `keep` it (not from a built-in template, or already in that language).
 */
export function onRoomLanguage(loaded: LoadedBuiltIn | null, print: string, next: Locale): 'reload' | 'offer' | 'keep' {
  if (!loaded || loaded.language === next) return 'keep';
  return print === loaded.print ? 'reload' : 'offer';
}

/**
 * A default the page filled in (the departments and levels to suggest), worded in `next` when it
 * is still the default of the language it was written in; what the facilitator typed stays.
 */
export function defaultIn(value: string, from: Locale, next: Locale, worded: (locale: Locale) => string): string {
  return value.trim() === worded(from).trim() ? worded(next) : value;
}
