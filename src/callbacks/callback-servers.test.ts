import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { callbackServersFrom, methodUrl, parseCallbackServers } from './callback-servers.js';

describe('callback server settings', () => {
  it('fills default paths, timeout and token; the env adds one server', () => {
    const [configured, fromEnv] = callbackServersFrom(
      [{ baseUrl: 'http://127.0.0.1:5000/cb', paths: { executeaction: '/run', processactivitychanged: '' } }],
      { WAYMARK_CALLBACK_URL: 'http://127.0.0.1:6000', WAYMARK_CALLBACK_TOKEN: 't' },
    );
    assert.equal(configured?.timeoutMs, 10_000);
    assert.equal(configured?.token, null);
    assert.equal(methodUrl(configured!, 'executeaction'), 'http://127.0.0.1:5000/cb/run');
    assert.equal(methodUrl(configured!, 'getactions'), 'http://127.0.0.1:5000/cb/getactions');
    assert.equal(configured?.paths.processactivitychanged, '', 'an empty path turns the method off');
    assert.equal(fromEnv?.token, 't');
    assert.equal(methodUrl(fromEnv!, 'checkrule'), 'http://127.0.0.1:6000/checkrule');
  });

  it('refuses bad settings naming the field', () => {
    assert.throws(() => parseCallbackServers({}), { code: 'WM_CONFIG_INVALID', message: /must be an array/ });
    assert.throws(() => parseCallbackServers([{ baseUrl: 'ftp://x' }]), { message: /callbackServers\[0\]: baseUrl 'ftp:\/\/x' must be http or https/ });
    assert.throws(() => parseCallbackServers([{ baseUrl: 'http://x', timeoutMs: -1 }]), { message: /timeoutMs must be a positive number/ });
    assert.throws(() => parseCallbackServers([{ baseUrl: 'http://x', paths: { executeAction: 'x' } }]), { message: /paths\.executeAction is not a Callback API method/ });
  });
});
