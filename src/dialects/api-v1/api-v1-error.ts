/**
 * The one mapping from errors to the `/api/v1` wire format: `{ errorCode, message }` with the
 * vendor's statuses — 480 for input and token errors, 401 for insufficient permissions, 404 for
 * unknown models and instances.
 */
import { plainHttpStatus, toWaymarkError, type ErrorCode, type RequestLimits } from '../../errors/index.js';

/** The `errorCode` values of the `/api/v1` dialect (the OpenAPI document lists exactly these). */
export const API_V1_ERROR_CODES = [
  'MissingInput',
  'InvalidInput',
  'InvalidToken',
  'OnlyTenantIdOrOrganizationIdAllowed',
  'ResourceNotFound',
  'Unauthorized',
  'ServiceUnavailable',
  'InternalError',
] as const;

/** One `errorCode` of the `/api/v1` dialect. */
export type ApiV1ErrorCode = (typeof API_V1_ERROR_CODES)[number];

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

/** The codes this dialect answers in its own words; exported for the test that the document lists what the mapping gives. */
export const API_V1_ERROR_BY_CODE: Partial<Record<ErrorCode, { status: number; errorCode: ApiV1ErrorCode }>> = {
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
 * Maps anything thrown by an `/api/v1` route: the one classifier (`toWaymarkError`) decides the
 * code, this maps it. An input error whose context names the rule
 * `OnlyTenantIdOrOrganizationIdAllowed` keeps that errorCode; a code without a row here is a 5xx
 * `InternalError` when its status is one, else InvalidInput.
 */
export function toApiV1ErrorReply(thrown: unknown, limits: RequestLimits): ApiV1ErrorReply {
  const error = toWaymarkError(thrown, limits);
  if (error.code === 'WM_INPUT_INVALID' && error.context.rule === 'OnlyTenantIdOrOrganizationIdAllowed') {
    return { status: INPUT_ERROR_STATUS, body: { errorCode: 'OnlyTenantIdOrOrganizationIdAllowed', message: error.message } };
  }
  const mapped = API_V1_ERROR_BY_CODE[error.code];
  if (mapped) return { status: mapped.status, body: { errorCode: mapped.errorCode, message: error.message } };
  const status = plainHttpStatus(error);
  if (status >= 500) return { status, body: { errorCode: 'InternalError', message: error.message } };
  return { status: INPUT_ERROR_STATUS, body: { errorCode: 'InvalidInput', message: error.message } };
}
