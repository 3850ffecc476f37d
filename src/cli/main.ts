/**
 * The `waymark` executable: `npm start`, `npx waymark` and `bin/waymark.js` all run this file.
 * It only sets the exit code; a running server keeps the process alive until SIGINT or SIGTERM.
 */
import { processIo } from './cli-io.js';
import { runCli } from './program.js';

const outcome = await runCli(process.argv.slice(2), processIo());
process.exitCode = outcome.exitCode;
