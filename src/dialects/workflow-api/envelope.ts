/**
 * The Workflow API envelope `{success, data, error, message}` and the one mapping from errors to it.
 *
 * HTTP status: 200 for success, for every domain error (`success:false`) and for a refused API
 * token, because existing clients test `response.success` (and .NET clients call
 * `EnsureSuccessStatusCode()` before reading the body, as the vendor checks the token inside its
 * handler); 401 when an OpenID Connect bearer token is refused (the vendor's bearer middleware
 * does that); 404 for a URL under `/workflowapi` that is no operation's; 429 (with Retry-After) for a
 * client refused after too many wrong tokens; 413 for an oversized body; 500 (with no stack) only for a fault of Waymark itself.
 */
import { toWaymarkError, type ErrorCode, type RequestLimits, type WaymarkError } from '../../errors/index.js';
import { ErrorTexts } from './request-parameters.js';

/** Every Workflow API response body. */
export interface Envelope {
  readonly success: boolean;
  readonly data: unknown;
  readonly error: string | null;
  readonly message: string | null;
}

/**
 * A failed answer: the vendor's fields, plus Waymark's stable error code (`WM_…`), which clients
 * written for the vendor ignore and Waymark's own clients match on.
 */
export interface FailureEnvelope extends Envelope {
  readonly success: false;
  readonly data: null;
  readonly error: string;
  readonly code: ErrorCode;
}

/** What a failed request answers. */
export interface EnvelopeFailure {
  readonly status: number;
  readonly body: FailureEnvelope;
  /** For a client refused after too many wrong tokens: the seconds to send as Retry-After. */
  readonly retryAfterSeconds?: number;
}

/** A successful envelope. */
export function successEnvelope(data: unknown = null, message: string | null = null): Envelope {
  return { success: true, data: data === undefined ? null : data, error: null, message };
}

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  WM_UNAUTHORIZED: 401,
  WM_BODY_TOO_LARGE: 413,
  WM_RATE_LIMITED: 429,
  WM_INTERNAL: 500,
};

/**
 * Errors whose text the services word for every dialect, shown here as the vendor words them.
 * The services' own text becomes the `message` (the human detail).
 */
const VENDOR_TEXT_BY_CODE: Partial<Record<ErrorCode, string>> = {
  WM_TENANT_MISMATCH: ErrorTexts.tenantMismatch,
  WM_ROLE_REFUSED: ErrorTexts.adminRoleRefused,
};

/**
 * Framework errors the vendor words its own way (the code is the classifier's; only the text is
 * the vendor's, with no detail, as the vendor answers them).
 */
const VENDOR_TEXT_OF_FRAMEWORK_ERROR: Partial<Record<ErrorCode, string>> = {
  WM_UNSUPPORTED_MEDIA_TYPE: ErrorTexts.invalidBodyType,
};

/**
 * The one mapping from any error to the Workflow API's wire format:
 * - `error`: the text a client shows, the vendor's wording where it has one;
 * - `message`: the human detail, or null (as the vendor's, a client shows `message ?? error`):
 *   the error's `detail` context (which ids failed, for example), or Waymark's own wording when
 *   `error` carries the vendor's;
 * - `code`: the stable Waymark code, e.g. `WM_INSTANCE_NOT_FOUND`, to match on instead of text.
 */
export function toEnvelopeFailure(error: unknown, limits: RequestLimits): EnvelopeFailure {
  const domain = toWaymarkError(error, limits);
  const frameworkText = domain.context.frameworkCode === undefined ? undefined : VENDOR_TEXT_OF_FRAMEWORK_ERROR[domain.code];
  if (frameworkText !== undefined) {
    return { status: STATUS_BY_CODE[domain.code] ?? 200, body: { success: false, data: null, error: frameworkText, message: null, code: domain.code } };
  }
  const refusedToken = isTokenRefusal(domain);
  const status = refusedToken ? 200 : (STATUS_BY_CODE[domain.code] ?? (domain.context.routeNotFound === true ? 404 : 200));
  const vendorText = refusedToken ? tokenRefusalText(domain) : VENDOR_TEXT_BY_CODE[domain.code];
  const retryAfterSeconds = domain.context.retryAfterSeconds;
  const detail = typeof domain.context.detail === 'string' ? domain.context.detail : null;
  return {
    status,
    body: {
      success: false,
      data: null,
      error: vendorText ?? domain.message,
      message: detail ?? (vendorText !== undefined && !refusedToken ? domain.message : null),
      code: domain.code,
    },
    ...(typeof retryAfterSeconds === 'number' ? { retryAfterSeconds } : {}),
  };
}

/** A refusal of the `token` field (the API token mode), as the access check marks it. */
function isTokenRefusal(error: WaymarkError): boolean {
  return error.code === 'WM_UNAUTHORIZED' && error.context.credential === 'token';
}

function tokenRefusalText(error: WaymarkError): string {
  return error.context.reason === 'missing' ? ErrorTexts.accessTokenMissing : ErrorTexts.accessTokenInvalid;
}
