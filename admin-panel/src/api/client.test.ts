/**
 * The API client: the CSRF header on changes only, 401 as a lost session (or as an ordinary error
 * for the sign-in form), error bodies as typed errors, and a dead network as a NetworkError.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiClient, withQuery, type ApiClientOptions } from './client';
import { ApiError, NetworkError, SessionExpiredError } from './errors';

interface SentRequest {
  readonly url: string;
  readonly init: RequestInit;
}

function fakeServer(answer: (request: SentRequest) => Response | Promise<Response>) {
  const sent: SentRequest[] = [];
  let expired = 0;
  const options: ApiClientOptions = {
    fetch: async (input, init) => {
      const request = { url: String(input), init: init ?? {} };
      sent.push(request);
      return answer(request);
    },
    csrfToken: () => 'csrf-123',
    onSessionExpired: () => {
      expired += 1;
    },
  };
  return { client: createApiClient(options), sent, expiredCount: () => expired };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

test('given a session, when the panel reads, then no CSRF header is sent; when it changes something, then it is', async () => {
  const { client, sent } = fakeServer(() => json(200, { ok: true }));
  await client.get('/admin/api/access');
  await client.put('/admin/api/access/oidc', { enabled: true });
  await client.delete('/admin/api/access/api-token');
  const headers = sent.map((request) => request.init.headers as Record<string, string>);
  assert.equal(headers[0]?.['x-csrf-token'], undefined);
  assert.equal(headers[1]?.['x-csrf-token'], 'csrf-123');
  assert.equal(headers[1]?.['content-type'], 'application/json');
  assert.equal(sent[1]?.init.body, '{"enabled":true}');
  assert.equal(headers[2]?.['x-csrf-token'], 'csrf-123');
  assert.ok(sent.every((request) => request.init.credentials === 'same-origin'));
});

test('given an expired session, when a request answers 401, then the app is told once and a SessionExpiredError is thrown', async () => {
  const { client, expiredCount } = fakeServer(() => json(401, { error: 'WM_UNAUTHORIZED', message: 'Sign in to the admin area first' }));
  await assert.rejects(client.get('/admin/api/dashboard'), (error) => error instanceof SessionExpiredError && error.status === 401);
  assert.equal(expiredCount(), 1);
});

test('given the sign-in form, when the password is wrong, then the 401 is an ordinary error and the session is not declared lost', async () => {
  const { client, expiredCount } = fakeServer(() => json(401, { error: 'WM_UNAUTHORIZED', message: 'The admin credentials are not valid.' }));
  await assert.rejects(client.post('/admin/login', { password: 'nope' }, { unauthorizedIsError: true }), (error) => {
    assert.ok(error instanceof ApiError && !(error instanceof SessionExpiredError));
    assert.equal(error.code, 'WM_UNAUTHORIZED');
    assert.equal(error.message, 'The admin credentials are not valid.');
    return true;
  });
  assert.equal(expiredCount(), 0);
});

test('given an error answer, then its code, message and problems are kept; a body without them still gives a message', async () => {
  const problems = [{ where: 'activities', message: 'no initial activity' }];
  const refused = fakeServer(() => json(400, { error: 'WM_INPUT_INVALID', message: 'Set the token first.', problems }));
  await assert.rejects(refused.client.put('/admin/api/access/oidc', { enabled: true }), (error) => {
    assert.ok(error instanceof ApiError);
    assert.deepEqual([error.status, error.code, error.message, error.problems], [400, 'WM_INPUT_INVALID', 'Set the token first.', problems]);
    return true;
  });
  const shellError = fakeServer(() => json(404, { statusCode: 404, code: 'WM_NOT_FOUND', error: 'Not found', message: 'No route' }));
  await assert.rejects(shellError.client.get('/nowhere'), (error) => error instanceof ApiError && error.code === 'WM_NOT_FOUND');
  const bare = fakeServer(() => new Response('', { status: 502 }));
  await assert.rejects(bare.client.get('/admin/api/server'), (error) => error instanceof ApiError && error.code === 'HTTP_502' && error.message === 'The server answered 502.');
});

test('given no server, when a request fails to connect, then a NetworkError says what to check', async () => {
  const { client } = fakeServer(() => {
    throw new TypeError('fetch failed');
  });
  await assert.rejects(client.get('/admin/api/server'), (error) => error instanceof NetworkError && /could not be reached/.test(error.message));
});

test('given a 204 or a JSON body, then the answer is undefined or the parsed value', async () => {
  const empty = fakeServer(() => new Response(null, { status: 204 }));
  assert.equal(await empty.client.post('/admin/logout'), undefined);
  const body = fakeServer(() => json(200, { apiToken: null }));
  assert.deepEqual(await body.client.get('/admin/api/access'), { apiToken: null });
});

test('query values are encoded and undefined ones left out', () => {
  assert.equal(withQuery('/admin/api/dashboard/requests', { minutes: 15, skip: undefined }), '/admin/api/dashboard/requests?minutes=15');
  assert.equal(withQuery('/x?a=1', { q: 'a b&c' }), '/x?a=1&q=a+b%26c');
  assert.equal(withQuery('/x', {}), '/x');
});
