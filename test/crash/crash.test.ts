import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { createSqliteStore } from '../../src/store/index.js';

const CHILD_SCRIPT = fileURLToPath(new URL('./commit-steps.ts', import.meta.url));
const ACKNOWLEDGEMENTS_BEFORE_KILL = 400;
const CHILD_DEADLINE_MS = 60_000;

/** Runs the committing child until it has acknowledged `count` steps, then kills it with SIGKILL. */
function commitThenKill(dataDir: string, count: number, childArguments: readonly string[]): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, dataDir, ...childArguments], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acknowledged = new Map<string, number>();
    let acknowledgements = 0;
    let pending = '';
    let stderr = '';
    let killed = false;
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child acknowledged only ${acknowledgements} steps in ${CHILD_DEADLINE_MS} ms; stderr: ${stderr}`));
    }, CHILD_DEADLINE_MS);

    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^ack (\S+) (\d+)$/.exec(line);
        if (!match) continue;
        acknowledged.set(match[1]!, Number(match[2]));
        acknowledgements++;
        if (acknowledgements >= count && !killed) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(deadline);
      if (signal === 'SIGKILL' && killed) resolve(acknowledged);
      else reject(new Error(`the child ended by itself (code ${code}, signal ${signal}); stderr: ${stderr}`));
    });
  });
}

describe('crash safety', () => {
  for (const [committer, childArguments] of [['the main thread', []], ['the SQLite writer thread', ['--writer-thread']]] as const) {
    it(`keeps every step acknowledged after its commit on ${committer} after kill -9, in a database that passes integrity_check`, async (t) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'waymark-crash-'));
      t.after(() => rmSync(dataDir, { recursive: true, force: true }));

      const acknowledged = await commitThenKill(dataDir, ACKNOWLEDGEMENTS_BEFORE_KILL, childArguments);
      assert.ok(acknowledged.size > 5, 'the child created and updated several instances');

      const store = await createSqliteStore({ dataDir });
      t.after(() => store.close());
      for (const [id, revision] of acknowledged) {
        const instance = await store.getInstance(id);
        assert.ok(instance, `acknowledged instance ${id} survived`);
        // At most one step was in flight: committed, but killed before it could say so.
        assert.ok(
          instance.revision === revision || instance.revision === revision + 1,
          `instance ${id}: acknowledged revision ${revision}, stored ${instance.revision}`,
        );
        const history = await store.getHistory(id);
        assert.equal(history.length, instance.revision, `instance ${id} has one history row per stored step`);
        assert.deepEqual(history.map((h) => h.order), history.map((_, index) => index + 1));
        assert.equal((await store.getInbox({ processId: id })).length, 1);
      }

      // After the store reopened (and so recovered the WAL), check the file itself.
      const db = new BetterSqlite3(join(dataDir, 'waymark.db'), { readonly: true });
      try {
        assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
        assert.deepEqual(db.pragma('foreign_key_check'), []);
      } finally {
        db.close();
      }
    });
  }
});
