import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    // Each file starts its own etcd cluster with 50 ms heartbeats; running them one at a time
    // keeps a 2-core CI machine from starving the members into spurious elections.
    fileParallelism: false,
    testTimeout: 45_000,
    hookTimeout: 60_000,
  },
});
