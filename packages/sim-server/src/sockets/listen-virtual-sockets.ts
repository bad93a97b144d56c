import type { VirtualListener } from "../net/contracts.js";
import type { SocketWorld } from "./socket-world.js";
import { VirtualSocket } from "./virtual-socket.js";

/**
 * Listens on `address` (`"host:port"`) of `world`'s network and hands every accepted connection to
 * `onSocket` as a {@link VirtualSocket} (already connected). Close the returned listener to stop
 * accepting; accepted sockets are unaffected.
 */
export function listenVirtualSockets(
  world: SocketWorld,
  address: string,
  onSocket: (socket: VirtualSocket) => void,
): VirtualListener<Buffer> {
  if (typeof onSocket !== "function") {
    throw new TypeError("listenVirtualSockets needs an onSocket function");
  }
  return world.net.listen<Buffer>(address, (connection) => {
    onSocket(new VirtualSocket(world, { kind: "accepted", connection }));
  });
}
