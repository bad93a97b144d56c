/** The HTTP/2 frame types the wire tap reads (RFC 9113 §6). */
export const FRAME = { DATA: 0, HEADERS: 1, RST_STREAM: 3, GOAWAY: 7 } as const;

/** One HTTP/2 frame: its 9-byte header and its payload. */
export interface Frame {
  readonly type: number;
  readonly flags: number;
  readonly streamId: number;
  readonly payload: Buffer;
}

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

/**
 * Splits one direction of an HTTP/2 connection into frames, however the bytes are chunked. The
 * client→server direction starts with the connection preface, which is skipped.
 */
export class FrameReader {
  #buffered: Buffer = Buffer.alloc(0);
  #prefaceLeft: number;

  constructor(fromClient: boolean) {
    this.#prefaceLeft = fromClient ? PREFACE.length : 0;
  }

  /** Feeds the next bytes; returns the frames they complete, in order. */
  push(chunk: Buffer): Frame[] {
    let bytes = chunk;
    if (this.#prefaceLeft > 0) {
      const skip = Math.min(this.#prefaceLeft, bytes.length);
      this.#prefaceLeft -= skip;
      bytes = bytes.subarray(skip);
    }
    this.#buffered = Buffer.concat([this.#buffered, bytes]);
    const frames: Frame[] = [];
    while (this.#buffered.length >= 9) {
      const length = this.#buffered.readUIntBE(0, 3);
      if (this.#buffered.length < 9 + length) break;
      frames.push({
        type: this.#buffered.readUInt8(3),
        flags: this.#buffered.readUInt8(4),
        streamId: this.#buffered.readUInt32BE(5) & 0x7fffffff,
        payload: this.#buffered.subarray(9, 9 + length),
      });
      this.#buffered = this.#buffered.subarray(9 + length);
    }
    return frames;
  }
}
