/**
 * The few etcd Prometheus counters the real-etcd benchmark reads, scraped from each member's
 * `/metrics` on its client URL. Counting at the server is the outside view: it sees every stream
 * and message whatever the client library reports about itself.
 */

/** Lease-service counters summed over the members. */
export interface LeaseCounters {
  /** `grpc_server_started_total{grpc_method="LeaseKeepAlive"}`: keep-alive streams opened. */
  readonly keepAliveStreams: number;
  /** `grpc_server_msg_received_total{grpc_method="LeaseKeepAlive"}`: keep-alive requests. */
  readonly keepAliveRequests: number;
  /** `grpc_server_msg_sent_total{grpc_method="LeaseKeepAlive"}`: keep-alive responses. */
  readonly keepAliveResponses: number;
  /** `grpc_server_started_total` of `LeaseGrant`. */
  readonly grants: number;
}

/** A counter that was never incremented. */
export const ZERO_COUNTERS: LeaseCounters = Object.freeze({
  keepAliveStreams: 0,
  keepAliveRequests: 0,
  keepAliveResponses: 0,
  grants: 0,
});

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}\s+(\S+)/;

function methodOf(labels: string): string | undefined {
  return /(?:^|,)grpc_method="([^"]*)"/.exec(labels)?.[1];
}

/**
 * Extracts the lease counters from one member's Prometheus text exposition. Counters a member has
 * not created yet (no call of that method so far) count as 0.
 */
export function parseLeaseCounters(text: string): LeaseCounters {
  let keepAliveStreams = 0;
  let keepAliveRequests = 0;
  let keepAliveResponses = 0;
  let grants = 0;
  for (const line of text.split("\n")) {
    const match = SAMPLE.exec(line);
    if (match === null) continue;
    const [, name, labels = "", raw = ""] = match;
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    const method = methodOf(labels);
    if (method === "LeaseKeepAlive") {
      if (name === "grpc_server_started_total") keepAliveStreams += value;
      else if (name === "grpc_server_msg_received_total") keepAliveRequests += value;
      else if (name === "grpc_server_msg_sent_total") keepAliveResponses += value;
    } else if (method === "LeaseGrant" && name === "grpc_server_started_total") {
      grants += value;
    }
  }
  return { keepAliveStreams, keepAliveRequests, keepAliveResponses, grants };
}

/** Field-wise `a + b`. */
export function addCounters(a: LeaseCounters, b: LeaseCounters): LeaseCounters {
  return {
    keepAliveStreams: a.keepAliveStreams + b.keepAliveStreams,
    keepAliveRequests: a.keepAliveRequests + b.keepAliveRequests,
    keepAliveResponses: a.keepAliveResponses + b.keepAliveResponses,
    grants: a.grants + b.grants,
  };
}

/** Field-wise `later - earlier`: what happened between two scrapes. */
export function diffCounters(later: LeaseCounters, earlier: LeaseCounters): LeaseCounters {
  return {
    keepAliveStreams: later.keepAliveStreams - earlier.keepAliveStreams,
    keepAliveRequests: later.keepAliveRequests - earlier.keepAliveRequests,
    keepAliveResponses: later.keepAliveResponses - earlier.keepAliveResponses,
    grants: later.grants - earlier.grants,
  };
}

/**
 * Scrapes every member (`http://<address>/metrics`) and sums their counters.
 *
 * @throws Error naming the member when one does not answer 200 within 5 s: a missing scrape would
 *   silently undercount.
 */
export async function scrapeLeaseCounters(addresses: readonly string[]): Promise<LeaseCounters> {
  const texts = await Promise.all(
    addresses.map(async (address) => {
      const response = await fetch(`http://${address}/metrics`, {
        signal: AbortSignal.timeout(5000),
      });
      if (response.status !== 200) {
        throw new Error(`GET http://${address}/metrics answered ${response.status}`);
      }
      return response.text();
    }),
  );
  return texts.map(parseLeaseCounters).reduce(addCounters, ZERO_COUNTERS);
}
