import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WaymarkError } from '../errors/index.js';
import type { CliIo } from './cli-io.js';
import { runBenchEntry } from './bench-command.js';
import { runCli } from './program.js';

function capturingIo(): CliIo & { out: string; err: string } {
  const io = {
    env: process.env,
    cwd: process.cwd(),
    out: '',
    err: '',
    writeOut(text: string) {
      io.out += text;
    },
    writeErr(text: string) {
      io.err += text;
    },
  };
  return io;
}

test('waymark bench passes scenario names and options to the benchmark unchanged, with its exit code', { timeout: 60_000 }, async () => {
  const unknownScenario = capturingIo();
  assert.equal((await runCli(['bench', 'create', 'nope'], unknownScenario)).exitCode, 2);
  assert.match(unknownScenario.err, /Unknown scenario 'nope' \(expected one of: create, execute, query, latency, timers, engine\)/);

  const unknownFlag = capturingIo();
  assert.equal((await runCli(['bench', '--duration', '1', '--fast'], unknownFlag)).exitCode, 2);
  assert.match(unknownFlag.err, /Unknown option '--fast'/);
});

test('waymark bench outside a source checkout says the bench folder is missing', async () => {
  const root = mkdtempSync(join(tmpdir(), 'waymark-no-bench-'));
  try {
    await assert.rejects(runBenchEntry([], capturingIo(), `${root}/`), (error: unknown) => error instanceof WaymarkError && error.code === 'WM_CONFIG_INVALID' && /bench\/main\.ts/.test(error.message));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
