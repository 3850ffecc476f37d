import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../engine/types.js';
import { ManualClock } from '../services/clock.js';
import { CallbackServerService } from './callback-server-service.js';

/** The two store methods the service uses, over a map. */
function settingsStore(initial: Record<string, JsonValue> = {}) {
  const values = new Map<string, JsonValue>(Object.entries(initial));
  return {
    values,
    async getSetting<T extends JsonValue>(key: string): Promise<T | null> {
      return (values.get(key) as T | undefined) ?? null;
    },
    async setSetting(key: string, value: JsonValue | null): Promise<void> {
      if (value === null) values.delete(key);
      else values.set(key, value);
    },
  };
}

function service(store = settingsStore(), env: Record<string, string> = {}) {
  return { store, callbacks: new CallbackServerService({ settings: store, env, clock: new ManualClock('2026-01-01T00:00:00.000Z') }) };
}

describe('CallbackServerService', () => {
  it('adds a server with every method and shows it without its tokens', async () => {
    const { store, callbacks } = service();
    const added = await callbacks.add({ name: 'main', baseUrl: 'http://cb.local/Api', token: 'secret-1', allMethods: true, tokens: { executeaction: 'secret-2' } });
    assert.equal(added.hasToken, true);
    assert.equal(JSON.stringify(added).includes('secret'), false, 'no token is shown');
    const byMethod = Object.fromEntries(added.methods.map((m) => [m.method, m]));
    assert.equal(byMethod.getparameter?.url, 'http://cb.local/Api/getparameter');
    assert.equal(byMethod.executeaction?.hasOwnToken, true);
    assert.deepEqual(store.values.get('callbackServers'), [
      {
        name: 'main',
        baseUrl: 'http://cb.local/Api',
        token: 'secret-1',
        paths: { generate: 'generate', processlog: 'processlog', getparameternames: 'getparameternames', getparameter: 'getparameter', setparameter: 'setparameter' },
        tokens: { executeaction: 'secret-2' },
      },
    ]);
  });

  it('changes one field at a time: a path back to its default, a token removed, a rename', async () => {
    const { callbacks } = service();
    await callbacks.add({ name: 'main', baseUrl: 'http://cb.local/Api', token: 't', paths: { executeaction: 'run', getrules: '' } });
    const changed = await callbacks.change('MAIN', { name: 'primary', token: null, paths: { executeaction: null, checkrule: 'https://rules.example/check' }, timeoutMs: 2000 });
    const byMethod = Object.fromEntries(changed.methods.map((m) => [m.method, m]));
    assert.equal(changed.name, 'primary');
    assert.equal(changed.hasToken, false);
    assert.equal(changed.timeoutMs, 2000);
    assert.equal(byMethod.executeaction?.url, 'http://cb.local/Api/executeaction');
    assert.equal(byMethod.checkrule?.url, 'https://rules.example/check');
    assert.equal(byMethod.getrules?.url, null, 'an untouched change stays');
    await assert.rejects(callbacks.get('main'), { code: 'WM_CALLBACK_SERVER_NOT_FOUND' });
  });

  it('refuses a bad change naming the field, and keeps the setting as it was', async () => {
    const { store, callbacks } = service();
    await callbacks.add({ name: 'main', baseUrl: 'http://cb.local/Api' });
    const before = structuredClone(store.values.get('callbackServers'));
    await assert.rejects(callbacks.change('main', { baseUrl: 'ftp://cb.local' }), { code: 'WM_INPUT_INVALID', message: "Callback server 'main': baseUrl 'ftp://cb.local' must be an http or https URL" });
    await assert.rejects(callbacks.change('main', { baseUrl: null }), { message: /paths\.getactions 'getactions' is a path, but the server has no baseUrl|give a baseUrl/ });
    await assert.rejects(callbacks.change('main', { paths: { executeAction: 'x' } }), { code: 'WM_INPUT_INVALID', message: /paths\.executeAction is not a Callback API method/ });
    await assert.rejects(callbacks.add({ name: 'Main', baseUrl: 'http://other' }), { code: 'WM_CALLBACK_SERVER_EXISTS' });
    await assert.rejects(callbacks.add({ name: 'two words', baseUrl: 'http://other' }), { code: 'WM_INPUT_INVALID', message: /name must be 1 to 64 letters/ });
    await assert.rejects(callbacks.add({ name: 'x', baseUrl: 'http://other', timeoutMs: 0 }), { message: /timeoutMs must be a positive number/ });
    assert.deepEqual(store.values.get('callbackServers'), before);
  });

  it('lists the server of WAYMARK_CALLBACK_URL as read-only, and removes only its own', async () => {
    const { store, callbacks } = service(settingsStore({ callbackServers: [{ baseUrl: 'http://a.local' }, { name: 'b', baseUrl: 'http://b.local' }] }), { WAYMARK_CALLBACK_URL: 'http://env.local' });
    assert.deepEqual((await callbacks.list()).map((s) => `${s.name}:${s.source}`), ['callback-server-1:setting', 'b:setting', 'environment:environment']);
    await assert.rejects(callbacks.remove('environment'), { code: 'WM_INPUT_INVALID', message: /comes from WAYMARK_CALLBACK_URL/ });
    await assert.rejects(callbacks.change('environment', { timeoutMs: 5 }), { code: 'WM_INPUT_INVALID' });
    await callbacks.remove('callback-server-1');
    assert.deepEqual(store.values.get('callbackServers'), [{ name: 'b', baseUrl: 'http://b.local' }]);
    await assert.rejects(callbacks.remove('nobody'), { code: 'WM_CALLBACK_SERVER_NOT_FOUND', message: "Callback server 'nobody' is not configured" });
  });
});
