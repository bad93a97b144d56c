import { Etcd3, type Lease } from "etcd3";
import { type DriverCounters, type LeaseDriver, mapLimit } from "./driver.js";

/** Same grant concurrency as the core driver, so the establish phases compare. */
const CONCURRENCY = 64;

/**
 * The `etcd3` npm client's own leases: `client.lease(ttl)` grants and keeps the lease alive by
 * itself (`autoKeepAlive`), each lease on its own `LeaseKeepAlive` stream with a `setInterval` of
 * TTL/3 — which is what the benchmark puts side by side with core's one shared stream.
 */
export class Etcd3Driver implements LeaseDriver {
  readonly #client: Etcd3;
  readonly #leases: Lease[] = [];
  #responses = 0;
  #streams = 0;
  #lost = 0;
  #closing = false;
  #closed = false;

  constructor(addresses: readonly string[]) {
    this.#client = new Etcd3({ hosts: addresses.map((address) => `http://${address}`) });
  }

  async establish(leases: number, ttlS: number): Promise<string[]> {
    let waiting = leases;
    let release: () => void = () => {};
    // A lease that never answers keeps this pending: the child's overall deadline reports it.
    const allEstablished = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ids = await mapLimit(
      Array.from({ length: leases }, (_, i) => i),
      CONCURRENCY,
      async () => {
        const lease = this.#client.lease(ttlS);
        this.#leases.push(lease);
        let seen = false;
        lease.on("keepaliveEstablished", () => {
          this.#streams += 1;
        });
        lease.on("keepaliveSucceeded", () => {
          this.#responses += 1;
          if (seen) return;
          seen = true;
          waiting -= 1;
          if (waiting === 0) release();
        });
        lease.on("lost", () => {
          if (!this.#closing) this.#lost += 1;
        });
        return lease.grant();
      },
    );
    if (waiting === 0) release();
    await allEstablished;
    return ids;
  }

  counters(): DriverCounters {
    return { responses: this.#responses, streams: this.#streams, lost: this.#lost };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing = true;
    // `revoke()` stops the lease's keep-alive stream and timer, then revokes it on the server.
    await mapLimit(this.#leases, CONCURRENCY, (lease) => lease.revoke());
    this.#client.close();
  }
}
