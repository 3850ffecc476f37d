/** `waymark serve` mounts the admin API beside the Workflow API, guarded, with its sign-in routes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/index.js';
import { buildApp, installedPlugins } from '../../src/server/index.js';
import { createLogger } from '../../src/logging/index.js';
import { ManualClock } from '../../src/services/index.js';
import { createSqliteStore } from '../../src/store/index.js';

test('the installed plugins include the admin API: /admin/api answers 401 without credentials, /admin/session exists', async (t) => {
  assert.ok(installedPlugins().some((plugin) => plugin.name === 'admin-api'));
  const store = await createSqliteStore({ filename: ':memory:' });
  const app = await buildApp({
    config: loadConfig({}, {}, '/srv/waymark'),
    store,
    logger: createLogger({ level: 'silent' }),
    clock: new ManualClock('2026-04-01T08:00:00.000Z'),
    plugins: installedPlugins(),
  });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  const schemes = await app.inject({ method: 'GET', url: '/admin/api/schemes' });
  assert.equal(schemes.statusCode, 401);
  assert.equal(schemes.json().error, 'WM_UNAUTHORIZED');
  const session = await app.inject({ method: 'GET', url: '/admin/session' });
  assert.deepEqual(session.json(), { error: 'WM_UNAUTHORIZED', message: 'Not signed in.' });
});
