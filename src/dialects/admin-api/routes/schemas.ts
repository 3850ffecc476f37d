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
    429: 'Too many failed attempts from this address (WM_RATE_LIMITED)',
  };
  return Object.fromEntries([401, 403, ...statuses].map((status) => [status, { ...ErrorBody, description: described[status] ?? 'Error' }]));
}

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
