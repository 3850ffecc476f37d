/**
 * `waymark` (bin/waymark.js, `npm start`) and the bench's server process run the bundle of dist/
 * (scripts/bundle.mjs), not its thousand separate modules: a start loads a handful of files. The
 * children record every ES module they resolve (test/support/module-recorder.ts).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { moduleRecorder, type ModuleRecorder } from '../support/module-recorder.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DIST_URL = new URL('dist/', new URL(`file://${REPO}`)).href;

/** The compiled modules of dist/ a process loaded, apart from the bundle's own files. */
function unbundledModules(recorder: ModuleRecorder): string[] {
  return recorder
    .moduleUrls()
    .filter((url) => url.startsWith(DIST_URL))
    .map((url) => url.slice(DIST_URL.length))
    .filter((path) => !path.endsWith('.bundle.js') && !path.startsWith('chunks/'));
}

function workFolder(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-bundle-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('WAYMARK_') && key !== 'PORT' && key !== 'HOST' && key !== 'DATABASE_URL') env[key] = value;
  }
  return env;
}

test('waymark serve runs from the bundle of dist/, and serves from it', async (t) => {
  const cwd = workFolder(t);
  const recorder = moduleRecorder(cwd);
  const child = spawn(process.execPath, [...recorder.nodeArguments, join(REPO, 'bin', 'waymark.js'), 'serve', '--port', '0', '--host', '127.0.0.1'], {
    cwd,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Waymark is listening on (http:\/\/[^"]+)"/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`serve exited with ${code} before listening:\n${output}`)));
  });
  assert.equal((await fetch(`${url}/readiness`)).status, 200);
  assert.equal((await fetch(`${url}/workflowapi/getschemelist`)).status, 200);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);

  assert.ok(recorder.moduleUrls().includes(`${DIST_URL}cli/main.bundle.js`), 'the bundled command ran');
  assert.deepEqual(unbundledModules(recorder), [], 'no separate module of dist/ was loaded');
  const packages = recorder.packages();
  for (const bundled of ['fastify', 'kysely', 'pino', 'commander']) assert.equal(packages.has(bundled), false, `${bundled} came from the bundle`);
  assert.ok(packages.has('better-sqlite3'), 'the native SQLite addon is loaded from node_modules');
});

test("the bench's server process runs the same bundle", async (t) => {
  const dir = workFolder(t);
  const recorder = moduleRecorder(dir);
  const child = spawn(process.execPath, [...recorder.nodeArguments, join(REPO, 'bench', 'servers', 'waymark-server.mjs')], {
    env: { ...cleanEnv(), WAYMARK_DATA_DIR: join(dir, 'data'), WAYMARK_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  });
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /\{"port":(\d+)\}/.exec(output);
      if (match?.[1]) resolve(Number(match[1]));
    });
    void exited.then((code) => reject(new Error(`the server exited with ${code} before listening`)));
  });
  assert.equal((await fetch(`http://127.0.0.1:${port}/readiness`)).status, 200);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.ok(recorder.moduleUrls().includes(`${DIST_URL}server/index.bundle.js`));
  assert.deepEqual(unbundledModules(recorder), []);
});
