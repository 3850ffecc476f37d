/**
 * The storage port: every seam of the store in one object. Asynchronous because PostgreSQL's
 * driver is; SqlStore implements it over SQLite and PostgreSQL. The engine never sees this; the
 * service layer does, and a service that needs one seam asks for that seam alone.
 *
 * The seams, each in the file named by its noun: schemes (scheme-store.ts), instances and steps
 * (instance-store.ts), the timer queue (timer-queue.ts), the outbox queue (outbox-queue.ts), users
 * and roles (user-store.ts), settings (settings-store.ts), logs (log-store.ts), forms
 * (form-store.ts), the Dashboard's overview (store-overview.ts), tenants (tenant-records.ts) and
 * nodes (node-records.ts, on a connection of its own).
 */
import type { FormStore } from './form-store.js';
import type { InstanceStore } from './instance-store.js';
import type { LogStore } from './log-store.js';
import type { OutboxQueue } from './outbox-queue.js';
import type { SchemeStore } from './scheme-store.js';
import type { SettingsStore } from './settings-store.js';
import type { StoreOverview } from './store-overview.js';
import type { TenantRecords } from './tenant-records.js';
import type { TimerQueue } from './timer-queue.js';
import type { UserStore } from './user-store.js';

export type { StoredScheme, SchemeForNewInstance, NewGeneratedScheme, SchemeStore } from './scheme-store.js';
export type { FolderFilter, InstancePage, InstanceQuery, InstanceStore, StepWrite, StoredFamily, StoredTransition } from './instance-store.js';
export type { TimerQueue } from './timer-queue.js';
export type { NewOutboxMessage, OutboxMessage, OutboxMessageFilter, OutboxQueue } from './outbox-queue.js';
export type { CredentialKind, StoredCredential, StoredUser, UserFilter, UserStore, UserWrite } from './user-store.js';
export type { SettingsStore } from './settings-store.js';
export type { LogStore } from './log-store.js';
export type { FormStore } from './form-store.js';
export type { BoundedCount, StoreDashboardCounts, StoreOverview } from './store-overview.js';

/** The store. All methods may throw WaymarkError; writes are atomic. */
export interface Store extends SchemeStore, InstanceStore, TimerQueue, OutboxQueue, UserStore, SettingsStore, LogStore, FormStore, StoreOverview {
  /** Which adapter (`sqlite` or `postgres`). */
  readonly kind: 'sqlite' | 'postgres';
  /** Tenants, workflow models, API tokens and instance → model links of the `/api/v1` dialect. */
  readonly tenantRecords: TenantRecords;
  /** True when the database answers. */
  ping(): Promise<boolean>;
  /** Commits the steps already submitted, then closes the connection. */
  close(): Promise<void>;
}
