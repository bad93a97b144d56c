import type {
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseLeasesRequest,
  LeaseLeasesResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
  TimerHandle,
} from "@dsim/core";
import { GrpcCode, REQUIRE_LEADER_KEY, REQUIRE_LEADER_VALUE } from "@dsim/core";
import {
  Server,
  ServerCredentials,
  type ServerDuplexStream,
  type ServerUnaryCall,
  type sendUnaryData,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { EtcdCluster } from "../etcd/etcd-cluster.js";
import { EtcdTransportError } from "../etcd/etcd-status-error.js";
import type { OwnedClock } from "../kernel/contracts.js";
import { Simulation } from "../kernel/simulation.js";
import type { EtcdWireFault } from "./etcd-wire-fault.js";
import { toWireStatus } from "./grpc-status.js";
import { leaseServiceDefinition } from "./lease-service-definition.js";
import { RealTimeDriver } from "./real-time-driver.js";
import { WireError } from "./wire-error.js";

/** Options of {@link WireEtcd.start}. */
export interface WireEtcdOptions {
  /** Members of the fake cluster, each served on its own port. Default 1. */
  readonly members?: 1 | 3 | 5;
  /** Interface to bind. Default `127.0.0.1`. */
  readonly host?: string;
  /** Port of member 0; member i gets `port + i`. 0 (default) = any free port for each. */
  readonly port?: number;
  /** Seed of the simulation behind the fake (elections, IDs). Default 1. */
  readonly seed?: number;
  /** The fake's election timeout (ms); the minimum lease TTL is ceil(1.5 × it) s. Default 1000. */
  readonly electionTimeoutMs?: number;
  /** How often virtual time catches up with wall time (ms). Default 5. */
  readonly tickMs?: number;
  /**
   * Called when advancing the simulation fails (a timer threw…). The driver keeps going, so the
   * fake recovers; the last error also shows in {@link WireEtcd.status}.
   */
  readonly onDriverError?: (error: WireError) => void;
}

/** What {@link WireEtcd.status} reports (JSON-friendly: IDs as decimal strings). */
export interface WireEtcdStatus {
  readonly addresses: readonly string[];
  readonly leader: number | null;
  readonly term: string;
  readonly leases: number;
  readonly openKeepAliveStreams: number;
  readonly virtualNowMs: number;
  readonly delayMs: number;
  /** Keep-alive responses still to drop; `"all"` until cleared. */
  readonly dropKeepAliveResponses: number | "all";
  readonly driverError: string | null;
}

type KeepAliveCall = ServerDuplexStream<LeaseKeepAliveRequest, LeaseKeepAliveResponse>;

/**
 * The fake etcd cluster served on real gRPC ports through `@grpc/grpc-js`: service
 * `etcdserverpb.Lease` with etcd's field numbers, codes and messages, so etcdctl and any etcd
 * client can talk to it. A {@link RealTimeDriver} moves the simulation's clock along with wall
 * time; faults are the cluster's own (leader loss, restart…) plus transport ones applied here
 * (GOAWAY, dropped keep-alive responses, delay).
 */
export class WireEtcd implements AsyncDisposable {
  /** The simulation behind the fake (its clock is driven by wall time). */
  readonly sim: Simulation;
  /** The fake cluster. */
  readonly cluster: EtcdCluster;
  /** `host:port` of each member, in member order. */
  readonly addresses: readonly string[];
  readonly #servers: readonly Server[];
  readonly #driver: RealTimeDriver;
  readonly #clock: OwnedClock;
  readonly #timers = new Set<TimerHandle>();
  readonly #calls = new Set<KeepAliveCall>();
  #delayMs = 0;
  #drop: number = 0;
  #closed = false;

  private constructor(
    sim: Simulation,
    cluster: EtcdCluster,
    servers: Server[],
    addresses: string[],
    driver: RealTimeDriver,
  ) {
    this.sim = sim;
    this.cluster = cluster;
    this.#servers = servers;
    this.addresses = addresses;
    this.#driver = driver;
    this.#clock = sim.clockFor("wire-etcd");
  }

  /**
   * Creates the fake cluster and binds one gRPC server per member.
   *
   * @throws RangeError/TypeError for invalid options; WireError `BIND_FAILED` when a port cannot
   *   be bound (everything started so far is closed again).
   */
  static async start(options: WireEtcdOptions = {}): Promise<WireEtcd> {
    const members = options.members ?? 1;
    if (members !== 1 && members !== 3 && members !== 5) {
      throw new RangeError(`WireEtcd: members must be 1, 3 or 5, got ${String(members)}`);
    }
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port + members - 1 > 65535) {
      throw new RangeError(`WireEtcd: port must be an integer in [0, 65535], got ${port}`);
    }
    const host = options.host ?? "127.0.0.1";
    if (typeof host !== "string" || host === "") {
      throw new TypeError("WireEtcd: host must be a non-empty string");
    }
    // A long-lived server: keep only the trace digest, and allow an unbounded number of events.
    const sim = new Simulation({
      seed: options.seed ?? 1,
      keepEvents: false,
      maxEvents: Number.POSITIVE_INFINITY,
    });
    const cluster = new EtcdCluster({
      clock: sim.clockFor("etcd"),
      random: sim.randomFor("etcd"),
      members,
      ...(options.electionTimeoutMs === undefined
        ? {}
        : { electionTimeoutMs: options.electionTimeoutMs }),
      trace: sim.trace,
    });
    const driver = new RealTimeDriver(sim, {
      ...(options.tickMs === undefined ? {} : { tickMs: options.tickMs }),
      ...(options.onDriverError === undefined ? {} : { onError: options.onDriverError }),
    });
    const servers: Server[] = [];
    const addresses: string[] = [];
    let wire: WireEtcd | undefined;
    const implementationFor = (member: number): UntypedServiceImplementation => {
      // Handlers look the instance up lazily: it exists before the first call can arrive.
      const self = (): WireEtcd => {
        if (wire === undefined) throw new Error("WireEtcd not started");
        return wire;
      };
      return {
        LeaseGrant: (
          call: ServerUnaryCall<LeaseGrantRequest, LeaseGrantResponse>,
          callback: sendUnaryData<LeaseGrantResponse>,
        ) => self().#unary(callback, () => cluster.grant(member, call.request)),
        LeaseRevoke: (
          call: ServerUnaryCall<LeaseRevokeRequest, LeaseRevokeResponse>,
          callback: sendUnaryData<LeaseRevokeResponse>,
        ) => self().#unary(callback, () => cluster.revoke(member, call.request.ID)),
        LeaseTimeToLive: (
          call: ServerUnaryCall<LeaseTimeToLiveRequest, LeaseTimeToLiveResponse>,
          callback: sendUnaryData<LeaseTimeToLiveResponse>,
        ) => self().#unary(callback, () => cluster.timeToLive(member, call.request)),
        LeaseLeases: (
          _call: ServerUnaryCall<LeaseLeasesRequest, LeaseLeasesResponse>,
          callback: sendUnaryData<LeaseLeasesResponse>,
        ) => self().#unary(callback, () => cluster.leases(member)),
        LeaseKeepAlive: (call: KeepAliveCall) => self().#keepAlive(member, call),
      };
    };
    try {
      for (let i = 0; i < members; i++) {
        const server = new Server();
        server.addService(leaseServiceDefinition, implementationFor(i));
        servers.push(server);
        const bound = await bind(server, host, port === 0 ? 0 : port + i);
        addresses.push(`${host}:${bound}`);
      }
    } catch (error) {
      for (const server of servers) server.forceShutdown();
      await driver.close();
      await cluster.close();
      await sim.close();
      throw error;
    }
    wire = new WireEtcd(sim, cluster, servers, addresses, driver);
    return wire;
  }

  /**
   * Injects `fault` (see {@link EtcdWireFault}).
   *
   * @throws WireError `BAD_FAULT` when it names a member the cluster does not have; `CLOSED`.
   */
  applyFault(fault: EtcdWireFault): void {
    if (this.#closed) throw new WireError("CLOSED", "WireEtcd is closed");
    if (fault.kind === "member-restart" && fault.member >= this.addresses.length) {
      throw new WireError(
        "BAD_FAULT",
        `fault "member-restart": no member ${fault.member} (members are 0..${this.addresses.length - 1})`,
      );
    }
    this.sim.trace.record("wire-etcd", "fault", { ...fault });
    switch (fault.kind) {
      case "leader-loss":
        this.cluster.isolateLeader(fault.durationMs);
        return;
      case "quorum-loss":
        this.cluster.loseQuorum(fault.durationMs);
        return;
      case "leader-change":
        this.cluster.transferLeader();
        return;
      case "member-restart":
        this.cluster.restartMember(fault.member, fault.downMs);
        return;
      case "goaway":
        this.#servers.forEach((server, i) => {
          const address = this.addresses[i];
          if (address !== undefined) server.drain(address, fault.graceMs);
        });
        return;
      case "drop-keepalive-responses":
        this.#drop = fault.count ?? Number.POSITIVE_INFINITY;
        return;
      case "delay":
        this.#delayMs = fault.ms;
        return;
      case "end-streams":
        for (const member of this.cluster.members()) {
          this.cluster.endStreams(
            member.index,
            new EtcdTransportError(GrpcCode.UNAVAILABLE, fault.message ?? "stream ended by fault"),
          );
        }
        return;
    }
  }

  /**
   * Clears every fault still in effect: the delay, dropped keep-alive responses, and any leader
   * loss, quorum loss or member restart whose duration has not run out (those members rejoin
   * now). Faults that are over when applied (leader change, GOAWAY, ended streams) leave nothing
   * to clear. Returns one line per fault cleared.
   */
  clearFaults(): string[] {
    const cleared: string[] = [];
    if (this.#delayMs > 0) cleared.push(`delay of ${this.#delayMs} ms`);
    if (this.#drop > 0) cleared.push("drop-keepalive-responses");
    this.#delayMs = 0;
    this.#drop = 0;
    const { isolated, down } = this.cluster.healFaults();
    if (isolated.length > 0) cleared.push(`isolation of member(s) ${isolated.join(", ")}`);
    for (const member of down) cleared.push(`restart of member ${member} (it is up again)`);
    this.sim.trace.record("wire-etcd", "faults-cleared", { cleared });
    return cleared;
  }

  /** A JSON-friendly snapshot of the server's state. */
  status(): WireEtcdStatus {
    return {
      addresses: this.addresses,
      leader: this.cluster.leaderIndex ?? null,
      term: this.cluster.term.toString(),
      leases: this.cluster.leaseCount,
      openKeepAliveStreams: this.cluster.openSessions(),
      virtualNowMs: this.sim.now(),
      delayMs: this.#delayMs,
      dropKeepAliveResponses: this.#drop === Number.POSITIVE_INFINITY ? "all" : this.#drop,
      driverError: this.#driver.error?.message ?? null,
    };
  }

  /** The driver's failure, if virtual time stopped advancing. */
  get driverError(): WireError | undefined {
    return this.#driver.error;
  }

  /** Shuts the gRPC servers down (open calls are cancelled), stops the driver and the world. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const call of this.#calls) call.destroy();
    this.#calls.clear();
    for (const server of this.#servers) server.forceShutdown();
    for (const handle of this.#timers) this.#clock.clearTimeout(handle);
    this.#timers.clear();
    await this.#driver.close();
    await this.cluster.close();
    await this.sim.close();
  }

  /** Same as {@link WireEtcd.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Runs `action` now, or after the injected delay (on the driven clock). */
  #later(action: () => void): void {
    if (this.#delayMs <= 0) {
      action();
      return;
    }
    const handle = this.#clock.setTimeout(() => {
      this.#timers.delete(handle);
      if (!this.#closed) action();
    }, this.#delayMs);
    this.#timers.add(handle);
  }

  #unary<Res>(callback: sendUnaryData<Res>, run: () => Res): void {
    let outcome: { ok: true; value: Res } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: run() };
    } catch (error) {
      outcome = { ok: false, error };
    }
    this.#later(() => {
      if (outcome.ok) callback(null, outcome.value);
      else callback(toWireStatus(outcome.error));
    });
  }

  #keepAlive(member: number, call: KeepAliveCall): void {
    const requireLeader = call.metadata
      .get(REQUIRE_LEADER_KEY)
      .some((v) => String(v) === REQUIRE_LEADER_VALUE);
    let done = false;
    const finish = (error: Error | undefined): void => {
      if (done) return;
      done = true;
      this.#calls.delete(call);
      if (error === undefined) call.end();
      else call.emit("error", toWireStatus(error));
    };
    let session: ReturnType<EtcdCluster["openKeepAlive"]>;
    try {
      session = this.cluster.openKeepAlive(member, requireLeader, {
        onResponse: (response) => this.#answerKeepAlive(call, response),
        onEnd: (error) => this.#later(() => finish(error)),
      });
    } catch (error) {
      finish(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (session.ended) return;
    this.#calls.add(call);
    call.on("data", (request: LeaseKeepAliveRequest) => session.receive(request.ID));
    // The client half-closed: etcd's handler returns and the stream ends OK.
    call.on("end", () => {
      session.cancel();
      finish(undefined);
    });
    const gone = (): void => {
      done = true;
      this.#calls.delete(call);
      session.cancel();
    };
    call.on("cancelled", gone);
    call.on("close", gone);
  }

  #answerKeepAlive(call: KeepAliveCall, response: LeaseKeepAliveResponse): void {
    if (this.#drop > 0) {
      this.#drop -= 1;
      this.sim.trace.record("wire-etcd", "keepalive-dropped", { id: response.ID });
      return;
    }
    this.#later(() => {
      if (!call.destroyed && !call.writableEnded) call.write(response);
    });
  }
}

function bind(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, bound) => {
      if (error !== null) {
        reject(
          new WireError("BIND_FAILED", `cannot bind ${host}:${port}: ${error.message}`, {
            cause: error,
          }),
        );
      } else resolve(bound);
    });
  });
}
