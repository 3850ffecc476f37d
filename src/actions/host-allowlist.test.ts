import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HostAllowlist, hostNotAllowed } from './host-allowlist.js';

const url = (text: string): URL => new URL(text);

describe('HostAllowlist', () => {
  it('matches host, host:port, *.domain, IP and CIDR entries, case-insensitively', () => {
    const list = HostAllowlist.parse(' API.example.com , 127.0.0.1:8080,*.hooks.test,[::1]:9000, 10.0.0.0/8:8443, fd00::/8');
    assert.equal(list.allows(url('https://api.example.com/x')), true);
    assert.equal(list.allows(url('http://127.0.0.1:8080/')), true);
    assert.equal(list.allows(url('http://127.0.0.1:8081/')), false);
    assert.equal(list.allows(url('http://a.hooks.test/')), true);
    assert.equal(list.allows(url('http://hooks.test/')), false, '*.domain is subdomains only');
    assert.equal(list.allows(url('http://[::1]:9000/')), true);
    assert.equal(list.allows(url('https://10.20.30.40:8443/')), true);
    assert.equal(list.allows(url('https://10.20.30.40/')), false);
    assert.equal(list.allows(url('http://[fd00::5]/')), true);
    assert.equal(list.allows(url('http://evil-example.com/')), false);
    assert.equal(list.allows(url('http://api.example.com.evil.test/')), false);
  });

  it('an entry without a port allows only the URL scheme\'s default port; :* allows every port', () => {
    const list = HostAllowlist.parse('api.example.com,any.example.com:*');
    assert.equal(list.allows(url('http://api.example.com/')), true);
    assert.equal(list.allows(url('https://api.example.com/')), true);
    assert.equal(list.allows(url('http://api.example.com:80/')), true, 'the URL parser drops an explicit default port');
    assert.equal(list.allows(url('http://api.example.com:81/x')), false);
    assert.equal(list.allows(url('https://api.example.com:22/')), false);
    assert.equal(list.allows(url('http://any.example.com:6379/')), true);
  });

  it('refuses a bad entry with a clear configuration error', () => {
    for (const [entry, reason] of [
      ['host:abc', "has port 'abc'"],
      ['host:0', "has port '0'"],
      ['host:70000', "has port '70000'"],
      ['10.0.0.0/99', 'is not a CIDR range'],
      ['example.com/8', 'is not a CIDR range'],
      ['*', 'allows every host'],
      ['exa mple.com', 'is not a host name'],
      ['user@internal.test', 'is not a host name'],
      ['*.*.example.com', 'is not a host name'],
    ] as const) {
      assert.throws(() => HostAllowlist.parse(entry), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'WM_CONFIG_INVALID');
        assert.ok(error.message.startsWith(`Outbound allowlist entry '${entry}' ${reason}`), error.message);
        return true;
      });
    }
  });

  it('is empty by default and says how to allow a host', () => {
    assert.equal(HostAllowlist.parse(undefined).allows(url('http://localhost/')), false);
    assert.equal(hostNotAllowed(url('http://127.0.0.1:5000/x')).message, 'Host 127.0.0.1:5000 is not in the outbound allowlist; set WAYMARK_HTTP_ALLOWLIST=127.0.0.1:5000 to allow it');
  });

  it('lets an allowed name reach public addresses only, whatever it resolves to', () => {
    const list = HostAllowlist.parse('api.example.com');
    const target = url('https://api.example.com/');
    assert.equal(list.refusesAddress(target, '93.184.216.34'), null);
    assert.equal(list.refusesAddress(target, '2606:2800:220:1:248:1893:25c8:1946'), null);
    const refused: Record<string, string> = {
      '127.0.0.1': 'loopback',
      '::1': 'loopback',
      '::ffff:127.0.0.1': 'loopback',
      '10.1.2.3': 'private',
      '172.16.5.4': 'private',
      '192.168.1.1': 'private',
      '169.254.169.254': 'link-local',
      'fe80::1': 'link-local',
      'fd00:ec2::254': 'unique-local',
      '100.64.0.1': 'shared (carrier-grade NAT)',
      '0.0.0.0': 'unspecified',
    };
    for (const [address, kind] of Object.entries(refused)) {
      const refusal = list.refusesAddress(target, address);
      assert.ok(refusal, address);
      assert.match(refusal.message, new RegExp(`^Host api\\.example\\.com resolves to [^,]+, a ${kind.replace(/[()]/g, '\\$&')} address`), address);
    }
    assert.equal(
      list.refusesAddress(target, '169.254.169.254')?.message,
      'Host api.example.com resolves to 169.254.169.254, a link-local address (a cloud metadata service); outbound requests reach such an address only when the allowlist names it: add 169.254.169.254 (or a CIDR range holding it) to WAYMARK_HTTP_ALLOWLIST',
    );
    assert.match(list.refusesAddress(url('http://api.example.com:8080/'), '10.0.0.9')?.message ?? '', /add 10\.0\.0\.9:8080 \(or a CIDR range holding it\)/);
  });

  it('lets a name reach a special address that an address or CIDR entry names, on that entry\'s port', () => {
    const list = HostAllowlist.parse('internal.test:8080,10.0.0.0/24:8080,127.0.0.1:9000');
    const target = url('http://internal.test:8080/');
    assert.equal(list.refusesAddress(target, '10.0.0.17'), null);
    assert.notEqual(list.refusesAddress(target, '10.0.1.17'), null, 'outside the range');
    assert.notEqual(list.refusesAddress(target, '127.0.0.1'), null, '127.0.0.1 is named for port 9000 only');
  });

  it('a configured destination (callback server, named webhook) is allowed at any address, for its own host and port only', () => {
    const list = HostAllowlist.configured(url('http://callbacks.internal:5000/callback'));
    assert.equal(list.allows(url('http://callbacks.internal:5000/other')), true);
    assert.equal(list.allows(url('http://callbacks.internal:5001/')), false);
    assert.equal(list.allows(url('http://other.internal:5000/')), false);
    assert.equal(list.refusesAddress(url('http://callbacks.internal:5000/'), '10.9.8.7'), null);
    const literal = HostAllowlist.configured(url('http://127.0.0.1:5000/'));
    assert.equal(literal.allows(url('http://127.0.0.1:5000/x')), true);
    assert.equal(literal.refusesAddress(url('http://127.0.0.1:5000/x'), '127.0.0.1'), null);
  });
});
