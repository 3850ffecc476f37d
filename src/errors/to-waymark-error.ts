/**
 * The one classifier from anything thrown while handling a request to a {@link WaymarkError}.
 * Every dialect calls it first and then maps only WaymarkErrors to its wire format, so the same
 * fastify error gets the same code in every dialect.
 */
import { ERROR_CODES } from './codes.js';
import { WaymarkError, isWaymarkError } from './waymark-error.js';

/** What the texts of framework errors name: the limits the server was started with. */
export interface RequestLimits {
  /** Largest request body, in bytes (`WAYMARK_BODY_LIMIT`). */
  readonly bodyLimit: number;
}

/** The codes a framework error can be classified as. */
export type FrameworkErrorCode = 'WM_INPUT_INVALID' | 'WM_INPUT_MISSING' | 'WM_BODY_TOO_LARGE' | 'WM_UNSUPPORTED_MEDIA_TYPE' | 'WM_UNAUTHORIZED' | 'WM_FORBIDDEN' | 'WM_NOT_FOUND';

interface FrameworkRule {
  readonly code: FrameworkErrorCode;
  readonly message: (limits: RequestLimits) => string;
}

/**
 * Fastify's (and @fastify/multipart's) own request errors, by their `code`. Exported for the
 * classifier's table test and the docs; a code missing here falls back to its HTTP status.
 */
export const FRAMEWORK_ERRORS: Readonly<Record<string, FrameworkRule>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'WM_INPUT_INVALID', message: () => 'The request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'WM_INPUT_MISSING', message: () => 'The request body is empty but its Content-Type is application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'WM_INPUT_INVALID', message: () => 'The Content-Length header does not match the body' },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'WM_BODY_TOO_LARGE',
    message: ({ bodyLimit }) => `The request body is larger than the limit of ${bodyLimit} bytes (WAYMARK_BODY_LIMIT)`,
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'WM_UNSUPPORTED_MEDIA_TYPE', message: () => 'The request body has a Content-Type this endpoint does not accept' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { code: 'WM_UNSUPPORTED_MEDIA_TYPE', message: () => 'The request body has a Content-Type this endpoint does not accept' },
  FST_REQ_FILE_TOO_LARGE: { code: 'WM_BODY_TOO_LARGE', message: () => 'A multipart file is larger than this server accepts' },
  FST_PARTS_LIMIT: { code: 'WM_BODY_TOO_LARGE', message: () => 'The multipart body has too many parts' },
  FST_FILES_LIMIT: { code: 'WM_BODY_TOO_LARGE', message: () => 'The multipart body has too many files' },
  FST_FIELDS_LIMIT: { code: 'WM_BODY_TOO_LARGE', message: () => 'The multipart body has too many fields' },
};

/** The text of anything else: internals (stack, paths, SQL) never reach a client. */
export const INTERNAL_ERROR_TEXT = 'Internal error: the server could not complete the request (see the server log)';

interface ThrownShape {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly message?: unknown;
  readonly validation?: unknown;
}

/**
 * Classifies `error`: a WaymarkError stays as it is; a framework error (bad JSON, body too large,
 * wrong media type, multipart limits, schema validation, any other 4xx fastify raises) becomes the
 * matching input code, its context naming the framework code and, for a 4xx the code table does not
 * say, the status; anything else becomes `WM_INTERNAL` with no detail of the original.
 */
export function toWaymarkError(error: unknown, limits: RequestLimits): WaymarkError {
  if (isWaymarkError(error)) return error;
  const thrown = (typeof error === 'object' && error !== null ? error : {}) as ThrownShape;
  const frameworkCode = typeof thrown.code === 'string' ? thrown.code : undefined;
  const rule = frameworkCode === undefined ? undefined : FRAMEWORK_ERRORS[frameworkCode];
  if (rule !== undefined && frameworkCode !== undefined) {
    return new WaymarkError(rule.code, rule.message(limits), { frameworkCode }, { cause: error });
  }
  const message = typeof thrown.message === 'string' && thrown.message !== '' ? thrown.message : ERROR_CODES.WM_INPUT_INVALID.title;
  if (thrown.validation !== undefined) {
    return new WaymarkError('WM_INPUT_INVALID', message, { frameworkCode: frameworkCode ?? 'FST_ERR_VALIDATION' }, { cause: error });
  }
  const status = typeof thrown.statusCode === 'number' ? thrown.statusCode : 500;
  if (status >= 400 && status < 500) {
    // Fastify's own 4xx errors describe the request, not the server: their text is safe to show.
    const code = codeForClientStatus(status);
    return new WaymarkError(code, message, { frameworkCode: frameworkCode ?? 'FST_ERR_CLIENT', httpStatus: status }, { cause: error });
  }
  return new WaymarkError('WM_INTERNAL', INTERNAL_ERROR_TEXT, {}, { cause: error });
}

/**
 * The HTTP status a plain JSON API answers for `error`: the status fastify gave a client error
 * the code table has no code of its own for (405, 406, 431…), else the code table's.
 */
export function plainHttpStatus(error: WaymarkError): number {
  const httpStatus = (error.context as { readonly httpStatus?: unknown }).httpStatus;
  return typeof httpStatus === 'number' ? httpStatus : error.status;
}

function codeForClientStatus(status: number): FrameworkErrorCode {
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

