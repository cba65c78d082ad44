/** The plan pages' words for what core names in English, in every language. */
import { COMMITMENT_STATE_LABELS, COMMITMENT_STATES, PERSON_NOTE_FIELDS, PERSON_NOTE_LABELS } from '@canopy/core';
import { locales, overwriteGetLocale, type Locale } from '@canopy/i18n';
import { afterEach, describe, expect, it } from 'vitest';
import { dayText, scaleFigure } from '../pack/charts';
import { commitmentStateLabel, personNoteLabel } from './words';

let locale: Locale = 'en';
overwriteGetLocale(() => locale);
afterEach(() => (locale = 'en'));

describe('the plan page’s labels', () => {
  it('in English are core’s words', () => {
    for (const s of COMMITMENT_STATES) expect(commitmentStateLabel(s)).toBe(COMMITMENT_STATE_LABELS[s]);
    for (const f of PERSON_NOTE_FIELDS) expect(personNoteLabel(f)).toBe(PERSON_NOTE_LABELS[f]);
  });

  it.each(locales.filter((l) => l !== 'en'))('in %s are worded in that language, each its own', (l) => {
    locale = l;
    const states = COMMITMENT_STATES.map(commitmentStateLabel);
    const notes = PERSON_NOTE_FIELDS.map(personNoteLabel);
    expect(new Set(states).size).toBe(states.length);
    expect(new Set(notes).size).toBe(notes.length);
    states.forEach((w, i) => expect(w).not.toBe(COMMITMENT_STATE_LABELS[COMMITMENT_STATES[i]!]));
    notes.forEach((w, i) => expect(w).not.toBe(PERSON_NOTE_LABELS[PERSON_NOTE_FIELDS[i]!]));
  });
});

describe('the pack’s chart and dates', () => {
  const you = (l: Locale) => {
    locale = l;
    const figure = scaleFigure({ title: 't', scale: ['a', 'b', 'c'], counts: null, mine: 2 });
    // the words above the bars: only the participant's own answer has one
    return figure.shapes.flatMap((s) => (s.t === 'text' && s.y < 10 ? [s.text] : []));
  };

  it('marks the participant’s answer in the pack’s language', () => {
    expect(you('en')).toEqual(['You']);
    expect(you('es')).toEqual(['Tú']);
    expect(you('ar')).toEqual(['أنت']);
  });

  it('writes a day in the pack’s language, whatever the browser’s', () => {
    expect(dayText('2026-12-01', 'en')).toBe('December 1, 2026');
    expect(dayText('2026-12-01', 'de')).toBe('1. Dezember 2026');
    expect(dayText('2026-12-01', 'es')).toBe('1 de diciembre de 2026');
    locale = 'de';
    expect(dayText('2026-03-05')).toBe('5. März 2026');
    expect(dayText('not a day')).toBe('not a day');
  });
});
