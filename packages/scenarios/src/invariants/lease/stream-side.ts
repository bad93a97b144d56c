import type { LeaseViolation } from "./facts.js";

/** One keep-alive stream as recorded between the lessor and its transport. */
export interface RecordedStream {
  readonly openedAt: number;
  readonly requireLeader: boolean;
  /** Requests the lessor sent on it. */
  readonly requests: number;
  readonly abortedAt: number | null;
  /** Aborted by the lessor before the transport reported the end (same instant included). */
  readonly abortedWhileOpen: boolean;
  readonly endedAt: number | null;
}

/**
 * `lease.shared-stream-left-alone`: the lessor never gives up its shared keep-alive stream on its
 * own — only the server or the transport ends it (and then the lessor reopens it), or `close()`.
 * In particular a failing unary call (grant, revoke, TimeToLive, keepAliveOnce) must not reset it
 * (etcd fixed exactly that twice: "don't reset keepalive stream on grant failure", "don't reset
 * stream on keepaliveonce or revoke failure"). The shared stream is the one opened with
 * `hasleader: true`; the workload never asks keepAliveOnce for require-leader.
 */
export function checkSharedStreamLeftAlone(
  streams: readonly RecordedStream[],
  closedAt: number,
): LeaseViolation | undefined {
  for (const [i, s] of streams.entries()) {
    if (!s.requireLeader || !s.abortedWhileOpen || s.abortedAt === null) continue;
    if (s.abortedAt >= closedAt) continue;
    return {
      invariant: "lease.shared-stream-left-alone",
      message: `the lessor cancelled its shared keep-alive stream ${i} (opened at ${s.openedAt} ms) at ${s.abortedAt} ms while the server kept it open and nobody closed the lessor`,
      details: { stream: i, openedAt: s.openedAt, abortedAt: s.abortedAt },
    };
  }
  return undefined;
}

/**
 * `lease.shared-stream-requires-leader`: the stream that carries the lessor's background renewals
 * (any stream with more than the single request of a keepAliveOnce) is opened with
 * `hasleader: true`, as clientv3's `stopCtx` is `WithRequireLeader`: without it the server never
 * ends it on leader loss and require-leader subscribers are never told.
 */
export function checkSharedStreamRequiresLeader(
  streams: readonly RecordedStream[],
): LeaseViolation | undefined {
  const i = streams.findIndex((s) => s.requests > 1 && !s.requireLeader);
  if (i < 0) return undefined;
  const s = streams[i] as RecordedStream;
  return {
    invariant: "lease.shared-stream-requires-leader",
    message: `keep-alive stream ${i} (opened at ${s.openedAt} ms) carried ${s.requests} renewals without require-leader metadata`,
    details: { stream: i, openedAt: s.openedAt, requests: s.requests },
  };
}

/**
 * `lease.no-listeners-left-on-signals`: once every call settled and every subscription closed, no
 * listener of the lessor remains on a caller's AbortSignal — callers that reuse one signal for
 * many calls (or for a subscription and every read of it) must not accumulate listeners.
 */
export function checkNoListenersLeft(
  signals: readonly { readonly name: string; readonly listeners: number }[],
): LeaseViolation | undefined {
  const left = signals.filter((s) => s.listeners > 0);
  if (left.length === 0) return undefined;
  return {
    invariant: "lease.no-listeners-left-on-signals",
    message: `after close, ${left.map((s) => `${s.name} still has ${s.listeners} abort listener(s)`).join(", ")}`,
    details: { signals: left.map((s) => s.name).join(","), listeners: left[0]?.listeners ?? 0 },
  };
}
