/**
 * `WAIT numreplicas timeout` shared by the writes of one connection.
 *
 * WAIT blocks the connection it is sent on until the replicas have acknowledged every write that
 * connection made before it. The store sends all of a node's traffic over one multiplexed
 * connection, so one WAIT sent after a write's reply covers that write and every other write that
 * was answered before it. `WaitQueue` therefore keeps at most one WAIT in flight per connection and
 * lets every write that finishes meanwhile share the next one: under load, a batch of writes
 * costs one replication round trip instead of one each (a WAIT per write would serialise the
 * connection, since Redis runs nothing else from it while a WAIT blocks).
 */
export class WaitQueue {
  private inflight: Promise<number> | null = null;
  private next: Promise<number> | null = null;

  constructor(private readonly send: () => Promise<number>) {}

  /** Resolves with how many replicas acknowledged every write answered before this call. */
  wait(): Promise<number> {
    if (this.next) return this.next;
    if (!this.inflight) return this.start();
    // a WAIT is already out, sent before this write finished: the one after it covers this write
    const after = this.inflight.then(
      () => undefined,
      () => undefined,
    );
    this.next = after.then(() => {
      this.next = null;
      return this.start();
    });
    return this.next;
  }

  private start(): Promise<number> {
    const p = this.send().finally(() => {
      if (this.inflight === p) this.inflight = null;
    });
    this.inflight = p;
    return p;
  }
}

/** A `WaitQueue` per connection and WAIT arguments, made on first use. */
export class WaitQueues<K> {
  private readonly queues = new Map<string, WaitQueue>();
  constructor(private readonly make: (key: K) => () => Promise<number>) {}
  wait(key: K): Promise<number> {
    const id = JSON.stringify(key);
    let q = this.queues.get(id);
    if (!q) this.queues.set(id, (q = new WaitQueue(this.make(key))));
    return q.wait();
  }
}
