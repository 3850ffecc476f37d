import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { LOG_LEVELS, loadConfig, type ConfigFlags } from '../config/index.js';
import type { RunningServer } from '../server/index.js';
import type { CliIo } from './cli-io.js';
import { registerBenchCommand } from './bench-command.js';
import { registerCallbackCommands } from './callback-commands.js';
import { reportError } from './report-error.js';
import { registerSettingsCommands } from './settings-commands.js';
import { registerTenantCommands } from './tenant-commands.js';

// The server and the store are loaded only by the commands that use them, so `--help` stays quick.
const loadServer = () => import('../server/index.js');
const loadSchemeCommands = () => import('./scheme-commands.js');

const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** What a finished CLI run leaves behind. */
export interface CliOutcome {
  /** The process exit code. */
  readonly exitCode: number;
  /** Set by `serve`: the server keeps the process alive until a signal closes it. */
  readonly server?: RunningServer;
}

/**
 * Runs the `waymark` command line with `argv` (the arguments after the program name).
 * Never throws and never exits the process: errors are printed (no stack trace) and become exit code 1.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<CliOutcome> {
  let exitCode = 0;
  let server: RunningServer | undefined;
  const run = async (json: boolean | undefined, work: () => Promise<number>): Promise<void> => {
    try {
      exitCode = await work();
    } catch (error) {
      exitCode = reportError(error, io, json === true);
    }
  };

  const program = new Command('waymark')
    .description('Waymark: a self-hosted workflow server')
    .version(packageVersion)
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.writeOut(text), writeErr: (text) => io.writeErr(text) });

  program
    .command('serve')
    .description('start the HTTP server (SQLite in the data folder unless DATABASE_URL is set)')
    .option('--port <port>', 'TCP port (env PORT, default 8077)')
    .option('--host <host>', 'interface to bind (env HOST, default 0.0.0.0)')
    .option('--data-dir <path>', 'data folder (env WAYMARK_DATA_DIR, default ./data)')
    .option('--database-url <url>', 'PostgreSQL URL (env DATABASE_URL)')
    .option('--public-url <url>', 'the URL callers reach this server at (env WAYMARK_PUBLIC_URL)')
    .addOption(new Option('--log-level <level>', 'log level (env WAYMARK_LOG_LEVEL, default info)').choices(LOG_LEVELS))
    .action(async (flags: Partial<ConfigFlags>) => {
      await run(false, async () => {
        const config = loadConfig(io.env, flags, io.cwd);
        const { startServer } = await loadServer();
        server = await startServer(config);
        return 0;
      });
    });

  const scheme = program.command('scheme').description('import and inspect schemes in the configured store (no server needed)').enablePositionalOptions();
  const storeOptions = (command: Command): Command =>
    command
      .option('--data-dir <path>', 'data folder (env WAYMARK_DATA_DIR, default ./data)')
      .option('--database-url <url>', 'PostgreSQL URL (env DATABASE_URL)');

  storeOptions(
    scheme
      .command('import <file>')
      .description('compile a scheme (vendor XML or Waymark JSON) and store it as a new version')
      .option('--code <code>', 'store it under this scheme code instead of the one in the file')
      .option('--json', 'print the result as one JSON document'),
  ).action(async (file: string, options: { code?: string; json?: boolean; dataDir?: string; databaseUrl?: string }) => {
    await run(options.json, async () => (await loadSchemeCommands()).importSchemeCommand(file, options, io));
  });

  storeOptions(
    scheme
      .command('list')
      .description('list the latest version of every scheme')
      .option('--json', 'print the list as one JSON document'),
  ).action(async (options: { json?: boolean; dataDir?: string; databaseUrl?: string }) => {
    await run(options.json, async () => (await loadSchemeCommands()).listSchemesCommand(options, io));
  });

  storeOptions(
    scheme
      .command('show <code>')
      .description('show one scheme version (the latest by default)')
      .option('--version <n>', 'show this version')
      .option('--json', 'print the stored scheme as one JSON document')
      .option('--xml', 'print the vendor XML it was imported from'),
  ).action(async (code: string, options: { version?: string; json?: boolean; xml?: boolean; dataDir?: string; databaseUrl?: string }) => {
    await run(options.json, async () => (await loadSchemeCommands()).showSchemeCommand(code, options, io));
  });

  registerSettingsCommands(program, io, run);
  registerTenantCommands(program, io, run);
  registerCallbackCommands(program, io, run);
  registerBenchCommand(program, io, run);

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    // Commander has already printed its own message (usage errors, --help, --version).
    if (error instanceof CommanderError) return { exitCode: error.exitCode };
    return { exitCode: reportError(error, io, false) };
  }
  return server === undefined ? { exitCode } : { exitCode, server };
}
