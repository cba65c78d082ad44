/**
 * The wire protocol between Canopy's server and its clients: one Socket.IO event map shared by
 * server, SDK and web app, the handshake, and the answers. Bump PROTOCOL_VERSION on any change a
 * client of the previous version would misread; the server refuses a mismatch with a clear
 * "please reload" instead of breaking silently.
 */
import { z } from 'zod';
import type { Counters } from './activity.js';
import type { ImpactFigures, PlanView, CheckInPayload, PlanEditPayload } from './follow-up.js';
import type { MyOutcomes } from './my-outcomes.js';
import type { MyQuestionsBoard, QuestionAskPayload, QuestionModeration, QuestionsBoard } from './questions.js';
import { ClientIdSchema, type Participant } from './participant.js';
import type { LowerHandsPayload, SignalPayload, SignalsView } from './signals.js';
import type { ErrorParams, ErrorReason, Refusal } from './refusals.js';
import { RoomCommandSchema, type ConsoleRoomView, type StageChange, type StageView, type StepContent } from './room.js';

/**
 * 2: a commitment's `what` is sealed in the browser like `whom` (it was plain text); the
 * partnership view's earlier rounds carry their notes.
 * 3: small step changes — `stage` names the step by id (its content comes once, in the welcome's
 * `steps` and in `steps` when the agenda changes); a participant's pushed view of a step they have
 * nothing in yet may come as `initial` (the phone builds it from the step's content).
 * 4: the waiting room — a participant may be `waiting` (a welcome without steps), `admitted`,
 * `refused`; consoles `admit` and `refuse`.
 */
export { because, type ErrorParams, type ErrorReason, type ErrorReasons, type Refusal } from './refusals.js';

export const PROTOCOL_VERSION = 4;

export type Role = 'facilitator' | 'cohost' | 'display' | 'participant';
export const isPresenter = (role: Role) => role !== 'participant';
export const canFacilitate = (role: Role) => role === 'facilitator' || role === 'cohost';

export const HandshakeSchema = z.object({
  v: z.number().int(),
  roomId: z.string().regex(/^[A-Za-z0-9_-]{8,40}$/),
  token: z.string().regex(/^[A-Za-z0-9_-]{22,64}$/),
});
export type Handshake = z.infer<typeof HandshakeSchema>;

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'ROOM_FULL'
  | 'REMOVED'
  | 'STORE_UNAVAILABLE'
  /** too many writes to the same thing at once: not saved yet, safe to send again */
  | 'BUSY'
  | 'PROTOCOL_MISMATCH'
  /** the facilitator deleted the room: every screen of it is closed for good */
  | 'ROOM_DELETED'
  /** this participant deleted their data from the room: their screens are closed for good */
  | 'DATA_DELETED'
  /** the sender is in the waiting room: nothing but `sync` and `clock` until the facilitator lets them in */
  | 'WAITING'
  /** the facilitator did not let this person in from the waiting room: their screens are closed for good */
  | 'NOT_ADMITTED'
  | 'TIMEOUT'
  | 'INTERNAL';

export interface ErrorBody {
  code: ErrorCode;
  /** English, for developers and logs: screens word the refusal from `reason` and `params` (or `code`) */
  message: string;
  /** why, for the client's wording (see ErrorReasons) */
  reason?: ErrorReason;
  /** what the reason's wording needs */
  params?: ErrorParams;
  /** a rate-limited (or busy) answer: how long to wait before the same message may be accepted */
  retryAfterMs?: number;
}

export type Ack<T = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };

/**
 * Refusals that mean "not saved (yet)": nothing was changed, or the answer was lost on the way
 * (TIMEOUT) and the client-made id makes a second copy harmless. A write carrying such an id is
 * sent again after one of these: the SDK retries it with backoff while connected, and a
 * participant's outbox keeps it for later once the connection is gone. BUSY belongs here as much
 * as STORE_UNAVAILABLE: the server gave up racing other writers and stored nothing. Every other
 * code is final — the same message would be refused the same way again.
 */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['STORE_UNAVAILABLE', 'BUSY', 'RATE_LIMITED', 'TIMEOUT']);

export const errorAck = (code: ErrorCode, message: string, retryAfterMs?: number, why?: Refusal): { ok: false; error: ErrorBody } => ({
  ok: false,
  error: { code, message, ...(why ?? {}), ...(retryAfterMs ? { retryAfterMs: Math.ceil(retryAfterMs) } : {}) },
});

/** The one message a client gets when its build is older or newer than the server's. */
export const PROTOCOL_MISMATCH_MESSAGE = 'Canopy has been updated. Please reload the page.';

// --- client → server payloads ------------------------------------------------------------------

export const CommandPayloadSchema = z.object({
  cmd: RoomCommandSchema,
  /** optional compare-and-set: refuse if the room moved on since the console last saw it */
  expectedVersion: z.number().int().positive().optional(),
});
export type CommandPayload = z.infer<typeof CommandPayloadSchema>;

const ParticipantIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,40}$/);
export const RemovePayloadSchema = z.object({ participantId: ParticipantIdSchema });

/** facilitator, co-host: let these people in from the waiting room ("Admit all" sends everyone it lists) */
export const AdmitPayloadSchema = z.object({ participantIds: z.array(ParticipantIdSchema).min(1).max(500) });
export type AdmitPayload = z.infer<typeof AdmitPayloadSchema>;

/** facilitator, co-host: do not let this person in; what was stored of them is erased */
export const RefusePayloadSchema = z.object({ participantId: ParticipantIdSchema });
export type RefusePayload = z.infer<typeof RefusePayloadSchema>;

/** what a waiting person is told on every message but `sync` and `clock` */
export const WAITING_MESSAGE = 'The facilitator will let you in shortly.';
/** what a person the facilitator did not let in is told */
export const NOT_ADMITTED_MESSAGE = 'The facilitator did not let you into this room.';

/** facilitator: delete the room now — the room code, typed again, is the confirmation */
export const DeleteRoomPayloadSchema = z.object({ code: z.string().min(1).max(20) });
export type DeleteRoomPayload = z.infer<typeof DeleteRoomPayloadSchema>;

/** participant: delete my data from this room — `confirm: true` says they confirmed */
export const ForgetMePayloadSchema = z.object({ confirm: z.literal(true) });
export type ForgetMePayload = z.infer<typeof ForgetMePayloadSchema>;

export const SubmitPayloadSchema = z.object({
  stepId: z.string().min(1).max(40),
  submissionId: ClientIdSchema,
  input: z.unknown(),
});
export type SubmitPayload = z.infer<typeof SubmitPayloadSchema>;

export const ActPayloadSchema = z.object({
  stepId: z.string().min(1).max(40),
  /** client-made: a retried action is applied once */
  actionId: ClientIdSchema,
  action: z.unknown(),
});
export type ActPayload = z.infer<typeof ActPayloadSchema>;

export const ClockPayloadSchema = z.number();

// --- server → client payloads ------------------------------------------------------------------

export interface PresenceCount {
  /** joined and not removed */
  joined: number;
}

export interface ActivityView {
  stepId: string;
  /** presenters: the aggregate picture; participants: their own record */
  data: unknown;
  /** participants: the revision of their record this view shows (0 before their first answer) */
  rev?: number;
  /** participants: what they may see of the room's aggregate, for activities that show one */
  room?: unknown;
  /**
   * participants, pushed views only: they have nothing in this step yet, and neither has anyone
   * whose records they see; `data` is left out — the phone builds it (`initialParticipantView`)
   */
  initial?: true;
  /**
   * pushed views only, instead of `room`: nobody has answered yet and this many people are in the
   * room — the phone builds `room` (`initialRoomView`)
   */
  roomInitial?: number;
  /** with `initial` or `roomInitial`: the phase it is for (it may arrive just before the stage that moved there) */
  phase?: string | null;
}

export interface Welcome {
  role: Role;
  serverNow: number;
  /** the room code, grouped (`K7FQ-3MXD`): every screen may show it */
  code: string;
  stage: StageView;
  /** every step's content, in agenda order (the step changes name steps by id) */
  steps: StepContent[];
  count: PresenceCount;
  /** present for participants: who they are */
  you?: Participant;
  /**
   * a participant in the waiting room: `steps` is empty and `stage` shows no step (the lobby),
   * nothing else comes until `admitted`
   */
  waiting?: true;
  /** present for facilitator and co-host */
  room?: ConsoleRoomView;
  /** present for facilitator and co-host: everyone who has joined, with who is online now */
  roster?: RosterEntry[];
  /** present for facilitator and co-host: days the room is kept after it ends (ROOM_RETENTION_DAYS) */
  retentionDays?: number;
  /** the current step's activity view, if the step has one */
  activity?: ActivityView;
  /** "I'm done" and raised hands as this screen sees them (see signals.ts) */
  signals?: SignalsView;
}

export interface RosterEntry extends Participant {
  online: boolean;
}

export type RosterEvent =
  | { type: 'joined'; participant: Participant }
  | { type: 'online'; participantId: string; online: boolean }
  | { type: 'removed'; participantId: string }
  /** they deleted their data: they leave the roster altogether */
  | { type: 'erased'; participantId: string }
  /** let in from the waiting room */
  | { type: 'admitted'; participantId: string }
  /** not let in from the waiting room: they leave the roster altogether */
  | { type: 'refused'; participantId: string };

export interface ServerToClientEvents {
  welcome: (w: Welcome) => void;
  /** the step changed, a timer moved, the room was locked…: the small, frequent broadcast */
  stage: (s: StageChange) => void;
  /** the agenda changed: every step's content again (sent before the `stage` of that change) */
  steps: (s: StepContent[]) => void;
  /** facilitator and co-host: the full room record after a change (agenda included) */
  room: (r: ConsoleRoomView) => void;
  count: (c: PresenceCount) => void;
  roster: (e: RosterEvent) => void;
  activity: (a: ActivityView) => void;
  /** this participant was removed by the facilitator; the socket closes after */
  removed: (info: { message: string }) => void;
  /** the facilitator deleted the room; every socket of the room closes after */
  roomDeleted: (info: { message: string }) => void;
  /** this participant deleted their data (from any of their screens); their sockets close after */
  dataDeleted: (info: { message: string }) => void;
  /** this participant waited and the facilitator let them in: connect again to get the room (the SDK does) */
  admitted: () => void;
  /** this participant waited and the facilitator did not let them in; their sockets close after */
  refused: (info: { message: string }) => void;
  /** facilitator, co-host and display: the room's effect after a check-in was saved or deleted */
  'followUp:impact': (f: ImpactFigures) => void;
  /** "I'm done" and raised hands changed (or the step did): each screen its own view, coalesced */
  signals: (s: SignalsView) => void;
  /** the room's questions changed (coalesced): consoles get hidden ones too; phones and displays what everyone may see */
  questions: (b: QuestionsBoard) => void;
}

export interface ClientToServerEvents {
  command: (p: CommandPayload, ack: (a: Ack<{ version: number }>) => void) => void;
  remove: (p: { participantId: string }, ack: (a: Ack) => void) => void;
  /** facilitator, co-host: let people in from the waiting room; `admitted` is how many were still waiting */
  admit: (p: AdmitPayload, ack: (a: Ack<{ admitted: number }>) => void) => void;
  /** facilitator, co-host: do not let a waiting person in */
  refuse: (p: RefusePayload, ack: (a: Ack) => void) => void;
  /** facilitator (not co-host): delete the room and everything in it now */
  deleteRoom: (p: DeleteRoomPayload, ack: (a: Ack) => void) => void;
  /** participant: delete everything of mine in this room and leave it */
  forgetMe: (p: ForgetMePayload, ack: (a: Ack) => void) => void;
  /** `view` is the participant's own record after the write, at revision `rev` */
  submit: (p: SubmitPayload, ack: (a: Ack<{ duplicate: boolean; view: unknown; rev: number }>) => void) => void;
  /** facilitator: an action on the current step's shared state (form groups, pair people…) */
  act: (p: ActPayload, ack: (a: Ack<{ duplicate: boolean; rev: number }>) => void) => void;
  /** full state again (after a reconnect the server also sends `welcome` by itself) */
  sync: (ack: (a: Ack<{ welcome: Welcome }>) => void) => void;
  /** participant: their own outcomes of every step run so far, for their pack (see my-outcomes.ts) */
  'outcomes:mine': (p: Record<string, never>, ack: (a: Ack<{ outcomes: MyOutcomes }>) => void) => void;
  /** participant: their plan after the session — the workshop's part, their check-ins, the dates (see follow-up.ts) */
  'followUp:plan': (p: Record<string, never>, ack: (a: Ack<{ plan: PlanView }>) => void) => void;
  /** participant: answer the check-in open now; retried with the same submissionId it is saved once */
  'followUp:checkIn': (p: CheckInPayload, ack: (a: Ack<{ duplicate: boolean; plan: PlanView }>) => void) => void;
  /**
   * participant: keep up their plan outside a check-in — someone new on their map, sealed notes on
   * someone, after the session a commitment added or changed; saved once per submissionId
   */
  'followUp:edit': (p: PlanEditPayload, ack: (a: Ack<{ duplicate: boolean; plan: PlanView }>) => void) => void;
  /** facilitator, co-host, display: the room's effect so far (aggregates only) */
  'followUp:impact': (p: Record<string, never>, ack: (a: Ack<{ impact: ImpactFigures }>) => void) => void;
  /** participant: "I'm done" with the step running now, or a raised (lowered) hand */
  signal: (p: SignalPayload, ack: (a: Ack<{ signals: SignalsView }>) => void) => void;
  /** facilitator, co-host: lower one person's hand, or every hand */
  'signals:lower': (p: LowerHandsPayload, ack: (a: Ack<{ lowered: number }>) => void) => void;
  /** anyone: the room's questions as this screen sees them (a participant's with their own and their votes marked) */
  'questions:list': (p: Record<string, never>, ack: (a: Ack<{ board: QuestionsBoard | MyQuestionsBoard }>) => void) => void;
  /** participant: ask a question; retried with the same submissionId it is saved once (and is the question's id) */
  'questions:ask': (p: QuestionAskPayload, ack: (a: Ack<{ duplicate: boolean; id: string; board: MyQuestionsBoard }>) => void) => void;
  /** participant: upvote a question (up) or take the vote back */
  'questions:vote': (p: { id: string; up: boolean }, ack: (a: Ack<{ board: MyQuestionsBoard }>) => void) => void;
  /** participant: withdraw a question of their own */
  'questions:withdraw': (p: { id: string }, ack: (a: Ack<{ board: MyQuestionsBoard }>) => void) => void;
  /** facilitator, co-host: hide, remove, merge, mark answered, pin */
  'questions:moderate': (p: { action: QuestionModeration }, ack: (a: Ack<{ board: QuestionsBoard }>) => void) => void;
  /** clock offset: the client sends its time, the server answers with its own */
  clock: (clientNow: number, ack: (a: Ack<{ clientNow: number; serverNow: number }>) => void) => void;
}

export interface SocketData {
  role: Role;
  roomId: string;
  participantId?: string;
  /** a participant in the waiting room when this socket connected */
  waiting?: true;
}

export type { Counters };
