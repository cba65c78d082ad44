import { describe, expect, it } from 'vitest';
import { locales } from '@canopy/i18n';
import { ERROR_CODES, ERROR_REASONS, errorText } from './errors';

const others = locales.filter((l) => l !== 'en');

describe('errorText: refusals in the screen’s language', () => {
  it('words every error code in every language, and no other language falls back to English', () => {
    for (const code of ERROR_CODES) {
      const english = errorText({ code, message: '' }, 'en');
      expect(english, code).toMatch(/\w/);
      for (const locale of others) {
        const text = errorText({ code, message: 'The English text for developers.' }, locale);
        expect(text, `${code} in ${locale}`).not.toBe('');
        expect(text, `${code} in ${locale}`).not.toBe(english);
        expect(text).not.toContain('English text');
      }
    }
  });

  it('words every reason with its parameters in every language', () => {
    const params = { seconds: 42, step: 3, field: 'title' };
    for (const reason of ERROR_REASONS) {
      const english = errorText({ code: 'BAD_REQUEST', message: '', reason, params }, 'en');
      for (const locale of others) {
        const text = errorText({ code: 'BAD_REQUEST', message: 'Step 3: duplicate id "x"', reason, params }, locale);
        expect(text, `${reason} in ${locale}`).not.toBe(english);
        expect(text).not.toMatch(/\{\w+\}/); // every placeholder filled
        if (english.includes('42')) expect(text, `${reason} in ${locale}`).toContain('42');
        if (english.includes('3')) expect(text, `${reason} in ${locale}`).toContain('3');
      }
    }
  });

  it('shows a wrong room code to a Spanish phone in Spanish and to an English one as the server said it', () => {
    const refusal = { code: 'NOT_FOUND' as const, message: 'No open room matches that code. Check it with your facilitator.', reason: 'NO_SUCH_ROOM' as const };
    expect(errorText(refusal, 'en')).toBe(refusal.message);
    expect(errorText(refusal, 'es')).toBe('Ninguna sala abierta tiene ese código. Compruébalo con tu facilitador/a.');
    expect(
      errorText(
        { code: 'RATE_LIMITED', message: 'Too many attempts from this network. Try again in 30 s.', reason: 'TOO_MANY_ATTEMPTS', params: { seconds: 30 } },
        'de',
      ),
    ).toBe('Zu viele Versuche aus diesem Netzwerk. Versuche es in 30 s noch einmal.');
  });

  it('words a failure on this device in the screen’s language', () => {
    expect(errorText(new Error('boom'), 'es')).toBe('Algo ha fallado en este navegador (boom). Vuelve a cargar la página e inténtalo de nuevo.');
    expect(errorText('boom', 'en')).toBe('Something went wrong in this browser (boom). Reload the page and try again.');
  });
});
