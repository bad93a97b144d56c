/**
 * gRPC metadata (HTTP/2 headers and trailers). Keys are lower-case ASCII; a key may repeat, so every
 * value is a list. Binary keys (`-bin` suffix) carry base64 text.
 */
export type Metadata = Readonly<Record<string, readonly string[]>>;
