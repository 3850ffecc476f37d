import { ERROR_CODES, type ErrorCode } from './codes.js';
import type { ErrorContextOf } from './error-context.js';
import type { SchemeProblem } from './scheme-problem.js';

/**
 * The one error class of Waymark's domain. `code` is stable; `message` is for people;
 * `context` carries the facts (scheme code, process id, element names) a dialect may show, typed
 * per code: `new WaymarkError('WM_INPUT_INVALID', text, { field: 'days' })` is checked against
 * the keys of `ErrorContextOf<'WM_INPUT_INVALID'>`.
 */
export class WaymarkError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = 'WaymarkError';
  readonly code: C;
  /** For one code, its keys; for any code (`WaymarkError`), every key with its one type. */
  readonly context: ErrorContextOf<C>;

  constructor(code: C, message: string, context: ErrorContextOf<C> = {} as ErrorContextOf<C>, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.context = context;
  }

  /** The HTTP status a plain JSON API would use for this code. */
  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

/** True when `error` is a WaymarkError, optionally of one of the given codes. */
export function isWaymarkError<C extends ErrorCode>(
  error: unknown,
  ...codes: C[]
): error is WaymarkError<C> {
  return error instanceof WaymarkError && (codes.length === 0 || codes.includes(error.code as C));
}

/** Raised by scheme import/compile with every problem found, not just the first. */
export class SchemeInvalidError extends WaymarkError<'WM_SCHEME_INVALID' | 'WM_SCHEME_UNSUPPORTED' | 'WM_SCHEME_PARSE'> {
  readonly problems: readonly SchemeProblem[];
  constructor(
    code: 'WM_SCHEME_INVALID' | 'WM_SCHEME_UNSUPPORTED' | 'WM_SCHEME_PARSE',
    problems: readonly SchemeProblem[],
    schemeCode?: string,
  ) {
    const head = schemeCode ? `Scheme '${schemeCode}': ` : '';
    const text = problems.map((p) => `${p.where}: ${p.message}`).join('; ');
    super(code, `${head}${text}`, { ...(schemeCode === undefined ? {} : { schemeCode }), problems });
    this.problems = problems;
  }
}
