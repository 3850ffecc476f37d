import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WaymarkError } from '../errors/index.js';
import { createTestDatabase } from '../../test/support/postgres.js';
import { createStore } from './create-store.js';

describe('createStore', () => {
  it('opens the embedded SQLite store in <dataDir>/waymark.db by default', async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'waymark-create-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const dataDir = join(root, 'data');
    const store = await createStore({ dataDir, databaseUrl: '' });
    t.after(() => store.close());
    assert.equal(store.kind, 'sqlite');
    assert.ok(existsSync(join(dataDir, 'waymark.db')));
    assert.equal(await store.ping(), true);
  });

  it('opens a migrated PostgreSQL store for a postgres:// or postgresql:// URL', async (t) => {
    const url = await createTestDatabase(t);
    for (const databaseUrl of [url, url.replace(/^postgres:/, 'postgresql:')]) {
      const store = await createStore({ dataDir: '/nonexistent', databaseUrl });
      assert.equal(store.kind, 'postgres');
      assert.equal(await store.ping(), true);
      await store.close();
    }
  });

  it('refuses an unreachable PostgreSQL server with a configuration error that hides the password', async () => {
    await assert.rejects(createStore({ dataDir: '/nonexistent', databaseUrl: 'postgres://waymark:secret@127.0.0.1:1/waymark' }), (error: unknown) => {
      assert.equal((error as WaymarkError).code, 'WM_CONFIG_INVALID');
      assert.match((error as WaymarkError).message, /Cannot connect to the PostgreSQL database postgres:\/\/waymark:\*\*\*@127\.0\.0\.1:1\/waymark/);
      assert.doesNotMatch((error as WaymarkError).message, /secret/);
      return true;
    });
  });

  it('refuses other URL schemes without echoing the URL', async () => {
    await assert.rejects(createStore({ dataDir: '/nonexistent', databaseUrl: 'mysql://root:hunter2@db/x' }), (error: unknown) => {
      assert.equal((error as WaymarkError).code, 'WM_CONFIG_INVALID');
      assert.match((error as WaymarkError).message, /Unsupported database URL scheme 'mysql:'/);
      assert.doesNotMatch((error as WaymarkError).message, /hunter2/);
      return true;
    });
  });
});
