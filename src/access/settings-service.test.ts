import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWaymarkError } from '../errors/index.js';
import { ManualClock } from '../services/clock.js';
import { createSqliteStore } from '../store/index.js';
import type { Store } from '../store/store.js';
import { ACCESS_SETTINGS, ACCESS_SETTINGS_MAX_AGE_MS, SettingsService } from './settings-service.js';
import { applyStartupSettings, beginStartupSettings } from './startup-settings.js';
import { capturingLogger } from './testing.js';

async function freshSettings() {
  const store = await createSqliteStore({ filename: ':memory:' });
  return { store, settings: new SettingsService(store) };
}

/** A running server's settings over a store that counts its setting reads, and the CLI on the same store. */
async function serverAndCli() {
  const store = await createSqliteStore({ filename: ':memory:' });
  const reads = new Map<string, number>();
  const counting = new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'getSetting') return Reflect.get(target, property, receiver) as unknown;
      return (key: string) => {
        reads.set(key, (reads.get(key) ?? 0) + 1);
        return target.getSetting(key);
      };
    },
  }) as Store;
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');
  return { store, reads, clock, server: new SettingsService(counting, clock), cli: new SettingsService(store) };
}

test('OpenID Connect mode can only be turned on while an API token is set', async () => {
  const { settings } = await freshSettings();
  await assert.rejects(settings.setOidcEnabled(true), (error) => isWaymarkError(error, 'WM_INPUT_INVALID') && /set the token first/.test(error.message));
  assert.equal(await settings.isOidcEnabled(), false);
  await settings.setApiToken('a-long-enough-api-token');
  await settings.setOidcEnabled(true);
  assert.equal(await settings.isOidcEnabled(), true);
});

test('the API token cannot be cleared while OpenID Connect mode is on', async () => {
  const { settings } = await freshSettings();
  await settings.setApiToken('a-long-enough-api-token');
  await settings.setOidcEnabled(true);
  await assert.rejects(settings.setApiToken(null), (error) => isWaymarkError(error, 'WM_INPUT_INVALID') && /turn that off first/.test(error.message));
  await settings.setOidcEnabled(false);
  await settings.setApiToken(null);
  assert.equal(await settings.getApiToken(), null);
});

test('weak or malformed API tokens are refused with a clear error that does not echo them', async () => {
  const { settings } = await freshSettings();
  for (const bad of ['short', 'has a space in the middle', 'x'.repeat(513)]) {
    await assert.rejects(settings.setApiToken(bad), (error) => isWaymarkError(error, 'WM_INPUT_INVALID') && !error.message.includes(bad));
  }
});

test('the admin password is stored as an scrypt hash and verified', async () => {
  const { store, settings } = await freshSettings();
  assert.equal(await settings.verifyAdminPassword('anything-at-all'), false, 'no password set: nothing passes');
  await settings.setAdminPassword('s3cret-admin-pw');
  const stored = await store.getSetting<string>(ACCESS_SETTINGS.adminPasswordHash);
  assert.match(stored ?? '', /^scrypt\$/);
  assert.equal(stored?.includes('s3cret-admin-pw'), false);
  assert.equal(await settings.verifyAdminPassword('s3cret-admin-pw'), true);
  assert.equal(await settings.verifyAdminPassword('s3cret-admin-pX'), false);
  await assert.rejects(settings.setAdminPassword('short'), (error) => isWaymarkError(error, 'WM_INPUT_INVALID'));
});

test('start-up applies WAYMARK_API_TOKEN, WAYMARK_API_OIDC and WAYMARK_ADMIN_PASSWORD without logging them', async () => {
  const { store, settings } = await freshSettings();
  const { logger, logText } = capturingLogger();
  await applyStartupSettings(
    { WAYMARK_API_TOKEN: 'env-token-0123456789abcdef', WAYMARK_API_OIDC: 'true', WAYMARK_ADMIN_PASSWORD: 'env-admin-password' },
    store,
    logger,
  );
  assert.equal(await settings.getApiToken(), 'env-token-0123456789abcdef');
  assert.equal(await settings.isOidcEnabled(), true);
  assert.equal(await settings.verifyAdminPassword('env-admin-password'), true);
  assert.equal((await settings.signingKeys.describe()).length, 1, 'the first signing key is created');
  assert.equal(logText().includes('env-token-0123456789abcdef'), false);
  assert.equal(logText().includes('env-admin-password'), false);
});

test('WAYMARK_API_OIDC=true without a token is refused at start-up', async () => {
  const { store } = await freshSettings();
  const { logger } = capturingLogger();
  await assert.rejects(applyStartupSettings({ WAYMARK_API_OIDC: 'true' }, store, logger), (error) => isWaymarkError(error, 'WM_INPUT_INVALID'));
  await assert.rejects(applyStartupSettings({ WAYMARK_API_OIDC: 'maybe' }, store, logger), (error) => isWaymarkError(error, 'WM_CONFIG_INVALID') && /WAYMARK_API_OIDC/.test(error.message));
});

test('beginStartupSettings applies the token settings and leaves the admin password and the first signing key to be awaited', async () => {
  const { store, settings } = await freshSettings();
  const { logger } = capturingLogger();
  const { signingKey, adminPassword } = await beginStartupSettings({ WAYMARK_API_TOKEN: 'env-token-0123456789abcdef', WAYMARK_ADMIN_PASSWORD: 'env-admin-password' }, store, logger);
  assert.equal(await settings.getApiToken(), 'env-token-0123456789abcdef');
  await adminPassword;
  assert.equal(await settings.verifyAdminPassword('env-admin-password'), true);
  assert.equal(await signingKey, true, 'this start created the key');
  assert.equal((await settings.signingKeys.describe()).length, 1);
  assert.equal(await (await beginStartupSettings({}, store, logger)).signingKey, false, 'a restart finds it');
  await assert.rejects((await beginStartupSettings({ WAYMARK_ADMIN_PASSWORD: 'short' }, store, logger)).adminPassword, (error) => isWaymarkError(error, 'WM_INPUT_INVALID'));
});

test('a refused start-up setting is reported only after the key generation it began has finished', async () => {
  // So the caller may close the store at once: no key write is left to run against it.
  const { store, settings } = await freshSettings();
  const { logger } = capturingLogger();
  await assert.rejects(beginStartupSettings({ WAYMARK_API_OIDC: 'maybe' }, store, logger), (error) => isWaymarkError(error, 'WM_CONFIG_INVALID'));
  assert.equal((await settings.signingKeys.describe()).length, 1, 'the key generation begun had already stored its key');
});

test('without WAYMARK_ADMIN_PASSWORD the first start generates one and logs it once, clearly marked', async () => {
  const { store, settings } = await freshSettings();
  const first = capturingLogger();
  await applyStartupSettings({}, store, first.logger);
  const match = /the admin password is (\S+) /.exec(first.logText());
  assert.ok(match?.[1], 'the generated password is printed');
  assert.match(first.logText(), /SECRET SHOWN ONCE/);
  assert.equal(await settings.verifyAdminPassword(match[1]), true);

  const second = capturingLogger();
  await applyStartupSettings({}, store, second.logger);
  assert.equal(second.logText().includes('admin password is'), false, 'a later start prints nothing');
  assert.equal(await settings.verifyAdminPassword(match[1]), true, 'and keeps the password');
});

test('a running server reads the API token and the OpenID Connect switch at most once a second, not on every call', async () => {
  const { reads, clock, server, cli } = await serverAndCli();
  await cli.setApiToken('the-first-api-token-0123');
  for (let call = 0; call < 5; call++) {
    assert.equal(await server.getApiToken(), 'the-first-api-token-0123');
    assert.equal(await server.isOidcEnabled(), false);
    clock.advance(100);
  }
  assert.equal(reads.get(ACCESS_SETTINGS.apiToken), 1);
  assert.equal(reads.get(ACCESS_SETTINGS.oidcEnabled), 1);
  clock.advance(ACCESS_SETTINGS_MAX_AGE_MS);
  const together = await Promise.all([server.getApiToken(), server.getApiToken(), server.getApiToken()]);
  assert.deepEqual(together, Array(3).fill('the-first-api-token-0123'));
  assert.equal(reads.get(ACCESS_SETTINGS.apiToken), 2, 'calls arriving together after the second share one read');
});

test('a token changed through the server\'s own settings applies to the very next call', async () => {
  const { server } = await serverAndCli();
  await server.setApiToken('the-first-api-token-0123');
  assert.equal(await server.getApiToken(), 'the-first-api-token-0123');
  await server.setApiToken('the-second-api-token-456');
  assert.equal(await server.getApiToken(), 'the-second-api-token-456', 'no clock movement needed');
  await server.setApiToken(null);
  assert.equal(await server.getApiToken(), null);
  await server.setApiToken('the-third-api-token-7890');
  await server.setOidcEnabled(true);
  assert.equal(await server.isOidcEnabled(), true);
});

test(`a token changed by the CLI or another node applies to a running server within ${ACCESS_SETTINGS_MAX_AGE_MS} ms`, async () => {
  const { clock, server, cli } = await serverAndCli();
  await cli.setApiToken('the-first-api-token-0123');
  assert.equal(await server.getApiToken(), 'the-first-api-token-0123');
  await cli.setApiToken('the-second-api-token-456');
  clock.advance(ACCESS_SETTINGS_MAX_AGE_MS - 1);
  assert.equal(await server.getApiToken(), 'the-first-api-token-0123', 'within the bound the value read stays in use');
  clock.advance(1);
  assert.equal(await server.getApiToken(), 'the-second-api-token-456');

  await cli.setApiToken(null);
  clock.set('2026-03-01T09:00:00.000Z');
  assert.equal(await server.getApiToken(), null, 'a clock set back does not stretch the bound');
});

test('rules between settings are checked against the stored values, not the server\'s recent reads', async () => {
  const { server, cli } = await serverAndCli();
  await server.setApiToken('the-first-api-token-0123');
  assert.equal(await server.isOidcEnabled(), false);
  await cli.setOidcEnabled(true);
  await assert.rejects(server.setApiToken(null), (error) => isWaymarkError(error, 'WM_INPUT_INVALID') && /turn that off first/.test(error.message));

  const other = await serverAndCli();
  assert.equal(await other.server.getApiToken(), null);
  await other.cli.setApiToken('the-first-api-token-0123');
  await other.server.setOidcEnabled(true);
  assert.equal(await other.server.isOidcEnabled(), true, 'the token the CLI just set counts');
});

test('issuers remembered on another node within the last second are kept when this one remembers its own', async () => {
  const { server, cli } = await serverAndCli();
  await server.rememberIssuer('https://a.example.com');
  assert.deepEqual(await server.knownIssuers(), ['https://a.example.com']);
  await cli.rememberIssuer('https://b.example.com');
  await server.rememberIssuer('https://c.example.com');
  assert.deepEqual(await server.knownIssuers(), ['https://c.example.com', 'https://b.example.com', 'https://a.example.com']);
});

test('a failed read is not kept: the next call reads again', async () => {
  const store = await createSqliteStore({ filename: ':memory:' });
  let failNext = true;
  const flaky = new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'getSetting') return Reflect.get(target, property, receiver) as unknown;
      return async (key: string) => {
        if (failNext) {
          failNext = false;
          throw new Error('database is locked');
        }
        return target.getSetting(key);
      };
    },
  }) as Store;
  const settings = new SettingsService(flaky, new ManualClock());
  await new SettingsService(store).setApiToken('the-first-api-token-0123');
  await assert.rejects(settings.getApiToken(), /database is locked/);
  assert.equal(await settings.getApiToken(), 'the-first-api-token-0123');
});

test('the API token and the OpenID Connect switch are known without waiting only while a finished read is fresh', async () => {
  const { clock, server, cli } = await serverAndCli();
  await cli.setApiToken('the-first-api-token-0123');
  assert.equal(server.knownApiToken(), undefined, 'nothing read yet');
  const reading = server.getApiToken();
  assert.equal(server.knownApiToken(), undefined, 'the read has not finished');
  await reading;
  assert.equal(server.knownApiToken(), 'the-first-api-token-0123');
  assert.equal(server.knownOidcEnabled(), undefined, 'read separately');
  await server.isOidcEnabled();
  assert.equal(server.knownOidcEnabled(), false);

  clock.advance(ACCESS_SETTINGS_MAX_AGE_MS);
  assert.equal(server.knownApiToken(), undefined, 'too old');
  assert.equal(server.knownOidcEnabled(), undefined);
  await server.getApiToken();
  assert.equal(server.knownApiToken(), 'the-first-api-token-0123');

  await server.setApiToken(null);
  assert.equal(server.knownApiToken(), undefined, 'a write through the service forgets it');
  await server.getApiToken();
  assert.equal(server.knownApiToken(), null, 'an open API is known as null');
  server.forgetRecentReads();
  assert.equal(server.knownApiToken(), undefined, 'an announced change forgets it');
});
