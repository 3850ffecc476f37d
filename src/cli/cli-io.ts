import type { Command } from 'commander';
/** Where a CLI run reads its settings and writes its output; tests pass their own. */
export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  /** The folder relative paths are resolved against. */
  readonly cwd: string;
  writeOut(text: string): void;
  writeErr(text: string): void;
}

/** The real process: its environment, working folder, stdout and stderr. */
export function processIo(): CliIo {
  return {
    env: process.env,
    cwd: process.cwd(),
    writeOut: (text) => void process.stdout.write(text),
    writeErr: (text) => void process.stderr.write(text),
  };
}

/**
 * Adds the options of every command that works on the configured store directly: `--data-dir`,
 * `--database-url` and `--json`.
 */
export function withStoreOptions(command: Command): Command {
  return command
    .option('--data-dir <path>', 'data folder (env WAYMARK_DATA_DIR, default ./data)')
    .option('--database-url <url>', 'PostgreSQL URL (env DATABASE_URL)')
    .option('--json', 'print the result as one JSON document');
}
