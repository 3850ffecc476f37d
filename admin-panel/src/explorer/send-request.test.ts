import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExplorerRequest } from './request-builder.js';
import { AccessTokenCache, sendRequest, type SendContext } from './send-request.js';

interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch that answers from a script, a clock that moves only when told, and the calls made. */
function fakeServer(answers: ((call: Call) => Response | Promise<Response>)[]) {
  const calls: Call[] = [];
  let now = 1_000;
  const context: SendContext = {
    fetch: (async (url: string, init: RequestInit) => {
      const call = { url, init };
      calls.push(call);
      const answer = answers.shift();
      if (answer === undefined) throw new Error('no more answers');
      now += 25;
      return answer(call);
    }) as typeof fetch,
    now: () => now,
    tokens: new AccessTokenCache(),
  };
  return { context, calls, advance: (ms: number) => (now += ms) };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const grant = { discoveryUrl: 'http://w/.well-known/openid-configuration', tokenEndpoint: 'http://w/connect/token', clientId: 'workflowapi', clientSecret: 's3cret' };
const execute: ExplorerRequest = { api: 'workflowapi', method: 'POST', url: 'http://w/workflowapi/executecommand/p-1', headers: [], body: { command: 'go' } };

test('given a Workflow API call that succeeds, then status, time taken and the envelope are shown, with no error', async () => {
  const server = fakeServer([() => json({ success: true, data: { WasExecuted: true }, error: null, message: null })]);

  const outcome = await sendRequest(execute, server.context);

  assert.deepEqual(outcome, { status: 200, durationMs: 25, body: { success: true, data: { WasExecuted: true }, error: null, message: null } });
  assert.equal(server.calls[0]?.init.body, '{"command":"go"}');
  assert.deepEqual(server.calls[0]?.init.headers, { 'content-type': 'application/json' });
  assert.equal(server.calls[0]?.init.credentials, 'omit');
});

test('given an envelope with success false (HTTP 200), then it is shown as an error with its text and code', async () => {
  const server = fakeServer([() => json({ success: false, data: null, error: 'The command go is not found!', message: 'WM_COMMAND_NOT_FOUND: Command not found' })]);

  const outcome = await sendRequest(execute, server.context);

  assert.equal(outcome.status, 200);
  assert.equal(outcome.error, 'The command go is not found! — WM_COMMAND_NOT_FOUND: Command not found');
});

test('given an /api/v1 error or no answer at all, then the error says so', async () => {
  const v1: ExplorerRequest = { api: 'api-v1', method: 'GET', url: 'http://w/api/v1/workflowModels', headers: [['accusoft-dtm-tenant', 't-1']], bearer: { kind: 'token', token: 'v1' } };
  const server = fakeServer([() => json({ errorCode: 'InvalidToken', message: 'The token is not valid' }, 480), () => Promise.reject(new TypeError('Failed to fetch'))]);

  const refused = await sendRequest(v1, server.context);
  assert.deepEqual([refused.status, refused.error], [480, 'HTTP 480 — InvalidToken: The token is not valid']);
  assert.deepEqual(server.calls[0]?.init.headers, { 'accusoft-dtm-tenant': 't-1', authorization: 'Bearer v1' });
  assert.equal(server.calls[0]?.init.body, undefined);

  const unreachable = await sendRequest(v1, server.context);
  assert.deepEqual([unreachable.status, unreachable.error], [0, 'No answer from the server: Failed to fetch']);
});

test('given OpenID Connect mode, then the page gets a token by the client credentials grant first and reuses it until shortly before it expires', async () => {
  const answer = () => json({ success: true, data: null, error: null, message: null });
  const server = fakeServer([
    () => json({ access_token: 'jwt-1', token_type: 'Bearer', expires_in: 3600 }),
    answer,
    answer,
    () => json({ access_token: 'jwt-2', token_type: 'Bearer', expires_in: 3600 }),
    answer,
  ]);
  const request: ExplorerRequest = { ...execute, bearer: { kind: 'granted', grant } };

  await sendRequest(request, server.context);
  assert.equal(server.calls[0]?.url, 'http://w/connect/token');
  assert.equal(server.calls[0]?.init.body, 'grant_type=client_credentials&client_id=workflowapi&client_secret=s3cret');
  assert.deepEqual(server.calls[1]?.init.headers, { 'content-type': 'application/json', authorization: 'Bearer jwt-1' });

  server.advance(60_000);
  await sendRequest(request, server.context);
  assert.equal(server.calls.length, 3, 'the token is reused');

  server.advance(3600_000 - 60_000);
  await sendRequest(request, server.context);
  assert.equal(server.calls[3]?.url, 'http://w/connect/token', 'a token near its end is not used');
  assert.deepEqual(server.calls[4]?.init.headers, { 'content-type': 'application/json', authorization: 'Bearer jwt-2' });
});

test('given a refused token request, then the call is not made and the refusal is shown', async () => {
  const server = fakeServer([() => json({ error: 'invalid_client', error_description: 'Client authentication failed' }, 401)]);

  const outcome = await sendRequest({ ...execute, bearer: { kind: 'granted', grant } }, server.context);

  assert.deepEqual([outcome.status, outcome.error], [401, 'The token request was refused: Client authentication failed']);
  assert.equal(server.calls.length, 1);
});
