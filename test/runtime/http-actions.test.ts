/**
 * HTTPRequest and CheckHTTPRequest as the vendor's HTTPRequest.xml uses them, against a loopback
 * server standing in for worldtimeapi.org and httpbin.org; the outbound allowlist, redirects
 * and the response-size limit.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InstanceStatus } from '../../src/engine/index.js';
import { createRuntimeParts } from '../../src/runtime/index.js';
import { actor, openHarness, type RuntimeHarness } from './runtime-kit.js';
import { startTestServer, type RecordedRequest, type TestAnswer, type TestHttpServer } from './test-http-server.js';

const fixtures = fileURLToPath(new URL('../../../shared/fixtures/schemes/', import.meta.url));
const httpRequestXml = readFileSync(`${fixtures}HTTPRequest.xml`, 'utf8');

/** Answers like worldtimeapi.org and httpbin.org's /anything. */
function publicApis(request: RecordedRequest): TestAnswer {
  if (request.path === '/api/timezone/America/New_York') return { json: { timezone: 'America/New_York', datetime: '2026-03-02T03:00:00-05:00' } };
  if (request.path.startsWith('/anything/')) return { json: { method: request.method, data: request.body, url: request.path } };
  return { status: 404, text: 'not here' };
}

async function harnessWithAllowlist(t: TestContext, allowlist: string): Promise<RuntimeHarness> {
  const h = await openHarness(t);
  const parts = await createRuntimeParts({ store: h.store, clock: h.clock, env: { WAYMARK_HTTP_ALLOWLIST: allowlist }, httpMaxResponseBytes: 64 * 1024 });
  return openHarness(t, { store: h.store, clock: h.clock, service: { external: parts.external, outbox: parts.outbox } });
}

function rewritten(server: TestHttpServer): string {
  return httpRequestXml.replaceAll('http://worldtimeapi.org', server.origin).replaceAll('http://httpbin.org', server.origin);
}

describe('HTTP actions', () => {
  it('HTTPRequest.xml: GET stores the JSON response, CheckHTTPRequest POSTs and compares the data field', async (t) => {
    const server = await startTestServer(t, publicApis);
    const h = await harnessWithAllowlist(t, server.host);
    await h.service.saveScheme({ xml: rewritten(server) });
    const instance = await h.service.createInstance({ processId: 'http-1', schemeCode: 'HTTPRequest', actor, parameters: [] });
    assert.equal(instance.errorMessage, null);
    assert.equal(instance.activityName, 'AfterRequest');
    assert.equal(instance.status, InstanceStatus.Finalized);
    assert.deepEqual(await h.service.getParameter('http-1', 'HTTPRequest_Result'), { timezone: 'America/New_York', datetime: '2026-03-02T03:00:00-05:00' });

    const [get, post] = server.requests;
    assert.equal(get?.method, 'GET');
    assert.equal(get?.path, '/api/timezone/America/New_York');
    assert.equal(post?.method, 'POST');
    assert.equal(post?.path, '/anything/%7Banything%7D');
    assert.equal(post?.body, 'true');
    assert.equal(post?.headers['content-type'], 'application/json');
  });

  it('CheckHTTPRequest is false when the field differs: the instance waits', async (t) => {
    const server = await startTestServer(t, (r) => (r.path.startsWith('/anything/') ? { json: { data: 'false' } } : publicApis(r)));
    const h = await harnessWithAllowlist(t, server.host);
    await h.service.saveScheme({ xml: rewritten(server) });
    const instance = await h.service.createInstance({ processId: 'http-2', schemeCode: 'HTTPRequest', actor, parameters: [] });
    assert.equal(instance.activityName, 'HTTPRequest');
    assert.equal(instance.errorMessage, null);
  });

  it('a host not on the allowlist is refused with how to allow it (nothing is sent)', async (t) => {
    const h = await harnessWithAllowlist(t, '');
    await h.service.saveScheme({ xml: httpRequestXml });
    const instance = await h.service.createInstance({ processId: 'http-3', schemeCode: 'HTTPRequest', actor, parameters: [] });
    assert.equal(instance.status, InstanceStatus.Error);
    assert.match(instance.errorMessage ?? '', /Host worldtimeapi\.org is not in the outbound allowlist; set WAYMARK_HTTP_ALLOWLIST=worldtimeapi\.org to allow it$/);
  });

  it('a redirect to a host not on the allowlist is refused', async (t) => {
    const server = await startTestServer(t, () => ({ status: 302, headers: { location: 'http://elsewhere.example/steal' }, text: '' }));
    const h = await harnessWithAllowlist(t, server.host);
    await h.service.saveScheme({ xml: rewritten(server) });
    const instance = await h.service.createInstance({ processId: 'http-4', schemeCode: 'HTTPRequest', actor, parameters: [] });
    assert.equal(instance.status, InstanceStatus.Error);
    assert.match(instance.errorMessage ?? '', /Host elsewhere\.example is not in the outbound allowlist/);
    assert.equal(server.requests.length, 1);
  });

  it('a response larger than the limit, and an error status, fail the action', async (t) => {
    const server = await startTestServer(t, () => ({ text: 'x'.repeat(100 * 1024) }));
    const h = await harnessWithAllowlist(t, server.host);
    await h.service.saveScheme({ xml: rewritten(server) });
    const big = await h.service.createInstance({ processId: 'http-5', schemeCode: 'HTTPRequest', actor, parameters: [] });
    assert.match(big.errorMessage ?? '', /HTTPRequest: the answer from http:\/\/127\.0\.0\.1:\d+ is larger than 65536 bytes/);

    server.handler = () => ({ status: 503, text: 'down' });
    const down = await h.service.createInstance({ processId: 'http-6', schemeCode: 'HTTPRequest', actor, parameters: [] });
    assert.match(down.errorMessage ?? '', /HTTPRequest: http:\/\/127\.0\.0\.1:\d+ answered 503/);
  });
});
