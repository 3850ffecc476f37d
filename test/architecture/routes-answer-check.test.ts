/**
 * The answer check the API suites' harnesses run (test/support/documented-responses.ts) finds
 * what it is for: a field of the wrong type, an undocumented status, a JSON answer where none is
 * documented; and leaves alone what no document describes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { responseMismatch } from '../support/documented-responses.js';

const document = {
  paths: {
    '/things/{id}': {
      get: {
        responses: {
          200: { content: { 'application/json': { schema: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } } } },
          204: { description: 'Nothing' },
        },
      },
    },
  },
};

function answer(statusCode: number, body: unknown): LightMyRequestResponse {
  const text = body === undefined ? '' : JSON.stringify(body);
  return { statusCode, body: text, headers: { 'content-type': 'application/json; charset=utf-8' } } as unknown as LightMyRequestResponse;
}

test('given an answer that matches its document, then nothing is wrong', () => {
  assert.equal(responseMismatch([document], 'GET', '/things/a1?x=1', answer(200, { id: 'a1', extra: true })), null);
  assert.equal(responseMismatch([document], 'GET', '/things/a1', answer(204, undefined)), null);
});

test('given a wrong type, an undocumented status or an undocumented JSON body, then the mismatch is named', () => {
  assert.match(responseMismatch([document], 'GET', '/things/a1', answer(200, { id: 7 })) ?? '', /GET \/things\/\{id\} → 200: data\/id must be string/);
  assert.match(responseMismatch([document], 'GET', '/things/a1', answer(418, { id: 'a1' })) ?? '', /the status is not documented/);
  assert.match(responseMismatch([document], 'GET', '/things/a1', answer(204, { id: 'a1' })) ?? '', /a JSON answer where the document gives none/);
});

test('given a URL no document describes, then the answer is not checked (the route table test covers routes)', () => {
  assert.equal(responseMismatch([document], 'GET', '/elsewhere', answer(200, { id: 7 })), null);
  assert.equal(responseMismatch([document], 'POST', '/things/a1', answer(200, { id: 7 })), null);
});
