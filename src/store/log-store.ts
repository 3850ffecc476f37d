/**
 * The log seam of the store: process log entries written through the Workflow API and read
 * back by the admin panel.
 */
import type { JsonValue } from '../engine/types.js';

/** The levels a client may write. */
export type LogLevel = 'info' | 'error' | 'debug';

/** One log entry: a message and the caller's extra fields. */
export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  /** The caller's other named fields, secrets already redacted. */
  readonly properties: Readonly<Record<string, JsonValue>>;
  readonly createdAt: string;
}

/** A stored log entry. */
export interface StoredLogEntry extends LogEntry {
  readonly id: number;
}

/** Which entries to read back, newest first. */
export interface LogQuery {
  readonly level?: LogLevel;
  /** Substring of the message, case-insensitive. */
  readonly search?: string;
  readonly from?: string;
  readonly to?: string;
  readonly skip?: number;
  /** 0 = all. */
  readonly take?: number;
}

/** Where log entries are kept. */
export interface LogStore {
  appendLog(entry: LogEntry): Promise<StoredLogEntry>;
  /** A page of the entries that match, newest first, and how many match. */
  queryLogs(query: LogQuery): Promise<{ readonly items: readonly StoredLogEntry[]; readonly total: number }>;
}
