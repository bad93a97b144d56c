import { mapLimit } from "./driver.js";

/** What {@link checkTimeToLive} found. */
export interface TimeToLiveCheck {
  /** Leases etcd reports as unknown or expired (`TTL = -1`). */
  readonly expired: number;
  /** Smallest remaining TTL among the live ones, seconds (-1 when none is live). */
  readonly minTtlLeftS: number;
}

/**
 * Asks etcd's HTTP gateway (`POST /v3/lease/timetolive`, JSON) for the remaining TTL of every
 * lease, round-robin over `addresses`. The check goes around the client under test on purpose:
 * every client is judged by the same outside view, and its cost is not the client's.
 *
 * @throws Error when a member answers anything but 200.
 */
export async function checkTimeToLive(
  addresses: readonly string[],
  ids: readonly string[],
): Promise<TimeToLiveCheck> {
  if (addresses.length === 0) throw new RangeError("checkTimeToLive: no addresses");
  const ttls = await mapLimit(
    ids.map((id, i) => ({ id, address: addresses[i % addresses.length] ?? "" })),
    32,
    async ({ id, address }) => {
      const response = await fetch(`http://${address}/v3/lease/timetolive`, {
        method: "POST",
        body: JSON.stringify({ ID: id }),
        signal: AbortSignal.timeout(5000),
      });
      if (response.status !== 200) {
        throw new Error(`timetolive ${id} at ${address} answered ${response.status}`);
      }
      // int64 fields arrive as decimal strings; a zero TTL is omitted altogether.
      const body = (await response.json()) as { TTL?: string | number };
      return Number(body.TTL ?? 0);
    },
  );
  const live = ttls.filter((ttl) => ttl >= 0);
  return {
    expired: ttls.length - live.length,
    minTtlLeftS: live.length === 0 ? -1 : Math.min(...live),
  };
}
