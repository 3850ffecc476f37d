// `npm start`: runs the compiled server (dist/), compiling first when src/ is newer.
import { pathToFileURL } from 'node:url';
import { buildIfStale, compiledCli } from './build-if-stale.mjs';

const status = buildIfStale();
if (status !== 0) process.exit(status);
await import(pathToFileURL(compiledCli).href);
