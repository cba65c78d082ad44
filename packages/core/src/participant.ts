import { z } from 'zod';
import { ATTRIBUTE_MAX, normalizeNickname, normalizeText } from './text.js';

export interface Participant {
  id: string;
  nickname: string;
  department: string | null;
  level: string | null;
  /** when they joined — or, in a waiting room, when they asked to */
  joinedAt: number;
  removed: boolean;
  /**
   * the room's waiting room was on when they asked to join and the facilitator has not let them in
   * yet: they hold a token but see no step, are not counted, and every message of theirs but `sync`
   * and `clock` is refused (absent once admitted)
   */
  waiting?: true;
  /** they joined with the nickname of someone the facilitator removed from this room (shown on the console) */
  rejoin?: true;
}

/** In the room: neither removed nor still in the waiting room (who activities, counts and reports see). */
export const isPresent = (p: Participant): boolean => !p.removed && !p.waiting;

/** Client-made ids: a retried request carries the same one, so it is applied once. */
export const ClientIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8–64 letters, digits, - or _');

const nickname = z.string().max(1000, 'Nickname is too long').transform(normalizeNickname).pipe(z.string().min(1, 'Please enter a nickname'));

const attribute = z
  .string()
  .max(1000)
  .transform((s) => normalizeText(s, { maxLength: ATTRIBUTE_MAX }))
  .optional();

export const JoinInputSchema = z.object({
  code: z.string().max(40),
  nickname,
  department: attribute,
  level: attribute,
  /**
   * The participant's bearer token, made in their browser from 192 random bits before the first
   * attempt. The server keeps only its hash; a retried join with the same token is the same
   * participant, so a join whose answer was lost is never doubled and never locked out.
   */
  token: z.string().regex(/^[A-Za-z0-9_-]{22,64}$/, 'must be 22–64 URL-safe characters'),
  /** random per browser, kept in local storage; lets the room refuse someone who was removed */
  deviceId: ClientIdSchema,
});
export type JoinInput = z.input<typeof JoinInputSchema>;

export const LookupInputSchema = z.object({ code: z.string().max(40) });
