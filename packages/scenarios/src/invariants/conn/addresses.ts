import type { DialFact, TransportFact } from "../../suites/conn/spy-dialer.js";
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

/** What {@link checkRemovedAddressReleased} reads of the spy dialer. */
export interface DialerView {
  readonly dials: readonly DialFact[];
  readonly transports: readonly TransportFact[];
}

/**
 * `conn.removed-address-released` (connectivity semantics: a removed address's subchannel is
 * shut down — its attempt aborted, its connection drained): some time after `address` left the
 * list at `removedAt`, no dial to it is in flight and no transport to it is open, even when its
 * dial was still CONNECTING at the removal and hung or failed afterwards.
 */
export function checkRemovedAddressReleased(
  dialer: DialerView,
  address: string,
  removedAt: number,
): Violation[] {
  const dialing = dialer.dials.filter(
    (d) => d.address === address && d.settledAt === undefined && d.abortedAt === undefined,
  );
  const open = dialer.transports.filter((t) => t.address === address && t.closedAt === undefined);
  if (dialing.length === 0 && open.length === 0) return [];
  return [
    {
      invariant: "conn.removed-address-released",
      message: `${address} was removed at ${removedAt}, but ${dialing.length} dial(s) to it are in flight and ${open.length} transport(s) to it are open`,
      details: {
        address,
        removedAt,
        dialsInFlight: dialing.length,
        openTransports: open.length,
        dial: dialing[0]?.id ?? null,
      },
    },
  ];
}
