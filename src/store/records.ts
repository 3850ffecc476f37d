/**
 * Records kept beside instances: process logs written through the Workflow API and named
 * forms (`getformbyflow`). The types live with the storage port; the services re-export them.
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
export interface LogRecords {
  appendLog(entry: LogEntry): Promise<StoredLogEntry>;
  queryLogs(query: LogQuery): Promise<{ readonly items: readonly StoredLogEntry[]; readonly total: number }>;
}

/** One stored form. `state` null means "any state of the scheme". */
export interface FormRecord {
  readonly schemeCode: string;
  readonly name: string;
  readonly state: string | null;
  readonly source: string;
}

/** Where forms are kept. */
export interface FormRecords {
  /** Saves (inserts or replaces) the form with this scheme code, name and state. */
  saveForm(form: FormRecord): Promise<FormRecord>;
  getForm(schemeCode: string, name: string, state: string | null): Promise<FormRecord | null>;
  /** Forms of a scheme, or forms of a name across schemes. */
  listForms(filter: { schemeCode?: string; name?: string }): Promise<readonly FormRecord[]>;
  /** True when a form was deleted. */
  deleteForm(schemeCode: string, name: string, state: string | null): Promise<boolean>;
}
