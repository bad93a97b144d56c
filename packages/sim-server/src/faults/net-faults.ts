import type { LinkConfig, VirtualNetworkApi } from "../net/contracts.js";
import type { FaultStarter } from "./fault-schedule.js";

/** Network faults between two hosts, as data for a {@link FaultSchedule}. */
export type NetFault =
  /** No segment crosses (both ways, or only from `a` to `b`) until the fault ends. */
  | {
      readonly kind: "partition";
      readonly at: number;
      readonly durationMs?: number;
      readonly a: string;
      readonly b: string;
      readonly oneWay?: boolean;
    }
  /** Segments are held (not lost) and delivered when the fault ends: a stalled link. */
  | {
      readonly kind: "hold";
      readonly at: number;
      readonly durationMs?: number;
      readonly a: string;
      readonly b: string;
    }
  /** The link's one-way latency (and jitter, loss) change until the fault ends. */
  | {
      readonly kind: "latency";
      readonly at: number;
      readonly durationMs?: number;
      readonly a: string;
      readonly b: string;
      readonly latencyMs: number;
      readonly jitterMs?: number;
      readonly loss?: number;
    };

/** The part of a virtual network the net faults use. */
type FaultableNetwork = Pick<
  VirtualNetworkApi,
  "partition" | "heal" | "hold" | "release" | "setLink"
> & { linkConfig(a: string, b: string): LinkConfig };

/**
 * Starts {@link NetFault}s on `net` (`sim.net`); each returns what undoes it: heal, release, or
 * the link's configuration from before the fault.
 */
export function startNetFault(net: FaultableNetwork): FaultStarter<NetFault> {
  return (fault) => {
    switch (fault.kind) {
      case "partition":
        net.partition(fault.a, fault.b, fault.oneWay === true ? { oneWay: true } : {});
        return () => net.heal(fault.a, fault.b);
      case "hold":
        net.hold(fault.a, fault.b);
        return () => net.release(fault.a, fault.b);
      case "latency": {
        const before = net.linkConfig(fault.a, fault.b);
        net.setLink(fault.a, fault.b, {
          latencyMs: fault.latencyMs,
          ...(fault.jitterMs === undefined ? {} : { jitterMs: fault.jitterMs }),
          ...(fault.loss === undefined ? {} : { loss: fault.loss }),
        });
        return () => net.setLink(fault.a, fault.b, before);
      }
    }
  };
}
