/**
 * The words core hands to people, from the `content` catalogue (packages/i18n/messages/<locale>/content.json):
 * `say('map_prompt', 'de')` is `m.content_map_prompt({}, { locale: 'de' })`. Keys are looked up by
 * name because they follow ids (`sa_statement_<id>`); the tests check that every one exists in
 * every language.
 */
import { m, type Locale } from '@canopy/i18n';

export type { Locale };

type Message = (inputs?: Record<string, unknown>, options?: { locale?: Locale }) => string;
const messages = m as unknown as Record<string, Message | undefined>;

/** The catalogue's `content_<key>` in `locale`, with its parameters. */
export function say(key: string, locale: Locale, params: Record<string, unknown> = {}): string {
  const message = messages[`content_${key}`];
  if (!message) throw new Error(`no message content_${key} in the catalogue`);
  return message(params, { locale });
}

/** An id as it appears in a message key (`next-steps` → `next_steps`). */
export const keyOf = (id: string): string => id.replace(/-/g, '_');
