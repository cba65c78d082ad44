/** Random URL-safe ids made on the client (submission ids, participant tokens, device ids). */
export function randomId(bytes = 16): string {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A participant's bearer token: 192 random bits. */
export const newParticipantToken = () => randomId(24);
