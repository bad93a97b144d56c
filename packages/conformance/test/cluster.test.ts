import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EtcdCluster } from "./helpers/etcd-cluster.js";

let cluster: EtcdCluster;
beforeAll(async () => {
  cluster = await EtcdCluster.start();
});
afterAll(async () => {
  await cluster?.close();
});

describe("the etcd cluster harness", () => {
  it("starts 3 members on loopback with one agreed leader", async () => {
    expect(cluster.members).toHaveLength(3);
    for (const address of cluster.clientAddresses) expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    const leader = await cluster.leader();
    expect(cluster.members).toContain(leader);
  });
});
