/**
 * The calendar file in the language of the screen that makes it: the words the web passes to the
 * client package's calendar come from the catalogues, in every language, with nothing left in English.
 */
import { commitmentsCalendar, ENGLISH_CALENDAR_TEXTS } from '@canopy/client';
import { CADENCES } from '@canopy/core';
import { locales } from '@canopy/i18n';
import { describe, expect, it } from 'vitest';
import { calendarTexts } from './calendar';

const now = new Date('2026-02-10T12:00:00Z');
/** the file's text with folded lines joined and TEXT escapes undone, to read it as words */
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '').replace(/\\([,;\\])/g, '$1');

function file(locale: (typeof locales)[number]) {
  return unfold(
    commitmentsCalendar(
      [
        { id: 'c1', whom: 'Maria', what: 'ask about the launch', start: '2026-03-02', cadence: 'monthly' },
        { id: 'c2', whom: '', what: '', start: '2026-03-03', cadence: 'once', time: '09:30' },
      ],
      {
        workshopTitle: 'Allies',
        now,
        texts: calendarTexts(locale),
        checkIns: [{ index: 0, day: '2026-04-01', link: 'https://canopy.example/p', roomId: 'r1' }],
        actions: [
          { id: 'a1', text: 'Book the room', due: '2026-03-10', with: ['Ana', 'Li'] },
          { id: 'a2', text: 'Send the notes', with: [] },
        ],
      },
    ),
  );
}

describe('the calendar file’s words', () => {
  it('in English are the words the file always had', () => {
    const en = calendarTexts('en');
    expect(en.commitmentSummary({ whom: 'Maria', what: 'ask' })).toBe(ENGLISH_CALENDAR_TEXTS.commitmentSummary({ whom: 'Maria', what: 'ask' }));
    for (const cadence of CADENCES)
      expect(en.commitmentDescription({ title: 'Allies', cadence })).toBe(ENGLISH_CALENDAR_TEXTS.commitmentDescription({ title: 'Allies', cadence }));
    expect(en.checkInDescription({ number: 2, link: 'L' })).toBe(ENGLISH_CALENDAR_TEXTS.checkInDescription({ number: 2, link: 'L' }));
    expect(en.actionDescription({ title: 'T', with: [], due: false })).toBe(ENGLISH_CALENDAR_TEXTS.actionDescription({ title: 'T', with: [], due: false }));
  });

  it.each(locales.filter((l) => l !== 'en'))('in %s leave no English sentence in the file', (locale) => {
    const text = file(locale);
    expect(text).not.toMatch(
      /Reach out|Tomorrow|commitment you made|Check in on|Check-in \d: mark|Partnership action|partnership group|my commitments|someone/,
    );
    // what the person wrote and the link are kept as they are
    expect(text).toContain('Maria');
    expect(text).toContain('ask about the launch');
    expect(text).toContain('https://canopy.example/p');
  });

  it('in Spanish, German and Arabic read as written in the catalogues', () => {
    expect(file('es')).toContain('SUMMARY:Contacta con Maria: ask about the launch');
    expect(file('es')).toContain('SUMMARY:Contacta con alguien');
    expect(file('de')).toContain('Wiederholt sich jeden Monat.');
    expect(file('de')).toContain('mit Ana und Li');
    expect(file('ar')).toContain('SUMMARY:تواصَل مع Maria: ask about the launch');
    expect(file('ar')).toContain('غدًا: ');
  });
});
