import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWaymarkError } from '../errors/index.js';
import { createSqliteStore } from '../store/index.js';
import { ACCESS_SETTINGS, SettingsService } from './settings-service.js';
import { applyStartupSettings, beginStartupSettings } from './startup-settings.js';
import { capturingLogger } from './testing.js';

async function freshSettings() {
  const store = await createSqliteStore({ filename: ':memory:' });
  return { store, settings: new SettingsService(store) };
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
