export {
  type FakeHttpRequest,
  type FakeHttpResponse,
  FakeHttpServer,
  type FakeHttpServerOptions,
  type FaultPolicy,
  type RouteHandler,
} from "./fake-http-server.js";
export type {
  BodyFrame,
  EndFrame,
  HeaderField,
  HeadFrame,
  HttpFrame,
  RequestFrame,
} from "./frames.js";
export { HTTP_FAULT_KINDS, type HttpFault } from "./http-faults.js";
export type { HttpWorld } from "./http-world.js";
export { SimHeaders } from "./sim-headers.js";
export {
  SimHttpClient,
  type SimHttpClientOptions,
  type SimHttpResponse,
} from "./sim-http-client.js";
export {
  createVirtualFetch,
  type VirtualFetch,
  type VirtualFetchOptions,
} from "./virtual-fetch.js";
