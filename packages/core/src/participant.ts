import { z } from 'zod';
import { ATTRIBUTE_MAX, normalizeNickname, normalizeText } from './text.js';

export interface Participant {
  id: string;
  nickname: string;
  department: string | null;
  level: string | null;
  joinedAt: number;
  removed: boolean;
}

/** Client-made ids: a retried request carries the same one, so it is applied once. */
export const ClientIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8–64 letters, digits, - or _');

const nickname = z
  .string()
  .max(1000, 'Nickname is too long')
  .transform(normalizeNickname)
  .pipe(z.string().min(1, 'Please enter a nickname'));

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
  /** made once per join attempt in the browser; a retried join returns the same participant */
  joinId: ClientIdSchema,
  /** random per browser, kept in local storage; lets the room refuse someone who was removed */
  deviceId: ClientIdSchema,
});
export type JoinInput = z.input<typeof JoinInputSchema>;

export const LookupInputSchema = z.object({ code: z.string().max(40) });
