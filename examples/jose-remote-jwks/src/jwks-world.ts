import type { Attempt, RefreshRequest, ValueRead } from "@dsim/scenarios";
import { createVirtualFetch, FakeHttpServer, type Simulation } from "@dsim/sim-server";
import { createRemoteJWKSet, customFetch, jwtVerify } from "jose";
import type { Identity } from "./identities.js";

/** One case of a jose suite: when the identity provider fails, and how the app uses jose. */
export interface JwksCase {
  /** When the JWKS endpoint starts failing, virtual ms. */
  readonly outageStartMs: number;
  /** How long it fails. */
  readonly outageMs: number;
  /** How it fails: a 503 answer or a reset connection. */
  readonly fault: "status-503" | "reset";
  /** The app verifies a token this often. */
  readonly verifyEveryMs: number;
  /** One-way latency between the app and the identity provider. */
  readonly latencyMs: number;
  /** How long the case runs, virtual ms. */
  readonly horizonMs: number;
  /**
   * When the identity provider rotates its signing key (serves the second identity's key and
   * issues its tokens from then on), if it does.
   */
  readonly rotateAtMs?: number;
}

/** What the case observed from the outside of jose. */
export interface JwksObservations {
  /** Every JWKS fetch jose made, as attempts for the backoff rule. */
  readonly attempts: readonly Attempt[];
  /** The same fetches as refresh requests. */
  readonly requests: readonly RefreshRequest[];
  /** Every verification the app made and whether it got a verified token. */
  readonly reads: readonly ValueRead[];
  /** When jose first got a key set. */
  readonly firstValueAt: number | undefined;
  /** When the last disturbance ended: the outage, or the key rotation. */
  readonly healedAt: number;
}

const ADDRESS = "idp:80";

/**
 * Runs jose 6's `createRemoteJWKSet` + `jwtVerify`, unmodified, against a fake identity provider
 * on the virtual network: jose's `fetch` is the virtual one (its `customFetch` option), its
 * `AbortSignal.timeout` and `Date` run on virtual time, and its WebCrypto work (which finishes on
 * libuv's thread pool) holds virtual time and completes in call order — all from `installGlobals`
 * (its native barrier).
 */
export async function runJwksCase(
  sim: Simulation,
  c: JwksCase,
  identity: Identity,
  rotated: Identity = identity,
): Promise<JwksObservations> {
  const current = (): Identity =>
    c.rotateAtMs !== undefined && sim.now() >= c.rotateAtMs ? rotated : identity;
  sim.net.setLink("app", "idp", { latencyMs: c.latencyMs });
  const server = new FakeHttpServer(sim, { address: ADDRESS });
  server.route("/jwks", () => ({
    status: 200,
    headers: { "content-type": "application/json", "cache-control": "max-age=600" },
    body: JSON.stringify({ keys: [current().jwk] }),
  }));
  const outageEnd = c.outageStartMs + c.outageMs;
  server.setFaultPolicy((request) => {
    if (request.at < c.outageStartMs || request.at >= outageEnd) return undefined;
    return c.fault === "reset" ? { kind: "reset" } : { kind: "status", status: 503 };
  });
  const globals = sim.installGlobals();
  const http = createVirtualFetch(sim, { fromHost: "app" });
  const attempts: Attempt[] = [];
  const requests: RefreshRequest[] = [];
  const reads: ValueRead[] = [];
  let firstValueAt: number | undefined;
  const observedFetch: typeof globalThis.fetch = async (input, init) => {
    const start = sim.now();
    try {
      const response = await http.fetch(input, init);
      attempts.push({ address: ADDRESS, start, end: sim.now(), ok: response.ok });
      requests.push({ at: start, ok: response.ok });
      if (response.ok) firstValueAt ??= sim.now();
      return response;
    } catch (error) {
      attempts.push({ address: ADDRESS, start, end: sim.now(), ok: false });
      requests.push({ at: start, ok: false });
      throw error;
    }
  };
  try {
    const jwks = createRemoteJWKSet(new URL(`http://idp/jwks`), {
      [customFetch]: observedFetch,
    });
    let done = false;
    void sim.spawn("app", async () => {
      for (let at = 0; at < c.horizonMs; at += c.verifyEveryMs) {
        if (sim.now() < at) await new Promise((resolve) => setTimeout(resolve, at - sim.now()));
        const readAt = sim.now();
        const served = await jwtVerify(current().token, jwks).then(
          () => true,
          () => false,
        );
        reads.push({ at: readAt, served });
      }
      done = true;
    });
    await sim.runUntil(() => done, { timeoutMs: c.horizonMs + 60_000 });
  } finally {
    globals[Symbol.dispose]();
    await http.close();
    await server.close();
  }
  return {
    attempts,
    requests,
    reads,
    firstValueAt,
    healedAt: Math.max(outageEnd, c.rotateAtMs ?? 0),
  };
}
