/**
 * The one better-sqlite3 connection of a SQLite store, shared by kysely and the direct-SQL hot
 * paths. better-sqlite3 is synchronous; kysely holds the connection across awaits for a whole
 * transaction. A gate in front of both keeps them apart: direct work runs at once, synchronously,
 * when kysely does not hold the connection, and after kysely releases it otherwise — so a direct
 * read never sees the uncommitted rows of a kysely transaction, and a direct transaction never
 * lands inside one.
 */
import type BetterSqlite3 from 'better-sqlite3';
import {
  SqliteAdapter,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely';
import type { DirectSql } from './direct-sql.js';
import { sqliteProgramRunner, StatementCache } from './sqlite-database.js';

export { StatementCache };

/** Who holds the connection: nobody, or one holder with others queued behind it. */
export class ConnectionGate {
  private held = false;
  private readonly waiting: (() => void)[] = [];

  /** Takes the connection, waiting for the current holder when there is one. */
  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Hands the connection to the next waiter, or frees it. */
  release(): void {
    const next = this.waiting.shift();
    if (next === undefined) this.held = false;
    else next();
  }

  /** Runs synchronous `work` with the connection: now when it is free, else when its turn comes. */
  run<T>(work: () => T): Promise<T> {
    if (!this.held) {
      try {
        return Promise.resolve(work());
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    return this.acquire().then(() => {
      try {
        return work();
      } finally {
        this.release();
      }
    });
  }
}

/**
 * SQLite runs schema changes inside transactions, but kysely's SQLite adapter says it does not, so
 * its Migrator would commit every CREATE TABLE and CREATE INDEX on its own: about fifty durable
 * commits (fsyncs) when a first start creates the schema, and a crash in between left half a
 * schema that the next start could not migrate. Declaring transactional DDL makes the Migrator
 * run all pending migrations, and their records, as one transaction: all or nothing, one commit.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * kysely's SQLite dialect over `database`, taking the gate for every connection it uses; its
 * migrations run in one transaction (see TransactionalDdlSqliteAdapter).
 */
export function gatedSqliteDialect(database: BetterSqlite3.Database, statements: StatementCache, gate: ConnectionGate): Dialect {
  const forKysely: SqliteDatabase = {
    prepare(kyselySql: string): SqliteStatement {
      // kysely opens transactions with a deferred BEGIN. Every transaction here writes, and a
      // deferred one that later upgrades to a write lock fails at once with SQLITE_BUSY when
      // another process holds it, instead of waiting busy_timeout; IMMEDIATE waits up front.
      return statements.prepare(kyselySql === 'begin' ? 'begin immediate' : kyselySql) as unknown as SqliteStatement;
    },
    close(): void {
      statements.clear();
      database.close();
    },
  };
  class GatedSqliteDriver extends SqliteDriver implements Driver {
    override async acquireConnection(): Promise<DatabaseConnection> {
      await gate.acquire();
      return super.acquireConnection();
    }
    override async releaseConnection(): Promise<void> {
      await super.releaseConnection();
      gate.release();
    }
  }
  return {
    createAdapter: () => new TransactionalDdlSqliteAdapter(),
    createDriver: () => new GatedSqliteDriver({ database: forKysely }),
    createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}

/** Direct SQL on the SQLite connection: synchronous statements behind the gate. */
export function sqliteDirectSql(database: BetterSqlite3.Database, statements: StatementCache, gate: ConnectionGate): DirectSql {
  const runner = sqliteProgramRunner(database, statements);
  return {
    read: (program) => gate.run(() => runner.run(program)),
    writeEach: (programs) => gate.run(() => runner.writeEach(programs)),
  };
}
