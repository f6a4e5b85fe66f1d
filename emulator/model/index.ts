// Public entry of the SLB model: the simulated service behind the emulator's wire layer.
export { createSlbModel, ACTIONS, DEFAULT_TIMINGS } from "./model";
export type { SlbModelOptions } from "./model";
export { ModelErrors } from "./errors";
export { listenerResourceId } from "./tags";
