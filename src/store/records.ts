/**
 * Records kept beside instances: process logs and named forms. Their seams live in
 * log-store.ts and form-store.ts; the older names stay for the services that re-export them.
 */
import type { FormStore } from './form-store.js';
import type { LogStore } from './log-store.js';

export type { LogLevel, LogEntry, StoredLogEntry, LogQuery } from './log-store.js';
export type { FormRecord } from './form-store.js';

/** Where log entries are kept: the {@link LogStore} seam under its older name. */
export type LogRecords = LogStore;

/** Where forms are kept: the {@link FormStore} seam under its older name. */
export type FormRecords = FormStore;
