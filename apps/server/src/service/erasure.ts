/**
 * Erasure: the facilitator deletes the room, or a participant deletes their own data.
 */
import { ServiceError } from '@canopy/api';
import { because, counterDelta, FOLLOW_UP_STEP, getActivity, normalizeCode, ownScope, SHARED_SCOPE, SIGNALS_STEP } from '@canopy/core';
import { newId } from '../security.js';
import { LOST } from './apply-once.js';
import type { Identity, ServiceContext } from './context.js';
import { forgetQuestions } from './questions.js';

/**
 * The facilitator deletes the room now: every key goes (code included, so the code answers
 * as unknown), then every screen of the room is told and disconnected. `code` is the room code
 * typed again as confirmation. The co-host cannot: deleting is the owner's call.
 */
export async function deleteRoom(ctx: ServiceContext, who: Identity, code: string): Promise<void> {
  if (who.role !== 'facilitator')
    throw new ServiceError('FORBIDDEN', 'Only the facilitator who opened the room can delete it.', undefined, because('NOT_ALLOWED'));
  const room = await ctx.getRoom(who.roomId);
  if (normalizeCode(code) !== room.code)
    throw new ServiceError('BAD_REQUEST', 'To confirm, type the room code exactly as shown.', undefined, because('CONFIRM_CODE'));
  await ctx.store.deleteRoom(room.id);
  ctx.forgetRecords(room.id);
  ctx.broadcaster?.roomDeleted(room.id);
}

/**
 * A participant deletes their data (during the session, or their plan after it). In this order: they leave the roster (no longer counted,
 * token revoked, so no new screen of theirs gets in); then, in every step, their own record
 * goes with its contribution taken out of the counters in the same atomic write, and the shared
 * state forgets their name (and, in an open prompt, their ballot texts); then their check-ins go. Records they share
 * with others — a group's notes and actions, a pair's conversation — stay, without their name.
 * Last, their screens are told and closed, and consoles and displays get fresh pictures.
 */
export async function forgetParticipant(ctx: ServiceContext, who: Identity): Promise<void> {
  if (who.role !== 'participant' || !who.participant)
    throw new ServiceError('FORBIDDEN', 'Only a participant can delete their own data.', undefined, because('NOT_ALLOWED'));
  const pid = who.participant.id;
  const room = await ctx.getRoom(who.roomId);
  await ctx.store.eraseParticipant(room.id, pid); // false when a retry finds it done: carry on, every step below is idempotent
  const own = ownScope(pid);
  for (const step of room.agenda) {
    const mod = getActivity(step.type);
    const input = mod?.input;
    if (input) {
      await ctx.applyOnce({
        key: `${room.id}/${step.id}/${own}`,
        read: () => ctx.store.getRecord(room.id, step.id, own),
        async write(stored) {
          if (!stored) return;
          const counters = counterDelta(input.contribution(JSON.parse(stored.value), step.config), {});
          const res = await ctx.store.deleteRecord(room.id, step.id, own, { expectedRev: stored.rev, counters });
          return res.status === 'ok' ? undefined : LOST;
        },
        busy: () => new ServiceError('BUSY', 'Your answers are changing right now; try again.'),
      });
    }
    const forget = mod?.shared?.forget;
    if (forget) {
      await ctx.applyOnce({
        key: `${room.id}/${step.id}/${SHARED_SCOPE}`,
        read: () => ctx.store.getRecord(room.id, step.id, SHARED_SCOPE),
        async write(stored) {
          if (!stored) return;
          const next = JSON.stringify(forget(JSON.parse(stored.value), pid));
          if (next === stored.value) return;
          const res = await ctx.store.writeRecord(room.id, step.id, SHARED_SCOPE, {
            submissionId: `forget-${newId()}`,
            expectedRev: stored.rev,
            value: next,
            counters: {},
          });
          if (res.status === 'conflict') return LOST;
          if (res.status === 'ok' || res.status === 'duplicate') ctx.broadcaster?.sharedChanged(room.id, step.id, res.rev);
        },
        busy: () => new ServiceError('BUSY', 'The room is busy; try again.'),
      });
    }
  }
  // their check-ins after the session (the plan's own part) and their "I'm done" and hand: no counters to move
  for (const stepId of [FOLLOW_UP_STEP, SIGNALS_STEP]) {
    await ctx.applyOnce({
      key: `${room.id}/${stepId}/${own}`,
      read: () => ctx.store.getRecord(room.id, stepId, own),
      async write(stored) {
        if (!stored) return;
        const res = await ctx.store.deleteRecord(room.id, stepId, own, { expectedRev: stored.rev, counters: {} });
        return res.status === 'ok' ? undefined : LOST;
      },
      busy: () => new ServiceError('BUSY', 'Your data is changing right now; try again.'),
    });
  }
  // their questions go and their votes are taken back
  await forgetQuestions(ctx, room.id, pid);
  ctx.forgetRecords(room.id, own);
  ctx.broadcaster?.participantErased(room.id, pid);
  ctx.broadcaster?.followUpChanged(room.id);
}
