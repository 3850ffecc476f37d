/**
 * HTTPRequest and CheckHTTPRequest as HTTPRequest.xml uses them, against a loopback server
 * standing in for worldtimeapi.org and httpbin.org: the outbound allowlist, redirects and the
 * response-size limit. The scheme's successful run is in fixture-runs.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InstanceStatus } from '../../src/engine/index.js';
import { projectSchemes } from '../support/scheme-fixtures.js';
import { pointedAt } from './fixture-runs.js';
import { actor, allowlistedHarness } from './runtime-kit.js';
import { startTestServer, type TestHttpServer } from './test-http-server.js';

const httpRequestXml = projectSchemes.xml('HTTPRequest');

function rewritten(server: TestHttpServer): string {
  return pointedAt(httpRequestXml, server);
}

describe('HTTP actions', () => {
  it('a host not on the allowlist is refused with how to allow it (nothing is sent)', async (t) => {
    const h = await allowlistedHarness(t, '');
    await h.service.saveScheme({ xml: httpRequestXml });
    const instance = await h.service.createInstance({ processId: 'http-3', schemeCode: 'HTTPRequest', actor, parameters: [] });
    assert.equal(instance.status, InstanceStatus.Error);
    assert.match(instance.errorMessage ?? '', /Host worldtimeapi\.org is not in the outbound allowlist; set WAYMARK_HTTP_ALLOWLIST=worldtimeapi\.org to allow it$/);
  });

  it('a redirect to a host not on the allowlist is refused', async (t) => {
    const server = await startTestServer(t, () => ({ status: 302, headers: { location: 'http://elsewhere.example/steal' }, text: '' }));
    const h = await allowlistedHarness(t, server.host);
    await h.service.saveScheme({ xml: rewritten(server) });
    const instance = await h.service.createInstance({ processId: 'http-4', schemeCode: 'HTTPRequest', actor, parameters: [] });
    assert.equal(instance.status, InstanceStatus.Error);
    assert.match(instance.errorMessage ?? '', /Host elsewhere\.example is not in the outbound allowlist/);
    assert.equal(server.requests.length, 1);
  });

  it('a response larger than the limit, and an error status, fail the action', async (t) => {
    const server = await startTestServer(t, () => ({ text: 'x'.repeat(100 * 1024) }));
    const h = await allowlistedHarness(t, server.host);
    await h.service.saveScheme({ xml: rewritten(server) });
    const big = await h.service.createInstance({ processId: 'http-5', schemeCode: 'HTTPRequest', actor, parameters: [] });
    assert.match(big.errorMessage ?? '', /HTTPRequest: the answer from http:\/\/127\.0\.0\.1:\d+ is larger than 65536 bytes/);

    server.handler = () => ({ status: 503, text: 'down' });
    const down = await h.service.createInstance({ processId: 'http-6', schemeCode: 'HTTPRequest', actor, parameters: [] });
    assert.match(down.errorMessage ?? '', /HTTPRequest: http:\/\/127\.0\.0\.1:\d+ answered 503/);
  });
});
