import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { callbackServersFrom, methodToken, methodUrl, parseCallbackServers } from './callback-servers.js';

describe('callback server settings', () => {
  it('fills default paths, timeout and token; the env adds one server', () => {
    const [configured, fromEnv] = callbackServersFrom(
      [{ baseUrl: 'http://127.0.0.1:5000/cb', paths: { executeaction: '/run', processactivitychanged: '' } }],
      { WAYMARK_CALLBACK_URL: 'http://127.0.0.1:6000', WAYMARK_CALLBACK_TOKEN: 't' },
    );
    assert.equal(configured?.name, 'callback-server-1', 'a server written without a name gets one from its place');
    assert.equal(configured?.timeoutMs, 10_000);
    assert.equal(configured?.token, null);
    assert.equal(methodUrl(configured!, 'executeaction'), 'http://127.0.0.1:5000/cb/run');
    assert.equal(methodUrl(configured!, 'getactions'), 'http://127.0.0.1:5000/cb/getactions');
    assert.equal(methodUrl(configured!, 'processactivitychanged'), null, 'an empty path turns the method off');
    assert.equal(fromEnv?.name, 'environment');
    assert.equal(fromEnv?.source, 'environment');
    assert.equal(methodToken(fromEnv!, 'checkrule'), 't');
    assert.equal(methodUrl(fromEnv!, 'checkrule'), 'http://127.0.0.1:6000/checkrule');
  });

  it('leaves the generator, the process log and the parameter provider off until a path names them', () => {
    const [plain, full] = parseCallbackServers([
      { name: 'plain', baseUrl: 'http://cb.local/api' },
      { name: 'full', baseUrl: 'http://cb.local/api', paths: { generate: 'generate', processlog: 'processlog', getparameternames: 'getparameternames' } },
    ]);
    for (const method of ['generate', 'processlog', 'getparameternames', 'getparameter', 'setparameter'] as const) {
      assert.equal(methodUrl(plain!, method), null, method);
    }
    assert.equal(methodUrl(full!, 'generate'), 'http://cb.local/api/generate');
    assert.equal(methodUrl(full!, 'getparameter'), null);
  });

  it('takes an absolute URL and a token per method, as the vendor Callback API page does', () => {
    const [server] = parseCallbackServers([
      {
        name: 'split',
        token: 'server-token',
        paths: { getactions: 'https://actions.example/list', executeaction: 'https://actions.example/run' },
        tokens: { executeaction: 'run-token' },
      },
    ]);
    assert.equal(server?.baseUrl, null);
    assert.equal(methodUrl(server!, 'executeaction'), 'https://actions.example/run');
    assert.equal(methodUrl(server!, 'checkrule'), null, 'without a base URL, a method without its own URL is off');
    assert.equal(methodToken(server!, 'executeaction'), 'run-token');
    assert.equal(methodToken(server!, 'getactions'), 'server-token');
  });

  it('refuses bad settings naming the field', () => {
    assert.throws(() => parseCallbackServers({}), { code: 'WM_CONFIG_INVALID', message: /must be an array/ });
    assert.throws(() => parseCallbackServers([{ baseUrl: 'ftp://x' }]), { message: /callbackServers\[0\]: baseUrl 'ftp:\/\/x' must be an http or https URL/ });
    assert.throws(() => parseCallbackServers([{ baseUrl: 'http://x', timeoutMs: -1 }]), { message: /timeoutMs must be a positive number/ });
    assert.throws(() => parseCallbackServers([{ baseUrl: 'http://x', paths: { executeAction: 'x' } }]), { message: /paths\.executeAction is not a Callback API method/ });
    assert.throws(() => parseCallbackServers([{ paths: { executeaction: 'run' } }]), { message: /paths\.executeaction 'run' is a path, but the server has no baseUrl/ });
    assert.throws(() => parseCallbackServers([{ token: 't' }]), { message: /give a baseUrl, or an absolute URL/ });
    assert.throws(() => parseCallbackServers([{ baseUrl: 'http://x', tokens: { checkrule: '' } }]), { message: /tokens\.checkrule must not be empty/ });
    assert.throws(() => parseCallbackServers([{ name: 'a b', baseUrl: 'http://x' }]), { message: /name must be 1 to 64 letters/ });
    assert.throws(() => parseCallbackServers([{ name: 'one', baseUrl: 'http://x' }, { name: 'ONE', baseUrl: 'http://y' }]), { message: /\[1\]: the name 'ONE' is taken/ });
    assert.throws(() => parseCallbackServers([{ baseUrl: 'http://x', secret: 'y' }]), { message: /'secret' is not a field of a callback server/ });
  });

  it('refuses prototype keys instead of merging them', () => {
    const hostile = JSON.parse('[{"baseUrl":"http://x","paths":{"__proto__":{"polluted":true}}}]');
    assert.throws(() => parseCallbackServers(hostile), { message: /paths\.__proto__ is not a Callback API method/ });
    const hostileServer = JSON.parse('[{"baseUrl":"http://x","__proto__":{"token":"t"}}]');
    assert.throws(() => parseCallbackServers(hostileServer), { message: /'__proto__' is not a field of a callback server/ });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
