/**
 * The errors the API client throws. Every admin API error body is `{ error: "WM_…", message }`
 * (the shell's own answers use `code`); both become an {@link ApiError} with the same fields.
 */

/** One problem of a refused scheme (`WM_SCHEME_INVALID`). */
export interface ApiProblem {
  readonly where: string;
  readonly message: string;
}

/** The server answered with an error status. */
export class ApiError extends Error {
  override readonly name: string = 'ApiError';
  constructor(
    /** The HTTP status. */
    readonly status: number,
    /** The stable `WM_…` code, or `HTTP_<status>` when the body had none. */
    readonly code: string,
    message: string,
    readonly problems: readonly ApiProblem[] = [],
  ) {
    super(message);
  }
}

/** The session is gone (expired, signed out elsewhere, server restarted): sign in again. */
export class SessionExpiredError extends ApiError {
  override readonly name = 'SessionExpiredError';
  constructor(message = 'Your session has ended. Sign in again to continue.') {
    super(401, 'WM_UNAUTHORIZED', message);
  }
}

/** The request never got an answer (server down, network gone). */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(override readonly cause: unknown) {
    super('The server could not be reached. Check that it is running, then try again.');
  }
}

/** Turns an error answer into an {@link ApiError}, whatever the shape of its body. */
export function errorFromResponse(status: number, body: unknown): ApiError {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const code = [fields.error, fields.code].find((value): value is string => typeof value === 'string' && value.startsWith('WM_')) ?? `HTTP_${status}`;
  const message =
    typeof fields.message === 'string' && fields.message !== ''
      ? fields.message
      : typeof body === 'string' && body.trim() !== '' && body.length < 300
        ? body.trim()
        : `The server answered ${status}.`;
  const problems = Array.isArray(fields.problems)
    ? fields.problems.filter((problem): problem is ApiProblem => typeof problem?.where === 'string' && typeof problem?.message === 'string')
    : [];
  return new ApiError(status, code, message, problems);
}

/** A message for people, whatever was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
