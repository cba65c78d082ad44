import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, CODE_LENGTH, codeFromBytes, formatCode, normalizeCode } from './codes.js';

describe('room codes', () => {
  it('are eight characters from an alphabet without look-alikes', () => {
    for (const ch of '0O1IL5S2B8UV') expect(CODE_ALPHABET).not.toContain(ch);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const code = codeFromBytes(bytes);
        expect(code).toHaveLength(CODE_LENGTH);
        for (const ch of code) expect(CODE_ALPHABET).toContain(ch);
      }),
    );
  });

  it('are shown in two groups and read back however people type them', () => {
    expect(formatCode('K7FQ3MXD')).toBe('K7FQ-3MXD');
    expect(formatCode(formatCode('k7fq3mxd'))).toBe('K7FQ-3MXD');
    expect(normalizeCode('k7fq-3mxd')).toBe('K7FQ3MXD');
    expect(normalizeCode(' K7FQ 3MXD ')).toBe('K7FQ3MXD');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (b) => normalizeCode(formatCode(codeFromBytes(b)).toLowerCase()) === codeFromBytes(b)),
    );
  });

  it('reject anything that cannot be a code', () => {
    expect(normalizeCode('K7FQ-3MX')).toBeNull();
    expect(normalizeCode('K7FQ-3MXD1')).toBeNull();
    expect(normalizeCode('O0O0-O0O0')).toBeNull();
    expect(normalizeCode('<script>')).toBeNull();
  });

  it('draw every symbol equally (biased bytes are skipped)', () => {
    // 240..255 would favour the first 16 symbols; they must be skipped, not folded in.
    const bytes = new Uint8Array([250, 251, 252, 253, 254, 255, 0, 1, 2, 3, 4, 5, 6, 7]);
    expect(codeFromBytes(bytes)).toBe(CODE_ALPHABET.slice(0, 8));
    expect(() => codeFromBytes(new Uint8Array(8).fill(255))).toThrow();
  });
});
