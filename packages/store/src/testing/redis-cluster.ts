/**
 * A throwaway Redis Cluster for tests: three masters with one replica each, six `redis-server`s
 * in cluster mode on free loopback ports (each with its own data dir and cluster bus port), joined
 * with `redis-cli --cluster create … --cluster-replicas 1 --cluster-yes`. Like `startRedisServer`,
 * the processes cannot outlive the test process.
 *
 * `cluster-node-timeout` is short (1.5 s by default) so a killed master's replica is promoted
 * within a few seconds. `url` is what `REDIS_URL` takes with `REDIS_CLUSTER=1`: every node, comma
 * separated (any one of them is enough to discover the rest).
 */
import { spawn } from 'node:child_process';
import { createClient } from 'redis';
import { keySlot } from '../slot.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

export { keySlot };

export interface RedisClusterOptions {
  /** masters (each gets one replica); default 3 */
  masters?: number;
  /** AOF on every node; default false */
  appendonly?: boolean;
  /** `cluster-node-timeout`: how long a master may be silent before its replica takes over; default 1500 ms */
  nodeTimeoutMs?: number;
}

export interface ClusterNode extends RedisServer {
  /** the node's cluster id (from `CLUSTER MYID`) */
  id: string;
}

export interface RedisCluster {
  /** every node's URL, comma separated: `REDIS_URL` with `REDIS_CLUSTER=1` */
  url: string;
  nodes: ClusterNode[];
  /** the environment a Canopy process needs to use this cluster */
  env: { REDIS_URL: string; REDIS_CLUSTER: '1' };
  /** the node serving `key`'s slot as master right now (asked of the live nodes) */
  masterOf(key: string): Promise<ClusterNode>;
  /** a replica of that master */
  replicaOf(master: ClusterNode): Promise<ClusterNode>;
  /** the current masters */
  masters(): Promise<ClusterNode[]>;
  /**
   * Make `master`'s replica fall behind, as a lagging replica would: it is paused (SIGSTOP) and
   * the master drops its replication link, so nothing written from now on reaches it (not even
   * into its socket's buffer). `resume()` lets it run again (SIGCONT); it then resyncs, or takes
   * over if the master is gone meanwhile.
   */
  lagReplica(master: ClusterNode): Promise<{ replica: ClusterNode; resume(): void }>;
  /** every key on every master matching `pattern` (SCAN on each; a cluster has no global SCAN) */
  keys(pattern?: string): Promise<string[]>;
  /** resolves once every live node says `cluster_state:ok`, sees the same masters, and every replica is in sync */
  healthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One command on one node, over a short-lived connection (the node may be the one being killed). */
async function ask<T>(node: RedisServer, args: string[]): Promise<T> {
  const c = createClient({ url: node.url, RESP: 2, socket: { connectTimeout: 5000, reconnectStrategy: false } });
  c.on('error', () => {});
  await c.connect();
  try {
    return (await c.sendCommand(args)) as T;
  } finally {
    c.destroy();
  }
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += String(d)));
    p.stderr.on('data', (d) => (out += String(d)));
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${out}`))));
  });
}

interface NodeLine {
  id: string;
  port: number;
  master: boolean;
  failed: boolean;
  masterId: string | null;
  slots: Array<[number, number]>;
}

/** `CLUSTER NODES`, as one node sees it. */
function parseNodes(text: string): NodeLine[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id, addr, flags, masterId, , , , , ...slots] = line.split(' ');
      const port = Number(/:(\d+)@/.exec(addr!)?.[1]);
      return {
        id: id!,
        port,
        master: flags!.includes('master'),
        failed: flags!.includes('fail'),
        masterId: masterId === '-' ? null : masterId!,
        slots: slots
          .filter((s) => !s.startsWith('['))
          .map((s) => {
            const [a, b] = s.split('-').map(Number);
            return [a!, b ?? a!] as [number, number];
          }),
      };
    });
}

export async function startRedisCluster(opts: RedisClusterOptions = {}): Promise<RedisCluster> {
  const masters = opts.masters ?? 3;
  const nodeTimeoutMs = opts.nodeTimeoutMs ?? 1500;
  const servers = await Promise.all(
    Array.from({ length: masters * 2 }, () => startRedisServer({ appendonly: opts.appendonly ?? false, cluster: { nodeTimeoutMs } })),
  );
  const stop = () => Promise.all(servers.map((s) => s.stop())).then(() => {});
  try {
    await run('redis-cli', ['--cluster', 'create', ...servers.map((s) => `${s.host}:${s.port}`), '--cluster-replicas', '1', '--cluster-yes']);
    const nodes: ClusterNode[] = await Promise.all(servers.map(async (s) => Object.assign(s, { id: await ask<string>(s, ['CLUSTER', 'MYID']) })));
    const byPort = (port: number) => nodes.find((n) => n.port === port)!;
    const alive = () => nodes.filter((n) => n.pid() !== null);

    /** The view of the first live node that answers. */
    const view = async (): Promise<NodeLine[]> => {
      for (const n of alive()) {
        try {
          return parseNodes(await ask<string>(n, ['CLUSTER', 'NODES']));
        } catch {
          /* try the next one */
        }
      }
      throw new Error('no cluster node answers');
    };

    const cluster: RedisCluster = {
      url: nodes.map((n) => n.url).join(','),
      nodes,
      env: { REDIS_URL: nodes.map((n) => n.url).join(','), REDIS_CLUSTER: '1' },
      async masters() {
        return (await view()).filter((l) => l.master && !l.failed && l.slots.length > 0).map((l) => byPort(l.port));
      },
      async masterOf(key) {
        const slot = keySlot(key);
        const line = (await view()).find((l) => l.master && !l.failed && l.slots.some(([a, b]) => slot >= a && slot <= b));
        if (!line) throw new Error(`no master serves slot ${slot}`);
        return byPort(line.port);
      },
      async replicaOf(master) {
        const line = (await view()).find((l) => l.masterId === master.id && !l.failed);
        if (!line) throw new Error(`master ${master.port} has no replica`);
        return byPort(line.port);
      },
      async lagReplica(master) {
        const replica = await cluster.replicaOf(master);
        const pid = replica.pid()!;
        process.kill(pid, 'SIGSTOP');
        try {
          await ask(master, ['CLIENT', 'KILL', 'TYPE', 'replica']);
        } catch (e) {
          process.kill(pid, 'SIGCONT');
          throw e;
        }
        return { replica, resume: () => process.kill(pid, 'SIGCONT') };
      },
      async keys(pattern = '*') {
        const out: string[] = [];
        for (const m of await cluster.masters()) {
          let cursor = '0';
          do {
            const [next, batch] = await ask<[string, string[]]>(m, ['SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000']);
            out.push(...batch);
            cursor = next;
          } while (cursor !== '0');
        }
        return out;
      },
      async healthy(timeoutMs = 30_000) {
        const deadline = Date.now() + timeoutMs;
        let why = '';
        while (Date.now() < deadline) {
          try {
            const live = alive();
            const infos = await Promise.all(live.map((n) => ask<string>(n, ['CLUSTER', 'INFO'])));
            const lines = await view();
            const ms = lines.filter((l) => l.master && !l.failed && l.slots.length > 0);
            const covered = ms.reduce((n, l) => n + l.slots.reduce((k, [a, b]) => k + b - a + 1, 0), 0);
            const repl = await Promise.all(live.map((n) => ask<string>(n, ['INFO', 'replication'])));
            const ok =
              infos.every((i) => i.includes('cluster_state:ok')) &&
              ms.length === masters &&
              covered === 16384 &&
              repl.every((r) => r.includes('role:master') || r.includes('master_link_status:up'));
            if (ok) return;
            why = `state ${infos.map((i) => /cluster_state:(\w+)/.exec(i)?.[1]).join(',')}, ${ms.length} masters, ${covered} slots`;
          } catch (e) {
            why = String(e);
          }
          await delay(100);
        }
        throw new Error(`the Redis Cluster was not healthy within ${timeoutMs} ms (${why})`);
      },
      stop,
    };
    await cluster.healthy();
    return cluster;
  } catch (e) {
    await stop();
    throw e;
  }
}
