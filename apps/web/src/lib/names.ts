/** How screens name a person. */
import { getLocale, m, type Locale } from '@canopy/i18n';

/** A name as the screens show it: someone whose data is gone (core sends null) is "Someone who left". */
export const nameOrLeft = (nickname: string | null, locale: Locale = getLocale()): string => nickname ?? m.common_someone_left({}, { locale });
