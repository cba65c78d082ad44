/**
 * Text that people type and others see. Normalized to NFKC, stripped of control, format and
 * bidirectional-override characters, with combining-mark floods ("zalgo") trimmed, whitespace
 * collapsed and length capped by user-perceived characters. Rendering is always as text.
 */

// Controls (Cc: tabs, newlines, NUL, escape…) become spaces. Format characters (Cf: bidi overrides
// and isolates, zero-width spaces…), private-use, surrogate and unassigned code points go — except
// the zero-width joiner, which holds multi-part emoji together.
const CONTROLS = /\p{Cc}/gu;
const STRIP = /(?!\u200D)[\p{Cf}\p{Co}\p{Cs}\p{Cn}]/gu;
const MAX_MARKS_PER_CHAR = 2;

export interface NormalizeOptions {
  maxLength: number;
  /** keep line breaks (for multi-line notes); nicknames never keep them */
  multiline?: boolean;
}

export function normalizeText(input: string, opts: NormalizeOptions): string {
  // Decompose first so marks already folded into a letter count towards its cap, then recompose.
  let s = capMarks(input.normalize('NFKD')).normalize('NFKC');
  if (opts.multiline) {
    s = s.replace(/\r\n?/g, '\n');
    s = s
      .split('\n')
      .map((line) => line.replace(STRIP, '').replace(CONTROLS, ' ').replace(/\s+/gu, ' ').trim())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n');
  } else {
    s = s.replace(STRIP, '').replace(CONTROLS, ' ').replace(/\s+/gu, ' ');
  }
  s = s.trim();
  return truncateGraphemes(s, opts.maxLength).trim();
}

function capMarks(s: string): string {
  let out = '';
  let marks = 0;
  for (const ch of s) {
    if (/\p{M}/u.test(ch)) {
      if (++marks > MAX_MARKS_PER_CHAR) continue;
    } else marks = 0;
    out += ch;
  }
  return out;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function truncateGraphemes(s: string, max: number): string {
  if (s.length <= max) return s;
  let out = '';
  let n = 0;
  for (const { segment } of segmenter.segment(s)) {
    if (n++ >= max) break;
    out += segment;
  }
  return out;
}

export const NICKNAME_MAX = 32;
export const ATTRIBUTE_MAX = 40;

export function normalizeNickname(input: string): string {
  return normalizeText(input, { maxLength: NICKNAME_MAX });
}
