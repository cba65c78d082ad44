/**
 * Admission: a facilitator opens a room; a participant finds it by code and joins; every screen's
 * token is turned into who it is. Rate limits per client address guard each door.
 */
import { ServiceError, type CreatedRoom, type JoinedRoom } from '@canopy/api';
import {
  because,
  createRoomState,
  JoinInputSchema,
  NewRoomSchema,
  normalizeCode,
  validateAgenda,
  type JoinInput,
  type NewRoom,
  type Participant,
  type RoomState,
} from '@canopy/core';
import { giveBack, take } from '../ratelimit.js';
import { newId, newRoomCode, newToken, removedNameHash, sameHash, sha256 } from '../security.js';
import type { Identity, ServiceContext } from './context.js';

/** One answer for unknown, locked and closed codes: the join form is not an existence oracle. */
export const NO_SUCH_ROOM = 'No open room matches that code. Check it with your facilitator.';

export async function createRoom(ctx: ServiceContext, input: NewRoom, address: string): Promise<CreatedRoom> {
  const wait = await take(ctx.limiters.creates, address);
  if (wait)
    throw new ServiceError(
      'RATE_LIMITED',
      `Too many new workshops from this network. Try again in ${wait} s.`,
      wait,
      because('TOO_MANY_ROOMS', { seconds: wait }),
    );
  const parsed = NewRoomSchema.parse(input);
  const agenda = validateAgenda(parsed.agenda);
  if (!agenda.ok) throw new ServiceError('BAD_REQUEST', agenda.error, undefined, agenda.why);
  const tokens = { facilitator: newToken(), cohost: newToken(), display: newToken() };
  const secrets = { facilitator: sha256(tokens.facilitator), cohost: sha256(tokens.cohost), display: sha256(tokens.display) };
  // a new code until one is free (a clash is rare: ~1.1·10¹¹ codes)
  for (let attempt = 0; attempt < 5; attempt++) {
    const room = createRoomState({ id: newId(), code: newRoomCode(), now: ctx.now(), room: { ...parsed, agenda: agenda.agenda } });
    if (await ctx.store.createRoom(room, secrets)) {
      await ctx.keep(room);
      return { roomId: room.id, code: room.code, facilitatorToken: tokens.facilitator, cohostToken: tokens.cohost, displayToken: tokens.display };
    }
  }
  throw new ServiceError('INTERNAL', 'Could not allocate a room code; please try again.');
}

/** Find an open, unlocked room by the code a participant typed. */
export async function lookup(ctx: ServiceContext, codeInput: string, address: string, token?: string): Promise<RoomState> {
  const busy = (wait: number) =>
    new ServiceError('RATE_LIMITED', `Too many attempts from this network. Try again in ${wait} s.`, wait, because('TOO_MANY_ATTEMPTS', { seconds: wait }));
  const tooMany = await take(ctx.limiters.joinAttempts, address);
  if (tooMany) throw busy(tooMany);
  // Every attempt reserves a point of the wrong-code brake before it looks, and gets it back
  // unless the code was wrong: so a burst of parallel guesses cannot slip past the brake.
  const blocked = await take(ctx.limiters.joinFailures, address);
  if (blocked) throw busy(blocked);
  let wrong = false;
  try {
    const code = normalizeCode(codeInput);
    const roomId = code ? await ctx.store.roomIdByCode(code) : null;
    const room = roomId ? await ctx.store.getRoom(roomId) : null;
    const member =
      room && room.status === 'open' && room.locked && token !== undefined && (await ctx.store.participantByToken(room.id, sha256(token))) !== null;
    if (!room || room.status !== 'open' || (room.locked && !member)) {
      wrong = true; // counts towards the block; this answer stays the same
      throw new ServiceError('NOT_FOUND', NO_SUCH_ROOM, undefined, because('NO_SUCH_ROOM'));
    }
    return room;
  } finally {
    if (!wrong) await giveBack(ctx.limiters.joinFailures, address).catch(() => {});
  }
}

export async function join(ctx: ServiceContext, raw: JoinInput, address: string): Promise<JoinedRoom> {
  const input = JoinInputSchema.parse(raw);
  const room = await lookup(ctx, input.code, address, input.token);
  if (room.join.askDepartment && !input.department)
    throw new ServiceError('BAD_REQUEST', 'Please say which department or team you are in.', undefined, because('DEPARTMENT_NEEDED'));
  if (room.join.askLevel && !input.level) throw new ServiceError('BAD_REQUEST', 'Please choose your level.', undefined, because('LEVEL_NEEDED'));
  // someone the facilitator removed coming back under the same name (with a new device): the console marks them
  const rejoin = await ctx.store.wasRemoved(room.id, removedNameHash(room.id, input.nickname));
  const participant: Participant = {
    id: newId(),
    nickname: input.nickname,
    department: room.join.askDepartment ? (input.department ?? null) : null,
    level: room.join.askLevel ? (input.level ?? null) : null,
    joinedAt: ctx.now(),
    removed: false,
    ...(rejoin ? { rejoin: true as const } : {}),
  };
  const res = await ctx.store.addParticipant(room.id, participant, {
    tokenHash: sha256(input.token),
    joinId: sha256(input.token),
    deviceHash: sha256(`${room.id}:${input.deviceId}`),
    cap: room.join.maxParticipants,
    // "new joins need my approval": they wait (a retry, or a resume of someone let in, finds them as they are)
    waiting: room.join.waitingRoom === true,
  });
  switch (res.status) {
    case 'full':
      throw new ServiceError('ROOM_FULL', 'This room is full.');
    case 'banned':
      throw new ServiceError('REMOVED', 'The facilitator removed you from this room.');
    case 'existing':
      return { roomId: room.id, participant: res.participant, rejoined: true };
    case 'created':
      ctx.broadcaster?.participantJoined(room.id, res.participant);
      return { roomId: room.id, participant: res.participant, rejoined: false };
  }
  throw new ServiceError('INTERNAL', 'Unexpected answer from the store.');
}

/** Who this token is in this room (null: no one, or a removed participant). */
export async function authenticate(ctx: ServiceContext, roomId: string, token: string): Promise<Identity | null> {
  const hash = sha256(token);
  const secrets = await ctx.store.getSecrets(roomId);
  if (!secrets) return null;
  if (sameHash(hash, secrets.facilitator)) return { role: 'facilitator', roomId };
  if (sameHash(hash, secrets.cohost)) return { role: 'cohost', roomId };
  if (sameHash(hash, secrets.display)) return { role: 'display', roomId };
  const participant = await ctx.store.participantByToken(roomId, hash);
  return participant ? { role: 'participant', roomId, participant } : null;
}
