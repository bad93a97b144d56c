import type { Logger } from "../log/logger.js";
import type { Clock } from "../time/clock.js";
import type { LiveTransport } from "./live-transport.js";

/**
 * What an RPC needs from its channel: admission (a READY transport, or a typed failure), and
 * call accounting for the idle timer.
 *
 * @internal
 */
export interface CallHost {
  readonly clock: Clock;
  readonly logger: Logger | undefined;
  /**
   * Resolves with a transport that accepts new streams. Rejects with a StatusError: UNAVAILABLE
   * (fail-fast in TRANSIENT_FAILURE, or channel closed), or the scope's CANCELLED/DEADLINE_EXCEEDED.
   */
  pick(waitForReady: boolean, signal: AbortSignal, abortError: () => Error): Promise<LiveTransport>;
  callStarted(): void;
  callEnded(): void;
}
