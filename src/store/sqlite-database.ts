/**
 * What every Waymark connection to a SQLite file shares, whichever thread opens it: the
 * durability pragmas, the prepared-statement cache, and running direct-SQL programs (see
 * direct-sql.ts) in transactions. Nothing here imports kysely, so the step writer's thread
 * (sqlite-step-writer-thread.ts) loads only this, the step statements and better-sqlite3.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { runProgramSync, type SqlProgram, type SqlStatement, type SqlValue, type StatementResult } from './direct-sql.js';

/** The page cache of Waymark's SQLite connection, in KiB (SQLite's stock 2 MiB). */
export const SQLITE_PAGE_CACHE_KIB = 2000;

/** Prepared statements kept per connection; the SQL text is stable per query shape. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Durability and memory settings of a Waymark connection: WAL with a synchronous (fsynced) commit,
 * foreign keys, and SQLite's stock page cache — better-sqlite3 builds SQLite with 16 MiB, which
 * under load became resident memory with no measurable gain, since missed pages come from the
 * operating system's file cache (docs/performance.md, "Memory").
 */
export function applyConnectionPragmas(database: BetterSqlite3.Database): void {
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma(`cache_size = -${SQLITE_PAGE_CACHE_KIB}`);
}

/** True when `error` is SQLite's primary-key or unique violation. */
export function isSqliteUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Prepares each SQL text once (least recently used statements are dropped past the cache size). */
export class StatementCache {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(private readonly database: BetterSqlite3.Database) {}

  prepare(text: string): BetterSqlite3.Statement {
    const cached = this.statements.get(text);
    if (cached !== undefined) {
      // Re-inserted so the map's order is least-recently-used first.
      this.statements.delete(text);
      this.statements.set(text, cached);
      return cached;
    }
    const statement = this.database.prepare(text);
    this.statements.set(text, statement);
    if (this.statements.size > STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value as string);
    return statement;
  }

  clear(): void {
    this.statements.clear();
  }
}

/** Runs programs on one connection, synchronously. */
export interface SqliteProgramRunner {
  /** Runs `program` outside any transaction. */
  run<T>(program: SqlProgram<T>): T;
  /**
   * Runs every program in one IMMEDIATE transaction, as DirectSql.writeEach describes: each
   * program's error, or undefined; throws when the transaction itself (BEGIN, COMMIT) fails.
   */
  writeEach(programs: readonly (() => SqlProgram<void>)[]): unknown[];
}

/** The names of a reading statement's result columns, asked once per prepared statement. */
const columnNames = new WeakMap<BetterSqlite3.Statement, readonly string[]>();

/**
 * The rows of a reading statement, as objects keyed by column name (the last of a repeated name
 * wins, as in better-sqlite3's own objects). Fetched as arrays and keyed here: better-sqlite3
 * builds each object property by property in C++, which for an instance row (22 columns) cost
 * about 4 µs more than this loop, whose objects all take the same shape. The statement is left
 * as it was found, since kysely may prepare the same text and expects objects.
 */
function readRows(prepared: BetterSqlite3.Statement, parameters: readonly SqlValue[]): Record<string, unknown>[] {
  let names = columnNames.get(prepared);
  if (names === undefined) columnNames.set(prepared, (names = prepared.columns().map((column) => column.name)));
  let arrays: unknown[][];
  prepared.raw(true);
  try {
    arrays = prepared.all(...parameters) as unknown[][];
  } finally {
    prepared.raw(false);
  }
  const rows: Record<string, unknown>[] = [];
  for (const values of arrays) {
    const row: Record<string, unknown> = {};
    for (let index = 0; index < names.length; index++) row[names[index]!] = values[index];
    rows.push(row);
  }
  return rows;
}

/** Runs programs on `database` with its prepared `statements`. */
export function sqliteProgramRunner(database: BetterSqlite3.Database, statements: StatementCache): SqliteProgramRunner {
  const execute = (statement: SqlStatement): StatementResult => {
    const prepared = statements.prepare(statement.text);
    if (prepared.reader) return { rows: readRows(prepared, statement.parameters), changes: 0 };
    return { rows: [], changes: prepared.run(...statement.parameters).changes };
  };
  const run = <T>(program: SqlProgram<T>): T => runProgramSync(program, execute);
  // better-sqlite3 runs a transaction function called inside another one in a savepoint.
  const transactionOfOne = database.transaction((program: () => SqlProgram<void>) => run(program()));
  const transactionOfEach = database.transaction((programs: readonly (() => SqlProgram<void>)[], outcomes: unknown[]) => {
    programs.forEach((program, index) => {
      try {
        transactionOfOne(program);
      } catch (error) {
        outcomes[index] = error;
      }
    });
  });
  // While a savepoint is open SQLite copies every page a statement changes into a sub-journal
  // first. Most batches fail no step, so they run without savepoints: a program that throws is
  // noted in `attempt`, and its error rolls the whole transaction back.
  const transactionOfAll = database.transaction((programs: readonly (() => SqlProgram<void>)[], attempt: { programFailed: boolean }) => {
    for (const program of programs) {
      try {
        run(program());
      } catch (error) {
        attempt.programFailed = true;
        throw error;
      }
    }
  });
  return {
    run,
    writeEach(programs) {
      const outcomes: unknown[] = programs.map(() => undefined);
      if (programs.length === 1) {
        // Alone in its transaction: a failure rolls the whole transaction back.
        try {
          transactionOfOne.immediate(programs[0]!);
        } catch (error) {
          outcomes[0] = error;
        }
        return outcomes;
      }
      const attempt = { programFailed: false };
      try {
        transactionOfAll.immediate(programs, attempt);
        return outcomes;
      } catch (error) {
        // BEGIN or COMMIT failed: the transaction itself, not one step.
        if (!attempt.programFailed) throw error;
      }
      // Nothing of the batch was written: run it again, each program in its own savepoint, so
      // the failing one is rolled back alone and the others commit.
      transactionOfEach.immediate(programs, outcomes);
      return outcomes;
    },
  };
}
