// Keeps dist/ (compiled JavaScript, tsconfig.build.json, and its bundle, scripts/bundle.mjs) in
// step with src/. Starting compiled JavaScript takes a fraction of the time that compiling
// TypeScript at start does, and the bundle half of that again, so `npm start`, `bin/waymark.js`
// and the tests' child processes run the bundled dist/ when it is fresh.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { bundledCli, bundleDist, isBundleFresh } from './bundle.mjs';
import { buildPanelIfStale } from './panel-build.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const compiledMain = join(root, 'dist/cli/main.js');
/** The compiled CLI entry: the bundle of dist/cli/main.js. */
export const compiledCli = bundledCli;

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function isCompiledFresh() {
  return existsSync(compiledMain) && newestMtime(join(root, 'src')) <= statSync(compiledMain).mtimeMs;
}

/** True when dist/ exists, no file under src/ is newer than it, and its bundle is up to date. */
export function isBuildFresh() {
  return isCompiledFresh() && isBundleFresh();
}

/**
 * Compiles src/ to dist/ unless it is fresh, then bundles it unless the bundle is fresh, then
 * builds the admin panel unless its build is fresh (scripts/panel-build.mjs). Returns tsc's exit
 * status, or Vite's when tsc succeeded (0 when nothing was needed); tsc still emits JavaScript when
 * it reports type errors, and that JavaScript is bundled. Throws when bundling fails.
 */
export function buildIfStale(log = (line) => console.error(line)) {
  let status = 0;
  if (!isCompiledFresh()) {
    log('waymark: compiling src/ to dist/ (npm run build)…');
    const build = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], {
      cwd: root,
      stdio: 'inherit',
    });
    status = build.status ?? 1;
  }
  if (!isBundleFresh()) bundleDist();
  const panelStatus = buildPanelIfStale(log);
  return status !== 0 ? status : panelStatus;
}
