/**
 * A refusal or failure as a person reads it, in the screen's language. The server and core answer
 * with a stable code (and, where the code alone is not enough, a reason with its parameters — see
 * `ErrorReasons` in @canopy/core); the English `message` beside them is for developers. Every
 * screen that shows an error words it here.
 *
 * English screens keep showing the server's own English text when there is one (it may be more
 * precise than the catalogue, e.g. which field of an answer is too long); every other language
 * words the reason, else the code, from the catalogue — never English.
 */
import { apiFailure, type ApiFailure } from '@canopy/client';
import type { ErrorBody, ErrorCode, ErrorReason, ErrorReasons } from '@canopy/core';
import { getLocale, m, type Locale } from '@canopy/i18n';

type Words = (params: Record<string, never>, options: { locale: Locale }) => string;

const CODES: Record<ErrorCode, Words> = {
  BAD_REQUEST: m.server_code_bad_request,
  UNAUTHORIZED: m.server_code_unauthorized,
  FORBIDDEN: m.server_code_forbidden,
  NOT_FOUND: m.server_code_not_found,
  CONFLICT: m.server_code_conflict,
  RATE_LIMITED: m.server_code_rate_limited,
  ROOM_FULL: m.server_code_room_full,
  REMOVED: m.server_code_removed,
  STORE_UNAVAILABLE: m.server_code_store_unavailable,
  BUSY: m.server_code_busy,
  PROTOCOL_MISMATCH: m.server_code_protocol_mismatch,
  ROOM_DELETED: m.server_code_room_deleted,
  DATA_DELETED: m.server_code_data_deleted,
  WAITING: m.server_code_waiting,
  NOT_ADMITTED: m.server_code_not_admitted,
  TIMEOUT: m.server_code_timeout,
  INTERNAL: m.server_code_internal,
};

/** each reason's wording takes exactly the parameters the reason carries (a type error otherwise) */
const REASONS: { [R in ErrorReason]: (params: ErrorReasons[R], options: { locale: Locale }) => string } = {
  NO_SUCH_ROOM: m.server_error_no_such_room,
  ROOM_GONE: m.server_error_room_gone,
  DEPARTMENT_NEEDED: m.server_error_department_needed,
  LEVEL_NEEDED: m.server_error_level_needed,
  SLOW_DOWN: m.server_error_slow_down,
  TOO_MANY_ATTEMPTS: m.server_error_too_many_attempts,
  TOO_MANY_ROOMS: m.server_error_too_many_rooms,
  TOO_MANY_DOWNLOADS: m.server_error_too_many_downloads,
  TOO_MANY_SCREENS: m.server_error_too_many_screens,
  STEP_OVER: m.server_error_step_over,
  ANSWERS_CLOSED: m.server_error_answers_closed,
  INVALID: m.server_error_invalid,
  AGENDA_INVALID: m.server_error_agenda_invalid,
  AGENDA_STARTED: m.server_error_agenda_started,
  AGENDA_DUPLICATE_ID: m.server_error_agenda_duplicate_id,
  NOT_ALLOWED: m.server_error_not_allowed,
  ROOM_CHANGED: m.server_error_room_changed,
  CONFIRM_CODE: m.server_error_confirm_code,
  ROOM_STORAGE_FULL: m.server_error_room_storage_full,
  CHECK_INS_LATER: m.server_error_check_ins_later,
  QUESTIONS_CLOSED: m.server_error_questions_closed,
};

export const ERROR_CODES = Object.keys(CODES) as ErrorCode[];
export const ERROR_REASONS = Object.keys(REASONS) as ErrorReason[];

/** The words for a refusal (an ack's or a connection's `ErrorBody`). */
export function refusalText(error: Pick<ErrorBody, 'code' | 'message' | 'reason' | 'params'>, locale: Locale = getLocale()): string {
  if (locale === 'en' && error.message) return error.message;
  const reason = error.reason ? (REASONS[error.reason] as (params: object, options: { locale: Locale }) => string) : undefined;
  if (reason) return reason(error.params ?? {}, { locale });
  return (CODES[error.code] ?? CODES.INTERNAL)({}, { locale });
}

const isErrorBody = (e: unknown): e is ErrorBody =>
  typeof e === 'object' && e !== null && typeof (e as ErrorBody).code === 'string' && (e as ErrorBody).code in CODES;

/**
 * Any error a screen shows, in the screen's language: an `ErrorBody` (acks, a refused
 * connection), a failed API call (tRPC), or anything that went wrong on this device.
 */
export function errorText(err: unknown, locale: Locale = getLocale()): string {
  if (isErrorBody(err)) return refusalText(err, locale);
  const failure: ApiFailure = apiFailure(err);
  switch (failure.kind) {
    case 'server':
      return refusalText(failure.error, locale);
    case 'network':
      return m.server_error_network({}, { locale });
    case 'unreadable':
      return m.server_error_unreadable({}, { locale });
    case 'browser':
      return m.server_error_browser({ reason: failure.reason }, { locale });
  }
}
