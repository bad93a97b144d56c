import { describeMutants } from "./mutant-runner.js";

describeMutants("backoff and connection attempts", [
  "neverResetBackoff",
  "resetBackoffOnAttempt",
  "noJitter",
  "noBackoffWait",
  "noConnectDeadline",
  "deadlineKeepsDialing",
]);
