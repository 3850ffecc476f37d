/**
 * The one table of Waymark's error codes. Every domain error carries one of these codes;
 * each API dialect maps codes to its own wire format in exactly one place.
 *
 * `status` is the HTTP status a plain JSON API would use; dialects may override it
 * (the Workflow API answers 200 with `success:false`, `/api/v1` uses 480 for input errors).
 */
export const ERROR_CODES = {
  WM_INPUT_INVALID: { status: 400, title: 'Invalid input' },
  WM_INPUT_MISSING: { status: 400, title: 'Missing input' },
  WM_BODY_TOO_LARGE: { status: 413, title: 'Request body too large' },
  WM_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Invalid request body type' },
  WM_CONFIG_INVALID: { status: 500, title: 'Invalid configuration' },

  WM_SCHEME_INVALID: { status: 400, title: 'The scheme is not valid' },
  WM_SCHEME_UNSUPPORTED: { status: 400, title: 'The scheme uses something Waymark cannot run' },
  WM_SCHEME_PARSE: { status: 400, title: 'The scheme could not be read' },
  WM_SCHEME_NOT_FOUND: { status: 404, title: 'Scheme not found' },
  WM_SCHEME_IN_USE: { status: 409, title: 'Scheme is in use' },
  WM_EXPRESSION_INVALID: { status: 400, title: 'Expression is not valid' },

  WM_INSTANCE_NOT_FOUND: { status: 404, title: 'Process instance not found' },
  WM_INSTANCE_EXISTS: { status: 409, title: 'Process instance already exists' },
  WM_INSTANCE_CONFLICT: { status: 409, title: 'Process instance was changed concurrently' },
  WM_INSTANCE_NOT_ACTIVE: { status: 409, title: 'Process instance cannot run now' },
  WM_TENANT_MISMATCH: { status: 404, title: 'Process instance belongs to another tenant' },

  WM_COMMAND_NOT_FOUND: { status: 404, title: 'Command not found' },
  WM_COMMAND_NOT_ALLOWED: { status: 403, title: 'Command not allowed for this identity' },
  WM_COMMAND_NOT_AVAILABLE: { status: 409, title: 'Command not available in the current activity' },
  WM_COMMAND_PARAMETER_MISSING: { status: 400, title: 'Required command parameter missing' },
  WM_STATE_NOT_FOUND: { status: 404, title: 'State not found' },
  WM_STATE_NOT_SETTABLE: { status: 409, title: 'State cannot be set' },
  WM_ACTIVITY_NOT_FOUND: { status: 404, title: 'Activity not found' },
  WM_PARAMETER_NOT_FOUND: { status: 404, title: 'Parameter not found' },
  WM_PARAMETER_READ_ONLY: { status: 409, title: 'Parameter is read-only' },
  WM_PARAMETER_TYPE: { status: 400, title: 'Parameter value has the wrong type' },

  WM_AUTO_LOOP_LIMIT: { status: 409, title: 'Automatic transitions did not come to rest' },
  WM_ACTION_FAILED: { status: 502, title: 'An action failed' },
  WM_EXTERNAL_UNAVAILABLE: { status: 502, title: 'No callback server provides this' },
  WM_EXPRESSION_FAILED: { status: 409, title: 'Expression evaluation failed' },
  WM_RUNTIME_STOPPED: { status: 503, title: 'The runtime of this server is stopped' },
  WM_CALLBACK_SERVER_NOT_FOUND: { status: 404, title: 'Callback server not found' },
  WM_CALLBACK_SERVER_EXISTS: { status: 409, title: 'Callback server already exists' },

  WM_USER_NOT_FOUND: { status: 404, title: 'User not found' },
  WM_USER_EXISTS: { status: 409, title: 'User already exists' },
  WM_LOCK_CONFLICT: { status: 409, title: 'The record was changed by someone else (lock mismatch)' },
  WM_USER_API_BLOCKED: { status: 403, title: 'User API blocked' },
  WM_ROLE_REFUSED: { status: 403, title: 'Role cannot be given here' },

  WM_UNAUTHORIZED: { status: 401, title: 'Authentication required' },
  WM_FORBIDDEN: { status: 403, title: 'Not allowed' },
  WM_RATE_LIMITED: { status: 429, title: 'Too many failed attempts' },
  WM_HOST_NOT_ALLOWED: { status: 421, title: 'This server does not answer to that host name' },
  WM_NOT_FOUND: { status: 404, title: 'Not found' },
  WM_INTERNAL: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

/** A stable error code: match on it, never on message text. */
export type ErrorCode = keyof typeof ERROR_CODES;
