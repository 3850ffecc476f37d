/**
 * The service and store without HTTP: `WorkflowService.createInstance` N times, then
 * `executeCommand Submit` on each, 100 at a time (so the store group-commits), on a fresh SQLite
 * file with the bench scheme. Prints wall time and CPU time per step: the whole process's and the
 * main thread's (the engine, the reads, and the step's statements unless the SQLite writer thread
 * runs them; /proc's 10 ms ticks, so use N ≥ 10,000). CPU per step moves much less with other load
 * on the machine than throughput does.
 *
 *   npx tsx bench/service-steps.ts [N=5000] [--statements] [--writer-thread]
 *
 * `--writer-thread` commits the steps on the SQLite writer thread (WAYMARK_SQLITE_WRITER_THREAD).
 *
 * `--statements` also times every SQL statement (by its text) through better-sqlite3, which
 * slows the run: use it to see where SQLite's share goes, not for the totals.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { WorkflowService } from '../src/services/index.js';
import { cpuSecondsOf } from './server-process.js';
import { createSqliteStore } from '../src/store/index.js';
import { BENCH_SCHEME_CODE } from './workspace.js';

const count = Number(process.argv.slice(2).find((argument) => /^\d+$/.test(argument)) ?? 5000);
const timeStatements = process.argv.includes('--statements');
const statementTimes = new Map<string, { calls: number; nanoseconds: bigint }>();

if (timeStatements) {
  type Prepare = (this: BetterSqlite3.Database, text: string) => BetterSqlite3.Statement;
  const prototype = BetterSqlite3.prototype as unknown as { prepare: Prepare };
  const prepare = prototype.prepare;
  prototype.prepare = function (this: BetterSqlite3.Database, text: string) {
    const statement = prepare.call(this, text) as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const method of ['run', 'all', 'get']) {
      const original = statement[method]!.bind(statement);
      statement[method] = (...args: unknown[]) => {
        const started = process.hrtime.bigint();
        try {
          return original(...args);
        } finally {
          const entry = statementTimes.get(text) ?? { calls: 0, nanoseconds: 0n };
          entry.calls++;
          entry.nanoseconds += process.hrtime.bigint() - started;
          statementTimes.set(text, entry);
        }
      };
    }
    return statement as unknown as BetterSqlite3.Statement;
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'waymark-service-steps-'));
const store = await createSqliteStore({ dataDir, stepWriterThread: process.argv.includes('--writer-thread') });
const workflow = new WorkflowService({ store });
await workflow.saveScheme({ xml: readFileSync(new URL('./schemes/bench-approval.xml', import.meta.url), 'utf8') });
const actor = { identityId: 'author', impersonatedIdentityId: null };

async function measure(label: string, ids: readonly string[], step: (id: string) => Promise<unknown>): Promise<void> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const mainThreadBefore = cpuSecondsOf(process.pid, true);
  for (let start = 0; start < ids.length; start += 100) await Promise.all(ids.slice(start, start + 100).map(step));
  const cpu = process.cpuUsage(cpuBefore);
  const mainThreadAfter = cpuSecondsOf(process.pid, true);
  const wallMs = performance.now() - started;
  const mainThread = mainThreadBefore === null || mainThreadAfter === null ? '' : `, main thread ${(((mainThreadAfter - mainThreadBefore) * 1e6) / ids.length).toFixed(0)} µs`;
  console.log(`${label}: ${ids.length} in ${wallMs.toFixed(0)} ms; CPU ${((cpu.user + cpu.system) / ids.length).toFixed(0)} µs each${mainThread}, wall ${((wallMs * 1000) / ids.length).toFixed(0)} µs each`);
}

const ids = Array.from({ length: count }, () => randomUUID());
await measure('createInstance', ids, (processId) => workflow.createInstance({ processId, schemeCode: BENCH_SCHEME_CODE, actor, parameters: [] }));
await measure('executeCommand Submit', ids, (processId) => workflow.executeCommand({ processId, command: 'Submit', actor, parameters: [] }));
await store.close();
rmSync(dataDir, { recursive: true, force: true });

if (timeStatements) {
  console.log('\nSQL statements by total time:');
  for (const [text, { calls, nanoseconds }] of [...statementTimes].sort((a, b) => Number(b[1].nanoseconds - a[1].nanoseconds)).slice(0, 20)) {
    console.log(`${(Number(nanoseconds) / 1e6).toFixed(0).padStart(6)} ms ${String(calls).padStart(7)}× ${(Number(nanoseconds) / calls / 1000).toFixed(1).padStart(6)} µs  ${text.slice(0, 140)}`);
  }
}
