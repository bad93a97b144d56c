import { isIPv4 } from "node:net";
import { hashName } from "../kernel/seeded-random.js";

/** Salt of the host-name hash; any constant works, it only has to stay the same. */
const HOST_HASH_SEED = 0x6473696d;

const ipByHost = new Map<string, string>();
const hostByIp = new Map<string, string>();

/**
 * The IPv4 address a virtual host appears under to socket code (`remoteAddress`, DNS lookups):
 * an IPv4 literal is itself; a name maps to `10.x.y.z` derived from a hash of the name, so the same
 * name has the same address in every run and every process.
 *
 * @throws Error when two names hash to the same address (rename one host).
 */
export function virtualIpOf(host: string): string {
  if (isIPv4(host)) return host;
  const known = ipByHost.get(host);
  if (known !== undefined) return known;
  const h = hashName(HOST_HASH_SEED, host);
  // 10.0.0.0/8, skipping .0 and .255 in the last octet so the address looks like a host.
  const ip = `10.${(h >>> 16) & 0xff}.${(h >>> 8) & 0xff}.${1 + ((h & 0xff) % 254)}`;
  const other = hostByIp.get(ip);
  if (other !== undefined && other !== host) {
    throw new Error(
      `virtual hosts "${other}" and "${host}" map to the same address ${ip}; rename one of them`,
    );
  }
  ipByHost.set(host, ip);
  hostByIp.set(ip, host);
  return ip;
}

/** The virtual host name behind an address made by {@link virtualIpOf}, else the input itself. */
export function hostOfIp(hostOrIp: string): string {
  return hostByIp.get(hostOrIp) ?? hostOrIp;
}
