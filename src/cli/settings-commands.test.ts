import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { SettingsService } from '../access/index.js';
import { createStore } from '../store/index.js';
import type { CliIo } from './cli-io.js';
import { reportError } from './report-error.js';
import { registerSettingsCommands } from './settings-commands.js';

/** Runs `waymark <argv>` with only the settings commands, against a temp data folder. */
async function waymark(dataDir: string, ...argv: string[]): Promise<{ exitCode: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { env: {}, cwd: dataDir, writeOut: (text) => void (out += text), writeErr: (text) => void (err += text) };
  let exitCode = 0;
  const program = new Command('waymark').exitOverride().configureOutput({ writeOut: io.writeOut, writeErr: io.writeErr });
  registerSettingsCommands(program, io, async (json, work) => {
    try {
      exitCode = await work();
    } catch (error) {
      exitCode = reportError(error, io, json === true);
    }
  });
  await program.parseAsync([...argv, '--data-dir', dataDir], { from: 'user' });
  return { exitCode, out, err };
}

async function withSettings<T>(dataDir: string, work: (settings: SettingsService) => Promise<T>): Promise<T> {
  const store = await createStore({ dataDir });
  try {
    return await work(new SettingsService(store));
  } finally {
    await store.close();
  }
}

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-settings-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('set and get the API token: masked unless revealed', async (t) => {
  const dir = tempDir(t);
  assert.equal((await waymark(dir, 'settings', 'get', 'api-token')).out, 'api-token: not set (the Workflow API is open)\n');
  assert.equal((await waymark(dir, 'settings', 'set', 'api-token', 'cli-api-token-1234567890')).exitCode, 0);
  const masked = await waymark(dir, 'settings', 'get', 'api-token');
  assert.equal(masked.out.includes('cli-api-token-1234567890'), false);
  assert.match(masked.out, /^api-token: cli-… \(24 characters/);
  const revealed = await waymark(dir, 'settings', 'get', 'api-token', '--reveal', '--json');
  assert.deepEqual(JSON.parse(revealed.out), { apiToken: 'cli-api-token-1234567890', set: true });
  assert.equal(await withSettings(dir, (settings) => settings.getApiToken()), 'cli-api-token-1234567890');
});

test('oidc cannot be turned on without a token; with one it can', async (t) => {
  const dir = tempDir(t);
  const refused = await waymark(dir, 'settings', 'set', 'oidc', 'on');
  assert.equal(refused.exitCode, 1);
  assert.match(refused.err, /needs an API access token.*WM_INPUT_INVALID/);
  await waymark(dir, 'settings', 'set', 'api-token', '--generate');
  assert.equal((await waymark(dir, 'settings', 'set', 'oidc', 'on')).out, 'oidc: on\n');
  assert.equal((await waymark(dir, 'settings', 'get', 'oidc')).out, 'oidc: on\n');
  const bad = await waymark(dir, 'settings', 'set', 'oidc', 'perhaps');
  assert.equal(bad.exitCode, 1);
});

test('a generated API token is printed once and stored', async (t) => {
  const dir = tempDir(t);
  const result = await waymark(dir, 'settings', 'set', 'api-token', '--generate', '--json');
  const { generated } = JSON.parse(result.out) as { generated: string };
  assert.ok(generated.length >= 48);
  assert.equal(await withSettings(dir, (settings) => settings.getApiToken()), generated);
  assert.equal((await waymark(dir, 'settings', 'set', 'api-token', '--clear')).exitCode, 0);
  assert.equal(await withSettings(dir, (settings) => settings.getApiToken()), null);
});

test('the admin password is set but only ever shown as set', async (t) => {
  const dir = tempDir(t);
  assert.equal((await waymark(dir, 'settings', 'get', 'admin-password')).out, 'admin-password: not set\n');
  await waymark(dir, 'settings', 'set', 'admin-password', 'cli-admin-password');
  assert.equal((await waymark(dir, 'settings', 'get', 'admin-password')).out, 'admin-password: set\n');
  assert.equal(await withSettings(dir, (settings) => settings.verifyAdminPassword('cli-admin-password')), true);
});

test('unknown settings and conflicting options are clear errors', async (t) => {
  const dir = tempDir(t);
  const unknown = await waymark(dir, 'settings', 'get', 'colour');
  assert.equal(unknown.exitCode, 1);
  assert.match(unknown.err, /Unknown setting 'colour'/);
  const both = await waymark(dir, 'settings', 'set', 'api-token', 'x-token-1234567890abc', '--generate');
  assert.match(both.err, /exactly one of/);
  const clearPassword = await waymark(dir, 'settings', 'set', 'admin-password', '--clear');
  assert.match(clearPassword.err, /--clear applies to api-token only/);
});

test('keys rotate adds a signing key and keeps the old one until its tokens expire', async (t) => {
  const dir = tempDir(t);
  const first = JSON.parse((await waymark(dir, 'keys', 'rotate', '--json')).out) as { kid: string; keys: unknown[] };
  assert.equal(first.keys.length, 1);
  const second = JSON.parse((await waymark(dir, 'keys', 'rotate', '--json')).out) as { kid: string; keys: { kid: string; retiredAt: string | null }[] };
  assert.notEqual(second.kid, first.kid);
  assert.deepEqual(second.keys.map((key) => key.kid), [second.kid, first.kid]);
  assert.equal(second.keys[0]?.retiredAt, null);
  assert.equal(typeof second.keys[1]?.retiredAt, 'string');
  const listed = await waymark(dir, 'keys', 'list');
  assert.match(listed.out, new RegExp(`${second.kid}.*\\(signing\\)`));
  assert.equal(listed.out.includes('"d"'), false);
});
