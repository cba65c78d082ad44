/** Small helpers for showing people: a stable avatar colour and initials. */
/** white initials on each of these meet WCAG AA's 4.5:1 (the darkest is 7.7:1, the lightest 4.9:1) */
const COLOURS = ['#2a7d57', '#1b5e3f', '#a8501a', '#426b96', '#8a5a9e', '#8a6d10', '#237a52', '#b0473f'];

export function avatarColour(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return COLOURS[h % COLOURS.length] ?? '#2a7d57';
}

export function initials(nickname: string): string {
  const parts = nickname.trim().split(/\s+/u).filter(Boolean);
  const chars = parts.length > 1 ? [parts[0], parts[parts.length - 1]].map((p) => Array.from(p ?? '')[0] ?? '') : Array.from(parts[0] ?? '?').slice(0, 2);
  return chars.join('').toUpperCase() || '?';
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
