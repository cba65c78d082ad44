/**
 * The optimistic display of a participant's screen: the view the server sent (or, before it
 * arrives, the view of a step with nothing in it yet), with what waits in the outbox for this step
 * applied by the activity's own `preview` — the server's reducer and normalisation, in core — so
 * "Saving…" shows exactly what will be stored.
 */
import { getActivity, initialParticipantView, previewParticipantView, type ActivityType, type ParticipantViewOf, type StageView } from '@canopy/core';
import type { Outbox } from '$lib/outbox.svelte';
import type { LiveRoom } from '$lib/room.svelte';
import type { StageStep } from './types';

export function previewed<T extends ActivityType>(
  view: ParticipantViewOf<T> | null | undefined,
  { live, stage, step, outbox }: { live: LiveRoom; stage: StageView; step: StageStep<T>; outbox: Outbox },
): ParticipantViewOf<T> {
  const phase = stage.phase ?? '';
  const participantId = live.snap.you?.id ?? '';
  const mod = getActivity(step.type);
  // the registry's view type, erased behind `getActivity`: the module builds its own initial view
  const base: ParticipantViewOf<T> = view ?? (mod ? initialParticipantView(mod, step.config, phase, participantId) : null);
  return previewParticipantView(
    step.type,
    base,
    outbox.for(step.id).map((i) => i.input),
    { config: step.config, phase, now: live.now(), participantId },
  );
}
