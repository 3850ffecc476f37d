import { ERROR_CODES, isWaymarkError, SchemeInvalidError, type ErrorCode, type SchemeProblem } from '../errors/index.js';

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

interface FrameworkError {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly message?: unknown;
  readonly validation?: unknown;
}

/**
 * Turns anything thrown while handling a request into a safe reply: Waymark errors keep their code
 * and message, framework errors (bad JSON, body too large, wrong media type, schema validation)
 * get a clear message, and anything else becomes a 500 without internal details.
 */
export function toErrorReply(error: unknown, limits: { readonly bodyLimit: number }): ErrorReply {
  if (isWaymarkError(error)) {
    const reply = replyFor(error.code, error.message);
    return error instanceof SchemeInvalidError ? { ...reply, problems: error.problems } : reply;
  }
  const framework = (typeof error === 'object' && error !== null ? error : {}) as FrameworkError;
  const message = typeof framework.message === 'string' ? framework.message : '';
  switch (framework.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return replyFor('WM_INPUT_INVALID', 'The request body is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return replyFor('WM_INPUT_MISSING', 'The request body is empty but its Content-Type is application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return replyFor('WM_BODY_TOO_LARGE', `The request body is larger than the limit of ${limits.bodyLimit} bytes (WAYMARK_BODY_LIMIT)`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return replyFor('WM_UNSUPPORTED_MEDIA_TYPE', 'The request body has a Content-Type this endpoint does not accept');
    default:
      break;
  }
  if (framework.validation !== undefined) return replyFor('WM_INPUT_INVALID', message);
  const status = typeof framework.statusCode === 'number' ? framework.statusCode : 500;
  if (status >= 400 && status < 500) {
    // Fastify's own 4xx errors describe the request, not the server: their text is safe to show.
    return { statusCode: status, ...withoutStatus(replyFor(codeForClientStatus(status), message || ERROR_CODES.WM_INPUT_INVALID.title)) };
  }
  return replyFor('WM_INTERNAL', 'Internal error: the server could not complete the request (see the server log)');
}

function replyFor(code: ErrorCode, message: string): ErrorReply {
  const entry = ERROR_CODES[code];
  return { statusCode: entry.status, code, error: entry.title, message };
}

function withoutStatus(reply: ErrorReply): Omit<ErrorReply, 'statusCode'> {
  const { statusCode: _statusCode, ...rest } = reply;
  return rest;
}

function codeForClientStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return 'WM_UNAUTHORIZED';
    case 403:
      return 'WM_FORBIDDEN';
    case 404:
      return 'WM_NOT_FOUND';
    case 413:
      return 'WM_BODY_TOO_LARGE';
    case 415:
      return 'WM_UNSUPPORTED_MEDIA_TYPE';
    default:
      return 'WM_INPUT_INVALID';
  }
}
