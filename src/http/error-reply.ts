import { ERROR_CODES, SchemeInvalidError, plainHttpStatus, toWaymarkError, type ErrorCode, type RequestLimits, type SchemeProblem } from '../errors/index.js';

/** The JSON body of an error answered by the HTTP shell (dialects may answer in their own format). */
export interface ErrorReply {
  readonly statusCode: number;
  readonly code: ErrorCode;
  /** The code's short title, e.g. `Invalid input`. */
  readonly error: string;
  /** What went wrong, for people; never a stack trace. */
  readonly message: string;
  /** Every problem found, for scheme errors. */
  readonly problems?: readonly SchemeProblem[];
}

/**
 * The shell's wire format for anything thrown while handling a request: the one classifier
 * (`toWaymarkError`) decides the code, this only shapes `{statusCode, code, error, message}`.
 */
export function toErrorReply(thrown: unknown, limits: RequestLimits): ErrorReply {
  const error = toWaymarkError(thrown, limits);
  const reply: ErrorReply = { statusCode: plainHttpStatus(error), code: error.code, error: ERROR_CODES[error.code].title, message: error.message };
  return error instanceof SchemeInvalidError ? { ...reply, problems: error.problems } : reply;
}
