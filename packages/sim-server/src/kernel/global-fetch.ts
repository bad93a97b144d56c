import type { HttpWorld } from "../http/http-world.js";
import { createVirtualFetch } from "../http/virtual-fetch.js";

/** Options of the global `fetch` that `Simulation.installGlobals({ fetch })` installs. */
export interface GlobalFetchOptions {
  /** The host on `sim.net` the requests come from (e.g. `"app"`). */
  readonly fromHost: string;
}

/** Error of the global virtual `fetch` for a request it cannot route on the virtual network. */
export class VirtualFetchTargetError extends TypeError {
  /** The URL that was asked for. */
  readonly url: string;
  constructor(url: string, reason: string) {
    super(
      `virtual fetch: ${reason} (${url}); only hosts on sim.net are reachable, never the real network`,
    );
    this.name = "VirtualFetchTargetError";
    this.url = url;
  }
}

function urlOf(input: unknown): string {
  if (typeof input === "string") return input;
  if (input instanceof URL) return input.href;
  if (input instanceof Request) return input.url;
  return String(input);
}

/**
 * Replaces `globalThis.fetch` with a virtual `fetch` (see `createVirtualFetch`) bound to
 * `options.fromHost`, for third-party code that calls the global. A request whose URL is not
 * `http:` or whose host is not on the virtual network (`world.net.hasHost`) rejects with a
 * {@link VirtualFetchTargetError} and traces `fetch.escape`: it never reaches the real network.
 * Disposing the result resets the virtual fetch's connections and restores the original global.
 *
 * @throws TypeError when `options.fromHost` is not a non-empty string.
 */
export function installGlobalFetch(
  world: HttpWorld & { readonly net: { hasHost(host: string): boolean } },
  options: GlobalFetchOptions,
): Disposable {
  if (typeof options?.fromHost !== "string" || options.fromHost === "") {
    throw new TypeError("installGlobals: fetch.fromHost must be a non-empty host name");
  }
  const virtual = createVirtualFetch(world, { fromHost: options.fromHost });
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = Object.getOwnPropertyDescriptor(g, "fetch");
  const guarded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = urlOf(input);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new VirtualFetchTargetError(url, "not an absolute URL");
    }
    const reason =
      parsed.protocol !== "http:"
        ? `protocol ${parsed.protocol} is not simulated (http: only)`
        : world.net.hasHost(parsed.hostname)
          ? undefined
          : `host ${parsed.hostname} is not on the virtual network`;
    if (reason !== undefined) {
      world.trace.record("globals", "fetch.escape", { url });
      throw new VirtualFetchTargetError(url, reason);
    }
    return virtual.fetch(input, init);
  };
  Object.defineProperty(g, "fetch", {
    configurable: true,
    writable: true,
    enumerable: saved?.enumerable ?? true,
    value: guarded,
  });
  let disposed = false;
  return {
    [Symbol.dispose](): void {
      if (disposed) return;
      disposed = true;
      if (saved === undefined) delete g.fetch;
      else Object.defineProperty(g, "fetch", saved);
      // close() only resets connections and fails their requests; it never rejects.
      void virtual.close();
    },
  };
}
