/**
 * Which language this screen speaks, as reactive state: every message (`m.…()` from @canopy/i18n)
 * reads it, so a screen re-renders in another language the moment it changes, without a reload and
 * without losing what is typed.
 *
 * - A device's own choice (the language menu, kept in localStorage) wins;
 * - then the room's language (set when the workshop is planned, sent with the stage);
 * - then the browser's preferred languages; then English.
 * The projector's display follows the room only (`followRoomOnly`): it speaks to everyone.
 */
import { baseLocale, isLocale, matchLocale, overwriteGetLocale, textDirection as directionOf, type Locale } from '@canopy/i18n';
import { getDeviceLanguage, setDeviceLanguage } from './storage';

function storedChoice(): Locale | undefined {
  const stored = getDeviceLanguage();
  return stored && isLocale(stored) ? stored : undefined;
}

const state = $state<{ device: Locale | undefined; room: Locale | undefined; roomOnly: boolean }>({
  device: storedChoice(),
  room: undefined,
  roomOnly: false,
});

const browserChoice = typeof navigator === 'undefined' ? undefined : matchLocale(navigator.languages ?? [navigator.language]);

export function currentLocale(): Locale {
  if (state.roomOnly) return state.room ?? baseLocale;
  return state.device ?? state.room ?? browserChoice ?? baseLocale;
}

overwriteGetLocale(currentLocale);

/** The room's language, from its stage (absent: English). */
export function setRoomLanguage(locale: Locale | undefined) {
  state.room = locale ?? baseLocale;
}

/** This device's own choice; `undefined` goes back to following the room. */
export function chooseLanguage(locale: Locale | undefined) {
  state.device = locale;
  setDeviceLanguage(locale ?? null);
}

export function deviceLanguage(): Locale | undefined {
  return state.device;
}

/** The display: the room's language whatever this device chose. */
export function followRoomOnly(on = true) {
  state.roomOnly = on;
}

export function textDirection(): 'ltr' | 'rtl' {
  return directionOf(currentLocale());
}
