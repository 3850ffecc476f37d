import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemeInvalidError, WaymarkError } from '../../errors/index.js';
import { toAdminErrorReply } from './admin-error.js';

const limits = { bodyLimit: 4096 };

test('a WaymarkError keeps its code, message and the status of the code table', () => {
  const reply = toAdminErrorReply(new WaymarkError('WM_SCHEME_IN_USE', "Scheme 'A' is used by 3 process instance(s)"), limits);
  assert.deepEqual(reply, { status: 409, body: { error: 'WM_SCHEME_IN_USE', message: "Scheme 'A' is used by 3 process instance(s)" } });
});

test('a scheme error carries every problem', () => {
  const problems = [
    { where: 'activities', message: 'no activity is marked initial' },
    { where: 'transitions[0]', message: 'unknown activity' },
  ];
  const reply = toAdminErrorReply(new SchemeInvalidError('WM_SCHEME_INVALID', problems, 'A'), limits);
  assert.equal(reply.status, 400);
  assert.equal(reply.body.error, 'WM_SCHEME_INVALID');
  assert.deepEqual(reply.body.problems, problems);
});

test('a framework body-limit error names the limit', () => {
  const error = Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
  assert.deepEqual(toAdminErrorReply(error, limits), {
    status: 413,
    body: { error: 'WM_BODY_TOO_LARGE', message: 'The request body is larger than the limit of 4096 bytes (WAYMARK_BODY_LIMIT)' },
  });
});

test('an unexpected error is a 500 that shows nothing of its message', () => {
  const reply = toAdminErrorReply(new Error('password=hunter2 at /srv/app.ts:12'), limits);
  assert.equal(reply.status, 500);
  assert.equal(reply.body.error, 'WM_INTERNAL');
  assert.equal(JSON.stringify(reply.body).includes('hunter2'), false);
});
