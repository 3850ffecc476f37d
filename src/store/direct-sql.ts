/**
 * The store's hot paths — a step's writes, an instance's and a family's reads — as plain SQL
 * text run straight on the driver. kysely builds, compiles and runs each query through several
 * promises; on a durable step of a dozen small statements that cost more than SQLite's own work.
 *
 * A path is written once, as a *program*: a generator that yields each statement and receives
 * its result, so the same code runs synchronously inside one better-sqlite3 transaction and
 * asynchronously over a PostgreSQL connection. Statements use `?` placeholders; each dialect's
 * runner adapts them.
 */

/** A value a statement may bind. */
export type SqlValue = string | number | bigint | null;

/** One statement: SQL text with `?` placeholders, and the values they bind, in order. */
export interface SqlStatement {
  readonly text: string;
  readonly parameters: readonly SqlValue[];
}

/** What a statement returned: its rows (reads), the rows it changed (writes). */
export interface StatementResult {
  readonly rows: readonly Record<string, unknown>[];
  readonly changes: number;
}

/**
 * Statements run one after another, each seeing the results of those before it. An error of a
 * statement is thrown into the program at its `yield`, so the program may catch it.
 */
export type SqlProgram<T> = Generator<SqlStatement, T, StatementResult>;

/** Runs programs on one database. */
export interface DirectSql {
  /** Runs `program` outside any transaction: every statement sees only committed data. */
  read<T>(program: SqlProgram<T>): Promise<T>;
  /**
   * Runs every program in one transaction; a program that throws is rolled back alone. Resolves
   * after the COMMIT with each program's error (undefined for those that succeeded); rejects,
   * with nothing written, when the transaction itself fails.
   *
   * The programs first run without savepoints (they cost statement time on every step). When one
   * throws, that transaction is rolled back and the batch runs again with each program in its own
   * savepoint: so a factory may be called twice, and its program must touch nothing but the
   * database until it has returned (a value it hands back by assignment is fine).
   */
  writeEach(programs: readonly (() => SqlProgram<void>)[]): Promise<readonly unknown[]>;
}

/** A program of one statement, resolving to its rows. */
export function* rowsOf(text: string, parameters: readonly SqlValue[]): SqlProgram<readonly Record<string, unknown>[]> {
  return (yield { text, parameters }).rows;
}

/** `(?, ?, ?)` for `count` values. */
export function placeholders(count: number): string {
  return `(${Array.from({ length: count }, () => '?').join(', ')})`;
}

/** Drives `program` with a synchronous executor. */
export function runProgramSync<T>(program: SqlProgram<T>, execute: (statement: SqlStatement) => StatementResult): T {
  let next = program.next();
  while (next.done !== true) {
    let result: StatementResult;
    try {
      result = execute(next.value);
    } catch (error) {
      next = program.throw(error);
      continue;
    }
    next = program.next(result);
  }
  return next.value;
}

/** Drives `program` with an asynchronous executor. */
export async function runProgram<T>(program: SqlProgram<T>, execute: (statement: SqlStatement) => Promise<StatementResult>): Promise<T> {
  let next = program.next();
  while (next.done !== true) {
    let result: StatementResult;
    try {
      result = await execute(next.value);
    } catch (error) {
      next = program.throw(error);
      continue;
    }
    next = program.next(result);
  }
  return next.value;
}
