import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { createStore } from '../store/index.js';
import type { CliIo } from './cli-io.js';
import { registerCallbackCommands } from './callback-commands.js';
import { reportError } from './report-error.js';
import { startVendorCallbackServer } from '../../test/support/vendor-callback-server.js';

interface Run {
  readonly exitCode: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `waymark <argv>` with only the callbacks commands against `dataDir`; `stdin` is what --token-stdin reads. */
async function waymark(dataDir: string, argv: readonly string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIo = { env: options.env ?? {}, cwd: dataDir, writeOut: (text) => void (out += text), writeErr: (text) => void (err += text) };
  let exitCode = 0;
  const program = new Command('waymark').exitOverride().configureOutput({ writeOut: io.writeOut, writeErr: io.writeErr });
  registerCallbackCommands(
    program,
    io,
    async (json, work) => {
      try {
        exitCode = await work();
      } catch (error) {
        exitCode = reportError(error, io, json === true);
      }
    },
    async () => options.stdin ?? '',
  );
  await program.parseAsync([...argv, '--data-dir', dataDir], { from: 'user' });
  return { exitCode, out, err };
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-callbacks-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function storedServers(dataDir: string): Promise<unknown> {
  const store = await createStore({ dataDir });
  try {
    return await store.getSetting('callbackServers');
  } finally {
    await store.close();
  }
}

describe('waymark callbacks', () => {
  it('adds a server on the vendor sample paths, lists it without its token, and tests it', async (t) => {
    const dir = tempDir(t);
    const vendor = await startVendorCallbackServer(t, { token: 'tok-123', handlers: { actions: { BookExpense: () => undefined }, parameters: { Budget: 1 } } });

    const added = await waymark(dir, ['callbacks', 'add', 'vendor', '--base-url', vendor.baseUrl, '--token-stdin', '--all-methods', '--json'], { stdin: 'tok-123\n' });
    assert.equal(added.exitCode, 0, added.out + added.err);
    assert.equal(added.out.includes('tok-123'), false, 'the token is never printed');
    assert.equal((JSON.parse(added.out) as { server: { hasToken: boolean } }).server.hasToken, true);

    const listed = await waymark(dir, ['callbacks', 'list']);
    assert.match(listed.out, /^vendor: base http:\/\/127\.0\.0\.1:\d+\/Api, token set, timeout 10000 ms$/m);
    assert.match(listed.out, /^ {2}getparameternames +http:\/\/127\.0\.0\.1:\d+\/Api\/getparameternames$/m);
    assert.equal(listed.out.includes('tok-123'), false);

    const tested = await waymark(dir, ['callbacks', 'test', 'vendor', '--scheme-code', 'ExpenseClaim', '--json']);
    assert.equal(tested.exitCode, 0, tested.out);
    const report = JSON.parse(tested.out) as { ok: boolean; results: { method: string; ok: boolean; data: unknown }[] };
    assert.deepEqual(report.results.map((r) => [r.method, r.ok, r.data]), [
      ['getactions', true, ['BookExpense']],
      ['getconditions', true, []],
      ['getrules', true, []],
      ['getparameternames', true, ['Budget']],
    ]);
    assert.deepEqual(vendor.violations, [], 'the token went in the query, as the vendor sends it on GET');
  });

  it('changes a path and a token, reports a failing test with exit code 1, and removes the server', async (t) => {
    const dir = tempDir(t);
    const vendor = await startVendorCallbackServer(t, { token: 'right', handlers: {} });
    assert.equal((await waymark(dir, ['callbacks', 'add', 'main', '--base-url', vendor.baseUrl, '--token', 'stale-token-1', '--path', 'getrules='])).exitCode, 0);

    const failing = await waymark(dir, ['callbacks', 'test', 'main', '--scheme-code', 'S']);
    assert.equal(failing.exitCode, 1);
    assert.match(failing.out, /^FAIL getactions/m);
    assert.match(failing.out, /refused getactions: ContractViolation: getactions: the token in the query is wrong/);
    assert.equal(failing.out.includes('getrules'), false, 'a method turned off is not tested');

    const changed = await waymark(dir, ['callbacks', 'change', 'main', '--token-stdin', '--default-path', 'getrules', '--path', 'executeaction=https://actions.example/run', '--method-token', 'executeaction=own'], { stdin: 'right' });
    assert.equal(changed.exitCode, 0, changed.err);
    assert.match(changed.out, /executeaction +https:\/\/actions\.example\/run {2}\(own token\)/);
    assert.equal((await waymark(dir, ['callbacks', 'test', 'main', '--scheme-code', 'S'])).exitCode, 0);

    assert.deepEqual(await storedServers(dir), [
      { name: 'main', baseUrl: vendor.baseUrl, token: 'right', paths: { executeaction: 'https://actions.example/run' }, tokens: { executeaction: 'own' } },
    ]);
    const removed = await waymark(dir, ['callbacks', 'remove', 'main', '--json']);
    assert.deepEqual(JSON.parse(removed.out), { removed: 'main' });
    assert.deepEqual(await storedServers(dir), []);
  });

  it('refuses bad input with a clear error and changes nothing', async (t) => {
    const dir = tempDir(t);
    const badPair = await waymark(dir, ['callbacks', 'add', 'x', '--base-url', 'http://127.0.0.1:9', '--path', 'executeaction']);
    assert.equal(badPair.exitCode, 1);
    assert.match(badPair.err, /--path takes method=value, got 'executeaction' \(WM_INPUT_INVALID\)/);
    const proto = await waymark(dir, ['callbacks', 'add', 'x', '--base-url', 'http://127.0.0.1:9', '--path', '__proto__=x', '--json']);
    assert.deepEqual(JSON.parse(proto.out), { error: { code: 'WM_INPUT_INVALID', message: `paths.__proto__ is not a Callback API method (${'getactions, getconditions, getrules, executeaction, executecondition, checkrule, getidentities, processstatuschanged, processactivitychanged, generate, processlog, getparameternames, getparameter, setparameter'})` } });
    const missing = await waymark(dir, ['callbacks', 'change', 'nobody', '--timeout-ms', '5']);
    assert.match(missing.err, /Callback server 'nobody' is not configured \(WM_CALLBACK_SERVER_NOT_FOUND\)/);
    const fromEnv = await waymark(dir, ['callbacks', 'remove', 'environment'], { env: { WAYMARK_CALLBACK_URL: 'http://127.0.0.1:9' } });
    assert.match(fromEnv.err, /comes from WAYMARK_CALLBACK_URL; unset that variable instead/);
    assert.equal(await storedServers(dir), null);
  });
});
