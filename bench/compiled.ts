/**
 * The bench runs the server as production does: compiled JavaScript in dist/ (`npm start` runs
 * the same files). `ensureCompiled` builds dist/ first when any file under src/ is newer.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WaymarkError } from '../src/errors/index.js';

const projectRoot = fileURLToPath(new URL('../', import.meta.url));
const compiledEntry = join(projectRoot, 'dist/http/index.js');

function newestModification(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestModification(path) : statSync(path).mtimeMs);
  }
  return newest;
}

let checked = false;

/**
 * Compiles src/ to dist/ (`tsconfig.build.json`) unless dist/ is up to date; once per process.
 * Type errors elsewhere in the tree still emit JavaScript (as `npm run build` does), so they
 * only fail the bench when nothing was emitted.
 *
 * @throws WaymarkError `WM_INTERNAL` when dist/ still has no server after the build.
 */
export function ensureCompiled(log: (line: string) => void = () => {}): void {
  if (checked) return;
  const stale = !existsSync(compiledEntry) || newestModification(join(projectRoot, 'src')) > statSync(compiledEntry).mtimeMs;
  if (stale) {
    log('compiling src/ to dist/ (tsconfig.build.json)…');
    const build = spawnSync(process.execPath, [join(projectRoot, 'node_modules/typescript/bin/tsc'), '-p', join(projectRoot, 'tsconfig.build.json')], {
      cwd: projectRoot,
      encoding: 'utf8',
    });
    if (build.status !== 0) log(`tsc reported errors (JavaScript was still emitted):\n${(build.stdout ?? '').slice(0, 2000)}`);
    if (!existsSync(compiledEntry)) {
      throw new WaymarkError('WM_INTERNAL', `Building dist/ failed: ${(build.stdout ?? '') + (build.stderr ?? '')}`.slice(0, 4000), { entry: compiledEntry });
    }
  }
  checked = true;
}
