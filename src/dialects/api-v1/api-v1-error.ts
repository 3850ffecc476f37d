/**
 * The one mapping from errors to the `/api/v1` wire format: `{ errorCode, message }` with the
 * vendor's statuses — 480 for input and token errors, 401 for insufficient permissions, 404 for
 * unknown models and instances.
 */
import { isWaymarkError, type ErrorCode } from '../../errors/index.js';
import { toErrorReply } from '../../http/error-reply.js';

/** The `errorCode` values of the `/api/v1` dialect. */
export type ApiV1ErrorCode =
  | 'MissingInput'
  | 'InvalidInput'
  | 'InvalidToken'
  | 'OnlyTenantIdOrOrganizationIdAllowed'
  | 'ResourceNotFound'
  | 'Unauthorized'
  | 'ServiceUnavailable'
  | 'InternalError';

/** The JSON body of every `/api/v1` error. */
export interface ApiV1ErrorBody {
  readonly errorCode: ApiV1ErrorCode;
  readonly message: string;
}

/** What a failed `/api/v1` request answers. */
export interface ApiV1ErrorReply {
  readonly status: number;
  readonly body: ApiV1ErrorBody;
}

/** The vendor's status for input and token errors. */
export const INPUT_ERROR_STATUS = 480;

const BY_CODE: Partial<Record<ErrorCode, { status: number; errorCode: ApiV1ErrorCode }>> = {
  WM_UNAUTHORIZED: { status: INPUT_ERROR_STATUS, errorCode: 'InvalidToken' },
  WM_FORBIDDEN: { status: 401, errorCode: 'Unauthorized' },
  WM_COMMAND_NOT_ALLOWED: { status: 401, errorCode: 'Unauthorized' },
  WM_INPUT_MISSING: { status: INPUT_ERROR_STATUS, errorCode: 'MissingInput' },
  WM_COMMAND_PARAMETER_MISSING: { status: INPUT_ERROR_STATUS, errorCode: 'MissingInput' },
  WM_INPUT_INVALID: { status: INPUT_ERROR_STATUS, errorCode: 'InvalidInput' },
  WM_PARAMETER_TYPE: { status: INPUT_ERROR_STATUS, errorCode: 'InvalidInput' },
  WM_PARAMETER_READ_ONLY: { status: INPUT_ERROR_STATUS, errorCode: 'InvalidInput' },
  WM_COMMAND_NOT_FOUND: { status: INPUT_ERROR_STATUS, errorCode: 'InvalidInput' },
  WM_COMMAND_NOT_AVAILABLE: { status: INPUT_ERROR_STATUS, errorCode: 'InvalidInput' },
  WM_INSTANCE_NOT_ACTIVE: { status: INPUT_ERROR_STATUS, errorCode: 'InvalidInput' },
  WM_INSTANCE_CONFLICT: { status: INPUT_ERROR_STATUS, errorCode: 'InvalidInput' },
  WM_BODY_TOO_LARGE: { status: INPUT_ERROR_STATUS, errorCode: 'InvalidInput' },
  WM_UNSUPPORTED_MEDIA_TYPE: { status: INPUT_ERROR_STATUS, errorCode: 'InvalidInput' },
  WM_NOT_FOUND: { status: 404, errorCode: 'ResourceNotFound' },
  WM_INSTANCE_NOT_FOUND: { status: 404, errorCode: 'ResourceNotFound' },
  WM_TENANT_MISMATCH: { status: 404, errorCode: 'ResourceNotFound' },
  WM_SCHEME_NOT_FOUND: { status: 404, errorCode: 'ResourceNotFound' },
  WM_RUNTIME_STOPPED: { status: 503, errorCode: 'ServiceUnavailable' },
};

/**
 * Maps anything thrown by an `/api/v1` route. Waymark errors map by code (an input error whose
 * context names the rule `OnlyTenantIdOrOrganizationIdAllowed` keeps that errorCode); framework
 * errors (bad JSON, body too large) become InvalidInput; anything else is a 500 without details.
 */
export function toApiV1ErrorReply(error: unknown, limits: { readonly bodyLimit: number }): ApiV1ErrorReply {
  if (isWaymarkError(error, 'WM_INPUT_INVALID') && error.context.rule === 'OnlyTenantIdOrOrganizationIdAllowed') {
    return { status: INPUT_ERROR_STATUS, body: { errorCode: 'OnlyTenantIdOrOrganizationIdAllowed', message: error.message } };
  }
  const reply = toErrorReply(error, limits);
  const mapped = BY_CODE[reply.code];
  if (mapped) return { status: mapped.status, body: { errorCode: mapped.errorCode, message: reply.message } };
  if (reply.statusCode >= 500) return { status: reply.statusCode, body: { errorCode: 'InternalError', message: reply.message } };
  return { status: INPUT_ERROR_STATUS, body: { errorCode: 'InvalidInput', message: reply.message } };
}
