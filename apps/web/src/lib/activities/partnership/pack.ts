/** Partnership meetings in the participant's pack: their groups, the notes they took together and the actions they agreed. */
import type { PartnershipParticipantView } from '@canopy/core';
import { dayText } from '$lib/pack/charts';
import type { PackBlock, PackHook } from '$lib/pack/types';

export const partnershipPack: PackHook<'partnership'> = async ({ step, outcomes }) => {
  const view = step.data as PartnershipParticipantView | null;
  const kind = 'Partnership meetings';
  if (!view || view.round < 1) return { title: step.title, kind, blocks: [{ kind: 'text', text: 'The groups had not met yet.', tone: 'muted' }] };
  const me = outcomes.you.id;
  const others = (members: Array<{ id: string; nickname: string; department: string | null }>) =>
    members
      .filter((m) => m.id !== me)
      .map((m) => (m.department ? `${m.nickname} (${m.department})` : m.nickname))
      .join(', ') || 'nobody else';
  const action = (a: PartnershipParticipantView['actions'][number]) => `${a.text} — ${a.owner === me ? 'you' : a.ownerName}, by ${dayText(a.due)}`;
  // every round they met in, each with the notes written together and the actions agreed
  const round = (
    n: number,
    members: Parameters<typeof others>[0],
    notes: PartnershipParticipantView['notes'],
    actions: PartnershipParticipantView['actions'],
  ) => {
    blocks.push({ kind: 'heading', text: `Round ${n}: with ${others(members)}` });
    for (const p of step.config.prompts) {
      const list = notes[p.id] ?? [];
      if (!list.length) continue;
      blocks.push({ kind: 'text', text: p.title, tone: 'label' });
      blocks.push({ kind: 'list', items: list.map((x) => `${x.text} — ${x.by === me ? 'you' : x.author}`) });
    }
    blocks.push({ kind: 'text', text: 'Agreed actions', tone: 'label' });
    blocks.push(actions.length ? { kind: 'list', items: actions.map(action) } : { kind: 'text', text: 'No actions agreed in this round.', tone: 'muted' });
  };
  const blocks: PackBlock[] = [];
  for (const e of view.earlier) round(e.round, e.group.members, e.notes ?? {}, e.actions);
  if (view.group) round(view.round, view.group.members, view.notes, view.actions);
  else if (!view.earlier.length) blocks.push({ kind: 'text', text: 'You were not placed in a group.', tone: 'muted' });
  return { title: step.title, kind, blocks };
};
