export { drawUnit, randomBetween, randomInt } from "./draw.js";
export type { Random } from "./random.js";
export { systemRandom } from "./system-random.js";
