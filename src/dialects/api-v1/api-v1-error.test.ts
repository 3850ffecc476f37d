import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WaymarkError } from '../../errors/index.js';
import { toApiV1ErrorReply } from './api-v1-error.js';

const limits = { bodyLimit: 1024 };

test('Waymark errors map to the seed\'s statuses and errorCodes, keeping the message', () => {
  const cases: [WaymarkError, number, string][] = [
    [new WaymarkError('WM_UNAUTHORIZED', 'bad token'), 480, 'InvalidToken'],
    [new WaymarkError('WM_FORBIDDEN', 'no permission'), 401, 'Unauthorized'],
    [new WaymarkError('WM_INPUT_MISSING', 'wfModelId'), 480, 'MissingInput'],
    [new WaymarkError('WM_INPUT_INVALID', 'tenantIds'), 480, 'InvalidInput'],
    [new WaymarkError('WM_INPUT_INVALID', 'both', { rule: 'OnlyTenantIdOrOrganizationIdAllowed' }), 480, 'OnlyTenantIdOrOrganizationIdAllowed'],
    [new WaymarkError('WM_NOT_FOUND', 'model'), 404, 'ResourceNotFound'],
    [new WaymarkError('WM_INSTANCE_NOT_FOUND', 'instance'), 404, 'ResourceNotFound'],
    [new WaymarkError('WM_PARAMETER_TYPE', 'days'), 480, 'InvalidInput'],
    [new WaymarkError('WM_RUNTIME_STOPPED', 'stopped'), 503, 'ServiceUnavailable'],
  ];
  for (const [error, status, errorCode] of cases) {
    assert.deepEqual(toApiV1ErrorReply(error, limits), { status, body: { errorCode, message: error.message } }, error.code);
  }
});

test('framework errors become InvalidInput and unknown errors a 500 without internals', () => {
  const badJson = toApiV1ErrorReply(Object.assign(new Error('x'), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 }), limits);
  assert.deepEqual(badJson, { status: 480, body: { errorCode: 'InvalidInput', message: 'The request body is not valid JSON' } });
  const crash = toApiV1ErrorReply(new TypeError('secret detail at /srv/x.ts'), limits);
  assert.equal(crash.status, 500);
  assert.equal(crash.body.errorCode, 'InternalError');
  assert.ok(!crash.body.message.includes('secret detail'));
});
