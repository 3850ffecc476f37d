import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from './sqlite-store.js';

const modeOf = (path: string): number => statSync(path).mode & 0o777;

function scratch(t: TestContext): string {
  const root = mkdtempSync(join(tmpdir(), 'waymark-modes-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

const skipOnWindows = { skip: process.platform === 'win32' ? 'Windows has no Unix file modes' : false };

test('a new data folder is 0700 and the database with its -wal and -shm files 0600', skipOnWindows, async (t) => {
  const dataDir = join(scratch(t), 'data');
  const previousUmask = process.umask(0o022);
  t.after(() => process.umask(previousUmask));
  const warnings: string[] = [];
  const store = await createSqliteStore({ dataDir, warn: (message) => warnings.push(message) });
  await store.setSetting('access.apiToken', 'a-secret-worth-protecting');
  const database = join(dataDir, 'waymark.db');
  assert.equal(modeOf(dataDir), 0o700);
  assert.equal(modeOf(database), 0o600);
  for (const companion of ['-wal', '-shm']) {
    assert.ok(existsSync(`${database}${companion}`), `${companion} exists while the store is open`);
    assert.equal(modeOf(`${database}${companion}`), 0o600, companion);
  }
  await store.close();
  assert.deepEqual(warnings, [], 'nothing was looser than it should be');
});

test('an existing folder and database readable by others are tightened at start, with a warning each', skipOnWindows, async (t) => {
  const dataDir = join(scratch(t), 'data');
  const first = await createSqliteStore({ dataDir });
  await first.setSetting('access.apiToken', 'a-secret-worth-protecting');
  await first.close();
  const database = join(dataDir, 'waymark.db');
  chmodSync(dataDir, 0o755);
  chmodSync(database, 0o644);

  const warnings: { message: string; path: string; mode: string }[] = [];
  const store = await createSqliteStore({ dataDir, warn: (message, context) => warnings.push({ message, ...context }) });
  t.after(() => store.close());
  assert.equal(modeOf(dataDir), 0o700);
  assert.equal(modeOf(database), 0o600);
  assert.deepEqual(warnings.map(({ path, mode }) => ({ path, mode })), [
    { path: dataDir, mode: '0755' },
    { path: database, mode: '0644' },
  ]);
  assert.match(warnings[0]?.message ?? '', /data folder could be read by other users \(mode 0755\).*now 0700/);
  assert.equal(await store.getSetting('access.apiToken'), 'a-secret-worth-protecting', 'the data is kept');
});

test('a folder that is already private is left as it is, silently', skipOnWindows, async (t) => {
  const dataDir = join(scratch(t), 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  const warnings: string[] = [];
  const store = await createSqliteStore({ dataDir, warn: (message) => warnings.push(message) });
  t.after(() => store.close());
  assert.equal(modeOf(dataDir), 0o700);
  assert.deepEqual(warnings, []);
});
