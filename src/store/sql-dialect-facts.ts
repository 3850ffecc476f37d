/**
 * What the SQL seams share: the facts that differ between SQLite and PostgreSQL behind the same
 * SQL, and the small query parts several seams build their filters and pages from.
 */
import { sql, type Expression, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { DirectSql } from './direct-sql.js';
import type { StatementDialect } from './step-statements.js';
import type { StepWrite } from './instance-store.js';
import type { WaymarkDatabase } from './tables.js';

/** What differs between databases behind the same SQL. */
export interface SqlDialectFacts extends StatementDialect {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * True when `error` means the transaction collided with a concurrent one and was aborted
   * (PostgreSQL: deadlock 40P01, serialization failure 40001). A step hit by it is reported as
   * WM_INSTANCE_CONFLICT: another node changed what it touched, and a retry will see that.
   */
  isTransientConflict?(error: unknown): boolean;
  /** Runs the hot paths (steps, instance and family reads) without the query builder. */
  readonly direct: DirectSql;
  /**
   * Commits batches of steps elsewhere (SQLite on a file: a writer thread, sqlite-step-writer.ts),
   * with DirectSql.writeEach's contract; without it, steps go through `direct`.
   */
  readonly stepWriter?: {
    writeSteps(writes: readonly StepWrite[]): Promise<readonly unknown[]>;
    close(): Promise<void>;
  };
}

/** The migrated database every SQL seam queries. */
export type WaymarkDb = Kysely<WaymarkDatabase>;

/** The database, or a transaction on it. */
export type WaymarkExecutor = WaymarkDb | Transaction<WaymarkDatabase>;

/** `%text%` for LIKE with `\`, `%` and `_` taken literally (paired with `escape '\'`). */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** `column` contains `text`, case-insensitively, with LIKE's wildcards taken literally. */
export function containsIgnoringCase(column: string, text: string): Expression<SqlBool> {
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${containsPattern(text)} escape '\\'`;
}

/**
 * LIMIT/OFFSET from skip/take (take 0 or absent = all). SQLite cannot OFFSET without a LIMIT,
 * so "all" becomes the largest limit both dialects accept.
 */
export function pagingOf(skip: number | undefined, take: number | undefined): { offset: number; limit: number } {
  const offset = Math.max(0, Math.floor(skip ?? 0));
  const limit = take === undefined || take <= 0 ? Number.MAX_SAFE_INTEGER : Math.floor(take);
  return { offset, limit };
}
