export { ERROR_CODES, type ErrorCode } from './codes.js';
export {
  WaymarkError,
  SchemeInvalidError,
  isWaymarkError,
  type ErrorContext,
  type SchemeProblem,
} from './waymark-error.js';
