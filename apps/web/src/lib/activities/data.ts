/** Reading an activity's views off the live room: what the server sent for this step, if anything. */
import type { RoomSnapshot } from '@canopy/client';

/** The step's view for this screen (participant's own view, or the console's / display's picture). */
export function activityData<V>(snap: RoomSnapshot, stepId: string): V | null {
  const a = snap.activity;
  return a && a.stepId === stepId && a.data && typeof a.data === 'object' ? (a.data as V) : null;
}

/** What a participant may see of the room's picture (after a reveal), if the step shares any. */
export function activityRoom<R>(snap: RoomSnapshot, stepId: string): R | null {
  const a = snap.activity;
  return a && a.stepId === stepId && a.room && typeof a.room === 'object' ? (a.room as R) : null;
}
