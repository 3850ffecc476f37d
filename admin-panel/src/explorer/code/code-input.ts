/**
 * What every code generator is given, and the small pieces they share.
 */
import type { ExplorerRequest } from '../request-builder.js';

/** The request to write as code, and a line saying what it does. */
export interface CodeInput {
  readonly request: ExplorerRequest;
  /** E.g. "Create a process instance (Workflow API: createinstance)". */
  readonly title: string;
}

/** Text for a one-line comment: line breaks (which would end the comment) become spaces. */
export function commentText(text: string): string {
  return text.replace(/[\r\n\x85\u2028\u2029]+/g, ' ');
}

/** The headers of a request, with Content-Type first when it has a JSON body. */
export function plainHeaders(request: ExplorerRequest): (readonly [string, string])[] {
  return [...(request.body === undefined ? [] : [['Content-Type', 'application/json'] as const]), ...request.headers];
}

