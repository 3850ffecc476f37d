// Runs every *.test.ts under src/, test/, bench/ and admin-panel/src/ (the panel's pure modules)
// with node:test through tsx. Node 20's --test does not expand globs, so the files are listed here.
// Usage: node scripts/run-tests.mjs [--cluster | --browser | --vendor-schemes] [substring-filter ...]
// --cluster runs the multi-process suites (*.cluster-test.ts) instead of the unit and scenario tests;
// --browser runs the admin panel in Chromium (*.browser-test.ts, test/browser/), one file at a time;
// --vendor-schemes runs the suites on the vendor's sample schemes (*.vendor-test.ts), which live
// outside the repository: in ../shared/fixtures/schemes/ beside it, or the folder named by
// WAYMARK_VENDOR_SCHEMES.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { buildIfStale } from './build-if-stale.mjs';

function collect(dir, out) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith(suffix)) out.push(path);
  }
  return out;
}

const args = process.argv.slice(2);
const cluster = args.includes('--cluster');
const browser = args.includes('--browser');
const vendorSchemes = args.includes('--vendor-schemes');
const suffix = cluster ? '.cluster-test.ts' : browser ? '.browser-test.ts' : vendorSchemes ? '.vendor-test.ts' : '.test.ts';
const filters = args.filter((arg) => arg !== '--cluster' && arg !== '--browser' && arg !== '--vendor-schemes');
const env = { ...process.env, NODE_ENV: 'test' };
if (vendorSchemes) {
  const folder = resolve(process.env.WAYMARK_VENDOR_SCHEMES || fileURLToPath(new URL('../../shared/fixtures/schemes/', import.meta.url)));
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    console.error(
      `The vendor's sample schemes were not found in ${folder}.\n` +
        'npm run test:vendor-schemes runs the vendor sample schemes through import and execution; it expects them in\n' +
        '../shared/fixtures/schemes/ beside the repository, or in the folder named by WAYMARK_VENDOR_SCHEMES.\n' +
        '(npm test does not need them: it uses the schemes in test/fixtures/schemes/.)',
    );
    process.exit(1);
  }
  env.WAYMARK_VENDOR_SCHEMES = folder;
}
const files = [...collect('src', []), ...collect('test', []), ...collect('bench', []), ...collect('admin-panel/src', [])]
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// Child processes the tests start (the CLI, cluster nodes) run compiled JavaScript: build it once here.
if (buildIfStale() !== 0) console.error('warning: tsc reported type errors; dist/ was still emitted');
const result = spawnSync(
  process.execPath,
  // Browser suites run one at a time: each drives a Chromium of its own.
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${browser ? 1 : 2}`, ...files],
  { stdio: 'inherit', env },
);
process.exit(result.status ?? 1);
