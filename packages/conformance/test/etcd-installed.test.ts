import { describe, expect, it } from "vitest";
import { etcdBinary } from "./helpers/etcd-binary.js";

// Without hooks, so that a missing etcd shows up as one plainly failed test (the other files then
// fail in their beforeAll with the same message); the suite never skips.
describe("prerequisites", () => {
  it("an etcd server binary is installed (else run scripts/etcd/ensure-etcd.sh)", () => {
    const { version } = etcdBinary();
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
