export { ERROR_CODES, type ErrorCode } from './codes.js';
export {
  WaymarkError,
  SchemeInvalidError,
  isWaymarkError,
  type ErrorContext,
  type SchemeProblem,
} from './waymark-error.js';
export {
  toWaymarkError,
  plainHttpStatus,
  FRAMEWORK_ERRORS,
  INTERNAL_ERROR_TEXT,
  type FrameworkErrorCode,
  type RequestLimits,
} from './to-waymark-error.js';
