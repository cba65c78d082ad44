import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NICKNAME_MAX, normalizeNickname, normalizeText } from './text.js';

describe('nicknames', () => {
  it('keep what people meant, in any script', () => {
    expect(normalizeNickname('  Ana  María ')).toBe('Ana María');
    expect(normalizeNickname('李小龙')).toBe('李小龙');
    expect(normalizeNickname('Zoë 👩🏽‍💻')).toBe('Zoë 👩🏽‍💻');
  });

  it('fold look-alike forms (NFKC): full-width letters become plain', () => {
    expect(normalizeNickname('Ｂｏｂ')).toBe('Bob');
  });

  it('lose control, bidi-override and zero-width characters', () => {
    expect(normalizeNickname('evil\u202Egnp.exe')).toBe('evilgnp.exe');
    expect(normalizeNickname('\u2067admin\u2069')).toBe('admin');
    expect(normalizeNickname('a\u0000b\u0007c')).toBe('a b c');
    expect(normalizeNickname('ad\u200Bmin')).toBe('admin');
    expect(normalizeNickname('line\nbreak')).toBe('line break');
  });

  it('tame combining-character floods', () => {
    const zalgo = 'Z' + '\u0301'.repeat(500) + 'a' + '\u0300\u0301\u0302\u0303'.repeat(50);
    const out = normalizeNickname(zalgo);
    // at most two marks stay on each letter (NFKC may fold one into the letter itself)
    expect(out.normalize('NFD')).toMatch(/^Z\p{M}{1,2}a\p{M}{1,2}$/u);
  });

  it('are capped in length, without splitting a character', () => {
    expect([...normalizeNickname('x'.repeat(10_000))]).toHaveLength(NICKNAME_MAX);
    const flags = normalizeNickname('🇫🇷'.repeat(100));
    expect(flags).toBe('🇫🇷'.repeat(NICKNAME_MAX));
  });

  it('never contain control or format characters, whatever comes in', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const out = normalizeNickname(s);
        expect(out).not.toMatch(/[\p{Cc}\p{Cf}]/u);
        expect(out).toBe(out.trim());
      }),
    );
  });
});

describe('multi-line texts', () => {
  it('keep single line breaks and squeeze long gaps', () => {
    expect(normalizeText('one\r\ntwo\n\n\n\nthree', { maxLength: 100, multiline: true })).toBe('one\ntwo\n\nthree');
  });
});
