/**
 * docs/api-v1.md lists, code by code, what `/api/v1` answers for each Waymark error code: the
 * table must have a row for every code of src/errors/codes.ts, with the status and errorCode the
 * mapping gives, and the errorCode table must name exactly the dialect's errorCodes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { toApiV1ErrorReply } from '../../src/dialects/api-v1/index.js';
import { API_V1_ERROR_CODES } from '../../src/dialects/api-v1/api-v1-error.js';
import { ERROR_CODES, WaymarkError, type ErrorCode } from '../../src/errors/index.js';

const DOC = readFileSync(new URL('../../docs/api-v1.md', import.meta.url), 'utf8');

test('given docs/api-v1.md, then its code-by-code table is what the mapping answers for every code of the table', () => {
  const rows = [...DOC.matchAll(/^\| `(WM_[A-Z_]+)` \| (\d+) \| `([A-Za-z]+)` \|$/gm)].map(([, code, status, errorCode]) => [code, Number(status), errorCode]);
  const expected = (Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => {
    const reply = toApiV1ErrorReply(new WaymarkError(code, 'x'), { bodyLimit: 1 });
    return [code, reply.status, reply.body.errorCode];
  });
  assert.deepEqual(rows, expected);
});

test('given docs/api-v1.md, then its errorCode table names exactly the dialect\'s errorCodes', () => {
  const named = [...DOC.matchAll(/^\| (\d+) \| `([A-Za-z]+)` \|/gm)].map(([, , errorCode]) => errorCode);
  assert.deepEqual([...named].sort(), [...API_V1_ERROR_CODES].sort());
});
