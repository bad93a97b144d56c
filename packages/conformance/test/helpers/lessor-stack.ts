import {
  ClientConn,
  GrpcLeaseClient,
  type KeepAliveCloseReason,
  type KeepAliveSubscription,
  type LeaseClient,
  Lessor,
  type Logger,
  systemClock,
  systemRandom,
} from "@dsim/core";
import { Http2Dialer } from "@dsim/core/adapters/http2";

/** A lessor on core's own stack: Lessor → GrpcLeaseClient → ClientConn → Http2Dialer. */
export interface LessorStack extends AsyncDisposable {
  readonly lessor: Lessor;
  readonly conn: ClientConn;
  readonly client: LeaseClient;
  close(): Promise<void>;
}

/**
 * Builds the production stack against `addresses` (pick_first: the first one is used while it
 * works). Keepalive pings every second with a 1 s ack timeout detect a frozen (SIGSTOPped) member;
 * a 1 s connect timeout and backoff keep failover inside the tests' budgets.
 */
export function lessorStack(
  addresses: readonly string[],
  options: { readonly logger?: Logger } = {},
): LessorStack {
  const conn = new ClientConn({
    target: addresses,
    dialer: new Http2Dialer(),
    clock: systemClock,
    random: systemRandom,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    keepalive: { timeMs: 1000, timeoutMs: 1000, permitWithoutCalls: true },
    connectTimeoutMs: 1000,
    backoff: { initialMs: 200, maxMs: 1000 },
  });
  const client = new GrpcLeaseClient(conn);
  const lessor = new Lessor({
    client,
    clock: systemClock,
    metadata: { "client-api-version": ["3.4"] },
  });
  const close = async (): Promise<void> => {
    await lessor.close();
    await conn.close();
  };
  return { lessor, conn, client, close, [Symbol.asyncDispose]: close };
}

/** What a {@link drain} saw on one subscription. */
export interface Drained {
  /** Receive time (Date.now()), TTL and answering member of every response. */
  readonly responses: { at: number; ttl: number; member: bigint }[];
  /** Set once the subscription closed. */
  closedAt: number | undefined;
  closeReason: KeepAliveCloseReason | undefined;
  /** Resolves when the subscription is closed and drained. */
  done: Promise<void>;
  /** Responses received after `t` (Date.now() scale). */
  after(t: number): number;
  /** The first response received after `t`, if any. */
  firstAfter(t: number): { at: number; ttl: number; member: bigint } | undefined;
}

/** Reads a subscription continuously (so its buffer never fills), recording what arrives. */
export function drain(subscription: KeepAliveSubscription): Drained {
  const responses: Drained["responses"] = [];
  const read = async (): Promise<void> => {
    for await (const response of subscription) {
      responses.push({ at: Date.now(), ttl: response.TTL, member: response.header.memberId });
    }
  };
  const drained: Drained = {
    responses,
    closedAt: undefined,
    closeReason: undefined,
    done: Promise.resolve(),
    after: (t) => responses.filter((r) => r.at > t).length,
    firstAfter: (t) => responses.find((r) => r.at > t),
  };
  drained.done = read().then(() => {
    drained.closedAt = Date.now();
    drained.closeReason = subscription.closeReason;
  });
  return drained;
}

/** Polls `predicate` every 50 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
