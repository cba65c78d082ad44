/**
 * Where this browser keeps its secrets for Canopy rooms. Tokens are bearer secrets: they live in
 * localStorage (this device) and in URL fragments (never sent to the server by the browser).
 */
import { randomId } from '@canopy/client';

export interface HostRecord {
  /** the room code, as given at creation (or seen by the console) */
  code?: string;
  /** the token this browser's console uses (facilitator or co-host) */
  token?: string;
  facilitatorToken?: string;
  cohostToken?: string;
  displayToken?: string;
}

const hostKey = (roomId: string) => `canopy:host:${roomId}`;
const participantKey = (roomId: string) => `canopy:p:${roomId}`;
const pendingKey = (roomId: string) => `canopy:pending:${roomId}`;
const displayKey = (roomId: string) => `canopy:display:${roomId}`;
const sealKeyKey = (roomId: string) => `canopy:key:${roomId}`;
const outboxKey = (roomId: string) => `canopy:outbox:${roomId}`;

function read(storage: Storage | undefined, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null; // storage disabled (private mode, policy): work from the URL alone
  }
}
function write(storage: Storage | undefined, key: string, value: string | null) {
  try {
    if (value === null) storage?.removeItem(key);
    else storage?.setItem(key, value);
  } catch {
    /* storage unavailable: nothing to keep */
  }
}
const local = () => (typeof localStorage === 'undefined' ? undefined : localStorage);
const session = () => (typeof sessionStorage === 'undefined' ? undefined : sessionStorage);

export function getHost(roomId: string): HostRecord {
  const raw = read(local(), hostKey(roomId));
  if (!raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' ? (v as HostRecord) : {};
  } catch {
    return {};
  }
}

export function saveHost(roomId: string, patch: HostRecord) {
  const next = { ...getHost(roomId), ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v)) };
  write(local(), hostKey(roomId), JSON.stringify(next));
}

export const getParticipantToken = (roomId: string) => read(local(), participantKey(roomId));
export const saveParticipantToken = (roomId: string, token: string) => write(local(), participantKey(roomId), token);
export const forgetParticipantToken = (roomId: string) => write(local(), participantKey(roomId), null);

/**
 * The participant's sealing key for private labels (names on the ally map): 43 base64url
 * characters made in this browser. It lives here and in the resume link fragment (`&k=`), never
 * on the server.
 */
export const SEAL_KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const getSealKey = (roomId: string): string | null => {
  const k = read(local(), sealKeyKey(roomId));
  return k && SEAL_KEY_PATTERN.test(k) ? k : null;
};
export const saveSealKey = (roomId: string, key: string) => {
  if (SEAL_KEY_PATTERN.test(key)) write(local(), sealKeyKey(roomId), key);
};

/** Submissions not yet acknowledged, kept across reloads (the outbox's storage, see outbox.svelte.ts). */
export function getOutbox<T>(roomId: string): T[] {
  try {
    const v = JSON.parse(read(local(), outboxKey(roomId)) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}
export const saveOutbox = (roomId: string, items: unknown[]) => write(local(), outboxKey(roomId), items.length ? JSON.stringify(items) : null);

/** The token of the join attempt under way: made once, reused by every retry of that attempt. */
export const getPendingToken = (roomId: string) => read(session(), pendingKey(roomId));
export const savePendingToken = (roomId: string, token: string) => write(session(), pendingKey(roomId), token);
export const clearPendingToken = (roomId: string) => write(session(), pendingKey(roomId), null);

export interface DisplayRecord {
  token?: string;
}
export function getDisplay(roomId: string): DisplayRecord {
  try {
    return JSON.parse(read(local(), displayKey(roomId)) ?? '{}') as DisplayRecord;
  } catch {
    return {};
  }
}
export function saveDisplay(roomId: string, rec: DisplayRecord) {
  write(local(), displayKey(roomId), JSON.stringify({ ...getDisplay(roomId), ...rec }));
}

/** This browser's device id (lets a room refuse someone the facilitator removed). */
export function deviceId(): string {
  let id = read(local(), 'canopy:device');
  if (!id) {
    id = randomId();
    write(local(), 'canopy:device', id);
  }
  return id;
}

/** `#t=abc&d=xyz` → { t: 'abc', d: 'xyz' } */
export function readFragment(hash: string): Record<string, string> {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return Object.fromEntries(params.entries());
}

/** Links the console hands out. */
export const links = {
  join: (origin: string, code: string) => `${origin}/j/${code}`,
  display: (origin: string, roomId: string, displayToken: string) => `${origin}/d/${roomId}#t=${displayToken}`,
  cohost: (origin: string, roomId: string, cohostToken: string, displayToken?: string) =>
    `${origin}/c/${roomId}#t=${cohostToken}${displayToken ? `&d=${displayToken}` : ''}`,
  /** the participant's personal link: their token and, once made, their sealing key */
  resume: (origin: string, roomId: string, token: string, key?: string | null) => `${origin}/p/${roomId}#t=${token}${key ? `&k=${key}` : ''}`,
};

/** The participant deleted their data: this browser forgets its part too (token, sealing key, unsent answers). */
export function forgetParticipantData(roomId: string) {
  forgetPlan(roomId);
  for (const key of [participantKey(roomId), sealKeyKey(roomId), outboxKey(roomId)]) write(local(), key, null);
  write(session(), pendingKey(roomId), null);
}

/** The room was deleted: nothing this browser kept for it is of use any more. */
export function forgetRoom(roomId: string) {
  forgetParticipantData(roomId);
  for (const key of [hostKey(roomId), displayKey(roomId)]) write(local(), key, null);
}

/** A workshop whose plan this browser has opened: listed together on every plan page. */
export interface PlanRecord {
  roomId: string;
  title: string;
  /** the session's end (ms) */
  endedAt: number | null;
}
const PLANS_KEY = 'canopy:plans';

/** The plans opened in this browser, newest session first (only those it still has a token for). */
export function getPlans(): PlanRecord[] {
  try {
    const list = JSON.parse(read(local(), PLANS_KEY) ?? '[]') as PlanRecord[];
    return list.filter((p) => getParticipantToken(p.roomId)).sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0));
  } catch {
    return [];
  }
}

export function savePlan(rec: PlanRecord) {
  const others = getPlans().filter((p) => p.roomId !== rec.roomId);
  write(local(), PLANS_KEY, JSON.stringify([rec, ...others].slice(0, 50)));
}

export function forgetPlan(roomId: string) {
  const left = getPlans().filter((p) => p.roomId !== roomId);
  write(local(), PLANS_KEY, left.length ? JSON.stringify(left) : null);
}

const LANGUAGE_KEY = 'canopy:language';

/** The language this device asked for (the language menu), if any: it wins over the room's. */
export function getDeviceLanguage(): string | null {
  return read(local(), LANGUAGE_KEY);
}

export function setDeviceLanguage(locale: string | null) {
  write(local(), LANGUAGE_KEY, locale);
}
