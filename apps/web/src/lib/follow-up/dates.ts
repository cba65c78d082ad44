/** "Thu 17 Dec 2026" for a moment, in the browser's language and zone. */
export function longDate(ms: number): string {
  return new Date(ms).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
}
