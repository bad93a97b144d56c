import { describeMutants } from "./mutant-runner.js";

describeMutants("RPC admission, retries and addresses", [
  "retryPossiblyProcessed",
  "retryRefusedUnbounded",
  "keepRemovedAddresses",
  "failFastWhileConnecting",
]);
