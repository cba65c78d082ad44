/**
 * Matrix row 14 — on a Redis Cluster (three masters with a replica each, AOF, spawned by the test),
 * the master that holds the room is killed (SIGKILL) in the middle of an activity; its replica is
 * promoted and the room goes on. Two Canopy nodes behind a balancer; at the moment of the kill
 * every phone's connection is dropped too, so they all reconnect and resync by themselves while
 * the cluster fails over.
 *
 * Replication is asynchronous: a master acknowledges a write before its replica has it. To make
 * the window that async replication leaves open visible (on loopback it is a fraction of a
 * millisecond), the replica is made to lag just before a round of answers (paused, and its
 * replication link dropped, so that round never reaches it), and resumed when the master is killed:
 *
 * - REDIS_WAIT_REPLICAS=0: that round is acknowledged and then lost with the master — exactly the
 *   answers acknowledged after the replica's last acknowledged write. Everything before is there.
 * - REDIS_WAIT_REPLICAS=1: no answer of that round is acknowledged while the replica lags (phones
 *   say "not saved, retrying"), nor while the promoted master has no replica of its own; once the
 *   old master is back (as the new one's replica) every retry is stored, once. No acknowledged
 *   answer is lost.
 */
import { startRedisCluster, type RedisCluster } from '@canopy/store/testing';
import { roomKeys, type RoomStore } from '@canopy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Answers, audit, CanopyNode, disposeAll, openStore, play, ROOMY, startPlay, TcpProxy, until, WAIT_MS, Workshop, type Person } from './support.js';

const PEOPLE = 12;
const EACH = 3;
let describePhones = () => '';

let cluster: RedisCluster;
let store: RoomStore;

beforeAll(async () => {
  cluster = await startRedisCluster({ appendonly: true });
  store = await openStore(cluster.url, true);
});
afterAll(async () => {
  await store?.close();
  await disposeAll();
  await cluster?.stop();
});

describe.each([0, 1])('a Redis Cluster master is killed mid-activity, REDIS_WAIT_REPLICAS=%i', (waitReplicas) => {
  it(
    waitReplicas
      ? 'nothing is acknowledged until a replica has it; after the failover every acknowledged answer is there, once, and the room goes on'
      : 'the room goes on after the failover; what is lost is exactly what was acknowledged while the replica lagged',
    async () => {
      const env = { ...cluster.env, ...ROOMY, REDIS_WAIT_REPLICAS: String(waitReplicas), REDIS_WAIT_TIMEOUT_MS: '300' };
      const [a, b] = await Promise.all([CanopyNode.start(`A${waitReplicas}`, env), CanopyNode.start(`B${waitReplicas}`, env)]);
      const lb = await TcpProxy.start([a.port, b.port]);
      const p = play('mental-map');
      const w = await Workshop.open(lb.url, { agenda: [p.step] });
      try {
        const console_ = await w.console(b.url);
        const people = await w.join(lb.url, PEOPLE, { ackTimeoutMs: 3000 });
        await startPlay(p, console_, people);
        const answers = new Answers(p);
        describePhones = () =>
          JSON.stringify(people.map((x) => [x.conn.state.status, x.conn.socket.connected, x.conn.state.pending, x.conn.state.retrying?.code]));

        // Round 1, in calm weather; then the cluster is in sync.
        await answers.all(people, EACH);
        const before = new Set([...answers.acked.values()].flatMap((s) => [...s]));
        await cluster.healthy();
        const master = await cluster.masterOf(roomKeys(w.roomId).room);

        // Round 2, with the replica lagging.
        const { replica, resume } = await cluster.lagReplica(master);
        let round2!: Promise<void>;
        const ackedBeforeKill = () => [...answers.acked.values()].flatMap((s) => [...s]).filter((id) => !before.has(id));
        try {
          round2 = answers.all(people, EACH);
          if (waitReplicas) {
            await until('every phone to show "not saved, retrying"', () =>
              people.every((x: Person) => x.conn.state.pending > 0 && x.conn.state.retrying?.code === 'STORE_UNAVAILABLE'),
            );
            expect(ackedBeforeKill()).toEqual([]);
          } else {
            await round2;
            expect(ackedBeforeKill()).toHaveLength(PEOPLE * EACH);
          }

          // The master dies; its replica wakes up; every phone's connection drops at the same moment.
          await master.kill();
          lb.dropAll();
        } finally {
          resume();
        }
        const lagged = new Set(ackedBeforeKill());
        await until('the replica to be promoted', async () => (await cluster.masterOf(roomKeys(w.roomId).room)).port === replica.port, 30_000);

        if (waitReplicas) {
          // The new master has no replica yet: still nothing of round 2 is acknowledged…
          expect([...lagged]).toEqual([]);
          expect(ackedBeforeKill()).toEqual([]);
          // …until the old master is back, as a replica of the new one.
          await master.restart();
          await cluster.healthy();
        }
        await round2;

        // Everyone is connected again, resynced by themselves, and the room goes on.
        await until('every phone to be connected and resynced', () =>
          people.every((x) => x.conn.state.status === 'connected' && x.conn.socket.connected && x.conn.state.pending === 0),
        );
        await answers.all(people, EACH);
        expect(answers.refused).toEqual([]);
        expect(answers.count).toBe(PEOPLE * EACH * 3);

        const found = await audit(store, w.roomId, p.step.id, answers.acked);
        if (waitReplicas) {
          // every acknowledged answer, exactly once
          expect(found.missing).toEqual([]);
          expect(found.revs).toBe(found.submissions);
          await Promise.all(people.map((x) => x.conn.until((s) => s.activity?.rev === EACH * 3, WAIT_MS)));
        } else {
          // lost: exactly the answers acknowledged while the replica lagged — nothing before, nothing after
          expect(found.missing.sort()).toEqual([...lagged].sort());
          expect(found.revs).toBe(found.submissions - lagged.size);
        }
        expect(a.alive && b.alive).toBe(true);
      } catch (e) {
        for (const n of [a, b]) console.error(`--- node ${n.name} (${n.alive ? 'alive' : 'dead'}) ---\n${n.output().slice(-4000)}`);
        console.error(`phones: ${describePhones()}`);
        throw e;
      } finally {
        w.closeAll();
        await lb.dispose();
        await Promise.all([a.dispose(), b.dispose()]);
        await Promise.all(cluster.nodes.filter((n) => n.pid() === null).map((n) => n.restart()));
        await cluster.healthy();
      }
    },
  );
});
