/**
 * The facilitator's commands on the room (next step, timer, lock, agenda edits…) through the pure
 * reducer `applyRoomCommand`, stored with compare-and-set on the room's version; and removing a
 * participant.
 */
import { ServiceError } from '@canopy/api';
import { because, applyRoomCommand, canFacilitate, getActivity, hasParticipantView, type RoomCommand, type RoomState } from '@canopy/core';
import { removedNameHash } from '../security.js';
import { LOST } from './apply-once.js';
import type { Identity, ServiceContext } from './context.js';
import { freshView } from './views.js';

/**
 * Apply one command. With `expectedVersion` (the version the console last saw) a room that moved
 * on since is refused with CONFLICT instead of being retried.
 *
 * Decided first on the room as this node last saw it, without reading it (a step change's first
 * wait is then the compare-and-set): if another node moved it on meanwhile, the compare-and-set
 * fails and the command is decided again on the room read from the store.
 */
export async function command(ctx: ServiceContext, who: Identity, cmd: RoomCommand, expectedVersion?: number): Promise<RoomState> {
  if (!canFacilitate(who.role)) throw new ServiceError('FORBIDDEN', 'Only the facilitator can do that.', undefined, because('NOT_ALLOWED'));
  let first = true;
  return ctx.applyOnce({
    // one after another on this node, so their broadcasts leave in the order they were stored
    key: `${who.roomId}#commands`,
    read() {
      const seen = first ? ctx.knownRoom(who.roomId) : undefined;
      first = false; // a lost race reads the room from the store
      // (a console that saw another version than this node did is checked against the store's)
      return seen && (expectedVersion === undefined || seen.version === expectedVersion) ? Promise.resolve(seen) : ctx.getRoom(who.roomId);
    },
    async write(room) {
      if (expectedVersion !== undefined && room.version !== expectedVersion) {
        throw new ServiceError(
          'CONFLICT',
          'The room changed in the meantime (another facilitator?). Your screen is up to date now; try again.',
          undefined,
          because('ROOM_CHANGED'),
        );
      }
      const next = applyRoomCommand(room, cmd, ctx.now());
      if (!next.ok) throw new ServiceError('BAD_REQUEST', next.error, undefined, next.why);
      if (!(await ctx.store.casRoom(room.id, room.version, next.state))) {
        if (expectedVersion !== undefined)
          throw new ServiceError('CONFLICT', 'The room changed in the meantime; try again.', undefined, because('ROOM_CHANGED'));
        return LOST;
      }
      ctx.remember(next.state);
      const step = next.state.agenda[next.state.current];
      const entered = step !== undefined && (step.id !== room.agenda[room.current]?.id || next.state.phase !== room.phase);
      // Entering a step nobody has anything in: the step change itself tells every phone to build its view.
      const fresh = entered ? await freshView(ctx, next.state).catch(() => null) : null;
      ctx.broadcaster?.roomChanged(next.state, next.state.agenda !== room.agenda, fresh);
      if (next.state.questions !== room.questions) ctx.broadcaster?.questionsChanged(room.id);
      // (a step without views of its own, such as a slide, has nothing to push)
      const mod = step ? getActivity(step.type) : undefined;
      if (entered && !fresh && mod && hasParticipantView(mod)) ctx.broadcaster?.participantViewsChanged(room.id);
      // "I'm done" counts per step run: phones clear it on a new step by themselves, not when the same step starts again
      if (next.state.entered !== room.entered) ctx.broadcaster?.signalsChanged(room.id, step?.id === room.agenda[room.current]?.id ? 'everyone' : 'presenters');
      await ctx.keep(next.state);
      return next.state;
    },
    busy: () => new ServiceError('CONFLICT', 'The room is busy; try again.'),
  });
}

export async function removeParticipant(ctx: ServiceContext, who: Identity, participantId: string): Promise<void> {
  if (!canFacilitate(who.role)) throw new ServiceError('FORBIDDEN', 'Only the facilitator can do that.', undefined, because('NOT_ALLOWED'));
  const person = await ctx.store.getParticipant(who.roomId, participantId);
  if (person?.waiting) throw new ServiceError('CONFLICT', 'They are still waiting to be let in: refuse them instead.');
  // the room remembers a hash of the name, so the console can mark them should they join again
  const nameHash = person ? removedNameHash(who.roomId, person.nickname) : undefined;
  const removed = await ctx.store.removeParticipant(who.roomId, participantId, nameHash ? { nameHash } : undefined);
  if (!removed) throw new ServiceError('NOT_FOUND', 'No such participant in this room.');
  ctx.broadcaster?.participantRemoved(who.roomId, participantId);
}
