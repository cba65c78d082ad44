/**
 * A translated sentence cut around one of its values ("You’re in, Ana!" around "Ana"), so the value
 * can be wrapped in its own element (stressed, or found by a test) wherever each language puts it.
 * Without the value in the sentence, it is all `before`.
 */
export function around(text: string, part: string): { before: string; part: string; after: string } {
  const at = part ? text.indexOf(part) : -1;
  return at < 0 ? { before: text, part: '', after: '' } : { before: text.slice(0, at), part, after: text.slice(at + part.length) };
}

/**
 * The other way round, for a value that is markup rather than text: the message is worded with
 * `SLOT` in the value's place and cut around it, so every language keeps its own word order.
 *
 *   {@const [before, after] = aroundSlot(m.console_lobby_start_with({ title: SLOT }))}
 *   {before}<strong>{title}</strong>{after}
 */
export const SLOT = '\u{E000}';

export function aroundSlot(text: string): [string, string] {
  const i = text.indexOf(SLOT);
  return i < 0 ? [text, ''] : [text.slice(0, i), text.slice(i + SLOT.length)];
}
