import { ERROR_CODES, type ErrorCode } from './codes.js';

/** Context that travels with an error: names, ids, the place in a scheme. Never secrets. */
export type ErrorContext = Readonly<Record<string, unknown>>;

/**
 * The one error class of Waymark's domain. `code` is stable; `message` is for people;
 * `context` carries the typed facts (scheme code, process id, element names) a dialect may show.
 */
export class WaymarkError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = 'WaymarkError';
  readonly code: C;
  readonly context: ErrorContext;

  constructor(code: C, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
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

/** One problem found while validating a scheme: where it is, and what is wrong. */
export interface SchemeProblem {
  /** A path into the scheme, e.g. `transitions[3] "ManagerSigning_Approved_1".conditions[0]`. */
  readonly where: string;
  readonly message: string;
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
    super(code, `${head}${text}`, { schemeCode, problems });
    this.problems = problems;
  }
}
