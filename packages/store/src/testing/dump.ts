/**
 * Everything a test's Redis holds, as text: every key (found by SCAN — on a cluster, on every
 * master, since a cluster has no global SCAN) and its value, whatever its type. For tests that
 * look for something that must not be stored.
 */
import { createClient } from 'redis';
import type { RedisCluster } from './redis-cluster.js';
import type { RedisServer } from './redis-server.js';

export async function dumpRedis(target: RedisServer | RedisCluster): Promise<string> {
  const servers = 'masters' in target ? await target.masters() : [target];
  let everything = '';
  for (const server of servers) {
    const c = createClient({ url: server.url, RESP: 2 });
    await c.connect();
    try {
      for await (const keys of c.scanIterator({ COUNT: 500 })) {
        for (const key of keys) {
          everything += `${key}\n`;
          const type = await c.type(key);
          if (type === 'string') everything += (await c.get(key)) ?? '';
          else if (type === 'hash') everything += JSON.stringify(await c.hGetAll(key));
          else if (type === 'set') everything += JSON.stringify(await c.sMembers(key));
          else if (type === 'list') everything += JSON.stringify(await c.lRange(key, 0, -1));
          else if (type === 'zset') everything += JSON.stringify(await c.zRange(key, 0, -1));
          else if (type === 'stream') everything += JSON.stringify(await c.xRange(key, '-', '+'));
          everything += '\n';
        }
      }
    } finally {
      await c.close();
    }
  }
  return everything;
}
