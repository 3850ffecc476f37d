/**
 * Context is typed per code: the typecheck (`npm run typecheck`) is the real test here; each
 * `@ts-expect-error` below fails it if the wrong key were accepted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ErrorContextOf } from './error-context.js';
import { WaymarkError, isWaymarkError } from './waymark-error.js';

test('a code accepts the context keys it names, with their types', () => {
  const error = new WaymarkError('WM_INPUT_INVALID', 'days must be a number', { field: 'days', expected: 'Int32' });
  assert.deepEqual(error.context, { field: 'days', expected: 'Int32' });
  const context: ErrorContextOf<'WM_INSTANCE_NOT_FOUND'> = { processId: 'p1' };
  assert.equal(new WaymarkError('WM_INSTANCE_NOT_FOUND', 'gone', context).context.processId, 'p1');
});

test('a key another code uses, a drifted name or a wrong type does not typecheck', () => {
  // @ts-expect-error -- a request field is `field`, never `parameter`
  new WaymarkError('WM_INPUT_INVALID', 'x', { parameter: 'days' });
  // @ts-expect-error -- `processId` is no key of an input error
  new WaymarkError('WM_INPUT_INVALID', 'x', { processId: 'p1' });
  // @ts-expect-error -- retryAfterSeconds is a number of seconds
  new WaymarkError('WM_RATE_LIMITED', 'x', { retryAfterSeconds: '5' });
  // @ts-expect-error -- a code without context keys takes none
  new WaymarkError('WM_USER_API_BLOCKED', 'x', { userId: 'u1' });
  assert.ok(true);
});

test('an error narrowed to its code reads its context typed', () => {
  const thrown: unknown = new WaymarkError('WM_RATE_LIMITED', 'slow down', { retryAfterSeconds: 30 });
  assert.ok(isWaymarkError(thrown, 'WM_RATE_LIMITED'));
  const seconds: number | undefined = thrown.context.retryAfterSeconds;
  assert.equal(seconds, 30);
});
