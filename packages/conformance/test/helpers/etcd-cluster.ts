import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { etcdBinary } from "./etcd-binary.js";
import { freePorts } from "./free-port.js";

/** Options of {@link EtcdCluster.start}. */
export interface EtcdClusterOptions {
  /** Members. Default 3. */
  readonly size?: number;
  /** `--heartbeat-interval` in ms. Default 50. */
  readonly heartbeatMs?: number;
  /** `--election-timeout` in ms. Default 500. */
  readonly electionMs?: number;
  /** How long the cluster may take to elect a leader and report healthy. Default 20 s. */
  readonly startTimeoutMs?: number;
  /**
   * `--grpc-keepalive-min-time`: pings more frequent than this earn GOAWAY(too_many_pings).
   * Default `100ms`, so core's 1 s keepalive is accepted; etcd's own default is `5s`.
   */
  readonly keepaliveMinTime?: string;
}

/** One etcd process of an {@link EtcdCluster}. */
export interface EtcdMember {
  readonly index: number;
  readonly name: string;
  /** `127.0.0.1:port` of the client (gRPC) listener. */
  readonly clientAddress: string;
  readonly peerUrl: string;
  readonly dataDir: string;
}

interface MemberProcess {
  child: ChildProcess | undefined;
  exited: Promise<void>;
  stopped: boolean;
  output: string[];
}

const OUTPUT_LINES = 60;
const live = new Set<EtcdCluster>();
// A crashed or interrupted test run must not leave etcd processes or data dirs behind.
process.once("exit", () => {
  for (const cluster of live) cluster.killNowSync();
});

/**
 * A throwaway etcd cluster on 127.0.0.1: `size` processes on free ports with short election
 * timeouts and temporary data dirs (on /dev/shm when present, so fsync is cheap). Members can be
 * killed, restarted, stopped (SIGSTOP) and continued. `close()` kills everything and removes the
 * data dirs; it also runs on process exit.
 */
export class EtcdCluster implements AsyncDisposable {
  readonly members: readonly EtcdMember[];
  readonly version: string;
  readonly electionMs: number;
  readonly #binary: string;
  readonly #args: readonly (readonly string[])[];
  readonly #processes: MemberProcess[];
  readonly #root: string;
  #closed = false;

  private constructor(
    binary: string,
    version: string,
    root: string,
    members: EtcdMember[],
    args: string[][],
    electionMs: number,
  ) {
    this.#binary = binary;
    this.version = version;
    this.#root = root;
    this.members = members;
    this.#args = args;
    this.electionMs = electionMs;
    this.#processes = members.map(() => ({
      child: undefined,
      exited: Promise.resolve(),
      stopped: false,
      output: [],
    }));
  }

  /**
   * Starts the members and waits until every one reports healthy with an agreed leader.
   *
   * @throws Error naming `scripts/etcd/ensure-etcd.sh` when etcd is not installed, or with the
   *   members' last log lines when the cluster does not come up in time.
   */
  static async start(options: EtcdClusterOptions = {}): Promise<EtcdCluster> {
    const { path, version } = etcdBinary();
    const size = options.size ?? 3;
    const heartbeatMs = options.heartbeatMs ?? 50;
    const electionMs = options.electionMs ?? 500;
    const ports = await freePorts(size * 2);
    const base = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
    const root = mkdtempSync(join(base, "dsim-etcd-"));
    const token = `dsim-${process.pid}-${Date.now()}`;
    const members: EtcdMember[] = [];
    for (let i = 0; i < size; i++) {
      members.push({
        index: i,
        name: `m${i}`,
        clientAddress: `127.0.0.1:${ports[2 * i]}`,
        peerUrl: `http://127.0.0.1:${ports[2 * i + 1]}`,
        dataDir: join(root, `m${i}`),
      });
    }
    const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(",");
    const args = members.map((m) => [
      `--name=${m.name}`,
      `--data-dir=${m.dataDir}`,
      `--listen-client-urls=http://${m.clientAddress}`,
      `--advertise-client-urls=http://${m.clientAddress}`,
      `--listen-peer-urls=${m.peerUrl}`,
      `--initial-advertise-peer-urls=${m.peerUrl}`,
      `--initial-cluster=${initialCluster}`,
      "--initial-cluster-state=new",
      `--initial-cluster-token=${token}`,
      `--heartbeat-interval=${heartbeatMs}`,
      `--election-timeout=${electionMs}`,
      // core's keepalive pings every second; etcd's default (5 s) would answer with
      // GOAWAY(too_many_pings).
      `--grpc-keepalive-min-time=${options.keepaliveMinTime ?? "100ms"}`,
      "--logger=zap",
      "--log-level=warn",
    ]);
    const cluster = new EtcdCluster(path, version, root, members, args, electionMs);
    live.add(cluster);
    try {
      for (const member of members) cluster.#spawn(member);
      await cluster.waitHealthy(options.startTimeoutMs ?? 20_000);
      // A member that died at start (e.g. a port taken in the meantime) must not pass unnoticed.
      const dead = members.filter((m) => !cluster.isRunning(m));
      if (dead.length > 0) {
        throw new Error(
          `etcd members ${dead.map((m) => m.name).join(", ")} exited at start\n${cluster.logs()}`,
        );
      }
    } catch (error) {
      await cluster.close();
      throw error;
    }
    return cluster;
  }

  /** Client addresses of all members, in member order. */
  get clientAddresses(): string[] {
    return this.members.map((m) => m.clientAddress);
  }

  /** True when the member's process runs and is not stopped. */
  isRunning(member: EtcdMember): boolean {
    const p = this.#process(member);
    return p.child !== undefined && !p.stopped;
  }

  /** The member's raft ID, as response headers carry it (`header.member_id`). */
  async memberId(member: EtcdMember, timeoutMs = 5000): Promise<bigint> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await memberStatus(member);
      if (status !== undefined) return BigInt(status.memberId);
      if (Date.now() >= deadline) throw new Error(`${member.name} did not report its ID`);
      await delay(50);
    }
  }

  /** Kills the member's process with `signal` (default SIGKILL) and waits for it to exit. */
  async kill(member: EtcdMember, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const p = this.#process(member);
    const child = p.child;
    if (child === undefined) return;
    child.kill(signal);
    if (p.stopped && signal !== "SIGKILL") child.kill("SIGCONT");
    await p.exited;
  }

  /** Starts a killed member again on its data dir and ports. */
  restart(member: EtcdMember): void {
    if (this.#process(member).child !== undefined) {
      throw new Error(`${member.name} is still running`);
    }
    this.#spawn(member);
  }

  /** Freezes the member (SIGSTOP): its sockets stay open but nothing answers. */
  stop(member: EtcdMember): void {
    const p = this.#process(member);
    if (p.child === undefined || p.stopped) return;
    p.child.kill("SIGSTOP");
    p.stopped = true;
  }

  /** Resumes a stopped member (SIGCONT). */
  cont(member: EtcdMember): void {
    const p = this.#process(member);
    if (p.child === undefined || !p.stopped) return;
    p.child.kill("SIGCONT");
    p.stopped = false;
  }

  /**
   * The member every running member names as leader, polling until they agree.
   *
   * @throws Error when no agreed leader appears within `timeoutMs`.
   */
  async leader(timeoutMs = 10_000): Promise<EtcdMember> {
    const deadline = Date.now() + timeoutMs;
    let last = "no answer";
    while (Date.now() < deadline) {
      const running = this.members.filter((m) => this.isRunning(m));
      const statuses = await Promise.all(running.map((m) => memberStatus(m)));
      const leaders = new Set(statuses.map((s) => s?.leader));
      const [only] = [...leaders];
      if (leaders.size === 1 && only !== undefined && only !== "0") {
        const index = statuses.findIndex((s) => s?.memberId === only);
        const found = index >= 0 ? running[index] : undefined;
        if (found !== undefined) return found;
      }
      last = JSON.stringify(statuses);
      await delay(50);
    }
    throw new Error(`no agreed etcd leader within ${timeoutMs} ms (last: ${last})\n${this.logs()}`);
  }

  /**
   * Waits until every running member answers `/health` with `true`.
   *
   * @throws Error with the members' last log lines on timeout.
   */
  async waitHealthy(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const running = this.members.filter((m) => this.isRunning(m));
      const healthy = await Promise.all(running.map((m) => memberHealthy(m)));
      if (healthy.every(Boolean)) return;
      if (Date.now() >= deadline) {
        throw new Error(`etcd cluster not healthy within ${timeoutMs} ms\n${this.logs()}`);
      }
      await delay(50);
    }
  }

  /** The last log lines of every member, for failure messages. */
  logs(): string {
    return this.members
      .map((m) => `--- ${m.name} ---\n${this.#process(m).output.join("\n")}`)
      .join("\n");
  }

  /** Kills every member (stopped ones too) and removes the data dirs. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.members.map((m) => this.kill(m, "SIGKILL")));
    rmSync(this.#root, { recursive: true, force: true });
    live.delete(this);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Synchronous last-resort cleanup for process exit. @internal */
  killNowSync(): void {
    for (const p of this.#processes) p.child?.kill("SIGKILL");
    rmSync(this.#root, { recursive: true, force: true });
  }

  #process(member: EtcdMember): MemberProcess {
    const p = this.#processes[member.index];
    if (p === undefined) throw new RangeError(`no member ${member.index}`);
    return p;
  }

  #spawn(member: EtcdMember): void {
    const p = this.#process(member);
    const args = this.#args[member.index] ?? [];
    const child = spawn(this.#binary, [...args], { stdio: ["ignore", "pipe", "pipe"] });
    p.child = child;
    p.stopped = false;
    const keep = (chunk: Buffer): void => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line.trim() === "") continue;
        p.output.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
        if (p.output.length > OUTPUT_LINES) p.output.shift();
      }
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    p.exited = new Promise<void>((resolve) => {
      child.once("exit", (code, signal) => {
        p.output.push(`[exited code=${code} signal=${signal}]`);
        if (p.child === child) {
          p.child = undefined;
          p.stopped = false;
        }
        resolve();
      });
      child.once("error", (error) => {
        p.output.push(`[spawn error ${error.message}]`);
        if (p.child === child) p.child = undefined;
        resolve();
      });
    });
  }
}

/** A member's view of the cluster from the gRPC gateway's `/v3/maintenance/status`. */
interface MemberStatus {
  readonly memberId: string;
  readonly leader: string;
}

async function memberStatus(member: EtcdMember): Promise<MemberStatus | undefined> {
  try {
    const response = await fetch(`http://${member.clientAddress}/v3/maintenance/status`, {
      method: "POST",
      body: "{}",
      signal: AbortSignal.timeout(1000),
    });
    if (response.status !== 200) return undefined;
    const body = (await response.json()) as { header?: { member_id?: string }; leader?: string };
    const memberId = body.header?.member_id;
    if (memberId === undefined) return undefined;
    return { memberId, leader: body.leader ?? "0" };
  } catch {
    return undefined;
  }
}

async function memberHealthy(member: EtcdMember): Promise<boolean> {
  try {
    const response = await fetch(`http://${member.clientAddress}/health`, {
      signal: AbortSignal.timeout(1000),
    });
    const body = (await response.json()) as { health?: string };
    return response.status === 200 && body.health === "true";
  } catch {
    return false;
  }
}

/** Real-time delay: these tests drive real processes. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
