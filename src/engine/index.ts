/**
 * The workflow engine: pure functions from (compiled scheme, process family, input) to the step
 * to store. No HTTP, no SQL, no clock of its own.
 */
export {
  createInstance,
  executeCommand,
  fireTimer,
  getAvailableCommands,
  recalculateInbox,
  resume,
  setState,
  type AvailableCommand,
} from './operations.js';
export { getAvailableStatesToSet, localize, type StateToSet } from './localization.js';
export { readParameter, writeParameter, isSystemParameter } from './parameter-values.js';
export { armTimersFor, computeTimerDue, timerNamesOf } from './timers.js';
export { DEFAULT_MAX_AUTO_STEPS } from './step.js';
export * from './types.js';
