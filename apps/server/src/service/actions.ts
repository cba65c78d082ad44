/**
 * Facilitator actions on a step's shared state (form the groups, pair people, hide an answer…),
 * applied once by their client-made action id, with compare-and-set on the state.
 */
import { ServiceError } from '@canopy/api';
import { because, canFacilitate, isPresent, issueMessage, issueRefusal, SHARED_SCOPE } from '@canopy/core';
import { newSeed } from '../security.js';
import { DUPLICATE, LOST } from './apply-once.js';
import type { Identity, RecordRead, ServiceContext } from './context.js';

export interface Acted {
  duplicate: boolean;
  /** the shared state's revision after the action */
  rev: number;
}

export async function act(ctx: ServiceContext, who: Identity, stepId: string, actionId: string, action: unknown): Promise<Acted> {
  if (!canFacilitate(who.role)) throw new ServiceError('FORBIDDEN', 'Only the facilitator can do that.', undefined, because('NOT_ALLOWED'));
  const room = await ctx.getRoom(who.roomId);
  const { step, mod } = ctx.currentStep(room, stepId);
  const spec = mod.shared;
  if (!spec) throw new ServiceError('BAD_REQUEST', 'This step has no facilitator actions.');
  const parsed = spec.actionSchema.safeParse(action);
  if (!parsed.success)
    throw new ServiceError('BAD_REQUEST', issueMessage(parsed.error, { about: 'Invalid action', whole: 'action' }), undefined, issueRefusal(parsed.error));
  const needsRecords = spec.needsRecordsFor ? spec.needsRecordsFor(parsed.data) : spec.needsRecords;
  const [participants, recs] = await Promise.all([ctx.store.listParticipants(room.id), needsRecords ? ctx.readRecords(room.id, step.id) : []]);
  const roster = participants.filter(isPresent).map(({ id, nickname, department, level }) => ({ id, nickname, department, level }));
  return ctx.applyOnce<RecordRead, Acted>({
    key: `${room.id}/${stepId}/${SHARED_SCOPE}`,
    read: () => ctx.recordFor(room.id, stepId, SHARED_SCOPE, actionId),
    // a resent action already applied is a duplicate, even if it would be refused now
    dedupe: { seen: ({ applied }) => applied !== null, answer: ({ applied, stored }) => ({ duplicate: true, rev: stored?.rev ?? applied ?? 0 }) },
    async write({ stored }) {
      const prev = stored ? JSON.parse(stored.value) : spec.initial(step.config);
      const next = spec.act(prev, parsed.data, { config: step.config, phase: room.phase ?? '', now: ctx.now(), seed: newSeed(), roster, records: recs });
      if (!next.ok) throw new ServiceError('BAD_REQUEST', next.error);
      const res = await ctx.store.writeRecord(room.id, stepId, SHARED_SCOPE, {
        submissionId: actionId,
        expectedRev: stored?.rev ?? 0,
        value: JSON.stringify(next.value),
        counters: {},
      });
      switch (res.status) {
        case 'duplicate':
          return DUPLICATE;
        case 'ok':
          ctx.broadcaster?.sharedChanged(room.id, stepId, res.rev);
          ctx.broadcaster?.activityChanged(room.id, stepId);
          return { duplicate: false, rev: res.rev };
        case 'conflict':
        case 'gone':
        case 'capped': // never: facilitators' actions are not capped (no maxRoomBytes)
        case 'stale': // (not asked for here)
          return LOST;
      }
    },
    busy: () => new ServiceError('BUSY', 'The step is busy; retrying…'),
  });
}
