/** HTTP/2 frame type of GOAWAY (RFC 9113 §6.8). */
const GOAWAY = 0x7;
const HEADER_BYTES = 9;

/**
 * Reads the HTTP/2 frames a server writes to one connection (a byte stream cut anywhere) and
 * remembers whether a GOAWAY was among them: what the client will have been told, seen from
 * outside the server.
 */
export class FrameWatcher {
  #pending: Buffer = Buffer.alloc(0);
  /** Frame types written so far, in order. */
  readonly types: number[] = [];

  /** Feeds bytes the server wrote. */
  push(chunk: Uint8Array): void {
    this.#pending = Buffer.concat([this.#pending, chunk]);
    while (this.#pending.length >= HEADER_BYTES) {
      const length = this.#pending.readUIntBE(0, 3);
      if (this.#pending.length < HEADER_BYTES + length) return;
      this.types.push(this.#pending.readUInt8(3));
      this.#pending = this.#pending.subarray(HEADER_BYTES + length);
    }
  }

  /** True once a complete GOAWAY frame was written. */
  get sawGoaway(): boolean {
    return this.types.includes(GOAWAY);
  }
}
