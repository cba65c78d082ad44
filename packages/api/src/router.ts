/**
 * The HTTP API (tRPC over /trpc): creating a room, finding one by code, joining it. Everything
 * live happens over Socket.IO (the server's realtime layer). Every input is validated by its zod
 * schema; refusals carry Canopy's own error code next to the HTTP status.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import {
  agendaPath,
  formatCode,
  issueMessage,
  issueRefusal,
  JoinInputSchema,
  LookupInputSchema,
  NewRoomSchema,
  PROTOCOL_VERSION,
  type ErrorCode,
} from '@canopy/core';
import { ZodError } from 'zod';
import { ServiceError, type RoomApi } from './service.js';

export interface TrpcContext {
  /** the client's address, for rate limits */
  address: string;
}

const httpCode: Record<ErrorCode, TRPCError['code']> = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  ROOM_FULL: 'FORBIDDEN',
  REMOVED: 'FORBIDDEN',
  STORE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  BUSY: 'SERVICE_UNAVAILABLE',
  PROTOCOL_MISMATCH: 'PRECONDITION_FAILED',
  ROOM_DELETED: 'NOT_FOUND',
  DATA_DELETED: 'NOT_FOUND',
  WAITING: 'FORBIDDEN',
  NOT_ADMITTED: 'FORBIDDEN',
  TIMEOUT: 'TIMEOUT',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

export interface RouterOptions {
  /**
   * include tRPC's stack traces (server file paths) in error answers: only for local debugging
   * (the server passes LOG_LEVEL=debug); every other answer carries the message and codes alone
   */
  debug?: boolean;
}

/** The seconds a refusal asks the client to wait (RATE_LIMITED, BUSY), if any. */
export function retryAfterOf(error: unknown): number | undefined {
  const cause = error instanceof TRPCError ? error.cause : error;
  return cause instanceof ServiceError ? cause.retryAfterSec : undefined;
}

/** The API's router, answering with this room service. */
export function createAppRouter(service: RoomApi, opts: RouterOptions = {}) {
  const t = initTRPC.context<TrpcContext>().create({
    // tRPC adds `data.stack` in dev mode, which it takes to be any NODE_ENV but production (`npm start` included)
    isDev: opts.debug === true,
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      const stack = opts.debug && shape.data.stack ? { stack: shape.data.stack } : {};
      if (cause instanceof ZodError) {
        return {
          ...shape,
          message: issueMessage(cause, { where: agendaPath }),
          data: { code: shape.data.code, httpStatus: shape.data.httpStatus, canopyCode: 'BAD_REQUEST' as ErrorCode, ...issueRefusal(cause), ...stack },
        };
      }
      const canopyCode = cause instanceof ServiceError ? cause.code : error.code === 'INTERNAL_SERVER_ERROR' ? 'INTERNAL' : undefined;
      // Never leak internals (stack, store errors) to the client.
      const message = canopyCode === 'INTERNAL' ? 'Something went wrong on our side. Please try again.' : shape.message;
      // the reason and its parameters: the client words the refusal in the screen's language
      const why = cause instanceof ServiceError ? (cause.why ?? {}) : {};
      return { ...shape, message, data: { code: shape.data.code, httpStatus: shape.data.httpStatus, canopyCode, ...why, ...stack } };
    },
  });

  /** Turn service errors into tRPC errors with the matching HTTP status. */
  const errors = t.middleware(async ({ next }) => {
    const res = await next();
    if (!res.ok && res.error.cause instanceof ServiceError) {
      const cause = res.error.cause;
      throw new TRPCError({ code: httpCode[cause.code], message: cause.message, cause });
    }
    return res;
  });
  const procedure = t.procedure.use(errors);

  return t.router({
    health: procedure.query(() => ({ status: 'ok' as const, store: service.storeKind, protocol: PROTOCOL_VERSION })),
    rooms: t.router({
      /** A facilitator opens a room for a workshop; the answer carries the only copies of its three links' tokens. */
      create: procedure.input(NewRoomSchema).mutation(async ({ ctx, input }) => {
        const created = await service.createRoom(input, ctx.address);
        return { ...created, code: formatCode(created.code) };
      }),
      /** Is there an open room with this code, and what does its join form ask? */
      lookup: procedure.input(LookupInputSchema).mutation(async ({ ctx, input }) => {
        const room = await service.lookup(input.code, ctx.address);
        return {
          roomId: room.id,
          code: formatCode(room.code),
          title: room.title,
          askDepartment: room.join.askDepartment,
          askLevel: room.join.askLevel,
          departments: room.join.departments,
          levels: room.join.levels,
          /** the join form speaks the room's language before the person has a seat */
          ...(room.language ? { language: room.language } : {}),
        };
      }),
      /** Join with a code, a nickname and a token the browser made; retrying with the same token is the same participant. */
      join: procedure.input(JoinInputSchema).mutation(({ ctx, input }) => service.join(input, ctx.address)),
    }),
  });
}

export type AppRouter = ReturnType<typeof createAppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
