/**
 * One classifier (src/errors/to-waymark-error.ts) decides the code of a framework error for every
 * dialect: the shell, the admin API and the Workflow API answer the same `WM_…` code for the same
 * fastify error, and `/api/v1` answers the errorCode its mapping gives that code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toAdminErrorReply } from '../../src/dialects/admin-api/index.js';
import { toApiV1ErrorReply } from '../../src/dialects/api-v1/index.js';
import { toEnvelopeFailure } from '../../src/dialects/workflow-api/index.js';
import { FRAMEWORK_ERRORS, WaymarkError, type ErrorCode } from '../../src/errors/index.js';
import { toErrorReply } from '../../src/http/index.js';
import { startApiV1Harness } from './harness.js';

const limits = { bodyLimit: 4096 };

function apiV1ErrorCodeOf(code: ErrorCode): string {
  return toApiV1ErrorReply(new WaymarkError(code, 'x'), limits).body.errorCode;
}

test('given any framework error, then every dialect answers the code the classifier gives it', () => {
  const thrown: Error[] = [
    ...Object.keys(FRAMEWORK_ERRORS).map((code) => Object.assign(new Error('fastify text'), { code, statusCode: 400 })),
    Object.assign(new Error('body/name must be string'), { code: 'FST_ERR_VALIDATION', statusCode: 400, validation: [] }),
    ...[400, 401, 403, 404, 405, 413, 415].map((statusCode) => Object.assign(new Error('fastify text'), { code: 'FST_ERR_OTHER', statusCode })),
    new TypeError('an internal fault'),
  ];
  for (const error of thrown) {
    const label = `${(error as { code?: string }).code ?? error.name} ${(error as { statusCode?: number }).statusCode ?? ''}`;
    const shell = toErrorReply(error, limits);
    assert.equal(toAdminErrorReply(error, limits).body.error, shell.code, label);
    assert.equal(toAdminErrorReply(error, limits).status, shell.statusCode, label);
    assert.equal(toEnvelopeFailure(error, limits).body.code, shell.code, label);
    assert.equal(toApiV1ErrorReply(error, limits).body.errorCode, apiV1ErrorCodeOf(shell.code), label);
  }
});

test('given malformed JSON sent to each dialect of a full server, then each answers the same code in its own format', async (t) => {
  const h = await startApiV1Harness(t);
  const token = await h.tokenFor(h.orgA.groups[0].id);
  const malformed = { method: 'POST' as const, headers: { 'content-type': 'application/json' }, payload: '{"a": ' };

  const workflowApi = await h.app.inject({ ...malformed, url: '/workflowapi/isexistprocess/7d1b3c2e-5a4f-4e3d-9c8b-1a2b3c4d5e6f' });
  const adminApi = await h.admin({ ...malformed, url: '/admin/api/schemes' });
  const apiV1 = await h.call(token, { ...malformed, url: '/api/v1/workflowInstances' });

  assert.deepEqual([workflowApi.statusCode, workflowApi.json().success, workflowApi.json().code], [200, false, 'WM_INPUT_INVALID']);
  assert.deepEqual([adminApi.statusCode, adminApi.json().error], [400, 'WM_INPUT_INVALID']);
  assert.deepEqual([apiV1.statusCode, apiV1.json().errorCode], [480, apiV1ErrorCodeOf('WM_INPUT_INVALID')]);
  assert.equal(adminApi.json().message, workflowApi.json().error, 'one text for one framework error');
  assert.equal(apiV1.json().message, workflowApi.json().error);
});
