/**
 * bench/profile-summary.mjs on a small hand-made profile: self time by place and function, a
 * time window, inclusive time, callers and the per-second view add up as the samples say.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: '0' });

// root → handle (dist) → commit (better-sqlite3); root → (garbage collector)
const profile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 4] },
    { id: 2, callFrame: frame('handle', 'file:///srv/dist/http/index.bundle.js', 9), children: [3] },
    { id: 3, callFrame: frame('commit', 'file:///srv/node_modules/better-sqlite3/lib/transaction.js', 50) },
    { id: 4, callFrame: frame('(garbage collector)') },
  ],
  startTime: 0,
  endTime: 4_000_000,
  // One sample a second: second 1 in handle, seconds 2 and 3 in commit, second 4 in GC.
  samples: [2, 3, 3, 4],
  timeDeltas: [1_000_000, 1_000_000, 1_000_000, 1_000_000],
};

function summarise(...args: string[]): string {
  const directory = mkdtempSync(join(tmpdir(), 'waymark-profile-'));
  try {
    const file = join(directory, 'test.cpuprofile');
    writeFileSync(file, JSON.stringify(profile));
    return execFileSync(process.execPath, ['bench/profile-summary.mjs', file, ...args], { encoding: 'utf8' });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

test('the whole profile: self time by package and by function, inclusive time and callers', () => {
  const out = summarise('--inclusive', 'handle,commit', '--callers', 'commit');
  assert.match(out, /^4000 ms of samples$/m);
  assert.match(out, /^ {1}50\.0 % better-sqlite3$/m);
  assert.match(out, /^ {1}25\.0 % dist\/http\/index\.bundle\.js$/m);
  assert.match(out, /^ {1}25\.0 % GC$/m);
  assert.match(out, /^ {1}50\.0 % commit {2}better-sqlite3:51$/m);
  // handle includes the commit it calls.
  assert.match(out, /inclusive time\n {1}75\.0 % handle\n {1}50\.0 % commit/);
  assert.match(out, /callers of commit \(share of its 2000 ms\)\n100\.0 % handle < \(root\)/);
});

test('a window keeps only its seconds, and --seconds finds a phase', () => {
  const out = summarise('--from', '1.5', '--to', '3.5', '--seconds', 'commit');
  assert.match(out, /^2000 ms of samples between 1\.5 s and 3\.5 s$/m);
  assert.match(out, /^100\.0 % better-sqlite3$/m);
  assert.doesNotMatch(out, /GC/);
  assert.match(out, /under commit\n {3}1 s {3}0\.0 %\n {3}2 s 100\.0 %\n {3}3 s 100\.0 %\n {3}4 s {3}0\.0 %/);
});
