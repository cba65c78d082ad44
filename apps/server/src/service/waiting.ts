/**
 * The waiting room ("new joins need my approval"): while `join.waitingRoom` is on, a new participant
 * gets a token but waits — no step content, not counted, every message but `sync` and `clock`
 * refused (realtime.ts) — until the facilitator or a co-host lets them in or refuses them.
 */
import { ServiceError } from '@canopy/api';
import { because, canFacilitate } from '@canopy/core';
import type { Identity, ServiceContext } from './context.js';

/** Let these people in; answers how many were still waiting (the others were let in, refused or never waited). */
export async function admit(ctx: ServiceContext, who: Identity, participantIds: string[]): Promise<number> {
  if (!canFacilitate(who.role)) throw new ServiceError('FORBIDDEN', 'Only the facilitator can let people in.', undefined, because('NOT_ALLOWED'));
  let admitted = 0;
  for (const id of new Set(participantIds)) {
    if (!(await ctx.store.admitParticipant(who.roomId, id))) continue;
    admitted += 1;
    ctx.broadcaster?.participantAdmitted(who.roomId, id);
  }
  return admitted;
}

/** Do not let this person in: what was stored of them (their name, their token) is erased and their screens are told. */
export async function refuse(ctx: ServiceContext, who: Identity, participantId: string): Promise<void> {
  if (!canFacilitate(who.role)) throw new ServiceError('FORBIDDEN', 'Only the facilitator can refuse people.', undefined, because('NOT_ALLOWED'));
  if (!(await ctx.store.eraseParticipant(who.roomId, participantId, { onlyWaiting: true }))) {
    throw new ServiceError('NOT_FOUND', 'Nobody by that id is waiting to be let in.');
  }
  ctx.broadcaster?.participantRefused(who.roomId, participantId);
}
