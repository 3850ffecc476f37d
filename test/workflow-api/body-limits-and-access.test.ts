/**
 * Issue #17 item 3: a caller without access cannot make `/workflowapi` read (and hold) a large
 * body. Credentials in the URL or headers are checked before any body is read; a token that can
 * only be in the body is looked for within the body limit; a multipart body is counted as it
 * streams in and refused at the limit, however it is split into parts.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { createAccessControl } from '../../src/access/index.js';
import { capturingLogger, TEST_API_TOKEN } from '../../src/access/testing.js';
import { ManualClock } from '../../src/services/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { startHarness, type Harness } from './harness.js';

const BODY_LIMIT = 256 * 1024;
const BOUNDARY = 'waymarkupload';
const PART_SIZE = 128 * 1024;

/** The Workflow API behind the real access control (its settings in a store of its own). */
async function protectedApi(t: TestContext, mode: 'token' | 'oidc'): Promise<Harness> {
  const settingsStore = await createSqliteStore({ filename: ':memory:' });
  t.after(() => settingsStore.close());
  const { logger } = capturingLogger();
  const access = await createAccessControl({ store: settingsStore, logger, clock: new ManualClock() });
  await access.settings.setApiToken(TEST_API_TOKEN);
  if (mode === 'oidc') await access.settings.setOidcEnabled(true);
  return startHarness(t, { access, bodyLimit: BODY_LIMIT });
}

/**
 * A multipart upload of `partCount` text parts of PART_SIZE bytes each, made only as it is read:
 * `pulled()` says how many bytes the server took. Each part is under the body limit; together
 * they are far over it.
 */
function lazyUpload(partCount: number, fields: Record<string, string> = {}): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  let partIndex = 0;
  const leading = Object.entries(fields)
    .map(([name, value]) => `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
    .join('');
  const filler = Buffer.alloc(PART_SIZE, 'x');
  const stream = new Readable({
    read() {
      let chunk: Buffer | null;
      if (partIndex === 0 && leading !== '') {
        chunk = Buffer.from(leading);
        partIndex = 0.5;
      } else if (partIndex < partCount) {
        partIndex = Math.floor(partIndex) + 1;
        chunk = Buffer.concat([Buffer.from(`--${BOUNDARY}\r\ncontent-disposition: form-data; name="note${partIndex}"\r\n\r\n`), filler, Buffer.from('\r\n')]);
      } else if (partIndex === partCount) {
        partIndex += 1;
        chunk = Buffer.from(`--${BOUNDARY}--\r\n`);
      } else {
        chunk = null;
      }
      if (chunk !== null) pulled += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, pulled: () => pulled };
}

const MULTIPART = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };

test('given token mode, when a large multipart upload carries a wrong token in its URL, then it is refused before its body is read', async (t) => {
  const h = await protectedApi(t, 'token');
  const upload = lazyUpload(500);
  const response = await h.app.inject({ method: 'POST', url: '/workflowapi/loginfo?token=wrong-token-xxxxxxxxxx', headers: MULTIPART, payload: upload.stream });
  // A token-mode refusal answers 200 with the vendor's text (docs/workflow-api.md).
  assert.equal(response.statusCode, 200);
  assert.equal(response.json().success, false);
  assert.equal(response.json().error, "AccessToken is not valid! Check 'token' parameter in the query.");
  assert.ok(upload.pulled() <= PART_SIZE * 2, `the server pulled ${upload.pulled()} bytes of a refused upload`);
});

test('given OpenID Connect mode, when a large multipart upload has no bearer token, then it is refused before its body is read', async (t) => {
  const h = await protectedApi(t, 'oidc');
  const upload = lazyUpload(500);
  const response = await h.app.inject({ method: 'POST', url: '/workflowapi/loginfo', headers: MULTIPART, payload: upload.stream });
  assert.equal(response.statusCode, 401);
  assert.ok(upload.pulled() <= PART_SIZE * 2, `the server pulled ${upload.pulled()} bytes of a refused upload`);
});

test('given token mode, when a multipart upload without any token streams on past the body limit, then reading stops at the limit with 413', async (t) => {
  const h = await protectedApi(t, 'token');
  // 500 parts of 128 KiB: each under the 256 KiB limit, 62.5 MiB together; no Content-Length.
  const upload = lazyUpload(500);
  const response = await h.app.inject({ method: 'POST', url: '/workflowapi/loginfo', headers: MULTIPART, payload: upload.stream });
  assert.equal(response.statusCode, 413);
  assert.equal(response.json().code, 'WM_BODY_TOO_LARGE');
  assert.equal(response.headers.connection, 'close', 'the connection is closed so the rest of the upload is never read');
  assert.ok(upload.pulled() <= BODY_LIMIT + 4 * PART_SIZE, `the server pulled ${upload.pulled()} bytes for a ${BODY_LIMIT}-byte limit`);
});

test('given the right token, when the sum of the parts is over the body limit, then the body is refused with 413', async (t) => {
  const h = await protectedApi(t, 'token');
  const upload = lazyUpload(3);
  const response = await h.app.inject({ method: 'POST', url: `/workflowapi/loginfo?token=${TEST_API_TOKEN}`, headers: MULTIPART, payload: upload.stream });
  assert.equal(response.statusCode, 413);
  assert.equal(h.logLines.some((line) => line.msg === 'upload'), false);
});

test('when a multipart body says it is larger than the limit, then it is refused without reading any of it', async (t) => {
  const h = await protectedApi(t, 'token');
  const upload = lazyUpload(500);
  const response = await h.app.inject({
    method: 'POST',
    url: '/workflowapi/loginfo',
    headers: { ...MULTIPART, 'content-length': String(500 * PART_SIZE) },
    payload: upload.stream,
  });
  assert.equal(response.statusCode, 413);
  assert.equal(upload.pulled(), 0);
});

test('given token mode, when the token is a multipart field of a body within the limit, then the call is accepted', async (t) => {
  const h = await protectedApi(t, 'token');
  const upload = lazyUpload(1, { token: TEST_API_TOKEN, message: 'upload' });
  const response = await h.app.inject({ method: 'POST', url: '/workflowapi/loginfo', headers: MULTIPART, payload: upload.stream });
  assert.equal(response.statusCode, 200, response.body);
  assert.equal(response.json().success, true);
  assert.ok(h.logLines.some((line) => line.msg === 'upload'));
});

test('over real HTTP, an upload past the limit is answered 413 and the connection closed, so the client cannot send it all', async (t) => {
  const h = await protectedApi(t, 'token');
  const address = new URL(await h.app.listen({ port: 0, host: '127.0.0.1' }));
  const uploadSize = 64 * 1024 * 1024;
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let written = 0;
  const answer = await new Promise<{ status: number | undefined; connection: string | undefined; body: string }>((resolve, reject) => {
    const upload = request(
      { host: address.hostname, port: address.port, method: 'POST', path: '/workflowapi/loginfo', headers: { ...MULTIPART, 'transfer-encoding': 'chunked' } },
      (response) => {
        let body = '';
        response.on('data', (data: Buffer) => (body += data.toString('utf8')));
        response.on('end', () => resolve({ status: response.statusCode, connection: response.headers.connection, body }));
      },
    );
    upload.on('error', reject);
    upload.write(`--${BOUNDARY}\r\ncontent-disposition: form-data; name="note"; filename="big.bin"\r\n\r\n`);
    const pump = (): void => {
      while (written < uploadSize) {
        written += chunk.length;
        if (!upload.write(chunk)) {
          upload.once('drain', pump);
          return;
        }
      }
      upload.end(`\r\n--${BOUNDARY}--\r\n`);
    };
    pump();
  });
  assert.equal(answer.status, 413);
  assert.equal(answer.connection, 'close');
  assert.match(answer.body, /WM_BODY_TOO_LARGE/);
  // What the client got into its socket before the answer: the server's buffers, not the upload.
  assert.ok(written < uploadSize / 4, `the client wrote ${written} bytes of ${uploadSize}`);
});
