/**
 * What a step writes, by kind of step: `WorkflowService` without HTTP on a fresh SQLite file with
 * the `BenchKeep` scheme, N instances 100 at a time (so the store group-commits), through
 *
 * - `create`: a new instance (no inbox yet);
 * - `Submit`: Draft → Review, the manager's inbox item appears;
 * - `Comment`: Review → Review, the manager keeps his item (new added_at);
 * - `Approve`: Review → Done, the item goes.
 *
 * Prints CPU µs per step, the whole process's and the main thread's (/proc's 10 ms ticks, so use
 * N ≥ 10,000), and, with `--frames`, WAL frames (4 KiB pages written to the log) per step.
 * `--frames` turns automatic checkpoints off while it counts, so its CPU figures leave out
 * checkpoint work: compare CPU from runs without it. `--writer-thread` commits the steps on the
 * SQLite writer thread (WAYMARK_SQLITE_WRITER_THREAD), whose CPU counts in the whole process's.
 *
 *   npx tsx bench/step-writes.ts [N=5000] [--frames] [--writer-thread]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { WorkflowService } from '../src/services/index.js';
import { createSqliteStore } from '../src/store/index.js';
import { cpuSecondsOf } from './server-process.js';

const count = Number(process.argv.slice(2).find((argument) => /^\d+$/.test(argument)) ?? 5000);
const countFrames = process.argv.includes('--frames');

// The store's connection, caught as the store sets its first pragma.
let database: BetterSqlite3.Database | undefined;
const prototype = BetterSqlite3.prototype as unknown as { pragma: (this: BetterSqlite3.Database, source: string, options?: unknown) => unknown };
const pragma = prototype.pragma;
prototype.pragma = function (this: BetterSqlite3.Database, source: string, options?: unknown) {
  database ??= this;
  return pragma.call(this, source, options);
};

const dataDir = mkdtempSync(join(tmpdir(), 'waymark-step-writes-'));
const store = await createSqliteStore({ dataDir, stepWriterThread: process.argv.includes('--writer-thread') });
prototype.pragma = pragma;
const workflow = new WorkflowService({ store });
await workflow.saveScheme({ xml: readFileSync(new URL('./schemes/bench-keep.xml', import.meta.url), 'utf8') });
if (countFrames) database!.pragma('wal_autocheckpoint = 0');

/** Frames in the WAL now; a checkpoint that empties it first when `restart`. */
function walFrames(restart: boolean): number {
  if (restart) database!.pragma('wal_checkpoint(TRUNCATE)');
  const [result] = database!.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
  return result!.log;
}

async function measure(label: string, ids: readonly string[], step: (id: string) => Promise<unknown>): Promise<void> {
  const framesBefore = countFrames ? walFrames(true) : 0;
  const cpuBefore = process.cpuUsage();
  const mainThreadBefore = cpuSecondsOf(process.pid, true);
  for (let start = 0; start < ids.length; start += 100) await Promise.all(ids.slice(start, start + 100).map(step));
  const cpu = process.cpuUsage(cpuBefore);
  const mainThreadAfter = cpuSecondsOf(process.pid, true);
  const mainThread = mainThreadBefore === null || mainThreadAfter === null ? '' : `, main thread ${(((mainThreadAfter - mainThreadBefore) * 1e6) / ids.length).toFixed(0)} µs`;
  const frames = countFrames ? `; WAL frames ${((walFrames(false) - framesBefore) / ids.length).toFixed(2)} each` : '';
  console.log(`${label.padEnd(8)} ${ids.length}: CPU ${((cpu.user + cpu.system) / ids.length).toFixed(0)} µs each${mainThread}${frames}`);
}

const author = { identityId: 'author', impersonatedIdentityId: null };
const manager = { identityId: 'manager', impersonatedIdentityId: null };
const ids = Array.from({ length: count }, () => randomUUID());
await measure('create', ids, (processId) => workflow.createInstance({ processId, schemeCode: 'BenchKeep', actor: author, parameters: [] }));
await measure('Submit', ids, (processId) => workflow.executeCommand({ processId, command: 'Submit', actor: author, parameters: [] }));
await measure('Comment', ids, (processId) => workflow.executeCommand({ processId, command: 'Comment', actor: manager, parameters: [] }));
await measure('Approve', ids, (processId) => workflow.executeCommand({ processId, command: 'Approve', actor: manager, parameters: [] }));
await store.close();
rmSync(dataDir, { recursive: true, force: true });
