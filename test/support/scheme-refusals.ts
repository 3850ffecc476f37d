/** Asserts that reading or compiling a scheme is refused, and with which problems. */
import assert from 'node:assert/strict';
import { SchemeInvalidError } from '../../src/errors/index.js';

/**
 * Runs `run`, which must throw a SchemeInvalidError with `code` whose problems include each of
 * `messages`; returns the error for further checks.
 */
export function assertSchemeRefused(run: () => unknown, code: string, ...messages: string[]): SchemeInvalidError {
  let caught: unknown;
  assert.throws(run, (error: unknown) => {
    caught = error;
    return error instanceof SchemeInvalidError && error.code === code;
  });
  const error = caught as SchemeInvalidError;
  const problemMessages = error.problems.map((problem) => problem.message);
  for (const message of messages) assert.ok(problemMessages.includes(message), `missing problem: ${message}\n got: ${problemMessages.join('\n')}`);
  return error;
}
