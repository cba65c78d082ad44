/**
 * Room codes: what people type on their phone. Eight characters from an alphabet with no
 * look-alikes (no 0/O, 1/I/L, 5/S, 2/Z, 8/B, U/V), read case-insensitively, shown as two groups.
 * 24 symbols ^ 8 ≈ 1.1e11 codes: guessing is made useless by the join rate limit, not by secrecy.
 */
export const CODE_ALPHABET = '34679ACDEFGHJKMNPQRTWXYZ';
export const CODE_LENGTH = 8;

/** Build a code from random bytes supplied by the caller (core never draws randomness itself). */
export function codeFromBytes(bytes: Uint8Array): string {
  if (bytes.length < CODE_LENGTH) throw new Error(`need ${CODE_LENGTH} random bytes`);
  let out = '';
  // 256 is not a multiple of 24: reject the biased tail so every symbol is equally likely.
  const limit = 256 - (256 % CODE_ALPHABET.length);
  for (const b of bytes) {
    if (b >= limit) continue;
    out += CODE_ALPHABET[b % CODE_ALPHABET.length];
    if (out.length === CODE_LENGTH) return out;
  }
  throw new Error('not enough unbiased random bytes; pass more');
}

/** Normalize what someone typed: case, spaces and dashes do not matter. Returns null if it cannot be a code. */
export function normalizeCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s\-_.]/g, '');
  if (s.length !== CODE_LENGTH) return null;
  for (const ch of s) if (!CODE_ALPHABET.includes(ch)) return null;
  return s;
}

/** `K7FQ3MXD` → `K7FQ-3MXD`; already grouped or lower case comes out the same. */
export function formatCode(code: string): string {
  const c = code.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
  return `${c.slice(0, 4)}-${c.slice(4)}`;
}
