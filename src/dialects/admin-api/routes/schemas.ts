/**
 * TypeBox schemas shared by the admin API's route files: they validate requests, shape answers,
 * and become the admin API's OpenAPI document (`/openapi/admin-api.json`).
 */
import { Type, type TSchema } from '@sinclair/typebox';

/** Every admin API error (see admin-error.ts). */
export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: 'The stable WM_… code', examples: ['WM_INPUT_INVALID'] }),
    message: Type.String({ description: 'What went wrong, for people' }),
    problems: Type.Optional(Type.Array(Type.Object({ where: Type.String(), message: Type.String() }))),
  },
  { title: 'Admin API error' },
);

/** The error answers every guarded route may give, for its `response` schema. */
export function errorResponses(...statuses: readonly number[]): Record<number, TSchema> {
  const described: Record<number, string> = {
    400: 'Invalid input (WM_INPUT_INVALID, WM_INPUT_MISSING)',
    401: 'No session or admin credentials (WM_UNAUTHORIZED)',
    403: 'Missing or wrong CSRF token on a change (WM_FORBIDDEN)',
    404: 'Not found',
    409: 'Conflict with the stored state (e.g. WM_SCHEME_IN_USE, WM_CALLBACK_SERVER_EXISTS)',
    413: 'Request body too large (WM_BODY_TOO_LARGE)',
    415: 'Unsupported Content-Type (WM_UNSUPPORTED_MEDIA_TYPE)',
    421: 'The server does not answer to this Host (WM_HOST_NOT_ALLOWED)',
    429: 'Too many failed attempts from this address (WM_RATE_LIMITED)',
    500: 'A fault of the server (WM_INTERNAL); the server log has the details',
  };
  // Any guarded route may answer these: no credentials, no CSRF token, a Host the server does not
  // answer to, too many failed sign-ins, or a fault of the server.
  return Object.fromEntries([...new Set([401, 403, 421, 429, 500, ...statuses])].map((status) => [status, { ...ErrorBody, description: described[status] ?? 'Error' }]));
}

/**
 * Route options for the older admin routes whose handlers read requests themselves (request-values.ts,
 * with the texts their tests assert): the schema describes the route for the OpenAPI document and
 * the API suites' answer check, but neither rejects nor reshapes requests or answers.
 */
export const DESCRIBE_ONLY = {
  validatorCompiler: () => (value: unknown) => ({ value }),
  serializerCompiler: () => (data: unknown) => JSON.stringify(data),
} as const;

/** A count that stops at a bound (see StoreDashboardCounts). */
export function boundedCountSchema(description: string) {
  return Type.Object(
    {
      count: Type.Integer({ minimum: 0, description: 'Exact when atLeast is false; otherwise bound + 1' }),
      atLeast: Type.Boolean({ description: 'True when more exist than were counted ("more than count − 1")' }),
    },
    { description },
  );
}
