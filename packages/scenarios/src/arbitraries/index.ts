/** Shared arbitraries for suites. */
export type { SwarmOptions, SwarmProfile } from "./swarm.js";
export { swarmFaults, swarmProfile } from "./swarm.js";
