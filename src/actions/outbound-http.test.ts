import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HostAllowlist, hostNotAllowed } from './outbound-http.js';

describe('HostAllowlist', () => {
  it('matches host, host:port and *.domain patterns, case-insensitively', () => {
    const list = HostAllowlist.parse(' API.example.com , 127.0.0.1:8080,*.hooks.test,[::1]:9000');
    assert.equal(list.allows(new URL('https://api.example.com/x')), true);
    assert.equal(list.allows(new URL('http://api.example.com:81/x')), true, 'no port in the pattern: any port');
    assert.equal(list.allows(new URL('http://127.0.0.1:8080/')), true);
    assert.equal(list.allows(new URL('http://127.0.0.1:8081/')), false);
    assert.equal(list.allows(new URL('http://a.hooks.test/')), true);
    assert.equal(list.allows(new URL('http://hooks.test/')), false, '*.domain is subdomains only');
    assert.equal(list.allows(new URL('http://[::1]:9000/')), true);
    assert.equal(list.allows(new URL('http://evil-example.com/')), false);
  });

  it('is empty by default and says how to allow a host', () => {
    assert.equal(HostAllowlist.parse(undefined).allows(new URL('http://localhost/')), false);
    assert.equal(hostNotAllowed(new URL('http://127.0.0.1:5000/x')).message, 'Host 127.0.0.1:5000 is not in the outbound allowlist; set WAYMARK_HTTP_ALLOWLIST=127.0.0.1:5000 to allow it');
  });
});
