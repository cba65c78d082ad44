/** The participant's notes and actions as they will be once what waits in the outbox is saved. */
import type { AgreedActionView, PartnershipInput, PartnershipNoteView } from '@canopy/core';

export interface ShownNote extends PartnershipNoteView {
  pending: boolean;
}
export interface ShownAction extends AgreedActionView {
  pending: boolean;
}

export function applyPending(
  notes: Record<string, PartnershipNoteView[]>,
  actions: AgreedActionView[],
  pending: PartnershipInput[],
  me: { id: string; nickname: string },
  nameOf: (id: string) => string,
): { notes: Record<string, ShownNote[]>; actions: ShownAction[] } {
  const byPrompt: Record<string, ShownNote[]> = {};
  for (const [k, list] of Object.entries(notes)) byPrompt[k] = list.map((n) => ({ ...n, pending: false }));
  let acts: ShownAction[] = actions.map((a) => ({ ...a, pending: false }));
  const all = () => Object.values(byPrompt).flat();
  for (const input of pending) {
    switch (input.op) {
      case 'add-note':
        if (all().some((n) => n.id === input.id)) break;
        (byPrompt[input.promptId] ??= []).push({
          id: input.id,
          promptId: input.promptId,
          text: input.text.trim(),
          by: me.id,
          author: me.nickname,
          at: Date.now(),
          edited: false,
          pending: true,
        });
        break;
      case 'edit-note':
        for (const k of Object.keys(byPrompt))
          byPrompt[k] = byPrompt[k]!.map((n) => (n.id === input.id ? { ...n, text: input.text.trim(), edited: true, pending: true } : n));
        break;
      case 'remove-note':
        for (const k of Object.keys(byPrompt)) byPrompt[k] = byPrompt[k]!.filter((n) => n.id !== input.id);
        break;
      case 'put-action': {
        const a: ShownAction = {
          id: input.id,
          text: input.text.trim(),
          owner: input.owner,
          ownerName: nameOf(input.owner),
          due: input.due,
          by: me.id,
          at: Date.now(),
          pending: true,
        };
        acts = acts.some((x) => x.id === input.id) ? acts.map((x) => (x.id === input.id ? a : x)) : [...acts, a];
        break;
      }
      case 'remove-action':
        acts = acts.filter((a) => a.id !== input.id);
        break;
    }
  }
  return { notes: byPrompt, actions: acts };
}
