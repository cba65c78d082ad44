export { createApi, apiErrorMessage, apiErrorCode, apiFailure, isNetworkError, NETWORK_ERROR_MESSAGE, type Api, type ApiFailure } from './api.js';
export { RoomConnection, connectRoom, type ConnectOptions, type ConnectionStatus, type RoomSnapshot } from './room.js';
export { randomId, newParticipantToken } from './ids.js';
export type { AppRouter, RouterInputs, RouterOutputs } from '@canopy/api';
export { newSealKey, importSealKey, seal, unseal, sealEngine, type SealKey, type SealEngine } from './seal.js';
export {
  actionUid,
  checkInUid,
  commitmentsCalendar,
  commitmentSummary,
  commitmentUid,
  ENGLISH_CALENDAR_TEXTS,
  type CalendarAction,
  type CalendarCheckIn,
  type CalendarCommitment,
  type CalendarTexts,
  type CommitmentsCalendarOptions,
} from './ics.js';
export {
  Outbox,
  memoryOutboxStorage,
  OUTBOX_MAX_AGE_MS,
  OUTBOX_MAX_ITEMS,
  type OutboxConnection,
  type OutboxItem,
  type OutboxState,
  type OutboxStorage,
} from './outbox.js';
