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
  resume: (origin: string, roomId: string, token: string) => `${origin}/p/${roomId}#t=${token}`,
};
