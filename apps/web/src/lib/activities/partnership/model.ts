/** The group's notes and actions as the phone shows them: the preview (core), each marked while its change is on its way. */
import type { AgreedActionView, PartnershipParticipantView, PartnershipNoteView } from '@canopy/core';

export interface ShownNote extends PartnershipNoteView {
  pending: boolean;
}
export interface ShownAction extends AgreedActionView {
  pending: boolean;
}

/** `after` (the preview of what waits in the outbox) with what differs from `saved` (the server's view) marked pending. */
export function markPending(
  saved: PartnershipParticipantView | null,
  after: PartnershipParticipantView | null,
): { notes: Record<string, ShownNote[]>; actions: ShownAction[] } {
  const notes = new Map(Object.values(saved?.notes ?? {}).flatMap((list) => list.map((n) => [n.id, n] as const)));
  const actions = new Map((saved?.actions ?? []).map((a) => [a.id, a]));
  const byPrompt: Record<string, ShownNote[]> = {};
  for (const [k, list] of Object.entries(after?.notes ?? {})) byPrompt[k] = list.map((n) => ({ ...n, pending: notes.get(n.id)?.text !== n.text }));
  return {
    notes: byPrompt,
    actions: (after?.actions ?? []).map((a) => {
      const was = actions.get(a.id);
      return { ...a, pending: !was || was.text !== a.text || was.owner !== a.owner || was.due !== a.due };
    }),
  };
}
