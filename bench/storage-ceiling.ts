/**
 * The storage ceiling: raw better-sqlite3, one single-row insert per transaction, with the
 * store's pragmas (WAL, synchronous=FULL). Every committed Waymark step is at least one such
 * durable transaction, so no step rate can beat this figure on the same disk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { percentilesOf, type Percentiles } from './percentiles.js';
import type { Progress } from './progress.js';

/** Durable single-row transactions per second. */
export interface StorageCeiling {
  readonly transactions: number;
  readonly seconds: number;
  readonly perSecond: number;
}

function openCeilingDatabase(): { insertOne: (index: number) => void; remove: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'waymark-bench-storage-'));
  const database = new BetterSqlite3(join(directory, 'ceiling.db'));
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.exec('create table ceiling (id integer primary key, process_id text not null, payload text not null)');
  const insert = database.prepare('insert into ceiling (process_id, payload) values (?, ?)');
  const insertOne = database.transaction((index: number) => {
    insert.run(`00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`, '{"activity":"Review","status":2}');
  });
  return {
    insertOne,
    remove: () => {
      database.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/**
 * How long one durable single-row transaction takes at `rate` transactions per second, evenly
 * paced, for `durationSeconds`: the floor under any durable write's latency on this disk at
 * that moment (its fsync is most of it).
 */
export async function measureStorageCommitLatency(rate: number, durationSeconds: number, progress: Progress): Promise<Percentiles> {
  const { insertOne, remove } = openCeilingDatabase();
  try {
    const total = Math.ceil(rate * durationSeconds);
    const intervalMs = 1000 / rate;
    const samples: number[] = [];
    const started = performance.now();
    while (samples.length < total) {
      const wait = started + samples.length * intervalMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const before = performance.now();
      insertOne(samples.length);
      samples.push(performance.now() - before);
      if (samples.length % 250 === 0) progress.update(`storage commit latency: ${samples.length}/${total} transactions`);
    }
    return percentilesOf(samples);
  } finally {
    remove();
  }
}

/**
 * Commits single-row inserts for `durationSeconds` (at most `maxTransactions`), yielding to the
 * event loop between batches so the progress line keeps moving.
 */
export async function measureStorageCeiling(durationSeconds: number, maxTransactions: number, progress: Progress): Promise<StorageCeiling> {
  const { insertOne, remove } = openCeilingDatabase();
  try {
    const started = performance.now();
    const deadline = started + durationSeconds * 1000;
    let transactions = 0;
    while (transactions < maxTransactions && performance.now() < deadline) {
      const batchEnd = Math.min(maxTransactions, transactions + 200);
      while (transactions < batchEnd) insertOne(transactions++);
      progress.update(`storage ceiling: ${((performance.now() - started) / 1000).toFixed(0)}/${durationSeconds}s, ${transactions} transactions`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const seconds = (performance.now() - started) / 1000;
    return { transactions, seconds, perSecond: transactions / seconds };
  } finally {
    remove();
  }
}
