/** Small helpers for showing people: a stable avatar colour and initials. */
const COLOURS = ['#2f9466', '#1b5e3f', '#c2581c', '#4f7cac', '#8a5a9e', '#9a7b12', '#237a52', '#b0473f'];

export function avatarColour(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return COLOURS[h % COLOURS.length] ?? '#2f9466';
}

export function initials(nickname: string): string {
  const parts = nickname.trim().split(/\s+/u).filter(Boolean);
  const chars = parts.length > 1 ? [parts[0], parts[parts.length - 1]].map((p) => Array.from(p ?? '')[0] ?? '') : Array.from(parts[0] ?? '?').slice(0, 2);
  return chars.join('').toUpperCase() || '?';
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
