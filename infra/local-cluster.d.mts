import type { ChildProcess } from 'node:child_process';

export declare const ROOT: string;
export declare const NGINX: string;
export declare function nginxConfig(o: { port: number; nodes: Array<{ host: string; port: number }>; prefix: string }): string;
export declare function freePort(): Promise<number>;
export interface Cluster {
  /** nginx's address */
  url: string;
  prefix: string;
  nodes: Array<{ host: string; port: number; url: string }>;
  nginx: { proc: ChildProcess; output(): string };
  /** nginx's access log: one line per request with `upstream=<node address>` */
  accessLog: string;
  stop(): Promise<void>;
}
export declare function startCluster(o: { nodes?: number; port?: number; redisUrl: string; env?: Record<string, string> }): Promise<Cluster>;
export declare function startRedisCluster(o?: { masters?: number }): Promise<{ url: string; env: Record<string, string>; stop(): Promise<void> }>;
