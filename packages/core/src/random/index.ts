export type { Random } from "./random.js";
