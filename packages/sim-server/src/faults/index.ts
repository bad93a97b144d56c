/** Fault drivers: fault plans as data, executed on the world's clock. */
export {
  FaultSchedule,
  type FaultStarter,
  type FaultWorld,
  type TimedFault,
} from "./fault-schedule.js";
export { type HttpOutage, startHttpOutage } from "./http-outage.js";
export { type NetFault, startNetFault } from "./net-faults.js";
