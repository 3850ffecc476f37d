// Runs every *.test.ts under src/, test/, bench/ and admin-panel/src/ (the panel's pure modules)
// with node:test through tsx. Node 20's --test does not expand globs, so the files are listed here.
// Usage: node scripts/run-tests.mjs [--cluster | --browser] [substring-filter ...]
// --cluster runs the multi-process suites (*.cluster-test.ts) instead of the unit and scenario tests;
// --browser runs the admin panel in Chromium (*.browser-test.ts, test/browser/), one file at a time.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
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
const suffix = cluster ? '.cluster-test.ts' : browser ? '.browser-test.ts' : '.test.ts';
const filters = args.filter((arg) => arg !== '--cluster' && arg !== '--browser');
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
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
