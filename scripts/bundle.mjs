// Bundles the compiled server (dist/, from tsc) into a few files, so a start loads a handful of
// modules instead of about a thousand: Node 20 resolves, reads, compiles and links every ES module
// and CommonJS file of the server and of its packages (fastify, kysely, pino, …) one by one, and
// that took about half of the CPU from spawn to /readiness (docs/performance.md, "Start-up").
//
//   dist/cli/main.bundle.js     the `waymark` command (bin/waymark.js, `npm start`)
//   dist/server/index.bundle.js startServer & co. (the bench's server process)
//   dist/config/index.bundle.js loadConfig
//   dist/store/sqlite-step-writer-thread.bundle.js  the SQLite step writer's worker thread
//   dist/chunks/*.js            code they share, and what they import on demand
//
// Every output stays two folders below the project root, like dist/cli/, because the CLI finds
// package.json and bench/ relative to its own file. Left outside the bundle and loaded from
// node_modules: better-sqlite3 (a native addon) and the packages the server loads only when a
// request needs them (pg, jose; fast-xml-parser and cel-js are required by name at run time).
//
// Usage: node scripts/bundle.mjs [--if-stale]
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = join(root, 'dist');

/** The compiled modules bundled, relative to dist/. */
const ENTRIES = ['cli/main.js', 'server/index.js', 'config/index.js', 'store/sqlite-step-writer-thread.js'];

/** The bundle of a compiled entry: `dist/cli/main.js` → `dist/cli/main.bundle.js`. */
export function bundleOf(entry) {
  return join(dist, entry.replace(/\.js$/, '.bundle.js'));
}

/** The bundled `waymark` command. */
export const bundledCli = bundleOf('cli/main.js');

const CHUNKS = 'chunks';

function isBundleOutput(path) {
  return path.endsWith('.bundle.js') || path.endsWith('.bundle.js.map') || relative(dist, path).startsWith(`${CHUNKS}/`);
}

function newestCompiled(directory) {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (isBundleOutput(path)) continue;
    newest = Math.max(newest, entry.isDirectory() ? newestCompiled(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** True when every bundle exists and no compiled file in dist/ is newer than it. */
export function isBundleFresh() {
  const outputs = ENTRIES.map(bundleOf);
  if (!outputs.every((output) => existsSync(output))) return false;
  const oldest = Math.min(...outputs.map((output) => statSync(output).mtimeMs));
  return newestCompiled(dist) <= oldest;
}

/** Bundles dist/ (which tsc must have written). Throws when esbuild reports an error. */
export function bundleDist() {
  // Loaded here, not above: bin/waymark.js checks freshness on every command and needs no esbuild.
  const { buildSync } = createRequire(import.meta.url)('esbuild');
  buildSync({
    absWorkingDir: root,
    entryPoints: ENTRIES.map((entry) => join(dist, entry)),
    outdir: dist,
    outbase: dist,
    entryNames: '[dir]/[name].bundle',
    chunkNames: `${CHUNKS}/[name]-[hash]`,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    external: ['better-sqlite3', 'pg', 'pg-native', 'jose'],
    // CommonJS packages inside an ES module bundle still call require() (for node: built-ins too).
    banner: { js: "import { createRequire as __waymarkCreateRequire } from 'node:module'; const require = __waymarkCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (!process.argv.includes('--if-stale') || !isBundleFresh()) bundleDist();
}
