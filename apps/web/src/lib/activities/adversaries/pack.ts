/** Worthy adversaries in the participant's pack: where they stood before and after, the room's picture, and what they and their partners learned. */
import { adversaryScale, type AdversariesParticipantView, type AdversariesRoomView } from '@canopy/core';
import { scaleFigure } from '$lib/pack/charts';
import type { PackBlock, PackHook } from '$lib/pack/types';
import { formatList, getLocale, m } from '@canopy/i18n';
import { nameOrLeft } from '$lib/names';

export const adversariesPack: PackHook<'adversaries'> = async ({ step }) => {
  const view = step.data as AdversariesParticipantView | null;
  const room = (step.room ?? null) as AdversariesRoomView | null;
  const kind = m.adv_pack_kind();
  if (!view) return null;
  // the scale's words in the pack's language (the view's own are English)
  const scale = adversaryScale(getLocale());
  const blocks: PackBlock[] = [];
  const answered = view.statements.filter((s) => s.before !== null || s.after !== null);
  if (answered.length) {
    blocks.push({ kind: 'heading', text: m.adv_pack_where() });
    for (const s of answered) {
      const word = (v: number | null) => (v === null ? '—' : (scale[v - 1] ?? String(v)));
      blocks.push({ kind: 'text', text: s.text, tone: 'label' });
      blocks.push({ kind: 'list', items: [m.adv_pack_before({ answer: word(s.before) }), m.adv_pack_after({ answer: word(s.after) })] });
      const r = room?.statements.find((x) => x.id === s.id);
      if (r?.after.counts)
        blocks.push({
          kind: 'figure',
          figure: scaleFigure({ title: m.adv_pack_room_title({ statement: s.text }), scale, counts: r.after.counts, mine: s.after }),
          caption: m.adv_pack_room_caption({ count: r.after.answered }),
        });
    }
  }
  const talks = [
    ...view.earlier.map((e) => ({ round: e.round, partners: e.partners, learned: e.learned })),
    ...(view.pair
      ? [{ round: view.round, partners: view.pair.partners.map((p) => ({ id: p.id, nickname: p.nickname, learned: p.learned })), learned: view.pair.learned }]
      : []),
  ].sort((a, b) => a.round - b.round);
  for (const t of talks) {
    blocks.push({
      kind: 'heading',
      text: m.adv_pack_round({
        round: t.round,
        names: formatList(
          getLocale(),
          t.partners.map((p) => nameOrLeft(p.nickname)),
        ),
      }),
    });
    blocks.push({ kind: 'text', text: m.adv_pack_learned(), tone: 'label' });
    blocks.push({ kind: 'text', text: t.learned || m.adv_pack_no_note(), tone: t.learned ? 'quote' : 'muted' });
    for (const p of t.partners) {
      if (!p.learned) continue;
      blocks.push({ kind: 'text', text: m.adv_pack_partner_learned({ name: nameOrLeft(p.nickname) }), tone: 'label' });
      blocks.push({ kind: 'text', text: p.learned, tone: 'quote' });
    }
  }
  if (!blocks.length) return null;
  return { title: step.title, kind, blocks };
};
