/** Throwaway Redis processes for tests: one server, or a cluster of them. */
export * from './redis-server.js';
export * from './redis-cluster.js';
export * from './dump.js';
