/**
 * Process logs written through the Workflow API (`loginfo`, `logerror`, `logdebug`): each entry
 * goes to the process logger as a structured line and is kept in the store so it can be queried.
 */
import type { JsonValue } from '../engine/types.js';
import { WaymarkError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { redactSecrets } from '../logging/index.js';
import { systemClock, type Clock } from './clock.js';
import type { LogEntry, LogLevel, LogQuery, StoredLogEntry } from '../store/records.js';
import type { LogStore } from '../store/log-store.js';

export type { LogLevel, LogEntry, StoredLogEntry, LogQuery, LogRecords } from '../store/records.js';

/** What the log service needs. */
export interface LogServiceOptions {
  readonly records: LogStore;
  readonly logger: Logger;
  readonly clock?: Clock;
}

const LEVELS: readonly LogLevel[] = ['info', 'error', 'debug'];

/** The key of a process log line under which the caller's fields are kept. */
export const CALLER_FIELDS_KEY = 'fields';

const MAX_MESSAGE_LENGTH = 10_000;

/** Writes and reads process logs. */
export class LogService {
  private readonly records: LogStore;
  private readonly logger: Logger;
  private readonly clock: Clock;

  constructor(options: LogServiceOptions) {
    this.records = options.records;
    this.logger = options.logger.child({ source: 'workflowapi-log' });
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Writes one entry: a pino line at `level` with the extra fields under {@link CALLER_FIELDS_KEY},
   * and a stored copy. The caller's fields never become top-level keys of the line: a caller could
   * otherwise set `reqId`, `component`, `req`, `level` or `msg` and forge a line that looks like
   * another part's. Fields that hold secrets (`token`, `password`, …) are redacted in both.
   */
  async write(level: LogLevel, message: unknown, properties: Readonly<Record<string, JsonValue>> = {}): Promise<StoredLogEntry> {
    if (!LEVELS.includes(level)) {
      throw new WaymarkError('WM_INPUT_INVALID', `Log level '${String(level)}' is not one of ${LEVELS.join(', ')}`, { level });
    }
    if (typeof message !== 'string' || message.trim() === '') {
      throw new WaymarkError('WM_INPUT_MISSING', `Parameter 'message' is required!`, { field: 'message' });
    }
    if (message.length > MAX_MESSAGE_LENGTH) {
      throw new WaymarkError('WM_INPUT_INVALID', `Parameter 'message' is longer than ${MAX_MESSAGE_LENGTH} characters`, {
        field: 'message',
      });
    }
    const safe = redactSecrets({ ...properties });
    const entry: LogEntry = { level, message, properties: safe, createdAt: this.clock.now().toISOString() };
    this.logger[level]({ [CALLER_FIELDS_KEY]: safe }, message);
    return this.records.appendLog(entry);
  }

  /** Stored entries matching the query, newest first. */
  async query(query: LogQuery = {}): Promise<{ readonly items: readonly StoredLogEntry[]; readonly total: number }> {
    if (query.level !== undefined && !LEVELS.includes(query.level)) {
      throw new WaymarkError('WM_INPUT_INVALID', `Log level '${String(query.level)}' is not one of ${LEVELS.join(', ')}`, {
        level: query.level,
      });
    }
    return this.records.queryLogs(query);
  }
}

/**
 * Log records held in memory, newest first on query. For tests and for a node without a
 * database; the Store's tables are the real home of logs.
 */
export class InMemoryLogRecords implements LogStore {
  private readonly entries: StoredLogEntry[] = [];

  async appendLog(entry: LogEntry): Promise<StoredLogEntry> {
    const stored = { ...entry, id: this.entries.length + 1 };
    this.entries.push(stored);
    return stored;
  }

  async queryLogs(query: LogQuery): Promise<{ items: StoredLogEntry[]; total: number }> {
    const search = query.search?.toLowerCase();
    const matching = this.entries
      .filter((e) => query.level === undefined || e.level === query.level)
      .filter((e) => search === undefined || e.message.toLowerCase().includes(search))
      .filter((e) => query.from === undefined || e.createdAt >= query.from)
      .filter((e) => query.to === undefined || e.createdAt <= query.to)
      .reverse();
    const skip = query.skip ?? 0;
    const take = query.take ?? 0;
    return { items: matching.slice(skip, take === 0 ? undefined : skip + take), total: matching.length };
  }
}
