export type { LeaseErrorCode } from "./error-codes.js";
