/** Partnership meetings in the participant's pack: their groups, the notes they took together and the actions they agreed. */
import { m } from '@canopy/i18n';
import type { PartnershipParticipantView } from '@canopy/core';
import { dayText } from '$lib/pack/charts';
import type { PackBlock, PackHook } from '$lib/pack/types';
import { nameOrLeft } from '$lib/names';

export const partnershipPack: PackHook<'partnership'> = async ({ step, outcomes }) => {
  const view = step.data as PartnershipParticipantView | null;
  const kind = m.partner_label();
  if (!view || view.round < 1) return { title: step.title, kind, blocks: [{ kind: 'text', text: m.partner_pack_not_met(), tone: 'muted' }] };
  const me = outcomes.you.id;
  const others = (members: Array<{ id: string; nickname: string | null; department: string | null }>) =>
    members
      .filter((p) => p.id !== me)
      .map((p) => (p.department ? m.partner_member_department({ name: nameOrLeft(p.nickname), department: p.department }) : nameOrLeft(p.nickname)))
      .join(', ') || m.partner_pack_nobody_else();
  const action = (a: PartnershipParticipantView['actions'][number]) =>
    m.partner_pack_action({ action: a.text, owner: a.owner === me ? m.partner_you() : nameOrLeft(a.ownerName), due: dayText(a.due) });
  // every round they met in, each with the notes written together and the actions agreed
  const round = (
    n: number,
    members: Parameters<typeof others>[0],
    notes: PartnershipParticipantView['notes'],
    actions: PartnershipParticipantView['actions'],
  ) => {
    blocks.push({ kind: 'heading', text: m.partner_pack_round({ round: n, people: others(members) }) });
    for (const p of step.config.prompts) {
      const list = notes[p.id] ?? [];
      if (!list.length) continue;
      blocks.push({ kind: 'text', text: p.title, tone: 'label' });
      blocks.push({
        kind: 'list',
        items: list.map((x) => m.partner_pack_note({ note: x.text, author: x.by === me ? m.partner_you() : nameOrLeft(x.author) })),
      });
    }
    blocks.push({ kind: 'text', text: m.partner_agreed_actions(), tone: 'label' });
    blocks.push(actions.length ? { kind: 'list', items: actions.map(action) } : { kind: 'text', text: m.partner_pack_no_actions(), tone: 'muted' });
  };
  const blocks: PackBlock[] = [];
  for (const e of view.earlier) round(e.round, e.group.members, e.notes ?? {}, e.actions);
  if (view.group) round(view.round, view.group.members, view.notes, view.actions);
  else if (!view.earlier.length) blocks.push({ kind: 'text', text: m.partner_pack_not_placed(), tone: 'muted' });
  return { title: step.title, kind, blocks };
};
