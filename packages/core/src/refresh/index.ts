export type { RefreshErrorCode } from "./error-codes.js";
