/**
 * HTTPRequest URLs built from process parameters: a `{Param}` value is one encoded path component
 * and can never climb the path; names that resolve to addresses the allowlist does not name are
 * refused through the runtime as well (the resolver is injected where the runtime is built).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expandUrl, runHttpRequest } from '../../src/actions/http-request.js';
import { HostAllowlist } from '../../src/actions/outbound-http.js';
import { createRuntimeParts } from '../../src/runtime/index.js';
import { parseActionArguments, type HttpRequestArguments } from '../../src/scheme/index.js';
import { openHarness } from './runtime-kit.js';
import { startTestServer } from './test-http-server.js';

/** An HTTPRequest's parameter as the scheme compiler parses it. */
function httpRequest(parameter: Record<string, unknown>): HttpRequestArguments {
  const parsed = parseActionArguments('HTTPRequest', JSON.stringify(parameter));
  if (!('arguments' in parsed) || parsed.arguments.kind !== 'HTTPRequest') throw new Error(`not an HTTPRequest parameter: ${JSON.stringify(parsed)}`);
  return parsed.arguments;
}

const contextWith = (parameters: Record<string, string>) => ({ instance: {} as never, parameters, identityId: null });

describe('HTTPRequest URLs', () => {
  it('a {Param} of .. (in any encoding the URL parser would undo) is refused, and nothing is sent', async (t) => {
    const server = await startTestServer(t, () => ({ text: 'x' }));
    const limits = { allowlist: HostAllowlist.parse(server.host) };
    for (const value of ['..', '.']) {
      await assert.rejects(
        runHttpRequest(httpRequest({ Url: `${server.origin}/api/files/{Name}/download` }), contextWith({ Name: value }), limits),
        new RegExp(`HTTPRequest: the value of \\{Name\\} makes the URL path segment '${value.replace(/\./g, '\\.')}', which would climb the path; refused`),
      );
    }
    assert.throws(() => expandUrl('HTTPRequest', 'http://h/a/{A}{B}/c', { A: '.', B: '.' }), /makes the URL path segment '\.\.'/);
    assert.equal(server.requests.length, 0);
  });

  it('a {Param} holding slashes, dots or a query stays inside its one segment', async (t) => {
    const server = await startTestServer(t, () => ({ text: 'x' }));
    const limits = { allowlist: HostAllowlist.parse(server.host) };
    await runHttpRequest(httpRequest({ Url: `${server.origin}/api/files/{Name}/download?v={Version}` }), contextWith({ Name: '../../admin?x=1#y', Version: '..' }), limits);
    assert.equal(server.requests[0]?.path, '/api/files/..%2F..%2Fadmin%3Fx%3D1%23y/download');
    assert.equal(server.requests[0]?.query.get('v'), '..', 'a query value of .. climbs nothing');
    assert.equal(expandUrl('HTTPRequest', 'http://h/files/{Name}.txt', { Name: '..' }), 'http://h/files/...txt', 'dots beside other text are a plain name');
    assert.equal(expandUrl('HTTPRequest', 'http://h/files/{Missing}', {}), 'http://h/files/{Missing}', 'no value: left as written');
  });

  it('through the runtime, an HTTPRequest to a name resolving to the metadata service fails the action', async (t) => {
    const h = await openHarness(t);
    const parts = await createRuntimeParts({
      store: h.store,
      clock: h.clock,
      env: { WAYMARK_HTTP_ALLOWLIST: 'status.example.com' },
      resolveHost: async () => [{ address: '169.254.169.254', family: 4 }],
    });
    await assert.rejects(
      parts.external.executeAction('HTTPRequest', JSON.stringify({ Url: 'http://status.example.com/latest/meta-data/iam' }), contextWith({})),
      /Host status\.example\.com resolves to 169\.254\.169\.254, a link-local address \(a cloud metadata service\)/,
    );
  });

  it('a bad allowlist entry stops the runtime from being built, naming the entry', async (t) => {
    const h = await openHarness(t);
    await assert.rejects(createRuntimeParts({ store: h.store, clock: h.clock, env: { WAYMARK_HTTP_ALLOWLIST: 'api.example.com,api.example.com:https' } }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'WM_CONFIG_INVALID');
      assert.match(error.message, /^Outbound allowlist entry 'api\.example\.com:https' has port 'https', not 1 to 65535 or \*/);
      return true;
    });
  });
});
