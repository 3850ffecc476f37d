/**
 * The workflow engine: pure functions from (compiled scheme, process family, input) to the step
 * to store. No HTTP, no SQL, no clock of its own: time is `ctx.now`, subprocess ids come from
 * `ctx.newId`, and nothing passed in is changed.
 *
 * How a step ends when something goes wrong:
 * - Caller errors are thrown before anything changes (unknown/unavailable/not allowed command,
 *   missing command parameter, read-only or mistyped parameter, unknown state or activity, and
 *   errors while evaluating a command's own conditions).
 * - Failures after the step has moved the process (an action fails, a later condition cannot be
 *   evaluated, timers cannot be armed) are not thrown: the instance goes to status Error in the
 *   activity it reached, with `errorMessage` saying why, and the StepResult carries that state so
 *   the store records it. `resume` retries from there.
 * - Auto loop guard: more than `ctx.maxAutoSteps` (default 1000) Auto transitions in one step put
 *   the moving instance in Error in its current activity with the message
 *   `Automatic transitions did not come to rest after N steps; cycle: A → B → A`.
 *
 * Actions and conditions other than SetParameter, RemoveParameter, the loop actions, CheckParameter,
 * LoopIsNotCompletedAndBroken and CheckAllSubprocessesCompleted go to `ctx.external` — including
 * HTTPRequest, CheckHTTPRequest and the file actions, which the runtime provides there.
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
