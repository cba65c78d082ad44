import { toBase64url } from './base64url.js';

/** Random URL-safe ids made on the client (submission ids, participant tokens, device ids). */
export function randomId(bytes = 16): string {
  return toBase64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A participant's bearer token: 192 random bits. */
export const newParticipantToken = () => randomId(24);
