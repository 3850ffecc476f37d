/**
 * The one mapping from errors to the admin API's wire format: `{ error: "<WM_ code>", message }`
 * (plus `problems` for scheme errors) with the HTTP status of the code table.
 */
import { SchemeInvalidError, plainHttpStatus, toWaymarkError, type RequestLimits, type SchemeProblem } from '../../errors/index.js';

/** The JSON body of every admin API error (the access guard answers in the same shape). */
export interface AdminErrorBody {
  /** The stable `WM_…` code. */
  readonly error: string;
  /** What went wrong, for people; never a stack trace. */
  readonly message: string;
  /** Every problem found, for scheme errors. */
  readonly problems?: readonly SchemeProblem[];
}

/** What a failed admin API request answers. */
export interface AdminErrorReply {
  readonly status: number;
  readonly body: AdminErrorBody;
}

/**
 * Maps anything thrown by an admin route: the one classifier (`toWaymarkError`) decides the code
 * and hides internals; this keeps the code's status and message (and a scheme error's problems).
 */
export function toAdminErrorReply(thrown: unknown, limits: RequestLimits): AdminErrorReply {
  const error = toWaymarkError(thrown, limits);
  return {
    status: plainHttpStatus(error),
    body: {
      error: error.code,
      message: error.message,
      ...(error instanceof SchemeInvalidError ? { problems: error.problems } : {}),
    },
  };
}
