export { ERROR_CODES, type ErrorCode } from './codes.js';
export type { ErrorContext, ErrorContextKeys, ErrorContextOf } from './error-context.js';
export type { SchemeProblem } from './scheme-problem.js';
export { WaymarkError, SchemeInvalidError, isWaymarkError } from './waymark-error.js';
export {
  toWaymarkError,
  plainHttpStatus,
  FRAMEWORK_ERRORS,
  INTERNAL_ERROR_TEXT,
  type FrameworkErrorCode,
  type RequestLimits,
} from './to-waymark-error.js';
