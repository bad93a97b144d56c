export {
  type ConnectVirtualSocketOptions,
  connectVirtualSocket,
} from "./connect-virtual-socket.js";
export { type InstallSocketsOptions, installSockets } from "./install-sockets.js";
export { listenVirtualSockets } from "./listen-virtual-sockets.js";
export { serveGrpcJs, type VirtualGrpcServing } from "./serve-grpc-js.js";
export { serveHttp2 } from "./serve-http2.js";
export { type SocketErrorCode, VirtualSocketError } from "./socket-error.js";
export { SOCKETS_OWNER, type SocketWorld } from "./socket-world.js";
export { useVirtualDate, virtualHttpDate } from "./virtual-date.js";
export { hostOfIp, virtualIpOf } from "./virtual-hosts.js";
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  VirtualSocket,
  type VirtualSocketObserver,
  type VirtualSocketStart,
} from "./virtual-socket.js";
