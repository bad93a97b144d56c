import dns from "node:dns";
import { VirtualSocketError } from "./socket-error.js";
import { virtualIpOf } from "./virtual-hosts.js";

/** One property replacement: `target[key] = value`. */
export type Patch = readonly [target: object, key: string, value: unknown];

/** What the DNS replacement needs from `installSockets`. */
export interface VirtualDnsContext {
  /** The virtual host behind a name or virtual address, or undefined when it is not virtual. */
  virtualHost(hostOrIp: string): string | undefined;
  /** Records a `socket.escape` event. */
  escape(api: string, target: string, reason: string): void;
}

/** The record lookups of `dns` / `dns.promises` / their `Resolver`s, with Node's syscall names. */
const RESOLVE_SYSCALLS: Readonly<Record<string, string>> = {
  resolve: "query",
  resolve4: "queryA",
  resolve6: "queryAaaa",
  resolveAny: "queryAny",
  resolveCaa: "queryCaa",
  resolveCname: "queryCname",
  resolveMx: "queryMx",
  resolveNaptr: "queryNaptr",
  resolveNs: "queryNs",
  resolvePtr: "queryPtr",
  resolveSoa: "querySoa",
  resolveSrv: "querySrv",
  resolveTxt: "queryTxt",
  reverse: "getHostByAddr",
};

type Answer = unknown[] | VirtualSocketError;
type Family4 = { address: string; family: 4 };

/**
 * Replacements for every name-resolving function of `node:dns` (callback, promises and both
 * `Resolver` classes), so real DNS is never asked while sockets are installed:
 * - `lookup` of a virtual host answers its `10.x.y.z` address (`virtualIpOf`); `resolve4` (and
 *   `resolve(host)`/`resolve(host, "A")`) too; `reverse` of such an address answers the host name;
 *   any other record type of a virtual host is `ENODATA`.
 * - A name that is not virtual fails with `ENOTFOUND` and is traced as an escape; so does
 *   `lookupService`.
 */
export function virtualDnsPatches(context: VirtualDnsContext): Patch[] {
  const notFound = (api: string, syscall: string, name: string): VirtualSocketError => {
    context.escape(api, name, "not-virtual");
    return new VirtualSocketError(
      "ENOTFOUND",
      syscall,
      { hostname: name },
      "not a host on the virtual network; real DNS is never used inside the simulation",
    );
  };

  const lookupAnswer = (hostname: unknown): Family4 | VirtualSocketError => {
    const name = String(hostname);
    const host = context.virtualHost(name);
    if (host === undefined) return notFound("dns.lookup", "getaddrinfo", name);
    return { address: virtualIpOf(host), family: 4 };
  };
  const wantsAll = (opts: unknown): boolean =>
    typeof opts === "object" && opts !== null && (opts as { all?: unknown }).all === true;

  const lookup = (hostname: unknown, ...rest: unknown[]): void => {
    const callback = rest[rest.length - 1];
    if (typeof callback !== "function") throw new TypeError("dns.lookup needs a callback");
    const result = lookupAnswer(hostname);
    const all = wantsAll(rest[0]);
    process.nextTick(() => {
      if (result instanceof Error) callback(result);
      else if (all) callback(null, [result]);
      else callback(null, result.address, result.family);
    });
  };
  const lookupPromise = (hostname: unknown, opts?: unknown): Promise<Family4 | Family4[]> => {
    const result = lookupAnswer(hostname);
    if (result instanceof Error) return Promise.reject(result);
    return Promise.resolve(wantsAll(opts) ? [result] : result);
  };

  const answer = (method: string, hostname: unknown, rrtype: unknown): Answer => {
    const name = String(hostname);
    const syscall = RESOLVE_SYSCALLS[method] ?? "query";
    const host = context.virtualHost(name);
    if (host === undefined) return notFound(`dns.${method}`, syscall, name);
    if (method === "reverse") return name === virtualIpOf(host) ? [host] : [];
    const wantsA =
      method === "resolve4" || (method === "resolve" && (rrtype === undefined || rrtype === "A"));
    if (wantsA) return [virtualIpOf(host)];
    return new VirtualSocketError("ENODATA", syscall, { hostname: name });
  };

  const patches: Patch[] = [
    [dns, "lookup", lookup],
    [dns.promises, "lookup", lookupPromise],
  ];
  const lookupService = (address: unknown, ...rest: unknown[]): void => {
    const callback = rest[rest.length - 1];
    const error = notFound("dns.lookupService", "getnameinfo", String(address));
    if (typeof callback === "function") process.nextTick(() => callback(error));
  };
  patches.push([dns, "lookupService", lookupService]);
  patches.push([
    dns.promises,
    "lookupService",
    (address: unknown) =>
      Promise.reject(notFound("dns.lookupService", "getnameinfo", String(address))),
  ]);
  for (const method of Object.keys(RESOLVE_SYSCALLS)) {
    const withCallback = (hostname: unknown, ...rest: unknown[]): void => {
      const callback = rest[rest.length - 1];
      if (typeof callback !== "function") throw new TypeError(`dns.${method} needs a callback`);
      const result = answer(method, hostname, rest.length > 1 ? rest[0] : undefined);
      process.nextTick(() => {
        if (result instanceof Error) callback(result);
        else callback(null, result);
      });
    };
    const withPromise = (hostname: unknown, rrtype?: unknown): Promise<unknown[]> => {
      const result = answer(method, hostname, rrtype);
      return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
    };
    patches.push([dns, method, withCallback], [dns.Resolver.prototype, method, withCallback]);
    patches.push(
      [dns.promises, method, withPromise],
      [dns.promises.Resolver.prototype, method, withPromise],
    );
  }
  return patches;
}
