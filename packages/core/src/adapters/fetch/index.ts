/**
 * `@dsim/core/adapters/fetch`: the refresher's HTTP port over `fetch`.
 */
export { type FetchLike, fetchHttpClient } from "./fetch-http-client.js";
