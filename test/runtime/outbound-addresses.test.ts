/**
 * The outbound allowlist checks the address each request connects to, not only the name in its
 * URL. A test resolver maps made-up names to addresses; the only address anything listens on is a
 * loopback server, so a request that was wrongly let through would show up in its log.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HostAllowlist, sendOutbound, type HostResolver, type ResolvedAddress } from '../../src/actions/outbound-http.js';
import { startTestServer } from './test-http-server.js';

/** A resolver answering from a table, counting the questions it is asked. */
function tableResolver(table: Record<string, readonly string[]>): HostResolver & { readonly asked: string[] } {
  const asked: string[] = [];
  const resolver = async (hostname: string): Promise<readonly ResolvedAddress[]> => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolver, { asked });
}

describe('outbound addresses', () => {
  it('an allowed name that resolves to loopback is refused unless the allowlist names the address', async (t) => {
    const server = await startTestServer(t, () => ({ json: { ok: true } }));
    const port = new URL(server.origin).port;
    const resolveHost = tableResolver({ 'api.test': ['127.0.0.1'] });
    const target = `http://api.test:${port}/data`;

    await assert.rejects(
      sendOutbound({ url: target, method: 'GET', allowlist: HostAllowlist.parse(`api.test:${port}`), purpose: 'HTTPRequest', resolveHost }),
      new RegExp(`^WaymarkError: Host api\\.test:${port} resolves to 127\\.0\\.0\\.1, a loopback address; .* add 127\\.0\\.0\\.1:${port} \\(or a CIDR range holding it\\) to WAYMARK_HTTP_ALLOWLIST$`),
    );
    assert.equal(server.requests.length, 0, 'nothing was sent');

    const answer = await sendOutbound({ url: target, method: 'GET', allowlist: HostAllowlist.parse(`api.test:${port},127.0.0.1:${port}`), purpose: 'HTTPRequest', resolveHost });
    assert.equal(answer.status, 200);
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]?.headers.host, `api.test:${port}`, 'the name is sent as the Host, the checked address is connected to');
  });

  it('names resolving to the metadata service or a private network are refused before any connection', async (t) => {
    const resolveHost = tableResolver({ 'metadata.test': ['169.254.169.254'], 'intranet.test': ['10.20.0.7'], 'v6.test': ['fd00:ec2::254'] });
    const allowlist = HostAllowlist.parse('metadata.test,intranet.test,v6.test');
    await assert.rejects(
      sendOutbound({ url: 'http://metadata.test/latest/meta-data/', method: 'GET', allowlist, purpose: 'HTTPRequest', resolveHost, timeoutMs: 2000 }),
      /Host metadata\.test resolves to 169\.254\.169\.254, a link-local address \(a cloud metadata service\)/,
    );
    await assert.rejects(sendOutbound({ url: 'http://intranet.test/', method: 'GET', allowlist, purpose: 'HTTPRequest', resolveHost, timeoutMs: 2000 }), /resolves to 10\.20\.0\.7, a private address/);
    await assert.rejects(sendOutbound({ url: 'http://v6.test/', method: 'GET', allowlist, purpose: 'HTTPRequest', resolveHost, timeoutMs: 2000 }), /resolves to fd00:ec2::254, a unique-local address \(a cloud metadata service\)/);
  });

  it('a name is resolved once per connection, and only the allowed addresses of its answer are connected to', async (t) => {
    const server = await startTestServer(t, () => ({ text: 'reached' }));
    const port = new URL(server.origin).port;
    const resolveHost = tableResolver({ 'mixed.test': ['10.0.0.9', '127.0.0.1'] });
    const answer = await sendOutbound({ url: `http://mixed.test:${port}/`, method: 'GET', allowlist: HostAllowlist.parse(`mixed.test:${port},127.0.0.1:${port}`), purpose: 'HTTPRequest', resolveHost });
    assert.equal(answer.body, 'reached');
    assert.deepEqual(resolveHost.asked, ['mixed.test'], 'one answer is both checked and used: no second lookup to rebind');
  });

  it('a redirect is checked again: to a name whose address is not allowed on that port, it is refused', async (t) => {
    const inner = await startTestServer(t, () => ({ text: 'internal admin page' }));
    const innerPort = new URL(inner.origin).port;
    const outer = await startTestServer(t, () => ({ status: 302, headers: { location: `http://internal.test:${innerPort}/admin` } }));
    const outerPort = new URL(outer.origin).port;
    const resolveHost = tableResolver({ 'api.test': ['127.0.0.1'], 'internal.test': ['127.0.0.1'] });
    const allowlist = HostAllowlist.parse(`api.test:${outerPort},127.0.0.1:${outerPort},internal.test:${innerPort}`);
    await assert.rejects(
      sendOutbound({ url: `http://api.test:${outerPort}/`, method: 'GET', allowlist, purpose: 'HTTPRequest', resolveHost }),
      new RegExp(`Host internal\\.test:${innerPort} resolves to 127\\.0\\.0\\.1, a loopback address`),
    );
    assert.equal(outer.requests.length, 1);
    assert.equal(inner.requests.length, 0);
  });

  it('an entry without a port does not open other ports of the host', async (t) => {
    const server = await startTestServer(t, () => ({ text: 'x' }));
    const port = new URL(server.origin).port;
    await assert.rejects(
      sendOutbound({ url: `${server.origin}/`, method: 'GET', allowlist: HostAllowlist.parse('127.0.0.1'), purpose: 'HTTPRequest' }),
      new RegExp(`Host 127\\.0\\.0\\.1:${port} is not in the outbound allowlist; set WAYMARK_HTTP_ALLOWLIST=127\\.0\\.0\\.1:${port} to allow it`),
    );
    assert.equal(server.requests.length, 0);
  });

  it('a configured destination (callback server) is reached at a private address without an allowlist entry', async (t) => {
    const server = await startTestServer(t, () => ({ json: { success: true, data: [] } }));
    const port = new URL(server.origin).port;
    const target = new URL(`http://callbacks.test:${port}/callback/getactions`);
    const resolveHost = tableResolver({ 'callbacks.test': ['127.0.0.1'] });
    const answer = await sendOutbound({ url: target.href, method: 'GET', allowlist: HostAllowlist.configured(target), purpose: 'Callback server', resolveHost });
    assert.equal(answer.status, 200);
  });
});
