import { createServer } from "node:net";

/**
 * Asks the kernel for `count` distinct free TCP ports on 127.0.0.1 (bind to port 0, read, close).
 * All listeners stay open until every port is known, so the ports are distinct; another process
 * could still take one before etcd binds it, which the cluster start reports as a failure.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen(0, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no TCP address");
    return address.port;
  });
  await Promise.all(
    servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
  return ports;
}
