// `npm start`: runs the compiled server (dist/), compiling first when any file under src/ is
// newer than the last build. Starting compiled JavaScript takes a fraction of the time that
// compiling TypeScript at start does (see docs/performance.md).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const entry = 'dist/cli/main.js';

function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestMtime(path) : stat.mtimeMs);
  }
  return newest;
}

if (!existsSync(entry) || newestMtime('src') > statSync(entry).mtimeMs) {
  console.error('waymark: compiling src/ to dist/ (npm run build)…');
  const build = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
await import(new URL(`../${entry}`, import.meta.url).href).catch((error) => {
  console.error(error);
  process.exit(1);
});
