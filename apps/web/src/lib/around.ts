/**
 * A translated sentence cut around one of its values ("You’re in, Ana!" around "Ana"), so the value
 * can be wrapped in its own element (stressed, or found by a test) wherever each language puts it.
 * Without the value in the sentence, it is all `before`.
 */
export function around(text: string, part: string): { before: string; part: string; after: string } {
  const at = part ? text.indexOf(part) : -1;
  return at < 0 ? { before: text, part: '', after: '' } : { before: text.slice(0, at), part, after: text.slice(at + part.length) };
}
