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
