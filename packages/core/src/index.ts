export * from './codes.js';
export * from './text.js';
export * from './timer.js';
export * from './activity.js';
export * from './activities/index.js';
export * from './room.js';
export * from './participant.js';
export * from './protocol.js';
