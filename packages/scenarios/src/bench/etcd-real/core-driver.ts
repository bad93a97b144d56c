import {
  ClientConn,
  GrpcLeaseClient,
  type KeepAliveSubscription,
  type LeaseClient,
  Lessor,
  systemClock,
  systemRandom,
} from "@dsim/core";
import { GrpcJsLeaseClient } from "@dsim/core/adapters/grpc-js";
import { Http2Dialer } from "@dsim/core/adapters/http2";
import { Client, credentials } from "@grpc/grpc-js";
import { type DriverCounters, type LeaseDriver, mapLimit } from "./driver.js";

/** Concurrent grants/revokes: enough to saturate a local cluster, few enough not to queue. */
const CONCURRENCY = 64;

/** The transport under core's Lessor. */
export type CoreTransport = "http2" | "grpc-js";

/**
 * core's `Lessor` as a production user would wire it: over `GrpcLeaseClient` + `ClientConn` +
 * `Http2Dialer` (core's own gRPC stack), or over `GrpcJsLeaseClient` and a grpc-js `Client`.
 * Default options everywhere (no keepalive pings), the members as a pick_first address list.
 */
export class CoreDriver implements LeaseDriver {
  readonly #lessor: Lessor;
  readonly #closeTransport: () => Promise<void>;
  readonly #stop = new AbortController();
  readonly #reading: Promise<void>[] = [];
  #responses = 0;
  #lost = 0;
  readonly #ids = new Set<bigint>();
  #closed = false;

  constructor(transport: CoreTransport, addresses: readonly string[]) {
    let client: LeaseClient;
    if (transport === "http2") {
      const conn = new ClientConn({
        target: addresses,
        dialer: new Http2Dialer(),
        clock: systemClock,
        random: systemRandom,
      });
      client = new GrpcLeaseClient(conn);
      this.#closeTransport = () => conn.close();
    } else {
      const grpc = new Client(`ipv4:${addresses.join(",")}`, credentials.createInsecure());
      client = new GrpcJsLeaseClient(grpc);
      this.#closeTransport = async () => grpc.close();
    }
    this.#lessor = new Lessor({
      client,
      clock: systemClock,
      metadata: { "client-api-version": ["3.4"] },
    });
  }

  async establish(leases: number, ttlS: number): Promise<string[]> {
    const granted = await mapLimit(
      Array.from({ length: leases }, (_, i) => i),
      CONCURRENCY,
      () => this.#lessor.grant(ttlS),
    );
    const ids = granted.map((response) => response.ID);
    for (const id of ids) this.#ids.add(id);
    let waiting = ids.length;
    // A lease that never answers keeps this pending: the child's overall deadline reports it.
    const allEstablished = new Promise<void>((resolve) => {
      const first = (): void => {
        waiting -= 1;
        if (waiting === 0) resolve();
      };
      if (waiting === 0) resolve();
      for (const id of ids) {
        const subscription = this.#lessor.keepAlive(id, { signal: this.#stop.signal });
        this.#reading.push(this.#read(subscription, first));
      }
    });
    await allEstablished;
    return ids.map(String);
  }

  counters(): DriverCounters {
    return {
      responses: this.#responses,
      streams: this.#lessor.stats().streamsOpened,
      lost: this.#lost,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Cancel the subscriptions first so the revokes do not come back as "lease expired" closes.
    this.#stop.abort(new Error("benchmark over"));
    await Promise.all(this.#reading);
    const ids = [...this.#ids];
    await mapLimit(ids, CONCURRENCY, (id) => this.#lessor.revoke(id));
    await this.#lessor.close();
    await this.#closeTransport();
  }

  /**
   * Counts the subscription's responses with push delivery (`listen`, no promise per renewal, the
   * same shape as etcd3's `keepaliveSucceeded` event) and resolves once it closes, counting a
   * close this benchmark did not ask for as lost.
   */
  async #read(subscription: KeepAliveSubscription, first: () => void): Promise<void> {
    let seen = false;
    subscription.listen(() => {
      this.#responses += 1;
      if (!seen) {
        seen = true;
        first();
      }
    });
    await subscription.whenClosed();
    if (!this.#stop.signal.aborted) this.#lost += 1;
  }
}
