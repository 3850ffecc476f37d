// Keeps admin-panel/dist/ (the admin panel, built by Vite) in step with its source, as
// build-if-stale.mjs does for the server: `npm start`, `npm run build` and the test runner build
// it when anything under admin-panel/src/ (or its index.html, public/, Vite config or package.json)
// is newer than the build's manifest.
//
// Usage: node scripts/panel-build.mjs [--if-stale]
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
/** The panel's workspace folder. */
export const panelRoot = join(root, 'admin-panel');
/** The Vite manifest of the panel's build; its time is the build's. */
export const panelManifest = join(panelRoot, 'dist/.vite/manifest.json');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when the panel's build exists and none of its sources is newer than it. */
export function isPanelFresh() {
  if (!existsSync(panelManifest)) return false;
  const built = statSync(panelManifest).mtimeMs;
  return SOURCES.every((source) => newestMtime(join(panelRoot, source)) <= built);
}

/** Builds the panel with Vite; returns Vite's exit status. */
export function buildPanel(log = (line) => console.error(line)) {
  log('waymark: building the admin panel (admin-panel/ → admin-panel/dist/)…');
  const vitePackage = createRequire(join(panelRoot, 'package.json')).resolve('vite/package.json');
  const build = spawnSync(process.execPath, [join(dirname(vitePackage), 'bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: panelRoot,
    stdio: 'inherit',
  });
  return build.status ?? 1;
}

/** Builds the panel unless its build is fresh; returns Vite's exit status (0 when nothing was needed). */
export function buildPanelIfStale(log) {
  return isPanelFresh() ? 0 : buildPanel(log);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exit(process.argv.includes('--if-stale') ? buildPanelIfStale() : buildPanel());
}
