/**
 * What the HTTP API needs from the room service, and the error the service answers a refusal
 * with. The router is built against this interface only, so the SDK can import the router's type
 * without depending on the server (the server's RoomService implements it).
 */
import type { ErrorBody, ErrorCode, JoinInput, NewRoom, Participant, Refusal, RoomState } from '@canopy/core';

/** A refusal with Canopy's own code: the tRPC layer turns it into an HTTP status, Socket.IO into an error ack. */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** for RATE_LIMITED and BUSY: when trying again may succeed (HTTP `Retry-After`, `retryAfterMs` in an ack) */
    readonly retryAfterSec?: number,
    /** why, for the client's wording in the screen's language (see ErrorReasons) */
    readonly why?: Refusal,
  ) {
    super(message);
  }
  get body(): ErrorBody {
    return { code: this.code, message: this.message, ...(this.why ?? {}), ...(this.retryAfterSec ? { retryAfterMs: this.retryAfterSec * 1000 } : {}) };
  }
}

export interface CreatedRoom {
  roomId: string;
  code: string;
  facilitatorToken: string;
  cohostToken: string;
  displayToken: string;
}

export interface JoinedRoom {
  roomId: string;
  participant: Participant;
  /** the same token joined before: this is that participant, back */
  rejoined: boolean;
}

/** The admission part of the room service: what the HTTP API calls. `address` is the client's, for rate limits. */
export interface RoomApi {
  /** where rooms live: the embedded in-process store or Redis */
  readonly storeKind: 'memory' | 'redis';
  /** A facilitator opens a room; the answer carries the only copies of its three links' tokens. */
  createRoom(input: NewRoom, address: string): Promise<CreatedRoom>;
  /** An open, unlocked room with this code (any other answer is the same NOT_FOUND). */
  lookup(code: string, address: string): Promise<Pick<RoomState, 'id' | 'code' | 'title' | 'join' | 'language'>>;
  /** Join with a code, a nickname and a token the browser made; the same token again is the same participant. */
  join(input: JoinInput, address: string): Promise<JoinedRoom>;
}
