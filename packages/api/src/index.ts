export { createAppRouter, retryAfterOf, type RouterOptions, type AppRouter, type RouterInputs, type RouterOutputs, type TrpcContext } from './router.js';
export { ServiceError, type CreatedRoom, type JoinedRoom, type RoomApi } from './service.js';
