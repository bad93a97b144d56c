import type { ManualResolver } from "@dsim/core";
import type { OwnedClock, Simulation } from "@dsim/sim-server";
import type { ConnFault } from "./conn-case.js";
import { CLIENT_HOST, type ConnServers } from "./world.js";

/**
 * Executes a fault plan on the world's own clock view: core never knows a fault is coming. Every
 * fault with a duration is undone by its own timer; {@link FaultDriver.healAll} undoes everything.
 */
export class FaultDriver {
  readonly #sim: Simulation;
  readonly #clock: OwnedClock;
  readonly #world: ConnServers;
  readonly #resolver: ManualResolver;
  readonly #onAddresses: (addresses: readonly string[]) => void;

  constructor(
    sim: Simulation,
    world: ConnServers,
    resolver: ManualResolver,
    onAddresses: (addresses: readonly string[]) => void,
  ) {
    this.#sim = sim;
    this.#clock = sim.clockFor("faults");
    this.#world = world;
    this.#resolver = resolver;
    this.#onAddresses = onAddresses;
  }

  /** Schedules every fault of the plan (times relative to now). */
  schedule(faults: readonly ConnFault[]): void {
    for (const fault of faults) {
      this.#clock.setTimeout(() => this.#apply(fault), fault.at);
    }
  }

  /** Ends every fault: normal connection modes, healed links, servers up, the full address list. */
  healAll(): void {
    for (const server of this.#world.servers) {
      if (!server.running) server.start();
      server.clearFaults();
      this.#sim.net.heal(CLIENT_HOST, server.host);
    }
    this.setAddresses(this.#world.addresses);
    this.#sim.trace.record("fault", "heal-all", {});
  }

  /** Delivers a new full address list to the channel (and notes it for the invariants). */
  setAddresses(addresses: readonly string[]): void {
    // Noted before delivery: the channel may dial the new addresses synchronously.
    this.#onAddresses(addresses);
    this.#resolver.update(addresses);
  }

  #apply(fault: ConnFault): void {
    this.#sim.trace.record("fault", fault.kind, {
      ...fault,
      keep: "keep" in fault ? fault.keep.map(String).join(",") : null,
    });
    if (fault.kind === "addresses") {
      this.setAddresses(this.#world.addresses.filter((_, i) => fault.keep[i] === true));
      return;
    }
    const server = this.#world.servers[fault.server];
    if (server === undefined) return;
    switch (fault.kind) {
      case "goaway":
        if (server.running) server.goaway({ mode: fault.mode });
        return;
      case "restart":
        if (server.running) server.restart({ downMs: fault.downMs }).catch(() => {});
        return;
      case "reset-connections":
        server.closeConnections({ reset: true });
        return;
      case "refuse-streams":
        server.refuseStreams({ method: "*", count: fault.count });
        return;
      case "partition":
        this.#sim.net.partition(CLIENT_HOST, server.host);
        this.#clock.setTimeout(
          () => this.#sim.net.heal(CLIENT_HOST, server.host),
          fault.durationMs,
        );
        return;
      case "refuse":
      case "accept-then-close":
      case "blackhole": {
        const mode = fault.kind;
        server.setConnectionMode(mode);
        this.#clock.setTimeout(() => {
          if (server.connectionMode === mode) server.setConnectionMode("normal");
        }, fault.durationMs);
        return;
      }
    }
  }
}
