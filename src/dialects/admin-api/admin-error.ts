/**
 * The one mapping from errors to the admin API's wire format: `{ error: "<WM_ code>", message }`
 * (plus `problems` for scheme errors) with the HTTP status of the code table.
 */
import type { SchemeProblem } from '../../errors/index.js';
import { toErrorReply } from '../../http/error-reply.js';

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
 * Maps anything thrown by an admin route: Waymark errors keep their code, status and message;
 * framework errors (bad JSON, body too large, unsupported media type) get a clear message; any
 * other error becomes a 500 without internal details.
 */
export function toAdminErrorReply(error: unknown, limits: { readonly bodyLimit: number }): AdminErrorReply {
  // The shell's reply already classifies framework errors and hides internals; only the shape differs.
  const reply = toErrorReply(error, limits);
  return {
    status: reply.statusCode,
    body: {
      error: reply.code,
      message: reply.message,
      ...(reply.problems === undefined ? {} : { problems: reply.problems }),
    },
  };
}
