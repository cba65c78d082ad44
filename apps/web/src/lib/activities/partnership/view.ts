/** Reading the partnership views off the live room, and small helpers the screens share. */
import { formatDate, m } from '@canopy/i18n';
import { currentLocale } from '$lib/i18n.svelte';
import type { PartnershipConsoleView, PartnershipDisplayView, PartnershipParticipantView } from '@canopy/core';
import type { RoomSnapshot } from '@canopy/client';

function dataFor(snap: RoomSnapshot, stepId: string): unknown {
  const a = snap.activity;
  return a && a.stepId === stepId && a.data && typeof a.data === 'object' ? a.data : null;
}

export const participantView = (snap: RoomSnapshot, stepId: string) => dataFor(snap, stepId) as PartnershipParticipantView | null;

export function consoleView(snap: RoomSnapshot, stepId: string): PartnershipConsoleView | null {
  const d = dataFor(snap, stepId) as PartnershipConsoleView | null;
  return d?.audience === 'console' ? d : null;
}

export function displayView(snap: RoomSnapshot, stepId: string): PartnershipDisplayView | null {
  const d = dataFor(snap, stepId) as PartnershipDisplayView | null;
  return d?.audience === 'display' ? d : null;
}

/** A prompt id the module accepts: the draft's own (defaults keep theirs), else one made from its position. */
export function promptIdFor(p: { id: string }, index: number, used: Set<string>): string {
  let id = /^[a-z0-9-]{1,24}$/.test(p.id) && !used.has(p.id) ? p.id : `q${index + 1}`;
  let n = 2;
  while (used.has(id)) id = `q${index + 1}-${n++}`;
  used.add(id);
  return id;
}

/** "no repeated pairs · 5 of 6 pairs cross departments" */
export function mixText(mix: PartnershipConsoleView['mix']): string {
  if (!mix || mix.pairs === 0) return '';
  const cross = mix.pairs - mix.sameDepartmentPairs;
  const repeats = mix.repeatedPairs === 0 ? m.partner_mix_no_repeats() : m.partner_mix_repeats({ count: mix.repeatedPairs });
  return m.partner_mix({ repeats, cross, count: mix.pairs });
}

/** YYYY-MM-DD, `days` from today in this device's calendar. */
export function dateFromToday(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** "Fri 4 Dec" for a YYYY-MM-DD date. */
export function shortDate(ymd: string): string {
  const [y, m, d] = ymd.split('-').map(Number);
  const date = new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
  return formatDate(currentLocale(), date, { weekday: 'short', day: 'numeric', month: 'short' });
}
