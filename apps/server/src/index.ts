export { startServer, type CanopyServer, type ServerOptions } from './app.js';
export { loadConfig, type Config } from './config.js';
export { SOCKET_OPTIONS } from './realtime.js';
export { lanAddresses, shareOrigins } from './lan.js';
