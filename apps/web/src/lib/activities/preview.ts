/**
 * The optimistic display of a participant's screen: the view the server sent, with what waits in
 * the outbox for this step applied by the activity's own `preview` (the server's reducer and
 * normalisation, in core), so "Saving…" shows exactly what will be stored.
 */
import { previewParticipantView, type ActivityType, type ParticipantViewOf, type StageView } from '@canopy/core';
import type { Outbox } from '$lib/outbox.svelte';
import type { LiveRoom } from '$lib/room.svelte';
import type { StageStep } from './types';

export function previewed<T extends ActivityType>(
  view: ParticipantViewOf<T>,
  { live, stage, step, outbox }: { live: LiveRoom; stage: StageView; step: StageStep<T>; outbox: Outbox },
): ParticipantViewOf<T> {
  return previewParticipantView(
    step.type,
    view,
    outbox.for(step.id).map((i) => i.input),
    { config: step.config, phase: stage.phase ?? '', now: live.now(), participantId: live.snap.you?.id ?? '' },
  );
}
