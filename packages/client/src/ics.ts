/**
 * A participant's commitments as a calendar file (.ics), built in their browser — the only place
 * where whom each commitment is about can be read (it is sealed everywhere else).
 *
 * Choices, so that the file behaves well in Google Calendar, Apple Calendar, Outlook and
 * Thunderbird:
 * - One VEVENT per commitment. `UID` is derived from the commitment id, and `SEQUENCE` and
 *   `DTSTAMP` from the download time, so downloading again updates the events already imported
 *   instead of adding copies.
 * - Without a time of day a commitment is an all-day item on its first date (`DTSTART;VALUE=DATE`,
 *   one day long); its reminder fires at 09:00 the day before (`TRIGGER:-PT15H`), the widely
 *   supported "day before" alarm, leaving time to plan the call or the message.
 * - With a time of day it is a 30-minute slot; its reminder fires 15 minutes before
 *   (`TRIGGER:-PT15M`). Without `timezone` the time is floating (09:30 wherever the person is,
 *   unchanged by daylight-saving shifts — the right thing for a personal habit). With `timezone`
 *   (an IANA name such as `Europe/Berlin`) it is written as `DTSTART;TZID=…`; no VTIMEZONE block is
 *   embedded, which the calendar apps above accept for IANA names.
 * - Recurrence per cadence: weekly `FREQ=WEEKLY`, biweekly `FREQ=WEEKLY;INTERVAL=2`, monthly
 *   `FREQ=MONTHLY`, quarterly `FREQ=MONTHLY;INTERVAL=3`, once none. As in every calendar app, a
 *   monthly rhythm started on the 29th–31st skips the months that have no such day.
 * - Check-ins after the workshop (when it has them) are all-day events on their dates, with the
 *   same day-before reminder, carrying the personal link (URL and description) that opens the plan.
 * - Partnership actions the person owns are all-day events on their due date (with the day-before
 *   reminder), no repeat; an action without a date sits a week after the download as a reminder
 *   to set one.
 * - The events are marked free (`TRANSP:TRANSPARENT`), so a reminder never blocks time, and
 *   private (`CLASS:PRIVATE`), so anyone the calendar is shared with sees a private placeholder.
 *
 * - The words in the file (titles, descriptions, reminders) come from `texts`: the web app passes
 *   them worded in the person's language (this package has no catalogue of its own); without
 *   them the file is in English (`ENGLISH_CALENDAR_TEXTS`).
 *
 * ical-generator is used through `toString()` only; it needs no Node API. It calls the global
 * `crypto.randomUUID`, which browsers give only to pages served over HTTPS or from localhost; on a
 * plain-HTTP page (a phone on the workshop's Wi-Fi) one made from `getRandomValues` stands in.
 */
import type { Cadence } from '@canopy/core';
import ical, {
  ICalAlarmType,
  ICalCalendarMethod,
  ICalEventClass,
  ICalEventRepeatingFreq,
  ICalEventTransparency,
  type ICalRepeatingOptions,
  type ICalTemporalPlainDateStub,
  type ICalTemporalPlainDateTimeStub,
  type ICalTemporalZonedDateTimeStub,
} from 'ical-generator';
import { ensureRandomUUID } from './ids.js';

export interface CalendarCommitment {
  id: string;
  /** whom, already opened by the browser */
  whom: string;
  what: string;
  /** first day, YYYY-MM-DD */
  start: string;
  cadence: Cadence;
  /** time of day, HH:MM (24-hour); without it the commitment is an all-day item */
  time?: string;
}

export interface CommitmentsCalendarOptions {
  workshopTitle: string;
  /** IANA time zone for timed reminders; without it they are floating (local wherever you are) */
  timezone?: string;
  /** PRODID of the file, `-//Company//Product//EN`; defaults to `-//Canopy//Commitments//EN` */
  prodId?: string;
  /** the moment of download (DTSTAMP, SEQUENCE); defaults to now */
  now?: Date;
  /**
   * check-ins after the workshop: one all-day event each on its date, carrying the person's
   * personal link (which opens their plan; anyone holding it can)
   */
  checkIns?: CalendarCheckIn[];
  /** partnership actions this person owns: one all-day event each on its due date */
  actions?: CalendarAction[];
  /** the file's words, in the person's language; English without them */
  texts?: CalendarTexts;
}

/**
 * Every word the calendar file holds, as functions of what they name: the web app words them
 * from its catalogues in the person's language (sentences are whole messages, never glued).
 */
export interface CalendarTexts {
  /** the title when the workshop has none */
  untitledWorkshop: string;
  /** whom, when it is empty */
  someone: string;
  /** the calendar's name: "Allies at work — my commitments" */
  calendarName(p: { title: string }): string;
  /** a commitment's event title: "Reach out to Maria: ask how the launch went" (`what` may be empty) */
  commitmentSummary(p: { whom: string; what: string }): string;
  /** a commitment's description: which workshop it comes from and its rhythm */
  commitmentDescription(p: { title: string; cadence: Cadence }): string;
  /** the day-before reminder: "Tomorrow: …" */
  tomorrow(p: { summary: string }): string;
  checkInSummary(p: { title: string }): string;
  /** `number` is 1-based */
  checkInDescription(p: { number: number; link: string }): string;
  actionSummary(p: { text: string }): string;
  /** `with`: the others in the group (maybe none); `due`: whether the action has a date */
  actionDescription(p: { title: string; with: string[]; due: boolean }): string;
}

const RHYTHM: Record<Cadence, string> = {
  once: 'One time.',
  weekly: 'Repeats every week.',
  biweekly: 'Repeats every two weeks.',
  monthly: 'Repeats every month.',
  quarterly: 'Repeats every three months.',
};

/** The file's words in English: what the file says when no other words are passed. */
export const ENGLISH_CALENDAR_TEXTS: CalendarTexts = {
  untitledWorkshop: 'Canopy workshop',
  someone: 'someone',
  calendarName: ({ title }) => `${title} — my commitments`,
  commitmentSummary: ({ whom, what }) => (what ? `Reach out to ${whom}: ${what}` : `Reach out to ${whom}`),
  commitmentDescription: ({ title, cadence }) =>
    `A commitment you made in the workshop “${title}”. ${RHYTHM[cadence]} A short, regular touch keeps an ally close.`,
  tomorrow: ({ summary }) => `Tomorrow: ${summary}`,
  checkInSummary: ({ title }) => `Check in on your ally plan (${title})`,
  checkInDescription: ({ number, link }) =>
    `Check-in ${number}: mark what you kept, move people on your map, and rate yourself again. Open your plan: ${link} — anyone with this link can open your plan, so keep it to yourself.`,
  actionSummary: ({ text }) => `Partnership action: ${text}`,
  actionDescription: ({ title, with: others, due }) => {
    const group = others.length ? ` with ${others.join(', ')}` : '';
    return due
      ? `An action you took on in your partnership group${group} (workshop “${title}”), due this day.`
      : `An action you took on in your partnership group${group} (workshop “${title}”). It has no date yet: pick one and move this event there.`;
  },
};

export interface CalendarAction {
  id: string;
  text: string;
  /** YYYY-MM-DD; without it the event falls a week after the download */
  due?: string;
  /** the others in the group, as they were named in the room */
  with: string[];
}

/** A stable UID per partnership action. */
export const actionUid = (id: string) => `action-${id}@canopy`;
/** An action without a due date is put this many days after the download. */
export const UNDATED_ACTION_DAYS = 7;

export interface CalendarCheckIn {
  /** 0-based */
  index: number;
  /** the day it opens, YYYY-MM-DD */
  day: string;
  /** the personal link that opens the plan and its check-in */
  link: string;
  /** the room, so a check-in keeps its calendar identity across downloads */
  roomId: string;
}

/** A stable UID per room and check-in. */
export const checkInUid = (roomId: string, index: number) => `check-in-${roomId}-${index + 1}@canopy`;

/** How long a timed commitment blocks out in the calendar (it is marked free anyway). */
export const TIMED_SLOT_MINUTES = 30;
/** Reminder for a timed commitment: this many minutes before. */
export const TIMED_REMINDER_MINUTES = 15;
/** Reminder for an all-day commitment: 09:00 the day before = 15 hours before its midnight start. */
export const ALL_DAY_REMINDER_HOURS_BEFORE = 15;

const REPEAT: Record<Cadence, ICalRepeatingOptions | null> = {
  once: null,
  weekly: { freq: ICalEventRepeatingFreq.WEEKLY },
  biweekly: { freq: ICalEventRepeatingFreq.WEEKLY, interval: 2 },
  monthly: { freq: ICalEventRepeatingFreq.MONTHLY },
  quarterly: { freq: ICalEventRepeatingFreq.MONTHLY, interval: 3 },
};

/** A stable UID from the commitment id: the same commitment is the same calendar event. */
export const commitmentUid = (id: string) => `commitment-${id}@canopy`;

/** The event title: "Reach out to Maria: ask how the launch went", in `texts`' language. */
export function commitmentSummary(c: Pick<CalendarCommitment, 'whom' | 'what'>, texts: CalendarTexts = ENGLISH_CALENDAR_TEXTS): string {
  return texts.commitmentSummary({ whom: c.whom.trim() || texts.someone, what: c.what.trim() });
}

// SEQUENCE grows with every download (minutes since 2024), so a newer file supersedes an older one.
const SEQUENCE_EPOCH = Date.UTC(2024, 0, 1);

export function commitmentsCalendar(items: readonly CalendarCommitment[], opts: CommitmentsCalendarOptions): string {
  ensureRandomUUID();
  const now = opts.now ?? new Date();
  const sequence = Math.max(0, Math.floor((now.getTime() - SEQUENCE_EPOCH) / 60_000));
  const texts = opts.texts ?? ENGLISH_CALENDAR_TEXTS;
  const title = opts.workshopTitle.trim() || texts.untitledWorkshop;
  const cal = ical({
    // ical-generator writes its own leading "-"
    prodId: opts.prodId ? opts.prodId.replace(/^-/, '') : { company: 'Canopy', product: 'Commitments', language: 'EN' },
    name: texts.calendarName({ title }),
    method: ICalCalendarMethod.PUBLISH,
  });

  for (const c of items) {
    const day = parseDay(c.start);
    const summary = commitmentSummary(c, texts);
    const description = texts.commitmentDescription({ title, cadence: c.cadence });
    const common = {
      id: commitmentUid(c.id),
      sequence,
      stamp: now,
      summary,
      description,
      repeating: REPEAT[c.cadence],
      transparency: ICalEventTransparency.TRANSPARENT,
      class: ICalEventClass.PRIVATE,
    };
    if (!c.time) {
      cal.createEvent({
        ...common,
        allDay: true,
        start: new Date(Date.UTC(day.y, day.m - 1, day.d)),
        end: new Date(Date.UTC(day.y, day.m - 1, day.d + 1)),
        alarms: [{ type: ICalAlarmType.display, trigger: ALL_DAY_REMINDER_HOURS_BEFORE * 3600, description: texts.tomorrow({ summary }) }],
      });
    } else {
      const [hh, mm] = parseTime(c.time);
      const start = Date.UTC(day.y, day.m - 1, day.d, hh, mm);
      const end = start + TIMED_SLOT_MINUTES * 60_000;
      const when = opts.timezone
        ? { timezone: opts.timezone, start: wallClock(start), end: wallClock(end) }
        : // floating: ical-generator writes a floating Date by its UTC fields, without the Z
          { floating: true, start: new Date(start), end: new Date(end) };
      cal.createEvent({
        ...common,
        ...when,
        alarms: [{ type: ICalAlarmType.display, trigger: TIMED_REMINDER_MINUTES * 60, description: summary }],
      });
    }
  }
  /** a one-off all-day event with the day-before reminder, free and private */
  const allDayEvent = (e: { id: string; day: { y: number; m: number; d: number }; summary: string; description: string; url?: string }) =>
    cal.createEvent({
      id: e.id,
      sequence,
      stamp: now,
      summary: e.summary,
      description: e.description,
      ...(e.url ? { url: e.url } : {}),
      allDay: true,
      start: new Date(Date.UTC(e.day.y, e.day.m - 1, e.day.d)),
      end: new Date(Date.UTC(e.day.y, e.day.m - 1, e.day.d + 1)),
      transparency: ICalEventTransparency.TRANSPARENT,
      class: ICalEventClass.PRIVATE,
      alarms: [{ type: ICalAlarmType.display, trigger: ALL_DAY_REMINDER_HOURS_BEFORE * 3600, description: texts.tomorrow({ summary: e.summary }) }],
    });
  for (const c of opts.checkIns ?? []) {
    allDayEvent({
      id: checkInUid(c.roomId, c.index),
      day: parseDay(c.day),
      summary: texts.checkInSummary({ title }),
      description: texts.checkInDescription({ number: c.index + 1, link: c.link }),
      url: c.link,
    });
  }
  for (const a of opts.actions ?? []) {
    allDayEvent({
      id: actionUid(a.id),
      day: a.due ? parseDay(a.due) : dayAfter(now, UNDATED_ACTION_DAYS),
      summary: texts.actionSummary({ text: a.text.trim() }),
      description: texts.actionDescription({ title, with: a.with, due: !!a.due }),
    });
  }
  return cal.toString();
}

/** The calendar day `days` after `now` (by its UTC date). */
function dayAfter(now: Date, days: number): { y: number; m: number; d: number } {
  const t = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

function parseDay(s: string): { y: number; m: number; d: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const [y, mo, d] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [NaN, NaN, NaN];
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (!m || t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) throw new Error(`Not a date: ${s}`);
  return { y, m: mo, d };
}

function parseTime(s: string): [number, number] {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s);
  if (!m) throw new Error(`Not a time of day: ${s}`);
  return [Number(m[1]), Number(m[2])];
}

/**
 * A wall-clock time in the event's zone, given to ical-generator as a minimal Temporal.PlainDateTime
 * (one of its documented input types). A JS Date would be read in the *browser's* zone, which may
 * not be the one asked for; this writes exactly the digits chosen. `utcFields` is only a carrier
 * for the year…minute fields.
 */
function wallClock(utcFields: number): ICalTemporalPlainDateTimeStub {
  const t = new Date(utcFields);
  const f = { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate(), hour: t.getUTCHours(), minute: t.getUTCMinutes(), second: 0 };
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}`;
  const iso = `${date}T${pad(f.hour)}:${pad(f.minute)}:00`;
  const plainDate: ICalTemporalPlainDateStub = { year: f.year, month: f.month, day: f.day, toString: () => date, toJSON: () => date };
  const plain: ICalTemporalPlainDateTimeStub = {
    ...f,
    toString: () => iso,
    toJSON: () => iso,
    toPlainDate: () => plainDate,
    toZonedDateTime: (timeZoneId: string) => zoned(timeZoneId),
  };
  const zoned = (timeZoneId: string): ICalTemporalZonedDateTimeStub => ({
    ...f,
    timeZoneId,
    toString: () => `${iso}[${timeZoneId}]`,
    toJSON: () => `${iso}[${timeZoneId}]`,
    toPlainDateTime: () => plain,
    withTimeZone: (other: string) => {
      if (other !== timeZoneId) throw new Error('wallClock: converting between time zones is not supported');
      return zoned(timeZoneId);
    },
    toInstant: () => {
      throw new Error('wallClock: not an instant');
    },
  });
  return plain;
}
