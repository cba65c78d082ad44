import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ICAL from 'ical.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  actionUid,
  checkInUid,
  commitmentsCalendar,
  commitmentSummary,
  commitmentUid,
  ENGLISH_CALENDAR_TEXTS,
  type CalendarCommitment,
  type CalendarTexts,
} from './ics.js';

// The file is checked with ical.js, a parser written independently of the generator.
function parseCalendar(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text));
  return { cal, events: cal.getAllSubcomponents('vevent') };
}
const byUid = (events: ICAL.Component[], id: string) => {
  const e = events.find((v) => v.getFirstPropertyValue('uid') === commitmentUid(id));
  if (!e) throw new Error(`no event for ${id}`);
  return e;
};
const rrule = (e: ICAL.Component) => e.getFirstPropertyValue('rrule') as ICAL.Recur | null;

const now = new Date('2026-02-10T12:00:00Z');
const commitments: CalendarCommitment[] = [
  { id: 'once0001', whom: 'Maria', what: 'Thank her for the intro to the data team', start: '2026-03-02', cadence: 'once' },
  { id: 'week0001', whom: 'J.K.', what: 'Ask what is blocking the pilot', start: '2026-03-03', cadence: 'weekly', time: '09:30' },
  { id: 'biwk0001', whom: 'Sam (finance)', what: 'Coffee', start: '2026-03-04', cadence: 'biweekly' },
  { id: 'mnth0001', whom: 'Dr. Osei; ex-Acme, now client', what: 'Share the draft roadmap early', start: '2026-03-31', cadence: 'monthly', time: '23:45' },
  { id: 'qrtr0001', whom: 'Lee', what: 'Catch up on their goals for the quarter', start: '2026-04-01', cadence: 'quarterly' },
];
const ics = commitmentsCalendar(commitments, { workshopTitle: 'Building allies — spring cohort', now });

describe('a participant downloads their commitments as a calendar file', () => {
  const { cal, events } = parseCalendar(ics);

  it('holds one event per commitment, titled with whom and what', () => {
    expect(cal.name).toBe('vcalendar');
    expect(events).toHaveLength(commitments.length);
    expect(events.map((e) => new ICAL.Event(e).summary)).toEqual([
      'Reach out to Maria: Thank her for the intro to the data team',
      'Reach out to J.K.: Ask what is blocking the pilot',
      'Reach out to Sam (finance): Coffee',
      'Reach out to Dr. Osei; ex-Acme, now client: Share the draft roadmap early',
      'Reach out to Lee: Catch up on their goals for the quarter',
    ]);
  });

  it('the names this participant wrote are in their own file (opened in their browser)', () => {
    for (const c of commitments) expect(new ICAL.Event(byUid(events, c.id)).summary).toContain(c.whom);
  });

  it('says which workshop each commitment comes from', () => {
    for (const e of events) expect(new ICAL.Event(e).description).toContain('Building allies — spring cohort');
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe('Building allies — spring cohort — my commitments');
    expect(cal.getFirstPropertyValue('prodid')).toBe('-//Canopy//Commitments//EN');
  });

  it('without a time a commitment is an all-day item on its first date', () => {
    const e = new ICAL.Event(byUid(events, 'once0001'));
    expect(e.startDate.isDate).toBe(true);
    expect(e.startDate.toString()).toBe('2026-03-02');
    expect(e.endDate.toString()).toBe('2026-03-03');
    expect(new ICAL.Event(byUid(events, 'qrtr0001')).startDate.toString()).toBe('2026-04-01');
  });

  it('with a time it is a short slot at that time, floating (local wherever the person is)', () => {
    const e = new ICAL.Event(byUid(events, 'week0001'));
    expect(e.startDate.isDate).toBe(false);
    expect(e.startDate.toString()).toBe('2026-03-03T09:30:00');
    expect(e.endDate.toString()).toBe('2026-03-03T10:00:00');
    expect(byUid(events, 'week0001').getFirstProperty('dtstart')?.getParameter('tzid')).toBeFalsy();
    expect(ics).toContain('DTSTART:20260303T093000\r\n'); // no Z: floating, not UTC
    // a late slot runs past midnight
    expect(new ICAL.Event(byUid(events, 'mnth0001')).endDate.toString()).toBe('2026-04-01T00:15:00');
  });

  it('repeats at the chosen rhythm', () => {
    const rule = (id: string) => {
      const r = rrule(byUid(events, id));
      return r && { freq: r.freq, interval: r.interval };
    };
    expect(rule('once0001')).toBeNull();
    expect(rule('week0001')).toEqual({ freq: 'WEEKLY', interval: 1 });
    expect(rule('biwk0001')).toEqual({ freq: 'WEEKLY', interval: 2 });
    expect(rule('mnth0001')).toEqual({ freq: 'MONTHLY', interval: 1 });
    expect(rule('qrtr0001')).toEqual({ freq: 'MONTHLY', interval: 3 });
  });

  it('the recurrences land on the expected days', () => {
    const next = (id: string, n: number) => {
      const it = new ICAL.Event(byUid(events, id)).iterator();
      const out: string[] = [];
      for (let t = it.next(); t && out.length < n; t = it.next()) out.push(t.toString());
      return out;
    };
    expect(next('biwk0001', 3)).toEqual(['2026-03-04', '2026-03-18', '2026-04-01']);
    expect(next('qrtr0001', 3)).toEqual(['2026-04-01', '2026-07-01', '2026-10-01']);
    expect(next('once0001', 3)).toEqual(['2026-03-02']);
  });

  it('every event carries a display reminder: 09:00 the day before, or 15 minutes before a timed one', () => {
    for (const e of events) {
      const alarms = e.getAllSubcomponents('valarm');
      expect(alarms).toHaveLength(1);
      expect(alarms[0]!.getFirstPropertyValue('action')).toBe('DISPLAY');
      expect(alarms[0]!.getFirstPropertyValue('description')).toBeTruthy();
    }
    const trigger = (id: string) => (byUid(events, id).getFirstSubcomponent('valarm')!.getFirstPropertyValue('trigger') as ICAL.Duration).toSeconds();
    expect(trigger('once0001')).toBe(-15 * 3600); // midnight − 15 h = 09:00 the day before
    expect(trigger('week0001')).toBe(-15 * 60);
    expect(byUid(events, 'once0001').getFirstSubcomponent('valarm')!.getFirstPropertyValue('description')).toBe(
      'Tomorrow: Reach out to Maria: Thank her for the intro to the data team',
    );
  });

  it('keeps reminders private and out of the way of busy time', () => {
    for (const e of events) {
      expect(e.getFirstPropertyValue('class')).toBe('PRIVATE');
      expect(e.getFirstPropertyValue('transp')).toBe('TRANSPARENT');
    }
  });

  it('downloading again gives the same events a newer version, so calendars update instead of duplicating', () => {
    const later = parseCalendar(
      commitmentsCalendar(commitments, { workshopTitle: 'Building allies — spring cohort', now: new Date('2026-02-11T08:00:00Z') }),
    ).events;
    expect(later.map((e) => e.getFirstPropertyValue('uid'))).toEqual(events.map((e) => e.getFirstPropertyValue('uid')));
    expect(new Set(events.map((e) => e.getFirstPropertyValue('uid'))).size).toBe(events.length);
    expect(Number(later[0]!.getFirstPropertyValue('sequence'))).toBeGreaterThan(Number(events[0]!.getFirstPropertyValue('sequence')));
    expect(String(events[0]!.getFirstPropertyValue('dtstamp'))).toBe('2026-02-10T12:00:00Z');
  });
});

describe('time zones', () => {
  const savedTz = process.env.TZ;
  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it('with a time zone, timed reminders are written at that wall-clock time in that zone', () => {
    const text = commitmentsCalendar([commitments[1]!, commitments[0]!], { workshopTitle: 'W', timezone: 'Europe/Berlin', now });
    const { events } = parseCalendar(text);
    const dtstart = byUid(events, 'week0001').getFirstProperty('dtstart')!;
    expect(dtstart.getParameter('tzid')).toBe('Europe/Berlin');
    expect(text).toContain('DTSTART;TZID=Europe/Berlin:20260303T093000\r\n');
    expect(text).toContain('DTEND;TZID=Europe/Berlin:20260303T100000\r\n');
    // all-day items stay plain dates
    expect(new ICAL.Event(byUid(events, 'once0001')).startDate.toString()).toBe('2026-03-02');
  });

  it('the file does not depend on the time zone of the computer that builds it', () => {
    const build = () => [
      commitmentsCalendar(commitments, { workshopTitle: 'W', now }),
      commitmentsCalendar(commitments, { workshopTitle: 'W', timezone: 'America/New_York', now }),
    ];
    process.env.TZ = 'UTC';
    const utc = build();
    for (const tz of ['Pacific/Kiritimati', 'America/Los_Angeles', 'Asia/Kolkata']) {
      process.env.TZ = tz;
      expect(build()).toEqual(utc);
    }
  });
});

describe('edge cases', () => {
  it('an empty list is a valid, empty calendar', () => {
    const { cal, events } = parseCalendar(commitmentsCalendar([], { workshopTitle: 'W', now }));
    expect(cal.name).toBe('vcalendar');
    expect(events).toHaveLength(0);
  });

  it('line breaks and separators in names survive the round trip, and a custom PRODID is used', () => {
    const text = commitmentsCalendar([{ id: 'odd00001', whom: 'A\\B, "C";\nD', what: '', start: '2026-05-05', cadence: 'once' }], {
      workshopTitle: 'W',
      now,
      prodId: '-//Acme//Allies//EN',
    });
    const { cal, events } = parseCalendar(text);
    expect(new ICAL.Event(events[0]!).summary).toBe('Reach out to A\\B, "C";\nD');
    expect(cal.getFirstPropertyValue('prodid')).toBe('-//Acme//Allies//EN');
  });

  it('refuses dates and times that do not exist rather than writing a wrong event', () => {
    expect(() => commitmentsCalendar([{ ...commitments[0]!, start: '2026-02-30' }], { workshopTitle: 'W', now })).toThrow(/Not a date/);
    expect(() => commitmentsCalendar([{ ...commitments[1]!, time: '25:00' }], { workshopTitle: 'W', now })).toThrow(/Not a time/);
  });

  it('the calendar library needs no Node built-in, so the same code runs in the browser', () => {
    const require = createRequire(import.meta.url);
    const esm = readFileSync(require.resolve('ical-generator').replace(/\.cjs$/, '.mjs'), 'utf8');
    expect(esm).not.toMatch(/\bimport\s*[^(]|\brequire\(|\bprocess\.|\bBuffer\b/);
  });

  it('builds on a plain-HTTP page too, where the browser gives no crypto.randomUUID', () => {
    const getRandomValues = crypto.getRandomValues.bind(crypto);
    vi.stubGlobal('crypto', { getRandomValues }); // an insecure context: no randomUUID, no subtle
    try {
      const { events } = parseCalendar(commitmentsCalendar(commitments, { workshopTitle: 'W', now }));
      expect(events.map((e) => e.getFirstPropertyValue('uid'))).toEqual(commitments.map((c) => commitmentUid(c.id)));
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('the calendar file with check-ins after the workshop', () => {
  const link = 'https://canopy.example/p/room12345678#t=abcdefghijklmnopqrstuvwxyz&k=0123456789012345678901234567890123456789abc';
  const text = commitmentsCalendar(commitments, {
    workshopTitle: 'Building allies',
    now,
    checkIns: [
      { index: 0, day: '2026-02-24', link, roomId: 'room12345678' },
      { index: 1, day: '2026-03-24', link, roomId: 'room12345678' },
    ],
  });
  const { events } = parseCalendar(text);

  it('keeps every commitment with its recurrence and alarm, and adds one all-day event per check-in carrying the link', () => {
    expect(events).toHaveLength(commitments.length + 2);
    expect(rrule(byUid(events, 'week0001'))?.freq).toBe('WEEKLY');
    expect(byUid(events, 'once0001').getAllSubcomponents('valarm')).toHaveLength(1);
    const checkIns = events.filter((e) => String(e.getFirstPropertyValue('uid')).startsWith('check-in-'));
    expect(checkIns.map((e) => e.getFirstPropertyValue('uid'))).toEqual([checkInUid('room12345678', 0), checkInUid('room12345678', 1)]);
    for (const e of checkIns) {
      const ev = new ICAL.Event(e);
      expect(ev.startDate.isDate).toBe(true);
      expect(e.getFirstPropertyValue('url')).toBe(link);
      expect(ev.description).toContain(link);
      expect(ev.description).toContain('anyone with this link can open your plan');
      expect(e.getAllSubcomponents('valarm')).toHaveLength(1);
    }
    expect(new ICAL.Event(checkIns[0]!).startDate.toString()).toBe('2026-02-24');
  });
});

describe('the partnership actions a person owns join their calendar file', () => {
  const text = commitmentsCalendar(commitments, {
    workshopTitle: 'Building allies',
    now,
    actions: [
      { id: 'act00001', text: 'Send Priya the pilot notes', due: '2026-02-20', with: ['Priya', 'Tom'] },
      { id: 'act00002', text: 'Book a room for our next talk', with: ['Priya'] },
    ],
  });
  const { events } = parseCalendar(text);
  const action = (id: string) => events.find((e) => e.getFirstPropertyValue('uid') === actionUid(id))!;

  it('an action with a due date is an all-day event that day, with the day-before reminder and no repeat', () => {
    expect(events).toHaveLength(commitments.length + 2);
    const e = new ICAL.Event(action('act00001'));
    expect(e.summary).toBe('Partnership action: Send Priya the pilot notes');
    expect(e.startDate.isDate).toBe(true);
    expect(e.startDate.toString()).toBe('2026-02-20');
    expect(e.description).toContain('Priya, Tom');
    expect(rrule(action('act00001'))).toBeNull();
    const alarm = action('act00001').getFirstSubcomponent('valarm')!;
    expect((alarm.getFirstPropertyValue('trigger') as ICAL.Duration).toSeconds()).toBe(-15 * 3600);
    expect(action('act00001').getFirstPropertyValue('class')).toBe('PRIVATE');
  });

  it('an action without a date sits a week after the download, asking for a date', () => {
    const e = new ICAL.Event(action('act00002'));
    expect(e.startDate.toString()).toBe('2026-02-17');
    expect(e.description).toContain('no date yet');
  });
});

describe('the file speaks the person’s language', () => {
  // the web app passes the words from its catalogues; these stand in for them
  const texts: CalendarTexts = {
    ...ENGLISH_CALENDAR_TEXTS,
    untitledWorkshop: 'Taller de Canopy',
    someone: 'alguien',
    calendarName: ({ title }) => `${title} — mis compromisos`,
    commitmentSummary: ({ whom, what }) => (what ? `Contacta con ${whom}: ${what}` : `Contacta con ${whom}`),
    tomorrow: ({ summary }) => `Mañana: ${summary}`,
    checkInSummary: ({ title }) => `Seguimiento de tu plan (${title})`,
    actionSummary: ({ text }) => `Acción: ${text}`,
  };
  const file = commitmentsCalendar([{ ...commitments[0]!, whom: ' ' }, commitments[1]!], {
    workshopTitle: '  ',
    now,
    texts,
    checkIns: [{ index: 0, day: '2026-04-01', link: 'https://canopy.example/p#k', roomId: 'room1' }],
    actions: [{ id: 'a1', text: 'Invitar a Lee', with: [] }],
  });
  const { cal, events } = parseCalendar(file);
  const summaries = events.map((e) => new ICAL.Event(e).summary);

  it('titles, reminders and the calendar’s name in the words passed in, none left in English', () => {
    expect(cal.getFirstPropertyValue('name') ?? cal.getFirstPropertyValue('x-wr-calname')).toBe('Taller de Canopy — mis compromisos');
    expect(summaries).toEqual([
      'Contacta con alguien: Thank her for the intro to the data team',
      'Contacta con J.K.: Ask what is blocking the pilot',
      'Seguimiento de tu plan (Taller de Canopy)',
      'Acción: Invitar a Lee',
    ]);
    const alarm = byUid(events, 'once0001').getFirstSubcomponent('valarm');
    expect(alarm?.getFirstPropertyValue('description')).toBe('Mañana: Contacta con alguien: Thank her for the intro to the data team');
    expect(file).not.toMatch(/Reach out|Tomorrow|Check in on|Partnership action/);
  });

  it('without words passed in, the file is in English as before', () => {
    expect(commitmentSummary({ whom: '', what: 'Coffee' })).toBe('Reach out to someone: Coffee');
    expect(commitmentSummary({ whom: 'Lee', what: '' }, texts)).toBe('Contacta con Lee');
  });
});
