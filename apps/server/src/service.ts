/**
 * The room service: the thin shell around the pure core. It authenticates, validates, loads,
 * applies, stores and tells the broadcaster — and nothing else. tRPC procedures (through
 * `RoomApi`), Socket.IO handlers and the downloads call it; none of them touch the store.
 *
 * This class only puts the parts together; each concern is a module of `service/`:
 * admission (create, look up, join, authenticate), commands (the facilitator's room commands),
 * answers (participant submissions), actions (facilitator actions on shared state), erasure
 * (deleting a room or a participant's data) and views (what each screen sees, reads only). Every
 * write goes through the one loop in `service/apply-once.ts`.
 */
import type { CreatedRoom, JoinedRoom, RoomApi } from '@canopy/api';
import type {
  ActivityView,
  CheckIn,
  PlanEdit,
  ImpactData,
  ImpactFigures,
  JoinInput,
  MyQuestionsBoard,
  QuestionModeration,
  QuestionsBoard,
  MyOutcomes,
  NewRoom,
  PlanView,
  RoomCommand,
  RoomState,
  SessionData,
  SignalPayload,
  SignalsAudience,
  SignalsView,
  SocketData,
  Welcome,
} from '@canopy/core';
import type { RoomStore } from '@canopy/store';
import type { Limiters } from './ratelimit.js';
import { act, type Acted } from './service/actions.js';
import { authenticate, createRoom, join, lookup } from './service/admission.js';
import { submit, type Submitted } from './service/answers.js';
import { command, removeParticipant } from './service/commands.js';
import { ServiceContext, type Broadcaster, type Identity, type ServiceOptions } from './service/context.js';
import { deleteRoom, forgetParticipant } from './service/erasure.js';
import { admit, refuse } from './service/waiting.js';
import { checkIn, editPlan, impactFor, impactReportData, readPlan } from './service/follow-up.js';
import { lowerHands, participantSignals, presenterSignals, readSignals, signal, signalsAudience } from './service/signals.js';
import { askQuestion, boardFor, listQuestions, moderateQuestion, readQuestions, voteQuestion, withdrawQuestion } from './service/questions.js';
import { currentPresenterViews, myOutcomes, participantViews, sessionData, welcome } from './service/views.js';

export { NO_SUCH_ROOM } from './service/admission.js';
export type { Broadcaster, Identity, ServiceOptions } from './service/context.js';

export class RoomService implements RoomApi {
  private readonly ctx: ServiceContext;

  constructor(store: RoomStore, limiters: Limiters, opts: ServiceOptions) {
    this.ctx = new ServiceContext(store, limiters, opts);
  }

  /** the realtime layer, told about every change (set once it is attached) */
  get broadcaster(): Broadcaster | null {
    return this.ctx.broadcaster;
  }
  set broadcaster(b: Broadcaster | null) {
    this.ctx.broadcaster = b;
  }

  get storeKind(): RoomStore['kind'] {
    return this.ctx.store.kind;
  }

  // --- admission ---------------------------------------------------------------------------------

  createRoom(input: NewRoom, address: string): Promise<CreatedRoom> {
    return createRoom(this.ctx, input, address);
  }
  /** Find an open, unlocked room by the code a participant typed (`token`: a participant of a locked room coming back). */
  lookup(code: string, address: string, token?: string): Promise<RoomState> {
    return lookup(this.ctx, code, address, token);
  }
  join(input: JoinInput, address: string): Promise<JoinedRoom> {
    return join(this.ctx, input, address);
  }
  authenticate(roomId: string, token: string): Promise<Identity | null> {
    return authenticate(this.ctx, roomId, token);
  }
  /** Is there a room with this id (the downloads answer 404 before asking for a token)? */
  async roomExists(roomId: string): Promise<boolean> {
    return (await this.ctx.store.getSecrets(roomId)) !== null;
  }

  // --- writes ------------------------------------------------------------------------------------

  command(who: Identity, cmd: RoomCommand, expectedVersion?: number): Promise<RoomState> {
    return command(this.ctx, who, cmd, expectedVersion);
  }
  removeParticipant(who: Identity, participantId: string): Promise<void> {
    return removeParticipant(this.ctx, who, participantId);
  }
  /** The waiting room: let people in (answers how many were waiting). */
  admit(who: Identity, participantIds: string[]): Promise<number> {
    return admit(this.ctx, who, participantIds);
  }
  /** The waiting room: do not let this person in (erased). */
  refuse(who: Identity, participantId: string): Promise<void> {
    return refuse(this.ctx, who, participantId);
  }
  submit(who: Identity, stepId: string, submissionId: string, input: unknown): Promise<Submitted> {
    return submit(this.ctx, who, stepId, submissionId, input);
  }
  act(who: Identity, stepId: string, actionId: string, action: unknown): Promise<Acted> {
    return act(this.ctx, who, stepId, actionId, action);
  }
  deleteRoom(who: Identity, code: string): Promise<void> {
    return deleteRoom(this.ctx, who, code);
  }
  forgetParticipant(who: Identity): Promise<void> {
    return forgetParticipant(this.ctx, who);
  }
  /** a participant's "I'm done" or hand (see service/signals.ts) */
  signal(who: Identity, payload: SignalPayload): Promise<SignalsView> {
    return signal(this.ctx, who, payload);
  }
  /** the facilitator lowers one hand, or all */
  lowerHands(who: Identity, participantId?: string): Promise<number> {
    return lowerHands(this.ctx, who, participantId);
  }

  // --- reads -------------------------------------------------------------------------------------

  countParticipants(roomId: string): Promise<number> {
    return this.ctx.store.countParticipants(roomId);
  }
  async welcome(screen: SocketData, online: () => Promise<Array<string | undefined>>): Promise<Welcome> {
    const w = await welcome(this.ctx, screen, online);
    return { ...w, signals: await readSignals(this.ctx, screen.roomId, signalsAudience(screen)) };
  }
  currentPresenterViews(roomId: string, audiences: Array<'console' | 'display'>): Promise<ActivityView[] | undefined> {
    return currentPresenterViews(this.ctx, roomId, audiences);
  }
  participantViews(roomId: string, participantIds: string[]): Promise<Array<[string, ActivityView]>> {
    return participantViews(this.ctx, roomId, participantIds);
  }
  signals(roomId: string, audience: SignalsAudience): Promise<SignalsView> {
    return readSignals(this.ctx, roomId, audience);
  }
  /** what consoles and displays see of the room's signals, from one read */
  presenterSignals(roomId: string): Promise<{ console: SignalsView; display: SignalsView }> {
    return presenterSignals(this.ctx, roomId);
  }
  participantSignals(roomId: string, participantIds: string[]): Promise<Array<[string, SignalsView]>> {
    return participantSignals(this.ctx, roomId, participantIds);
  }
  myOutcomes(who: Identity): Promise<MyOutcomes> {
    return myOutcomes(this.ctx, who);
  }
  sessionData(roomId: string, now?: number): Promise<SessionData | null> {
    return sessionData(this.ctx, roomId, now);
  }

  // --- after the session -------------------------------------------------------------------------

  /** the server's clock (injected in tests; the wall clock otherwise) */
  now(): number {
    return this.ctx.now();
  }
  plan(who: Identity): Promise<PlanView> {
    return readPlan(this.ctx, who);
  }
  checkIn(who: Identity, submissionId: string, answer: CheckIn): Promise<{ duplicate: boolean; plan: PlanView }> {
    return checkIn(this.ctx, who, submissionId, answer);
  }
  editPlan(who: Identity, submissionId: string, edit: PlanEdit): Promise<{ duplicate: boolean; plan: PlanView }> {
    return editPlan(this.ctx, who, submissionId, edit);
  }
  impact(who: Identity): Promise<ImpactFigures> {
    return impactFor(this.ctx, who);
  }
  impactData(roomId: string): Promise<ImpactData | null> {
    return impactReportData(this.ctx, roomId);
  }

  // --- the room's questions ----------------------------------------------------------------------

  questions(who: Identity): Promise<QuestionsBoard | MyQuestionsBoard> {
    return listQuestions(this.ctx, who);
  }
  /** The boards the broadcaster pushes: consoles' (hidden questions too) and everyone else's. */
  async questionBoards(roomId: string): Promise<{ console: QuestionsBoard; public: QuestionsBoard } | null> {
    const room = await this.ctx.store.getRoom(roomId);
    if (!room) return null;
    const q = await readQuestions(this.ctx, roomId);
    return { console: boardFor(room, q, 'console'), public: boardFor(room, q, 'public') };
  }
  askQuestion(who: Identity, submissionId: string, text: string) {
    return askQuestion(this.ctx, who, submissionId, text);
  }
  voteQuestion(who: Identity, id: string, up: boolean) {
    return voteQuestion(this.ctx, who, id, up);
  }
  withdrawQuestion(who: Identity, id: string) {
    return withdrawQuestion(this.ctx, who, id);
  }
  moderateQuestion(who: Identity, action: QuestionModeration) {
    return moderateQuestion(this.ctx, who, action);
  }
}
