import { describe, expect, it } from "vitest";
import {
  decodeGrpcMessage,
  readGrpcStatus,
  statusOfHttp,
} from "../../../src/adapters/http2/index.js";

describe("grpc-message percent-decoding", () => {
  it("decodes percent-encoded UTF-8 and leaves plain text alone", () => {
    expect(decodeGrpcMessage("etcdserver: no leader")).toBe("etcdserver: no leader");
    expect(decodeGrpcMessage("a%20b%25c")).toBe("a b%c");
    expect(decodeGrpcMessage("caf%C3%A9 %E2%9C%93")).toBe("café ✓");
  });

  it("is lenient with malformed escapes and invalid UTF-8", () => {
    expect(decodeGrpcMessage("100%")).toBe("100%");
    expect(decodeGrpcMessage("%zz%4")).toBe("%zz%4");
    expect(decodeGrpcMessage("x%FFy")).toBe("x\uFFFDy");
    expect(decodeGrpcMessage("é%21")).toBe("é!");
  });
});

describe("status from trailers", () => {
  it("reads code, decoded details and the remaining metadata", () => {
    expect(
      readGrpcStatus({
        "grpc-status": "5",
        "grpc-message": "etcdserver:%20requested lease not found",
        "x-extra": ["1", "2"],
        ":status": "200",
      }),
    ).toEqual({
      code: 5,
      details: "etcdserver: requested lease not found",
      metadata: { "x-extra": ["1", "2"] },
    });
  });

  it("returns undefined without grpc-status and UNKNOWN for a malformed one", () => {
    expect(readGrpcStatus({ "x-a": "b" })).toBeUndefined();
    expect(readGrpcStatus({ "grpc-status": "abc" })?.code).toBe(2);
    expect(readGrpcStatus({ "grpc-status": ["14", "0"] })?.code).toBe(14);
  });

  it("maps HTTP statuses as PROTOCOL-HTTP2.md says", () => {
    expect(statusOfHttp(404).code).toBe(12);
    expect(statusOfHttp(503).code).toBe(14);
    expect(statusOfHttp(401).code).toBe(16);
    expect(statusOfHttp(500)).toEqual({ code: 2, details: "received HTTP status code 500" });
  });
});
