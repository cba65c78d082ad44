/**
 * Refusals worded by the client (issue #19): a stable reason with the parameters its wording needs,
 * beside the English `message` of an ErrorBody (protocol.ts). Imports nothing, so every part of
 * core (issues, room commands) can give its refusals a reason.
 */
/**
 * Why a refusal a person sees happened, finer than its code, with what its wording needs: the
 * client words it in the screen's language (the catalogue's `server_error_<reason>`), and
 * `message` stays the English text for developers and logs. A refusal without a reason is worded
 * by its code (`server_code_<code>`): codes that say it all (ROOM_FULL, WAITING…) need none.
 */
export interface ErrorReasons {
  /** a wrong, locked or closed room code (one answer for all three) */
  NO_SUCH_ROOM: Record<string, never>;
  /** the room is gone (deleted, expired) */
  ROOM_GONE: Record<string, never>;
  /** the join form asks for a department or team */
  DEPARTMENT_NEEDED: Record<string, never>;
  /** the join form asks for a level */
  LEVEL_NEEDED: Record<string, never>;
  /** too many messages from this screen */
  SLOW_DOWN: Record<string, never>;
  /** too many join attempts from this network */
  TOO_MANY_ATTEMPTS: { seconds: number };
  /** too many new workshops from this network */
  TOO_MANY_ROOMS: { seconds: number };
  /** too many downloads from this network */
  TOO_MANY_DOWNLOADS: { seconds: number };
  /** too many screens open for this link or network */
  TOO_MANY_SCREENS: Record<string, never>;
  /** the step the answer is for is not running any more */
  STEP_OVER: Record<string, never>;
  /** the step takes no answers in its current phase */
  ANSWERS_CLOSED: Record<string, never>;
  /** input the server refused; `field` is where the first problem is (a path; empty: the input as a whole) */
  INVALID: { field: string };
  /** a step of the plan is refused: `step` counts from 1; `field` names what in it (a path; empty: the step as a whole) */
  AGENDA_INVALID: { step: number; field: string };
  /** a step that has started cannot be changed, moved or removed (`step` counts from 1) */
  AGENDA_STARTED: { step: number };
  /** two steps of the plan have the same id */
  AGENDA_DUPLICATE_ID: { step: number };
  /** this screen's role may not do that */
  NOT_ALLOWED: Record<string, never>;
  /** the room changed since the console last saw it */
  ROOM_CHANGED: Record<string, never>;
  /** deleting a room: the code typed does not match */
  CONFIRM_CODE: Record<string, never>;
  /** the room's stored data reached its size cap */
  ROOM_STORAGE_FULL: Record<string, never>;
  /** check-ins open after the session */
  CHECK_INS_LATER: Record<string, never>;
  /** questions are off, or the session ended */
  QUESTIONS_CLOSED: Record<string, never>;
}
export type ErrorReason = keyof ErrorReasons;
export type ErrorParams = Record<string, string | number>;

/** A reason with its parameters, as a refusal carries it (`params` left out when there are none). */
export type Refusal = {
  [R in ErrorReason]: ErrorReasons[R] extends Record<string, never> ? { reason: R; params?: undefined } : { reason: R; params: ErrorReasons[R] };
}[ErrorReason];

/** `{ reason, params }` for an ErrorBody, typed: `because('TOO_MANY_ATTEMPTS', { seconds: 30 })`. */
export function because<R extends ErrorReason>(reason: R, ...params: ErrorReasons[R] extends Record<string, never> ? [] : [ErrorReasons[R]]): Refusal {
  return (params[0] ? { reason, params: params[0] } : { reason }) as Refusal;
}
