/**
 * A step added in the agenda editor starts from its activity's defaults in the room's language:
 * the editor's `blank` receives them (`defaultConfigIn`), read like any saved config.
 */
import { defaultConfigIn, openPrompt } from '@canopy/core';
import { baseLocale, m, overwriteGetLocale } from '@canopy/i18n';
import { describe, expect, it } from 'vitest';
import { stepEditor } from './types';

const editor = stepEditor(openPrompt, {
  fromConfig: (c) => ({ question: c.question }),
  Editor: undefined as never, // not rendered here
  toConfig: (d: { question: string }) => ({ ...openPrompt.defaultConfig(), question: d.question }),
});
const question = (draft: object) => (draft as { question: string }).question;

describe('a new step in the agenda editor', () => {
  it('starts from the activity’s defaults in the room’s language', () => {
    const english = question(editor.blank(defaultConfigIn('open-prompt', 'en')));
    expect(english).toBe(openPrompt.defaultConfig().question);
    for (const locale of ['es', 'de', 'ar'] as const) {
      const worded = question(editor.blank(defaultConfigIn('open-prompt', locale)));
      expect(worded).toBe((defaultConfigIn('open-prompt', locale) as { question: string }).question);
      expect(worded).not.toBe(english);
    }
  });

  it('defaults that do not fit the activity give its own defaults', () => {
    expect(question(editor.blank({ question: 42 }))).toBe(openPrompt.defaultConfig().question);
  });
});

describe('a step whose settings break its activity’s rules', () => {
  const broken = { question: '' };
  it('is named with the schema’s own sentence on an English screen', () => {
    expect(editor.check(broken, 2)?.message).toMatch(/^Step 3: .+\.$/);
  });

  it('is worded in the screen’s language elsewhere, naming the step', () => {
    overwriteGetLocale(() => 'de');
    try {
      const message = editor.check(broken, 2)?.message ?? '';
      expect(message).toBe(m.server_error_agenda_invalid({ step: 3 }, { locale: 'de' }));
      expect(message).toContain('3');
    } finally {
      overwriteGetLocale(() => baseLocale);
    }
  });
});
