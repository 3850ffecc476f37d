/** The command line: `waymark serve` and `waymark scheme …`. */
export { runCli, type CliOutcome } from './program.js';
export { processIo, type CliIo } from './cli-io.js';
