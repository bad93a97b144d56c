import type { FakeHttpRequest, FakeHttpServer } from "../http/fake-http-server.js";
import type { HttpFault } from "../http/http-faults.js";
import type { FaultStarter } from "./fault-schedule.js";

/** An HTTP fault window of one fake server, as data for a {@link FaultSchedule}. */
export interface HttpOutage {
  readonly kind: "http";
  readonly at: number;
  readonly durationMs?: number;
  /** What each request gets while the window lasts (a 503, a reset, a stalled body…). */
  readonly fault: HttpFault;
  /** Only requests for this path (default: every path). */
  readonly path?: string;
}

/**
 * Starts {@link HttpOutage}s on `server`: while any window is open, matching requests get its
 * fault (the latest window wins when they overlap); the server's own fault policy is replaced
 * while this starter is in use.
 */
export function startHttpOutage(server: FakeHttpServer): FaultStarter<HttpOutage> {
  const open: HttpOutage[] = [];
  const policy = (request: FakeHttpRequest): HttpFault | undefined => {
    for (let i = open.length - 1; i >= 0; i--) {
      const window = open[i];
      if (window !== undefined && (window.path === undefined || window.path === request.path)) {
        return window.fault;
      }
    }
    return undefined;
  };
  return (outage) => {
    open.push(outage);
    server.setFaultPolicy(policy);
    return () => {
      open.splice(open.indexOf(outage), 1);
    };
  };
}
