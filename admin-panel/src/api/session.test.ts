/** The session state: the CSRF token, and telling a lost session from a first visit. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiClient } from './client';
import { SessionApi, SessionState } from './session';

function memoryStorage() {
  const values = new Map<string, string>();
  return { getItem: (key: string) => values.get(key) ?? null, setItem: (key: string, value: string) => void values.set(key, value), removeItem: (key: string) => void values.delete(key) };
}

test('given a first visit, when the panel checks the session, then it asks nothing and finds none', async () => {
  const state = new SessionState(memoryStorage());
  let requests = 0;
  const client = createApiClient({ fetch: async () => (requests++, new Response('{}')), csrfToken: () => state.csrfToken(), onSessionExpired: () => undefined });
  assert.equal(await new SessionApi(client, state).current(), null);
  assert.equal(requests, 0);
});

test('given a signed-in browser whose session ended, when the panel checks, then it finds none and knows it was lost', async () => {
  const storage = memoryStorage();
  const state = new SessionState(storage);
  const answers = [
    new Response(JSON.stringify({ authenticated: true, csrfToken: 'c1', expiresAt: '2026-04-01T16:00:00.000Z' }), { headers: { 'content-type': 'application/json' } }),
    new Response(JSON.stringify({ error: 'WM_UNAUTHORIZED', message: 'Not signed in.' }), { status: 401, headers: { 'content-type': 'application/json' } }),
  ];
  const client = createApiClient({ fetch: async () => answers.shift() ?? new Response(null, { status: 500 }), csrfToken: () => state.csrfToken(), onSessionExpired: () => undefined });
  const api = new SessionApi(client, state);
  await api.signIn('right password');
  assert.equal(state.csrfToken(), 'c1');
  assert.equal(await api.current(), null);
  assert.equal(state.signedOut(), true, 'the flag says the session was lost, not never there');
  assert.equal(state.signedOut(), false, 'and only once');
  assert.equal(state.csrfToken(), null);
});
