import { describeValue } from "../validate.js";
import { RefreshError } from "./refresh-error.js";

/**
 * Longest header value the parsers read: 8 KiB, the order of the limits HTTP stacks apply to a
 * whole header section (Node's default `maxHeaderSize` is 16 KiB). A caching header is a few dozen
 * characters; a longer one is hostile or broken, and refusing it keeps each parse bounded.
 */
export const MAX_HEADER_VALUE_LENGTH = 8_192;

/**
 * Checks that a header value handed to a parser is a string within
 * {@link MAX_HEADER_VALUE_LENGTH}.
 *
 * @param what - the header or syntax, for the message (e.g. `"Cache-Control"`).
 * @throws RefreshError `HEADER_INVALID` naming what is wrong.
 */
export function checkHeaderValue(what: string, value: unknown): string {
  if (typeof value !== "string") {
    throw new RefreshError(
      "HEADER_INVALID",
      `${what} value must be a string, got ${describeValue(value)}`,
    );
  }
  if (value.length > MAX_HEADER_VALUE_LENGTH) {
    throw new RefreshError(
      "HEADER_INVALID",
      `${what} value is ${value.length} characters, over the ${MAX_HEADER_VALUE_LENGTH}-character header value limit`,
    );
  }
  return value;
}
