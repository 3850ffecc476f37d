/**
 * The shared store: PostgreSQL through node-postgres, queried with kysely's PostgresDialect.
 * Several Waymark nodes may open the same database at once: the migrations run under kysely's
 * advisory lock, steps are guarded by the instance revision (row locks make the loser wait and
 * then see the winner's revision), and claims skip rows another node has locked.
 */
import { CompiledQuery, Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import { WaymarkError } from '../errors/index.js';
import { migrateToLatest } from './migrations.js';
import { runProgram, type DirectSql, type SqlProgram, type SqlStatement, type StatementResult } from './direct-sql.js';
import { loadPg } from './pg-driver.js';
import { SqlStore } from './sql-store.js';
import type { Store } from './store.js';
import type { WaymarkDatabase } from './tables.js';

/** How to reach PostgreSQL. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (any libpq-style URL node-postgres accepts). */
  readonly url: string;
  /** Connections in the pool. Default 10. */
  readonly maxConnections?: number;
  /** How long to wait for a connection before failing, in ms. Default 10 000. */
  readonly connectTimeoutMs?: number;
  /** Called with the text of every statement the store runs, for tests that count statements and for diagnostics. */
  readonly onStatement?: (text: string) => void;
}

/** PostgreSQL's SQLSTATE for a unique or primary-key violation. */
const UNIQUE_VIOLATION = '23505';

/** SQLSTATEs of a transaction aborted by a concurrent one: deadlock, serialization failure. */
const TRANSIENT_CONFLICTS: ReadonlySet<unknown> = new Set(['40P01', '40001']);

function isPostgresUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
}

function isPostgresTransientConflict(error: unknown): boolean {
  return TRANSIENT_CONFLICTS.has((error as { code?: unknown } | null)?.code);
}

/** The URL without its password, for messages and logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}

/** Opens (migrating when needed) a PostgreSQL store. */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const location = redactDatabaseUrl(options.url);
  const pg = await loadPg();
  const pool = new pg.Pool({
    connectionString: options.url,
    max: Math.max(1, Math.floor(options.maxConnections ?? 10)),
    connectionTimeoutMillis: Math.max(1, Math.floor(options.connectTimeoutMs ?? 10_000)),
  });
  // An idle connection that the server drops (restart, failover) must not crash the process;
  // the pool replaces it and the next query reports the error to its caller.
  pool.on('error', () => undefined);

  const onStatement = options.onStatement;
  const db = new Kysely<WaymarkDatabase>({
    dialect: new PostgresDialect({ pool }),
    // Direct SQL runs through kysely too, so this sees every statement.
    ...(onStatement === undefined ? {} : { log: (event) => onStatement(event.query.sql) }),
  });
  try {
    try {
      await db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
    } catch (error) {
      throw new WaymarkError(
        'WM_CONFIG_INVALID',
        `Cannot connect to the PostgreSQL database ${location}: ${(error as Error).message}`,
        { location },
        { cause: error },
      );
    }
    await migrateToLatest(db, 'postgres', location);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new SqlStore(db, {
    kind: 'postgres',
    isUniqueViolation: isPostgresUniqueViolation,
    isTransientConflict: isPostgresTransientConflict,
    rowLocks: true,
    failedStatementAbortsTransaction: true,
    direct: postgresDirectSql(db),
  });
}

/** `?` placeholders as PostgreSQL's `$1, $2, …` (the direct-SQL texts hold no other `?`). */
const numberedTexts = new Map<string, string>();
function numbered(text: string): string {
  let converted = numberedTexts.get(text);
  if (converted === undefined) {
    let index = 0;
    converted = text.replace(/\?/g, () => `$${++index}`);
    if (numberedTexts.size < 1000) numberedTexts.set(text, converted);
  }
  return converted;
}

/**
 * Direct SQL over kysely's pool: each statement compiled once to its numbered text. Exported for
 * its tests; the store builds its own.
 */
export function postgresDirectSql(db: Kysely<WaymarkDatabase>): DirectSql {
  const executeOn = (executor: Kysely<WaymarkDatabase> | Transaction<WaymarkDatabase>) =>
    async (statement: SqlStatement): Promise<StatementResult> => {
      const result = await executor.executeQuery(CompiledQuery.raw(numbered(statement.text), [...statement.parameters]));
      return { rows: result.rows as Record<string, unknown>[], changes: Number(result.numAffectedRows ?? 0n) };
    };

  /**
   * Runs `program`. A failed statement aborts the transaction (up to the last savepoint) even
   * when the program catches its error and goes on, and COMMIT would then roll back without an
   * error: so the program fails with that statement's error.
   */
  const runChecked = async (program: SqlProgram<void>, execute: (statement: SqlStatement) => Promise<StatementResult>): Promise<void> => {
    let failedStatement: { error: unknown } | undefined;
    await runProgram(program, async (statement) => {
      try {
        return await execute(statement);
      } catch (error) {
        failedStatement ??= { error };
        throw error;
      }
    });
    if (failedStatement !== undefined) throw failedStatement.error;
  };

  /**
   * Runs `programs` one after another in one transaction, without savepoints. Resolves to
   * `{ failed: false }` once committed, or, with nothing written, to the error of the first
   * program that failed; rejects when the transaction itself (BEGIN, COMMIT) fails.
   */
  const runTogether = async (programs: readonly (() => SqlProgram<void>)[]): Promise<{ failed: false } | { failed: true; error: unknown }> => {
    let failure: { failed: true; error: unknown } | undefined;
    try {
      await db.transaction().execute(async (trx) => {
        const execute = executeOn(trx);
        for (const program of programs) {
          try {
            await runChecked(program(), execute);
          } catch (error) {
            failure = { failed: true, error };
            throw error;
          }
        }
      });
    } catch (error) {
      if (failure === undefined) throw error;
      return failure;
    }
    return { failed: false };
  };

  return {
    read: (program) => runProgram(program, executeOn(db)),
    async writeEach(programs) {
      const outcomes: unknown[] = programs.map(() => undefined);
      if (programs.length === 1) {
        // Alone in its transaction: a failure rolls the whole transaction back.
        try {
          const run = await runTogether(programs);
          if (run.failed) outcomes[0] = run.error;
        } catch (error) {
          outcomes[0] = error;
        }
        return outcomes;
      }
      // A savepoint per step costs two more round trips and a subtransaction, and most batches
      // fail no step: they commit in one go.
      if (!(await runTogether(programs)).failed) return outcomes;
      // Nothing of the batch was written: run it again, each program in its own savepoint, so
      // the failing one is rolled back alone and the others commit.
      await db.transaction().execute(async (trx) => {
        const execute = executeOn(trx);
        for (const [index, program] of programs.entries()) {
          await sql`savepoint waymark_step`.execute(trx);
          try {
            await runChecked(program(), execute);
          } catch (error) {
            await sql`rollback to savepoint waymark_step`.execute(trx);
            outcomes[index] = error;
          }
          await sql`release savepoint waymark_step`.execute(trx);
        }
      });
      return outcomes;
    },
  };
}
