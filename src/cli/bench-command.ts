/**
 * `waymark bench [scenario ...] [--duration s] …`: runs the benchmark (bench/main.ts, the same
 * entry as `npm run bench`) with the same arguments, in a child process through tsx, from a
 * source checkout. Its table and progress are passed through; its exit code is the command's.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { WaymarkError } from '../errors/index.js';
import type { CliIo } from './cli-io.js';
import type { CommandRunner } from './settings-commands.js';

// src/cli/ and dist/cli/ are both two folders below the project root.
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs bench/main.ts with `argv` and resolves with its exit code.
 *
 * @throws WaymarkError `WM_CONFIG_INVALID` when this installation has no bench/ folder (the
 * benchmark ships with the source checkout, not with the server).
 */
export async function runBenchEntry(argv: readonly string[], io: CliIo, root: string = projectRoot): Promise<number> {
  const entry = `${root}bench/main.ts`;
  if (!existsSync(entry)) {
    throw new WaymarkError('WM_CONFIG_INVALID', `waymark bench needs the source checkout: ${entry} does not exist`, { setting: 'bench', value: entry });
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...argv], { cwd: root, env: io.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => io.writeOut(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => io.writeErr(chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
}

/** Adds `waymark bench` to the program: every argument after `bench` goes to the benchmark unchanged. */
export function registerBenchCommand(program: Command, io: CliIo, run: CommandRunner): void {
  program
    .command('bench')
    .description('run the benchmarks (npm run bench): waymark bench [create execute query latency timers engine] [--duration s] … (see docs/performance.md)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[arguments...]', 'scenario names and options, passed to bench/main.ts')
    .action(async (argv: string[]) => {
      await run(false, () => runBenchEntry(argv, io));
    });
}
