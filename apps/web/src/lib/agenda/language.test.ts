/**
 * Choosing the room's language on /new after the built-in workshop is loaded: an agenda nobody has
 * changed follows the language, a changed one stays (and the page offers to load it again), and
 * the suggestions the page filled in follow as long as they are untouched.
 */
import { builtInTemplates } from '@canopy/core';
import { m, type Locale } from '@canopy/i18n';
import { describe, expect, it } from 'vitest';
import { defaultIn, onRoomLanguage, planPrint, type LoadedBuiltIn } from './language';

const english = builtInTemplates('en').buildingAllies;
const loaded: LoadedBuiltIn = { language: 'en', print: planPrint(english.title, english.agenda) };

describe('the room’s language chosen after a built-in template is loaded', () => {
  it('an agenda as it was loaded is loaded again in the new language', () => {
    expect(onRoomLanguage(loaded, planPrint(english.title, english.agenda), 'de')).toBe('reload');
    // what "again" gives: the same steps, worded in German
    const german = builtInTemplates('de').buildingAllies;
    expect(german.agenda.map((s) => [s.id, s.type])).toEqual(english.agenda.map((s) => [s.id, s.type]));
    expect(german.title).not.toBe(english.title);
  });

  it('a changed title or step is never replaced quietly: the page offers instead', () => {
    expect(onRoomLanguage(loaded, planPrint('Our allies day', english.agenda), 'es')).toBe('offer');
    const shorter = english.agenda.map((s, i) => (i === 0 ? { ...s, durationSec: s.durationSec + 60 } : s));
    expect(onRoomLanguage(loaded, planPrint(english.title, shorter), 'ar')).toBe('offer');
    // spaces around the title are not a change (the title is sent trimmed)
    expect(onRoomLanguage(loaded, planPrint(` ${english.title} `, english.agenda), 'ar')).toBe('reload');
  });

  it('nothing happens without a built-in template, or back in the language it was loaded in', () => {
    expect(onRoomLanguage(null, planPrint('Mine', []), 'de')).toBe('keep');
    expect(onRoomLanguage(loaded, planPrint('Changed', []), 'en')).toBe('keep');
  });

  it('the departments and levels suggested follow the language until the facilitator types their own', () => {
    const departments = (locale: Locale) => m.shell_plan_default_departments({}, { locale });
    expect(defaultIn(departments('en'), 'en', 'de', departments)).toBe(departments('de'));
    expect(defaultIn(departments('de'), 'de', 'ar', departments)).toBe(departments('ar'));
    expect(defaultIn('Sales, Legal', 'en', 'de', departments)).toBe('Sales, Legal');
  });
});
