import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { WaymarkError } from '../errors/index.js';
import { createSqliteStore } from './sqlite-store.js';
import { errorFromTransfer, SqliteStepWriter, transferableError } from './sqlite-step-writer.js';
import { fakeInstance, fakeStep, fakeTransition, fakeWrite } from './testing.js';

/** A migrated database file (its store closed again), and a way to read it. */
async function migratedDatabase(t: { after(fn: () => void): void }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'waymark-step-writer-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const store = await createSqliteStore({ dataDir });
  await store.close();
  const location = join(dataDir, 'waymark.db');
  const read = <T>(text: string, ...parameters: unknown[]): T[] => {
    const database = new BetterSqlite3(location, { readonly: true });
    try {
      return database.prepare(text).all(...parameters) as T[];
    } finally {
      database.close();
    }
  };
  return { dataDir, location, read };
}

const newInstanceWrite = (id: string) =>
  fakeWrite(fakeStep({ instances: [fakeInstance({ id })], history: [fakeTransition(id, 'Start', 'Draft')] }));

describe('the SQLite step writer thread', () => {
  it('commits a batch on its own connection and answers each step: written, or its own error with code and context', async (t) => {
    const { location, read } = await migratedDatabase(t);
    const writer = new SqliteStepWriter({ location, busyTimeoutMs: 5000 });
    t.after(() => writer.close());

    assert.deepEqual(await writer.writeSteps([newInstanceWrite('p1')]), [undefined]);
    // p1 again (its id is taken) between two good steps: only that step fails.
    const outcomes = await writer.writeSteps([newInstanceWrite('p2'), newInstanceWrite('p1'), newInstanceWrite('p3')]);

    assert.equal(outcomes[0], undefined);
    assert.equal(outcomes[2], undefined);
    assert.ok(outcomes[1] instanceof WaymarkError);
    assert.equal(outcomes[1].code, 'WM_INSTANCE_EXISTS');
    assert.deepEqual(outcomes[1].context, { processId: 'p1' });
    assert.deepEqual(read<{ id: string }>('select id from instances order by id').map((row) => row.id), ['p1', 'p2', 'p3']);
    assert.equal(read<{ n: number }>('select count(*) as n from history')[0]!.n, 3);
  });

  it('keeps the main thread serving while its commit waits for the lock that another connection holds', async (t) => {
    const { location, read } = await migratedDatabase(t);
    const writer = new SqliteStepWriter({ location, busyTimeoutMs: 5000 });
    t.after(() => writer.close());
    const other = new BetterSqlite3(location);
    t.after(() => other.close());
    other.exec('begin immediate');

    let committed = false;
    const write = writer.writeSteps([newInstanceWrite('p1')]).then((outcomes) => {
      committed = true;
      return outcomes;
    });
    // A timer still fires on this thread while the writer thread waits in SQLite's busy handler;
    // a commit on this thread would have blocked the event loop until the lock was free.
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(committed, false);
    other.exec('commit');

    assert.deepEqual(await write, [undefined]);
    assert.deepEqual(read<{ id: string }>('select id from instances').map((row) => row.id), ['p1']);
  });

  it('answers every batch sent before close, and close waits for their commits', async (t) => {
    const { location, read } = await migratedDatabase(t);
    const writer = new SqliteStepWriter({ location, busyTimeoutMs: 5000 });
    const writes = Array.from({ length: 5 }, (_, index) => writer.writeSteps([newInstanceWrite(`p${index}`)]));
    await writer.close();

    assert.deepEqual(await Promise.all(writes), Array.from({ length: 5 }, () => [undefined]));
    assert.equal(read<{ n: number }>('select count(*) as n from instances')[0]!.n, 5);
  });

  it('rejects the batch with WM_INTERNAL when its thread cannot run, and starts a new thread for the next batch', async (t) => {
    const { location, read } = await migratedDatabase(t);
    const broken = new SqliteStepWriter({ location: join(location, 'not-a-directory', 'waymark.db'), busyTimeoutMs: 5000 });
    await assert.rejects(broken.writeSteps([newInstanceWrite('p1')]), (error: unknown) => {
      assert.ok(error instanceof WaymarkError);
      assert.equal(error.code, 'WM_INTERNAL');
      assert.match(error.message, /^The SQLite step writer stopped: /);
      return true;
    });
    await assert.rejects(broken.writeSteps([newInstanceWrite('p1')]), /The SQLite step writer stopped/);
    await broken.close();
    assert.equal(read<{ n: number }>('select count(*) as n from instances')[0]!.n, 0);
  });

  it('a store on a file commits its steps on the thread: the event loop runs on while the commit waits, and reads see the step once acknowledged', async (t) => {
    const { dataDir, location } = await migratedDatabase(t);
    const store = await createSqliteStore({ dataDir, stepWriterThread: true });
    t.after(() => store.close());
    const other = new BetterSqlite3(location);
    t.after(() => other.close());
    other.exec('begin immediate');

    let acknowledged = false;
    const applied = store.applyStep(newInstanceWrite('p1')).then(() => (acknowledged = true));
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(acknowledged, false);
    assert.equal(await store.getInstance('p1'), null);
    other.exec('commit');
    await applied;

    assert.equal((await store.getInstance('p1'))?.revision, 1);
    await assert.rejects(store.applyStep(newInstanceWrite('p1')), (error: unknown) => error instanceof WaymarkError && error.code === 'WM_INSTANCE_EXISTS');
  });

  it('refuses batches after close', async (t) => {
    const { location } = await migratedDatabase(t);
    const writer = new SqliteStepWriter({ location, busyTimeoutMs: 5000 });
    writer.start();
    await writer.close();
    await assert.rejects(writer.writeSteps([newInstanceWrite('p1')]), /The SQLite step writer is closed/);
  });
});

describe('errors crossing between threads', () => {
  it('a WaymarkError keeps its code and context; a driver error its name, message and code', () => {
    const waymark = errorFromTransfer(transferableError(new WaymarkError('WM_INSTANCE_CONFLICT', 'changed', { processId: 'p1' })));
    assert.ok(waymark instanceof WaymarkError);
    assert.equal(waymark.code, 'WM_INSTANCE_CONFLICT');
    assert.equal(waymark.message, 'changed');
    assert.deepEqual(waymark.context, { processId: 'p1' });

    const driverError = Object.assign(new TypeError('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
    const driver = errorFromTransfer(transferableError(driverError)) as Error & { code?: string };
    assert.equal(driver.name, 'TypeError');
    assert.equal(driver.message, 'UNIQUE constraint failed');
    assert.equal(driver.code, 'SQLITE_CONSTRAINT_UNIQUE');

    assert.equal(errorFromTransfer(transferableError('plain text')).message, 'plain text');
  });
});
