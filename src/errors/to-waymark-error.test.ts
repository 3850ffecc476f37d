import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FRAMEWORK_ERRORS, INTERNAL_ERROR_TEXT, plainHttpStatus, toWaymarkError } from './to-waymark-error.js';
import { WaymarkError } from './waymark-error.js';

const limits = { bodyLimit: 2048 };

/** An error as fastify (or @fastify/multipart) raises it: a code, a status, a text. */
function frameworkError(code: string, statusCode: number, message = 'framework text'): Error {
  return Object.assign(new Error(message), { code, statusCode });
}

test('every framework code the classifier knows maps to its Waymark code and text', () => {
  const expected: Record<string, [string, string]> = {
    FST_ERR_CTP_INVALID_JSON_BODY: ['WM_INPUT_INVALID', 'The request body is not valid JSON'],
    FST_ERR_CTP_EMPTY_JSON_BODY: ['WM_INPUT_MISSING', 'The request body is empty but its Content-Type is application/json'],
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['WM_INPUT_INVALID', 'The Content-Length header does not match the body'],
    FST_ERR_CTP_BODY_TOO_LARGE: ['WM_BODY_TOO_LARGE', 'The request body is larger than the limit of 2048 bytes (WAYMARK_BODY_LIMIT)'],
    FST_ERR_CTP_INVALID_MEDIA_TYPE: ['WM_UNSUPPORTED_MEDIA_TYPE', 'The request body has a Content-Type this endpoint does not accept'],
    FST_INVALID_MULTIPART_CONTENT_TYPE: ['WM_UNSUPPORTED_MEDIA_TYPE', 'The request body has a Content-Type this endpoint does not accept'],
    FST_REQ_FILE_TOO_LARGE: ['WM_BODY_TOO_LARGE', 'A multipart file is larger than this server accepts'],
    FST_PARTS_LIMIT: ['WM_BODY_TOO_LARGE', 'The multipart body has too many parts'],
    FST_FILES_LIMIT: ['WM_BODY_TOO_LARGE', 'The multipart body has too many files'],
    FST_FIELDS_LIMIT: ['WM_BODY_TOO_LARGE', 'The multipart body has too many fields'],
  };
  assert.deepEqual(Object.keys(FRAMEWORK_ERRORS).sort(), Object.keys(expected).sort(), 'the table and this test list the same codes');
  for (const [frameworkCode, [code, message]] of Object.entries(expected)) {
    const error = toWaymarkError(frameworkError(frameworkCode, 400), limits);
    assert.deepEqual([error.code, error.message, error.context], [code, message, { frameworkCode }], frameworkCode);
  }
});

test('a schema validation error is invalid input with fastify\'s text', () => {
  const validation = Object.assign(new Error('body/name must be string'), { code: 'FST_ERR_VALIDATION', statusCode: 400, validation: [] });
  const error = toWaymarkError(validation, limits);
  assert.deepEqual([error.code, error.message, error.context], ['WM_INPUT_INVALID', 'body/name must be string', { frameworkCode: 'FST_ERR_VALIDATION' }]);
});

test('any other 4xx fastify raises keeps its status and text, with a code for its status', () => {
  const cases: [number, string][] = [
    [401, 'WM_UNAUTHORIZED'],
    [403, 'WM_FORBIDDEN'],
    [404, 'WM_NOT_FOUND'],
    [413, 'WM_BODY_TOO_LARGE'],
    [415, 'WM_UNSUPPORTED_MEDIA_TYPE'],
    [400, 'WM_INPUT_INVALID'],
    [405, 'WM_INPUT_INVALID'],
    [431, 'WM_INPUT_INVALID'],
  ];
  for (const [status, code] of cases) {
    const error = toWaymarkError(frameworkError('FST_ERR_SOMETHING', status, 'what fastify says'), limits);
    assert.deepEqual([error.code, error.message, plainHttpStatus(error)], [code, 'what fastify says', status], String(status));
  }
});

test('anything else is WM_INTERNAL with no detail of the original', () => {
  for (const thrown of [new TypeError('secret at /srv/app.ts:12'), new SyntaxError('Unexpected token'), 'a string', null, frameworkError('FST_X', 500, 'db password')]) {
    const error = toWaymarkError(thrown, limits);
    assert.deepEqual([error.code, error.message, error.context, plainHttpStatus(error)], ['WM_INTERNAL', INTERNAL_ERROR_TEXT, {}, 500]);
  }
});

test('a Waymark error is returned as it is', () => {
  const error = new WaymarkError('WM_SCHEME_IN_USE', 'in use');
  assert.equal(toWaymarkError(error, limits), error);
  assert.equal(plainHttpStatus(error), 409);
});
