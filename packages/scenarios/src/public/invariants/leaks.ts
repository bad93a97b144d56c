import type { Simulation } from "@dsim/sim-server";
import type { Violation } from "./violation.js";

/**
 * `conn.nothing-left-after-close`: after the client's `close()` resolved, the simulation holds
 * nothing of it — no timer of its clock owners, no spawned task, no open virtual connection.
 *
 * @param owners - the clock owners the client's timers run under (`sim.clockFor(owner)`); with
 *   `installGlobals`, third-party timers run under the owner `installGlobals` names.
 * @param options - `clientHost`: judge only connections the client's host opened (fake servers
 *   may keep their own connections to other hosts).
 */
export function checkNothingLeftAfterClose(
  sim: Simulation,
  owners: readonly string[],
  options: { readonly clientHost?: string } = {},
): Violation[] {
  const violations: Violation[] = [];
  for (const owner of owners) {
    const timers = sim.pendingTimers(owner);
    if (timers > 0) {
      violations.push({
        invariant: "conn.nothing-left-after-close",
        message: `${timers} timer(s) of ${owner} still pending after close`,
        details: { owner, timers },
      });
    }
  }
  const tasks = sim.pendingTasks();
  if (tasks.length > 0) {
    violations.push({
      invariant: "conn.nothing-left-after-close",
      message: `task(s) still running after close: ${tasks.join(", ")}`,
      details: { tasks: tasks.join(",") },
    });
  }
  const open = sim.net
    .openConnectionInfo()
    .filter((c) => options.clientHost === undefined || c.from === options.clientHost)
    .filter((c) => c.client !== "closed");
  if (open.length > 0) {
    violations.push({
      invariant: "conn.nothing-left-after-close",
      message: `${open.length} virtual connection(s) still open after close (${open.map((c) => `${c.from}→${c.address}`).join(", ")})`,
      details: { connections: open.length },
    });
  }
  return violations;
}
