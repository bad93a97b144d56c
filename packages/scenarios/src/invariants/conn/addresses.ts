import type { ConnFacts, Violation } from "./facts.js";

/**
 * `conn.only-current-addresses`: once an address update was delivered, every dial that starts
 * later goes to an address of the latest list (removed addresses are drained, never redialed).
 */
export function checkAddresses(facts: ConnFacts): Violation[] {
  const violations: Violation[] = [];
  for (const dial of facts.dials) {
    let current: readonly string[] | undefined;
    let since = 0;
    for (const update of facts.addressUpdates) {
      // Ordered by dial count, not time: a dial in the same millisecond but after the update counts.
      if (update.firstDial <= dial.id) {
        current = update.addresses;
        since = update.t;
      }
    }
    if (current !== undefined && !current.includes(dial.address)) {
      violations.push({
        invariant: "conn.only-current-addresses",
        message: `dial ${dial.id} to ${dial.address} at ${dial.start}, removed from the address list at ${since}`,
        details: {
          dial: dial.id,
          address: dial.address,
          at: dial.start,
          current: current.join(","),
        },
      });
    }
  }
  return violations;
}
