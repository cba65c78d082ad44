/**
 * A live connection to one room, for any role: it keeps the latest picture of the room (stage,
 * count, roster, activity), corrects for the clock offset to the server, and offers the actions
 * the role may take. Framework-free: `subscribe` follows the Svelte store contract, so Svelte
 * components, tests and the load generator all use the same object.
 */
import {
  applyStageChange,
  getActivity,
  hasParticipantView,
  initialParticipantView,
  initialRoomView,
  PROTOCOL_VERSION,
  RETRYABLE_CODES,
  type Ack,
  type CheckInInput,
  type PlanEditInput,
  type ActivityView,
  type ClientToServerEvents,
  type ConsoleRoomView,
  type ErrorBody,
  type MyQuestionsBoard,
  type Participant,
  type QuestionModeration,
  type QuestionsBoard,
  type PresenceCount,
  type Role,
  type RoomCommand,
  type RosterEntry,
  type ServerToClientEvents,
  type SignalPayload,
  type SignalsView,
  type StageChange,
  type StageView,
  type StepContent,
  type Welcome,
} from '@canopy/core';
import { io, type Socket } from 'socket.io-client';
import { randomId } from './ids.js';

export type ConnectionStatus =
  /** first connection under way */
  | 'connecting'
  | 'connected'
  /** lost the connection; socket.io is reconnecting by itself */
  | 'reconnecting'
  /** refused for good: bad link, removed, protocol mismatch (see `error`) */
  | 'failed'
  | 'closed';

export interface RoomSnapshot {
  status: ConnectionStatus;
  error: ErrorBody | null;
  role: Role | null;
  /** the room code, grouped (`K7FQ-3MXD`) */
  code: string | null;
  stage: StageView | null;
  count: PresenceCount;
  /** participants: who they are */
  you: Participant | null;
  /** participants: in the waiting room — the facilitator has not let them in yet (no step, no counts) */
  waiting: boolean;
  /** consoles: the full room record */
  room: ConsoleRoomView | null;
  /** consoles: everyone who joined, with presence */
  roster: RosterEntry[];
  /** consoles: days the room is kept after it ends */
  retentionDays: number | null;
  activity: ActivityView | null;
  /** "I'm done" and raised hands as this screen sees them (consoles: who; displays: counts; participants: their own) */
  signals: SignalsView | null;
  /**
   * the room's questions (fetched after the welcome when they are on, or on a console or display;
   * then pushed): a participant's with `mine` and `voted`, a console's with hidden ones
   */
  questions: QuestionsBoard | MyQuestionsBoard | null;
  /** submissions sent and not yet acknowledged (shown as "saving…") */
  pending: number;
  /** the server's last "not saved yet" answer (storage away, busy…) while a write is retried; null once stored */
  retrying: ErrorBody | null;
  /** serverTime − clientTime, measured on connect */
  clockOffsetMs: number;
}

export interface ConnectOptions {
  /** server origin, '' for this page's origin */
  url: string;
  roomId: string;
  token: string;
  /** how long to wait for an answer before treating a message as lost (default 5 s) */
  ackTimeoutMs?: number;
  /** force a transport (the load generator uses websocket only) */
  transports?: ('websocket' | 'polling')[];
  /** override the protocol version (tests of the mismatch answer) */
  protocolVersion?: number;
}

type Listener = (s: RoomSnapshot) => void;

/** how long a participant waits for the pushed view of a new step before asking for it */
const VIEW_PUSH_WAIT_MS = 5000;
const FATAL = new Set(['PROTOCOL_MISMATCH', 'UNAUTHORIZED', 'BAD_REQUEST', 'REMOVED', 'NOT_FOUND', 'ROOM_DELETED', 'DATA_DELETED', 'NOT_ADMITTED']);

export class RoomConnection {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private snapshot: RoomSnapshot = {
    status: 'connecting',
    error: null,
    role: null,
    code: null,
    stage: null,
    count: { joined: 0 },
    you: null,
    waiting: false,
    room: null,
    roster: [],
    retentionDays: null,
    activity: null,
    signals: null,
    questions: null,
    pending: 0,
    retrying: null,
    clockOffsetMs: 0,
  };
  private listeners = new Set<Listener>();
  private readonly ackTimeoutMs: number;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private viewTimer: ReturnType<typeof setTimeout> | null = null;
  private clockMeasured = false;
  /** connected, and the server's welcome (sent unless the session was recovered) is not here yet */
  private awaitingWelcome = false;
  /** a step or phase change arrived while the welcome was awaited: resync after it */
  private syncAfterWelcome = false;
  /** every step's content, in agenda order (from the welcome, then `steps`): step changes name steps by id */
  private steps: StepContent[] = [];

  constructor(opts: ConnectOptions) {
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 5000;
    this.socket = io(opts.url, {
      auth: { v: opts.protocolVersion ?? PROTOCOL_VERSION, roomId: opts.roomId, token: opts.token },
      ...(opts.transports ? { transports: opts.transports } : {}),
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    const s = this.socket;
    s.on('connect', () => {
      this.awaitingWelcome = !s.recovered;
      this.set({ status: 'connected', error: null });
      void this.measureClock();
    });
    s.on('disconnect', (reason) => {
      if (this.snapshot.status === 'failed' || this.snapshot.status === 'closed') return;
      this.set({ status: 'reconnecting' });
      // socket.io does not reconnect after the server closed the socket; a removal arrives as
      // `removed` first (status failed, no retry), anything else (e.g. a node that could not
      // build the welcome) is worth another try.
      if (reason === 'io server disconnect') this.retryLater();
    });
    s.on('connect_error', (err: Error & { data?: ErrorBody }) => {
      const body = err.data;
      if (body && FATAL.has(body.code)) return this.set({ status: 'failed', error: body });
      // Middleware refusals (e.g. storage briefly away) are not retried by socket.io itself.
      this.set({ status: 'reconnecting', error: body ?? { code: 'INTERNAL', message: 'Cannot reach the server; retrying…' } });
      if (!s.active) this.retryLater();
    });
    s.on('welcome', (w) => {
      this.awaitingWelcome = false;
      this.applyWelcome(w);
      if (w.role !== 'participant' || w.stage.questions) void this.questionsList();
      if (this.syncAfterWelcome) {
        this.syncAfterWelcome = false;
        void this.sync();
      }
    });
    s.on('steps', (steps) => {
      this.steps = steps;
    });
    s.on('stage', (change) => {
      if (this.snapshot.stage && change.v < this.snapshot.stage.v) return; // a late, older broadcast
      const stage = this.stageFrom(change);
      if (!stage) return;
      const prevPhase = this.snapshot.stage?.phase;
      const stepChanged = this.snapshot.stage?.step?.id !== stage.step?.id;
      // the new step's view may have been pushed just before its stage: keep it
      const keep = this.snapshot.activity?.stepId === stage.step?.id;
      const questionsOpened = stage.questions && !this.snapshot.stage?.questions;
      const fresh = this.freshView(change, stage);
      this.set({
        stage,
        ...(fresh ? { activity: fresh } : stepChanged && !keep ? { activity: null } : {}),
        ...(stepChanged ? this.signalsOnNewStep(stage) : {}),
      });
      if (questionsOpened && this.snapshot.role === 'participant') void this.questionsList();
      // A participant entering a step with a view of its own gets it pushed by the server (their
      // record of it, if they answered before on this or another device); should it not come, ask.
      const mod = stage.step ? getActivity(stage.step.type) : undefined;
      const phaseChanged = !stepChanged && prevPhase !== stage.phase;
      if (stage.step && mod && hasParticipantView(mod) && (stepChanged || phaseChanged)) {
        // the welcome on its way may predate this change (and so may a push read with it): ask once it is here
        if (this.awaitingWelcome) this.syncAfterWelcome = true;
        else if (stepChanged && !fresh && this.snapshot.role === 'participant') this.expectView(stage.step.id); // (a view built here needs no push)
      }
    });
    s.on('room', (room) => {
      if (this.snapshot.room && room.version < this.snapshot.room.version) return; // a late, older broadcast
      this.set({ room });
    });
    s.on('count', (count) => this.set({ count }));
    s.on('signals', (signals) => this.set({ signals }));
    s.on('questions', (board) => {
      // a participant's own marks are not in the broadcast: keep the ones their last answer gave
      const cur = this.snapshot.questions;
      this.set({ questions: cur && 'mine' in cur ? { ...board, mine: cur.mine, voted: cur.voted } : board });
    });
    s.on('activity', (pushed) => {
      const activity = this.built(pushed);
      if (!activity) return;
      // A participant's own record may reach them twice (ack and push) and out of order: keep the newest.
      const cur = this.snapshot.activity;
      // (an equal revision is taken: the phase may have changed what the same records show)
      if (activity.rev !== undefined && cur?.stepId === activity.stepId && (cur.rev ?? -1) > activity.rev) return;
      this.set({ activity });
    });
    s.on('roster', (e) => {
      let roster = this.snapshot.roster;
      if (e.type === 'joined') {
        if (!roster.some((p) => p.id === e.participant.id)) roster = [...roster, { ...e.participant, online: false }];
      } else if (e.type === 'online') roster = roster.map((p) => (p.id === e.participantId ? { ...p, online: e.online } : p));
      else if (e.type === 'erased' || e.type === 'refused') roster = roster.filter((p) => p.id !== e.participantId);
      else if (e.type === 'admitted') roster = roster.map((p) => (p.id === e.participantId ? withoutWaiting(p) : p));
      else roster = roster.map((p) => (p.id === e.participantId ? { ...p, removed: true, online: false } : p));
      this.set({ roster });
    });
    s.on('removed', (info) => this.set({ status: 'failed', error: { code: 'REMOVED', message: info.message } }));
    s.on('roomDeleted', (info) => this.set({ status: 'failed', error: { code: 'ROOM_DELETED', message: info.message } }));
    s.on('dataDeleted', (info) => this.set({ status: 'failed', error: { code: 'DATA_DELETED', message: info.message } }));
    // let in from the waiting room: connect again, and the server welcomes this screen as a participant
    s.on('admitted', () => {
      s.disconnect();
      s.connect();
    });
    s.on('refused', (info) => this.set({ status: 'failed', error: { code: 'NOT_ADMITTED', message: info.message } }));
  }

  get state(): RoomSnapshot {
    return this.snapshot;
  }

  /** Svelte store contract: called at once with the current state, then on every change. */
  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    fn(this.snapshot);
    return () => this.listeners.delete(fn);
  }

  /** Server time now, corrected for this device's clock offset. */
  serverNow(): number {
    return Date.now() + this.snapshot.clockOffsetMs;
  }

  /** Resolve when the state satisfies `pred` (tests and scripts; rejects after `timeoutMs`). */
  until(pred: (s: RoomSnapshot) => boolean, timeoutMs = 10_000): Promise<RoomSnapshot> {
    return new Promise((resolve, reject) => {
      let off = () => {};
      const timer = setTimeout(() => {
        off();
        reject(new Error(`condition not met within ${timeoutMs} ms (status ${this.snapshot.status})`));
      }, timeoutMs);
      off = this.subscribe((s) => {
        if (!pred(s)) return;
        clearTimeout(timer);
        queueMicrotask(() => off());
        resolve(s);
      });
    });
  }

  // --- actions --------------------------------------------------------------------------------

  /** Facilitator: one room transition. Not retried (a repeated "next" would skip a step). */
  command(cmd: RoomCommand, expectedVersion?: number): Promise<Ack<{ version: number }>> {
    return this.ask('command', { cmd, ...(expectedVersion !== undefined ? { expectedVersion } : {}) });
  }

  remove(participantId: string): Promise<Ack> {
    return this.ask('remove', { participantId });
  }

  /** Facilitator, co-host: let these people in from the waiting room. */
  admit(participantIds: string[]): Promise<AckOf<'admit'>> {
    return this.ask('admit', { participantIds });
  }

  /** Facilitator, co-host: do not let this person in from the waiting room (what was stored of them is erased). */
  refuse(participantId: string): Promise<Ack> {
    return this.ask('refuse', { participantId });
  }

  /** Facilitator: delete the room and everything in it now; `code` (the room code, typed again) confirms it. */
  deleteRoom(code: string): Promise<Ack> {
    return this.ask('deleteRoom', { code });
  }

  /** Participant: delete my answers and my name from this room, and leave it. */
  forgetMe(): Promise<Ack> {
    return this.ask('forgetMe', { confirm: true });
  }

  /**
   * Participant: send an answer, retrying until the server acknowledges it is stored (the
   * submission id makes retries safe). Resolves with the server's answer; gives up only on a
   * refusal or when the connection is closed for good.
   */
  async submit(stepId: string, input: unknown, submissionId = randomId()): Promise<AckOf<'submit'>> {
    const res = await this.untilStored(() => this.ask('submit', { stepId, submissionId, input }));
    if (res.ok) {
      // Acks of concurrent submissions may arrive in any order: keep the newest view.
      const cur = this.snapshot.activity;
      if (this.snapshot.stage?.step?.id === stepId && (cur?.stepId !== stepId || (cur.rev ?? -1) < res.rev)) {
        this.set({ activity: { ...(cur?.stepId === stepId ? cur : {}), stepId, data: res.view, rev: res.rev } });
      }
    }
    return res;
  }

  /** Facilitator: an action on the step's shared state (form groups…), retried safely by its action id. */
  act(stepId: string, action: unknown, actionId = randomId()): Promise<AckOf<'act'>> {
    return this.untilStored(() => this.ask('act', { stepId, actionId, action }));
  }

  /** Participant: "I'm done" (or not) with the step running now, or raise / lower their hand; retried until stored (it is idempotent). */
  async signal(payload: SignalPayload): Promise<AckOf<'signal'>> {
    const res = await this.untilStored(() => this.ask('signal', payload));
    if (res.ok) this.set({ signals: res.signals });
    return res;
  }

  /** Facilitator, co-host: lower one person's hand, or every hand (no id). Not retried: lowering is safe to ask again. */
  lowerHands(participantId?: string): Promise<AckOf<'signals:lower'>> {
    return this.ask('signals:lower', participantId ? { participantId } : {});
  }

  /** Retry a write carrying a client-made id while the answer is "not saved (yet)", with backoff. */
  private async untilStored<R extends Ack<object>>(send: () => Promise<R>): Promise<R> {
    this.set({ pending: this.snapshot.pending + 1 });
    try {
      for (let attempt = 0; ; attempt++) {
        const res = await send();
        if (res.ok || !RETRYABLE_CODES.has(res.error.code)) return res;
        if (this.snapshot.status === 'closed' || this.snapshot.status === 'failed') return res;
        this.set({ retrying: res.error });
        await sleep(retryDelay(res.error, attempt));
      }
    } finally {
      const pending = this.snapshot.pending - 1;
      this.set({ pending, ...(pending === 0 ? { retrying: null } : {}) });
    }
  }

  /** Participant: their own outcomes of every step run so far (for their pack). Not retried: ask again. */
  myOutcomes(): Promise<AckOf<'outcomes:mine'>> {
    return this.ask('outcomes:mine', {});
  }

  /** Participant: their plan after the session (workshop part, check-ins, dates). Not retried: ask again. */
  plan(): Promise<AckOf<'followUp:plan'>> {
    return this.ask('followUp:plan', {});
  }

  /** Participant: answer the open check-in, retried until stored (the submission id makes retries safe). */
  checkIn(checkIn: CheckInInput, submissionId = randomId()): Promise<AckOf<'followUp:checkIn'>> {
    return this.untilStored(() => this.ask('followUp:checkIn', { submissionId, checkIn }));
  }

  /** Participant: keep up their plan (someone new on the map, notes, a commitment after the session), retried until stored. */
  editPlan(edit: PlanEditInput, submissionId = randomId()): Promise<AckOf<'followUp:edit'>> {
    return this.untilStored(() => this.ask('followUp:edit', { submissionId, edit }));
  }

  /** Facilitator, co-host, display: the room's effect so far (pushed again as `followUp:impact` after each check-in). */
  impact(): Promise<AckOf<'followUp:impact'>> {
    return this.ask('followUp:impact', {});
  }

  /** The room's questions as this screen sees them (kept in `questions`). Not retried: ask again. */
  async questionsList(): Promise<AckOf<'questions:list'>> {
    return this.keepBoard(await this.ask('questions:list', {}));
  }

  /** Participant: ask a question, retried until stored (the submission id, which becomes its id, makes retries safe). */
  async askQuestion(text: string, submissionId = randomId()): Promise<AckOf<'questions:ask'>> {
    return this.keepBoard(await this.untilStored(() => this.ask('questions:ask', { submissionId, text })));
  }

  /** Participant: upvote a question (`up`) or take the vote back. */
  async voteQuestion(id: string, up: boolean): Promise<AckOf<'questions:vote'>> {
    return this.keepBoard(await this.untilStored(() => this.ask('questions:vote', { id, up })));
  }

  /** Participant: withdraw a question of their own. */
  async withdrawQuestion(id: string): Promise<AckOf<'questions:withdraw'>> {
    return this.keepBoard(await this.untilStored(() => this.ask('questions:withdraw', { id })));
  }

  /** Facilitator, co-host: hide or show, remove, merge, mark answered, pin to the display. */
  async moderateQuestion(action: QuestionModeration): Promise<AckOf<'questions:moderate'>> {
    return this.keepBoard(await this.untilStored(() => this.ask('questions:moderate', { action })));
  }

  private keepBoard<R extends Ack<{ board: QuestionsBoard }>>(res: R): R {
    if (res.ok) this.set({ questions: res.board });
    return res;
  }

  /** Ask for the full state again (the server also sends it by itself after a reconnect). */
  async sync(): Promise<void> {
    const res = await this.ask('sync');
    if (res.ok) this.applyWelcome(res.welcome);
  }

  close(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.viewTimer) clearTimeout(this.viewTimer);
    this.set({ status: 'closed' });
    this.socket.disconnect();
  }

  // --- internals ------------------------------------------------------------------------------

  private async ask<E extends keyof ClientToServerEvents>(event: E, ...args: Payload<E>): Promise<AckOf<E>> {
    try {
      const emit = this.socket.timeout(this.ackTimeoutMs).emitWithAck as (e: E, ...a: unknown[]) => Promise<AckOf<E>>;
      return await emit.call(this.socket.timeout(this.ackTimeoutMs), event, ...args);
    } catch {
      return { ok: false, error: { code: 'TIMEOUT', message: 'No answer from the server (yet); retrying…' } } as AckOf<E>;
    }
  }

  /** A participant's own signals on another step: not done there yet, the hand as it was (the server sends nothing for this). */
  private signalsOnNewStep(stage: StageView): Partial<RoomSnapshot> {
    const cur = this.snapshot.signals;
    if (this.snapshot.role !== 'participant' || !cur?.mine) return {};
    return { signals: { stepId: stage.step?.id ?? null, mine: { done: false, hand: cur.mine.hand } } };
  }

  /** The whole stage from a step change and the steps' content; null (and the full state asked for) when this screen lacks the step. */
  private stageFrom(change: StageChange): StageView | null {
    const stage = this.snapshot.stage ? applyStageChange(change, this.steps, this.snapshot.stage.title) : null;
    if (stage) return stage;
    if (this.awaitingWelcome || !this.snapshot.stage) this.syncAfterWelcome = true;
    else void this.sync();
    return null;
  }

  /**
   * A participant's view of a step nobody has anything in yet, built here when the step change says
   * so (`initial`) instead of being pushed; an answer's newer view (pushed or acknowledged before this
   * stage arrived) is kept. Null when the change says nothing of the kind.
   */
  private freshView(change: StageChange, stage: StageView): ActivityView | null {
    if (!change.initial || !stage.step || this.snapshot.role !== 'participant') return null;
    const cur = this.snapshot.activity;
    if (cur?.stepId === stage.step.id && (cur.rev ?? 0) > 0) return null;
    const pushed: ActivityView = { stepId: stage.step.id, data: undefined, rev: 0, initial: true, phase: stage.phase };
    return this.built(change.roomInitial === undefined ? pushed : { ...pushed, roomInitial: change.roomInitial });
  }

  /** A pushed view as the screen keeps it: an `initial` one built here from the step's content; null (and the full state asked for) if it cannot be. */
  private built(pushed: ActivityView): ActivityView | null {
    if (!pushed.initial && pushed.roomInitial === undefined) return pushed;
    const { initial, roomInitial, phase, ...view } = pushed;
    const step = this.steps.find((x) => x.id === pushed.stepId);
    const mod = step ? getActivity(step.type) : undefined;
    const you = this.snapshot.you?.id;
    if (step && mod && you) {
      return {
        ...view,
        ...(initial ? { data: initialParticipantView(mod, step.config, phase ?? '', you) } : {}),
        ...(roomInitial !== undefined ? { room: initialRoomView(mod, step.config, phase ?? '', roomInitial) } : {}),
      };
    }
    if (this.awaitingWelcome || !this.snapshot.stage) this.syncAfterWelcome = true;
    else void this.sync();
    return null;
  }

  private applyWelcome(w: Welcome) {
    // A welcome read before a step change may arrive after that change's broadcast: keep the newer stage.
    const stale = this.snapshot.stage !== null && w.stage.v < this.snapshot.stage.v;
    if (!stale) this.steps = w.steps;
    const stage = stale ? this.snapshot.stage! : w.stage;
    this.set({
      role: w.role,
      code: w.code,
      stage,
      count: w.count,
      you: w.you ?? null,
      waiting: w.waiting === true,
      room: stale ? this.snapshot.room : (w.room ?? null),
      roster: w.roster ?? [],
      retentionDays: w.retentionDays ?? null,
      activity: this.newerActivity(w.activity, stage, stale),
      signals: w.signals ?? this.snapshot.signals,
      // a rough offset from the welcome until the round trips have measured a better one
      clockOffsetMs: this.clockMeasured ? this.snapshot.clockOffsetMs : w.serverNow - Date.now(),
    });
  }

  /** The welcome's activity view, unless it is for another step or older than the one shown. */
  private newerActivity(incoming: ActivityView | undefined, stage: StageView, stale: boolean): ActivityView | null {
    const cur = this.snapshot.activity;
    if (!incoming || incoming.stepId !== stage.step?.id) return stale ? cur : null;
    // A sync read before an acknowledged answer may arrive after it: keep the newer revision.
    if (cur?.stepId === incoming.stepId && incoming.rev !== undefined && (cur.rev ?? -1) > incoming.rev) return cur;
    return incoming;
  }

  /** NTP-style: the round trip with the smallest delay of three gives the offset. */
  private async measureClock() {
    let best: { rtt: number; offset: number } | null = null;
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      const res = await this.ask('clock', t0);
      const t1 = Date.now();
      if (!res.ok) return;
      const rtt = t1 - t0;
      const offset = res.serverNow - (t0 + rtt / 2);
      if (!best || rtt < best.rtt) best = { rtt, offset };
    }
    if (!best) return;
    this.clockMeasured = true;
    this.set({ clockOffsetMs: Math.round(best.offset) });
  }

  /** Ask for the full state if the pushed view of `stepId` has not arrived in a while. */
  private expectView(stepId: string) {
    if (this.viewTimer) clearTimeout(this.viewTimer);
    this.viewTimer = setTimeout(() => {
      this.viewTimer = null;
      const s = this.snapshot;
      if (s.status === 'connected' && s.stage?.step?.id === stepId && s.activity?.stepId !== stepId) void this.sync();
    }, VIEW_PUSH_WAIT_MS);
  }

  private retryLater() {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.snapshot.status !== 'failed' && this.snapshot.status !== 'closed') this.socket.connect();
    }, 1000);
  }

  private set(patch: Partial<RoomSnapshot>) {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const fn of this.listeners) fn(this.snapshot);
  }
}

type Params<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>;
/** the event's arguments without the trailing ack callback */
type Payload<E extends keyof ClientToServerEvents> = Params<E> extends [...infer A, (a: never) => void] ? A : never;
/** what the ack callback receives */
type AckOf<E extends keyof ClientToServerEvents> = Params<E> extends [...unknown[], (a: infer R) => void] ? R : never;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * How long to wait before sending a refused write again: the server's own wait when it names one
 * (`retryAfterMs` on RATE_LIMITED and BUSY — a socket that sends again sooner is held longer each
 * time), else a backoff from 200 ms doubling to 5 s.
 */
export function retryDelay(error: Pick<ErrorBody, 'retryAfterMs'>, attempt: number): number {
  const backoff = Math.min(5000, 200 * 2 ** attempt);
  return error.retryAfterMs !== undefined && error.retryAfterMs > 0 ? Math.min(60_000, error.retryAfterMs) : backoff;
}

export function connectRoom(opts: ConnectOptions): RoomConnection {
  return new RoomConnection(opts);
}

/** A roster entry let in from the waiting room. */
function withoutWaiting(p: RosterEntry): RosterEntry {
  const { waiting: _was, ...rest } = p;
  return rest;
}
