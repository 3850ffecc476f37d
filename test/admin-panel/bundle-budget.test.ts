/**
 * The first page of the admin panel loads at most 250 KB of gzipped JavaScript: the entry chunk of
 * Vite's build and every chunk it imports statically (what the browser must fetch before the
 * first render; pages and CodeMirror load on demand and do not count). Reads the build's manifest,
 * which the test runner's build step (scripts/build-if-stale.mjs) keeps fresh.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The budget, in bytes of gzipped JavaScript. */
const FIRST_PAGE_BUDGET = 250 * 1000;

const dist = fileURLToPath(new URL('../../admin-panel/dist/', import.meta.url));
const manifestPath = join(dist, '.vite/manifest.json');

interface ManifestChunk {
  readonly file: string;
  readonly isEntry?: boolean;
  readonly imports?: readonly string[];
  readonly dynamicImports?: readonly string[];
}
type Manifest = Readonly<Record<string, ManifestChunk>>;

function readManifest(): Manifest {
  assert.ok(existsSync(manifestPath), 'the admin panel is not built: run `npm run build` (npm test builds it when stale)');
  return JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
}

/** The entry chunk and everything it imports statically, by manifest key. */
function firstPageChunks(manifest: Manifest): Set<string> {
  const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry === true);
  assert.equal(entries.length, 1, 'one entry: index.html');
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const imported of manifest[key]?.imports ?? []) visit(imported);
  };
  visit(entries[0]![0]);
  return seen;
}

test('the first page loads at most 250 KB of gzipped JavaScript', () => {
  const manifest = readManifest();
  const chunks = firstPageChunks(manifest);
  let gzipped = 0;
  for (const key of chunks) {
    const file = manifest[key]!.file;
    if (!file.endsWith('.js')) continue;
    gzipped += gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
  }
  console.log(`first page: ${chunks.size} chunks, ${(gzipped / 1000).toFixed(1)} KB of gzipped JavaScript (budget ${FIRST_PAGE_BUDGET / 1000} KB)`);
  assert.ok(gzipped > 0);
  assert.ok(gzipped <= FIRST_PAGE_BUDGET, `${gzipped} bytes of gzipped JavaScript on the first page, more than the budget of ${FIRST_PAGE_BUDGET}`);
});

test('the pages and CodeMirror are split off: the first page does not load them', () => {
  const manifest = readManifest();
  const firstPage = [...firstPageChunks(manifest)].map((key) => manifest[key]!.file);
  for (const lazy of ['explorer-page', 'dashboard-page', 'codemirror']) {
    assert.equal(firstPage.some((file) => file.includes(lazy)), false, `${lazy} is not loaded by the first page`);
  }
  const dynamic = Object.values(manifest).flatMap((chunk) => chunk.dynamicImports ?? []);
  assert.ok(dynamic.some((key) => key.includes('explorer-page')), 'the explorer is loaded on demand');
  assert.ok(dynamic.some((key) => key.includes('dashboard-page')), 'the Dashboard is loaded on demand');
});
