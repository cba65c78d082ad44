/**
 * A message with markup around one of its values (a name in <strong>): the message is worded with
 * `SLOT` in the value's place and split around it, so every language keeps its own word order.
 *
 *   {@const [before, after] = around(m.console_lobby_start_with({ title: SLOT }))}
 *   {before}<strong>{title}</strong>{after}
 */
export const SLOT = '\u{E000}';

export function around(text: string): [string, string] {
  const i = text.indexOf(SLOT);
  return i < 0 ? [text, ''] : [text.slice(0, i), text.slice(i + SLOT.length)];
}
