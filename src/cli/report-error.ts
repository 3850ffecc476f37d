import { isWaymarkError, SchemeInvalidError } from '../errors/index.js';
import type { CliIo } from './cli-io.js';

/**
 * Prints a failed command's error and returns the exit code (1). Waymark errors show their code,
 * message and every scheme problem; other errors show only their message. Never a stack trace.
 * With `json`, a single `{ "error": … }` document goes to stdout instead, for scripts.
 */
export function reportError(error: unknown, io: CliIo, json: boolean): number {
  if (json) {
    const body = isWaymarkError(error)
      ? {
          code: error.code,
          message: error.message,
          ...(error instanceof SchemeInvalidError ? { problems: error.problems } : {}),
        }
      : { code: 'WM_INTERNAL', message: messageOf(error) };
    io.writeOut(`${JSON.stringify({ error: body }, null, 2)}\n`);
    return 1;
  }
  if (error instanceof SchemeInvalidError) {
    const schemeCode = typeof error.context.schemeCode === 'string' ? ` '${error.context.schemeCode}'` : '';
    const count = error.problems.length;
    io.writeErr(`Error: the scheme${schemeCode} was refused (${error.code}), ${count} problem${count === 1 ? '' : 's'}:\n`);
    for (const problem of error.problems) io.writeErr(`  - ${problem.where}: ${problem.message}\n`);
    return 1;
  }
  if (isWaymarkError(error)) {
    io.writeErr(`Error: ${error.message} (${error.code})\n`);
    return 1;
  }
  io.writeErr(`Error: ${messageOf(error)}\n`);
  return 1;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
