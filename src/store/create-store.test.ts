import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WaymarkError } from '../errors/index.js';
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

  it('refuses a PostgreSQL URL for now with a clear configuration error', async () => {
    await assert.rejects(createStore({ dataDir: '/nonexistent', databaseUrl: 'postgres://waymark:secret@db/waymark' }), (error: unknown) => {
      assert.equal((error as WaymarkError).code, 'WM_CONFIG_INVALID');
      assert.match((error as WaymarkError).message, /PostgreSQL support arrives in a later release/);
      assert.doesNotMatch((error as WaymarkError).message, /secret/);
      return true;
    });
    await assert.rejects(createStore({ dataDir: '/nonexistent', databaseUrl: 'postgresql://db/waymark' }), /PostgreSQL support arrives/);
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
