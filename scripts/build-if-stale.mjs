// Keeps dist/ (compiled JavaScript, tsconfig.build.json) in step with src/. Starting compiled
// JavaScript takes a fraction of the time that compiling TypeScript at start does, so
// `npm start`, `bin/waymark.js` and the tests' child processes run dist/ when it is fresh.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
/** The compiled CLI entry. */
export const compiledCli = join(root, 'dist/cli/main.js');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** True when dist/ exists and no file under src/ is newer than it. */
export function isBuildFresh() {
  return existsSync(compiledCli) && newestMtime(join(root, 'src')) <= statSync(compiledCli).mtimeMs;
}

/**
 * Compiles src/ to dist/ unless it is fresh. Returns tsc's exit status (0 when nothing was
 * needed); tsc still emits JavaScript when it reports type errors.
 */
export function buildIfStale(log = (line) => console.error(line)) {
  if (isBuildFresh()) return 0;
  log('waymark: compiling src/ to dist/ (npm run build)…');
  const build = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  return build.status ?? 1;
}
