import { describeMutants } from "./mutant-runner.js";

describeMutants("GOAWAY, transports and shutdown", [
  "reconnectOnGoaway",
  "keepDrainingTransport",
  "applyStaleEvents",
  "leakOnClose",
  "ignoreTooManyPings",
  "leaveShutdown",
]);
