import { isIP } from "node:net";
import { UsageError } from "./usage.js";

/** One DNS label: letters, digits and inner hyphens (RFC 1123), at most 63 characters. */
const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/**
 * Parses `dsim serve --host`: an IPv4 or IPv6 address, or a host name such as `localhost`.
 * Dotted numbers that are not an IPv4 address (`999.1.1.1`) are refused here: as a name they
 * would only fail later, when binding, after the fake had started.
 *
 * @throws UsageError naming `--host`.
 */
export function parseHostFlag(text: string | undefined): string {
  if (text === undefined) return "127.0.0.1";
  if (isIP(text) !== 0) return text;
  const labels = text.split(".");
  const numeric = labels.every((label) => /^\d+$/.test(label));
  if (
    text.length === 0 ||
    text.length > 253 ||
    numeric ||
    !labels.every((label) => LABEL.test(label))
  ) {
    throw new UsageError(
      `serve: --host must be an IP address or a host name, got ${JSON.stringify(text)}`,
    );
  }
  return text;
}
