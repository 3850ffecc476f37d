/**
 * Process log entries over SQL.
 */
import type { LogEntry, LogQuery, LogStore, StoredLogEntry } from './log-store.js';
import { containsIgnoringCase, type WaymarkDb } from './sql-dialect-facts.js';

/** {@link LogStore} over a migrated kysely database. */
export class SqlLogStore implements LogStore {
  constructor(private readonly db: WaymarkDb) {}

  async appendLog(entry: LogEntry): Promise<StoredLogEntry> {
    const row = await this.db
      .insertInto('logs')
      .values({ level: entry.level, message: entry.message, properties: JSON.stringify(entry.properties), created_at: entry.createdAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { ...entry, id: Number(row.id) };
  }

  async queryLogs(query: LogQuery): Promise<{ readonly items: readonly StoredLogEntry[]; readonly total: number }> {
    let select = this.db.selectFrom('logs');
    if (query.level) select = select.where('level', '=', query.level);
    if (query.search) select = select.where(containsIgnoringCase('message', query.search));
    if (query.from) select = select.where('created_at', '>=', query.from);
    if (query.to) select = select.where('created_at', '<=', query.to);
    const counted = await select.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    let page = select.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc');
    if (query.take && query.take > 0) page = page.limit(query.take);
    // SQLite cannot OFFSET without a LIMIT and PostgreSQL refuses a negative one.
    if (query.skip && query.skip > 0) page = page.offset(query.skip).$if(!query.take, (q) => q.limit(Number.MAX_SAFE_INTEGER));
    const rows = await page.execute();
    return {
      total: Number(counted.total),
      items: rows.map((r) => ({
        id: Number(r.id),
        level: r.level as StoredLogEntry['level'],
        message: r.message,
        properties: JSON.parse(r.properties) as StoredLogEntry['properties'],
        createdAt: r.created_at,
      })),
    };
  }
}
