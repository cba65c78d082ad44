/**
 * Signals from the phones (see core's signals.ts): a participant says "I'm done" with the step
 * running now or raises their hand; the facilitator or a co-host lowers one hand or all of them.
 * Each participant's signals are one record under the reserved step `SIGNALS_STEP`, written with
 * compare-and-set like any answer and decided on the room as stored (a write racing a step change
 * is refused by the store and decided again), so reconnecting screens and other nodes read them.
 */
import { ServiceError } from '@canopy/api';
import {
  because,
  applySignal,
  canFacilitate,
  lowerHand,
  isPresent,
  ownScope,
  SIGNALS_STEP,
  signalsView,
  type RoomState,
  type SignalPayload,
  type SignalRecord,
  type SignalsAudience,
  type SignalsView,
  type SocketData,
} from '@canopy/core';
import type { StoredRecord } from '@canopy/store';
import { newId } from '../security.js';
import { LOST } from './apply-once.js';
import { roomCapMessage } from './answers.js';
import type { Identity, ServiceContext } from './context.js';

const parse = (stored: StoredRecord | null): SignalRecord => (stored ? (JSON.parse(stored.value) as SignalRecord) : {});

/** The screen's audience for signals, from its role. */
export function signalsAudience(screen: Pick<SocketData, 'role' | 'participantId'>): SignalsAudience {
  if (screen.participantId) return { participantId: screen.participantId };
  return canFacilitate(screen.role) ? 'console' : 'display';
}

/** What one audience sees of the room's signals now. */
export async function readSignals(ctx: ServiceContext, roomId: string, audience: SignalsAudience, room?: RoomState): Promise<SignalsView> {
  const current = room ?? (await ctx.currentRoom(roomId));
  if (typeof audience === 'object') {
    const own = await ctx.store.getRecord(roomId, SIGNALS_STEP, ownScope(audience.participantId));
    return signalsView(current, own ? [{ scope: ownScope(audience.participantId), value: parse(own) }] : [], new Set(), audience);
  }
  const { records, active } = await presentSignals(ctx, roomId);
  return signalsView(current, records, active, audience);
}

/**
 * The room's signal records and who is present: what the consoles' and displays' views are made
 * of. Who is present is only needed to tell whose records count: while nobody has signalled (a
 * room filling up), the room's count of present participants is enough, and the whole list of
 * participants is not read.
 */
async function presentSignals(
  ctx: ServiceContext,
  roomId: string,
): Promise<{ records: Array<{ scope: string; value: SignalRecord }>; active: Pick<ReadonlySet<string>, 'has' | 'size'> }> {
  const stored = await ctx.store.listRecords(roomId, SIGNALS_STEP);
  const records = stored.map((r) => ({ scope: r.scope, value: parse(r) }));
  if (!records.length) return { records, active: { size: await ctx.store.countParticipants(roomId), has: () => false } };
  const participants = await ctx.store.listParticipants(roomId);
  return { records, active: new Set(participants.filter(isPresent).map((p) => p.id)) };
}

/**
 * The consoles' and the displays' views at once, from one read of the room's signals and people
 * (each is every participant of the room: pushed on every join, it is read once, not twice).
 */
export async function presenterSignals(ctx: ServiceContext, roomId: string): Promise<{ console: SignalsView; display: SignalsView }> {
  const [current, { records, active }] = await Promise.all([ctx.currentRoom(roomId), presentSignals(ctx, roomId)]);
  return { console: signalsView(current, records, active, 'console'), display: signalsView(current, records, active, 'display') };
}

/** Every participant's own view at once (one read), for a push after a step change. */
export async function participantSignals(ctx: ServiceContext, roomId: string, participantIds: string[]): Promise<Array<[string, SignalsView]>> {
  if (!participantIds.length) return [];
  const room = await ctx.currentRoom(roomId);
  const byScope = new Map((await ctx.store.listRecords(roomId, SIGNALS_STEP)).map((r) => [r.scope, parse(r)]));
  return participantIds.map((id) => {
    const own = byScope.get(ownScope(id));
    return [id, signalsView(room, own ? [{ scope: ownScope(id), value: own }] : [], new Set(), { participantId: id })];
  });
}

/** A participant's "I'm done" or hand; answers with their own view after it. */
export async function signal(ctx: ServiceContext, who: Identity, payload: SignalPayload): Promise<SignalsView> {
  if (who.role !== 'participant' || !who.participant) throw new ServiceError('FORBIDDEN', 'Only a participant can do that.', undefined, because('NOT_ALLOWED'));
  const pid = who.participant.id;
  const scope = ownScope(pid);
  const room = await ctx.applyOnce<{ room: RoomState; stored: StoredRecord | null }, RoomState>({
    key: `${who.roomId}/${SIGNALS_STEP}/${scope}`,
    read: async () => {
      const [room, stored] = await Promise.all([ctx.currentRoom(who.roomId), ctx.store.getRecord(who.roomId, SIGNALS_STEP, scope)]);
      return { room, stored };
    },
    async write({ room, stored }) {
      const decided = applySignal(parse(stored), payload, room, ctx.now());
      if (!decided.ok) throw new ServiceError('CONFLICT', decided.error);
      const value = JSON.stringify(decided.record);
      if (stored && value === stored.value) return room; // nothing changes: nothing to write
      const res = await ctx.store.writeRecord(room.id, SIGNALS_STEP, scope, {
        submissionId: `sig-${newId()}`,
        expectedRev: stored?.rev ?? 0,
        value,
        counters: {},
        writer: pid,
        roomVersion: room.version,
        ...(ctx.maxRoomBytes ? { maxRoomBytes: ctx.maxRoomBytes } : {}),
      });
      switch (res.status) {
        case 'gone':
          throw new ServiceError('REMOVED', 'You are no longer in this room.');
        case 'capped':
          throw new ServiceError('ROOM_FULL', roomCapMessage(ctx.maxRoomBytes ?? 0), undefined, because('ROOM_STORAGE_FULL'));
        case 'conflict':
        case 'stale': // another screen of theirs came first, or the room moved on (a new step?): decide again
        case 'duplicate':
          return LOST;
        case 'ok':
          ctx.broadcaster?.signalsChanged(room.id, pid);
          return room;
      }
    },
    busy: () => new ServiceError('BUSY', 'Not sent yet: many changes at once. Retrying…'),
  });
  return readSignals(ctx, who.roomId, { participantId: pid }, room);
}

/** A facilitator or co-host lowers one person's hand (`participantId`) or every raised hand; answers how many went down. */
export async function lowerHands(ctx: ServiceContext, who: Identity, participantId?: string): Promise<number> {
  if (!canFacilitate(who.role)) throw new ServiceError('FORBIDDEN', 'Only the facilitator can lower hands.', undefined, because('NOT_ALLOWED'));
  const scopes = participantId
    ? [ownScope(participantId)]
    : (await ctx.store.listRecords(who.roomId, SIGNALS_STEP)).filter((r) => parse(r).hand !== undefined).map((r) => r.scope);
  let lowered = 0;
  for (const scope of scopes) {
    const down = await ctx.applyOnce<StoredRecord | null, boolean>({
      key: `${who.roomId}/${SIGNALS_STEP}/${scope}`,
      read: () => ctx.store.getRecord(who.roomId, SIGNALS_STEP, scope),
      async write(stored) {
        const prev = parse(stored);
        const next = lowerHand(prev);
        if (!stored || next === prev) return false;
        const res = await ctx.store.writeRecord(who.roomId, SIGNALS_STEP, scope, {
          submissionId: `lower-${newId()}`,
          expectedRev: stored.rev,
          value: JSON.stringify(next),
          counters: {},
        });
        if (res.status === 'ok') return true;
        return res.status === 'conflict' || res.status === 'stale' || res.status === 'duplicate' ? LOST : false;
      },
      busy: () => new ServiceError('BUSY', 'Hands are changing right now; try again.'),
    });
    if (down) {
      lowered++;
      ctx.broadcaster?.signalsChanged(who.roomId, scope.slice(2));
    }
  }
  return lowered;
}
