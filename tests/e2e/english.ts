/**
 * "No English left": on a screen that speaks another language, no English sentence from Canopy's
 * own words may show. The English sentences are every parameter-free message of three words or
 * more in the English catalogues (packages/i18n/messages/en/*.json), plus any English step texts a
 * story hands in (a built-in workshop's titles, bodies and notes); and any line that reads as
 * English though no catalogue holds it (`soundsEnglish`: English's own small words, for a sentence
 * still written in code). A screen's words are what a person reads or hears: its visible text
 * (`innerText`) and the names, hints and descriptions in `aria-label`, `placeholder`, `title` and
 * `alt`. What people typed themselves is left out.
 *
 * Also `words(locale, key)`, a catalogue's parameter-free message as the screen shows it, so a
 * story can look for a control by its words in any language.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

export type Locale = 'en' | 'es' | 'de' | 'ar';

const MESSAGES = fileURLToPath(new URL('../../packages/i18n/messages/', import.meta.url));

/** Every plain (parameter-free, single-variant) message of a language, by key. */
function catalogue(locale: Locale): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of readdirSync(`${MESSAGES}${locale}`).filter((f) => f.endsWith('.json'))) {
    const messages = JSON.parse(readFileSync(`${MESSAGES}${locale}/${file}`, 'utf8')) as Record<string, unknown>;
    for (const [key, value] of Object.entries(messages)) if (key !== '$schema' && typeof value === 'string' && !value.includes('{')) out.set(key, value);
  }
  return out;
}
const catalogues = new Map<Locale, Map<string, string>>();
const cat = (locale: Locale) => {
  if (!catalogues.has(locale)) catalogues.set(locale, catalogue(locale));
  return catalogues.get(locale)!;
};

/** A catalogue's plain message (`words('es', 'map_add_submit')`), for finding controls by their words. */
export function words(locale: Locale, key: string): string {
  const value = cat(locale).get(key);
  if (value === undefined) throw new Error(`no plain message ${key} in ${locale}`);
  return value;
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const threeWords = (s: string) => squash(s).split(' ').length >= 3;

/**
 * Every English sentence of Canopy's own shown on `page` while it speaks `locale` (not English),
 * one line each, named by `label`. `typed`: what people typed (left out); `steps`: English step
 * texts to look for as well (a built-in workshop's own words in English).
 */
export async function englishLeft(page: Page, locale: Locale, label: string, opts: { typed?: string[]; steps?: string[] } = {}): Promise<string[]> {
  if (locale === 'en') return [];
  const own = cat(locale);
  const english = new Map<string, string>();
  for (const [key, value] of cat('en')) {
    // a message worded the same in both languages (a name, a code) is not a leftover
    if (threeWords(value) && own.get(key) !== value) english.set(squash(value), key);
  }
  for (const text of opts.steps ?? []) if (threeWords(text)) english.set(squash(text), 'step text');
  const lines = (
    await page.evaluate(() => {
      const attrs = [...document.querySelectorAll('[aria-label], [placeholder], [title], img[alt]')].flatMap((el) =>
        ['aria-label', 'placeholder', 'title', 'alt'].map((a) => el.getAttribute(a) ?? ''),
      );
      return [document.body.innerText, ...attrs].join('\n');
    })
  ).split('\n');
  let shown = squash(lines.join('\n'));
  for (const t of opts.typed ?? []) shown = shown.split(squash(t)).join(' ');
  const found: string[] = [];
  for (const [text, key] of english) if (shown.includes(text)) found.push(`${label}: English left (${key}): “${text}”`);
  // English written outside the catalogues (a sentence core or a component still builds in English)
  for (const line of lines) {
    let rest = line;
    for (const t of opts.typed ?? []) rest = rest.split(squash(t)).join(' ');
    rest = squash(rest);
    if ([...english.keys()].some((text) => rest.includes(text))) continue;
    if (soundsEnglish(rest)) found.push(`${label}: English left (not in the catalogues): “${rest.slice(0, 120)}”`);
  }
  return found;
}

/**
 * Small words only English has among the languages Canopy speaks (not "a", "in", "was", "will",
 * "also", which Spanish or German share): a line with three words or more of which at least two
 * different ones are these, and a third of its words, reads as English.
 */
const ENGLISH_ONLY = new Set(
  'the and you your yours is are was of to with for who what this that these those it its be has have had on at by from or they their them our we my when how not can been were which there about after before each would should could'.split(
    ' ',
  ),
);
export function soundsEnglish(line: string): boolean {
  const tokens = (line.toLowerCase().match(/\p{L}+/gu) ?? []) as string[];
  if (tokens.length < 3) return false;
  const small = tokens.filter((t) => ENGLISH_ONLY.has(t));
  return new Set(small).size >= 2 && small.length * 3 >= tokens.length;
}

/**
 * At least one of `locale`'s own plain messages (worded differently from English) shows on `page`:
 * the screen speaks that language. Returns a problem line if none does.
 */
export async function speaks(page: Page, locale: Locale, label: string): Promise<string[]> {
  const shown = squash(await page.evaluate(() => document.body.innerText));
  const en = cat('en');
  for (const [key, value] of cat(locale)) if (value.length >= 6 && (locale === 'en' || en.get(key) !== value) && shown.includes(squash(value))) return [];
  return [`${label}: no ${locale} message of Canopy's own shows`];
}
