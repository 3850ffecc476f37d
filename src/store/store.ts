/**
 * The storage port. Asynchronous because PostgreSQL's driver is; the SQLite adapter implements
 * it over better-sqlite3 and a PostgreSQL adapter (a later issue) will implement it unchanged.
 * The engine never sees this; the service layer does.
 */
import type { SchemeDefinition } from '../scheme/model.js';
import type {
  ArmedTimer,
  InboxItem,
  JsonValue,
  OutboxItem,
  ProcessInstance,
  StepResult,
  TransitionRecord,
} from '../engine/types.js';
import type { FormRecords, LogRecords } from './records.js';
import type { TenantRecords } from './tenant-records.js';

/** One stored version of a scheme. */
export interface StoredScheme {
  /** Unique id of this version. */
  readonly id: string;
  readonly code: string;
  readonly version: number;
  readonly definition: SchemeDefinition;
  /** The vendor XML it was imported from, when it was. */
  readonly sourceXml: string | null;
  readonly tags: readonly string[];
  readonly createdAt: string;
}

/** A history row as stored (a TransitionRecord with its order). */
export interface StoredTransition extends TransitionRecord {
  readonly id: number;
  readonly order: number;
}

/** How a credential signs its user in: the password (with the user's login), or an external account. */
export type CredentialKind = 'password' | 'external';

/** One way a user signs in, with an id of its own (the vendor's `deletecredential` takes it). */
export interface StoredCredential {
  /** A GUID. */
  readonly id: string;
  readonly kind: CredentialKind;
  /** scrypt hash `scrypt$N$r$p$salt$hash` (base64) of a password credential, never returned by APIs; null for an external one. */
  readonly passwordHash: string | null;
  /** The provider of an external account (e.g. `Google`); null for the password. */
  readonly provider: string | null;
  /** The account's sign-in name at the provider; null for the password (its login is the user's). */
  readonly login: string | null;
  /** An external account as the client described it; {} for the password. */
  readonly details: Readonly<Record<string, JsonValue>>;
  readonly createdAt: string;
}

export interface StoredUser {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly phone: string | null;
  /** The sign-in name of the password credential. */
  readonly login: string | null;
  readonly domainLogin: string | null;
  readonly isLocked: boolean;
  readonly tenantId: string | null;
  readonly extensions: Readonly<Record<string, JsonValue>>;
  /** At most one password credential and any number of external ones, oldest first. */
  readonly credentials: readonly StoredCredential[];
  readonly roles: readonly string[];
  /** Optimistic-concurrency stamp. */
  readonly lock: number;
  readonly createdAt: string;
}

/** Which inbox or outbox items to read. */
export interface FolderFilter {
  readonly processId?: string;
  readonly identityId?: string;
  readonly tenantId?: string;
}

/** Filter, sort and page for listing instances. */
export interface InstanceQuery {
  readonly take?: number; // 0 = all
  readonly skip?: number;
  readonly statuses?: readonly number[];
  readonly schemeCode?: string;
  readonly tenantId?: string;
  /** Matches id, scheme code, activity or state name (substring, case-insensitive). */
  readonly search?: string;
  readonly fromCreationDate?: string;
  readonly toCreationDate?: string;
  readonly fromLastTransitionDate?: string;
  readonly toLastTransitionDate?: string;
  readonly sort?: { readonly field: 'createdAt' | 'lastTransitionAt' | 'schemeCode' | 'activityName' | 'stateName' | 'status' | 'id'; readonly direction: 'asc' | 'desc' };
  /** Only root processes (default true). */
  readonly rootsOnly?: boolean;
}

/** A page of `listInstances` and how many instances match the query. */
export interface InstancePage {
  readonly items: readonly ProcessInstance[];
  /**
   * How many instances match, whatever the page. Exact for listings of root instances filtered
   * only by status, scheme and tenant, and for `take` 0; a search, date range or subprocess
   * listing is counted only up to `max(10,000, skip + take)` rows: when more match, `total` is
   * that bound + 1 and `totalIsLowerBound` is true.
   */
  readonly total: number;
  /** True when more instances match than were counted: `total` means "at least". */
  readonly totalIsLowerBound: boolean;
}

/** A message for the outside world, written in the transaction of the step that caused it. */
export interface NewOutboxMessage {
  readonly processId: string;
  /** What to deliver: `processStatusChanged`, `processActivityChanged` or `webhook`. */
  readonly kind: string;
  readonly payload: JsonValue;
}

/** A stored outbox message, waiting for (or being given) delivery. */
export interface OutboxMessage extends NewOutboxMessage {
  readonly id: number;
  readonly createdAt: string;
  /** Delivery attempts that failed so far. */
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  /** Set when delivery was given up after too many attempts. */
  readonly failedAt: string | null;
}

/**
 * Writes of one step: all applied in one transaction, or none.
 * `expectedRevisions` maps instance id → the revision it had when loaded (absent for new
 * instances): if any stored revision differs, the whole step fails with WM_INSTANCE_CONFLICT.
 */
export interface StepWrite {
  readonly step: StepResult;
  readonly expectedRevisions: ReadonlyMap<string, number>;
  /** Outbox messages the step caused (notifications, webhooks), stored in the same transaction. */
  readonly messages?: readonly NewOutboxMessage[];
  /**
   * The changed instances as the step read them (optional): the store then writes only the
   * columns that differ, which spares the indexes of the others.
   */
  readonly before?: ReadonlyMap<string, ProcessInstance>;
  /**
   * The armed timers of the step's instances as the step read them (optional), an entry (maybe
   * empty) for each instance whose timers were read. The store then deletes no timer rows of an
   * instance that had none the step drops. Used only for instances the step changes under their
   * revision check: a timer is only ever armed by a step that changes its instance (the engine's
   * steps write the timers of the instances they create, change or remove, and nothing else), so
   * none can have been armed since the read without failing this step with WM_INSTANCE_CONFLICT.
   */
  readonly timersBefore?: ReadonlyMap<string, readonly ArmedTimer[]>;
}

/** A process family as stored: the root first, then its subprocesses, and all their timers. */
export interface StoredFamily {
  readonly instances: readonly ProcessInstance[];
  readonly timers: readonly ArmedTimer[];
}

/** A count that stops at a bound, so it never scans a whole table. */
export interface BoundedCount {
  /** The rows counted: exact when `atLeast` is false, otherwise `bound + 1`. */
  readonly count: number;
  /** True when more rows exist than were counted: `count` means "more than `count - 1`". */
  readonly atLeast: boolean;
}

/** What the admin Dashboard shows of the store, read without a full scan ({@link Store.dashboardCounts}). */
export interface StoreDashboardCounts {
  /** Scheme codes stored (each with one or more versions). */
  readonly schemes: number;
  /** Root instances by status (the vendor's numbers; a status without instances is 0), from the counters. */
  readonly instancesByStatus: Readonly<Record<number, number>>;
  /** Armed timers not yet fired. */
  readonly pendingTimers: BoundedCount;
  /** Inbox items: an identity that may run a command of an instance. */
  readonly openUserTasks: BoundedCount;
  /** Process log entries of level `error` written at or after `since`. */
  readonly errorLogEntries: BoundedCount;
}

/** The store. All methods may throw WaymarkError; writes are atomic. */
export interface Store extends LogRecords, FormRecords {
  /** Which adapter (`sqlite` or `postgres`). */
  readonly kind: 'sqlite' | 'postgres';
  /** Tenants, workflow models, API tokens and instance → model links of the `/api/v1` dialect. */
  readonly tenantRecords: TenantRecords;

  // Schemes
  /** Saves a new version under `definition.code` (version = last + 1). */
  saveScheme(definition: SchemeDefinition, sourceXml: string | null, now: Date): Promise<StoredScheme>;
  getScheme(id: string): Promise<StoredScheme | null>;
  /** The latest version, or a given one. */
  getSchemeByCode(code: string, version?: number): Promise<StoredScheme | null>;
  /**
   * What creating the instance `processId` of `code` needs, in one statement: the id and number of
   * the latest version of `code` (without its definition), and whether an instance `processId`
   * exists already; null when `code` has no version.
   */
  schemeForNewInstance(code: string, processId: string): Promise<{ readonly id: string; readonly version: number; readonly instanceExists: boolean } | null>;
  listSchemes(): Promise<readonly StoredScheme[]>; // latest version of each code
  listSchemeVersions(code: string): Promise<readonly StoredScheme[]>;
  /**
   * The scheme a callback server generated from the version `baseSchemeId` with the scheme
   * parameters whose digest is `parametersKey`, or null. A generated scheme is found by
   * `getScheme(id)` like a version, but is never a version of its code.
   */
  getGeneratedScheme(baseSchemeId: string, parametersKey: string): Promise<StoredScheme | null>;
  /**
   * Stores a generated scheme under the base version's code and number. When one exists for the
   * same base and parameters (a concurrent creation), that one is returned and nothing is stored.
   */
  saveGeneratedScheme(input: { readonly base: StoredScheme; readonly parametersKey: string; readonly definition: SchemeDefinition; readonly sourceXml: string | null; readonly now: Date }): Promise<StoredScheme>;
  /** Deletes every version of a code (and the schemes generated from it); refuses (WM_SCHEME_IN_USE) while instances use it unless forced. */
  deleteScheme(code: string, force: boolean): Promise<void>;
  countInstancesOfScheme(code: string): Promise<number>;
  /**
   * The Dashboard's figures: instance counts from the counters (exact), the rest counted only up
   * to `bound` rows each (index scans that stop there), so the cost does not grow with the data.
   */
  dashboardCounts(query: { readonly errorsSince: string; readonly bound: number }): Promise<StoreDashboardCounts>;

  // Instances
  getInstance(id: string): Promise<ProcessInstance | null>;
  /** The root process and all its subprocesses. */
  getProcessFamily(rootProcessId: string): Promise<readonly ProcessInstance[]>;
  /** The family of the instance `processId` (root or subprocess) with its timers, read together; null when it does not exist. */
  loadFamily(processId: string): Promise<StoredFamily | null>;
  /**
   * The families of many instances (each a root or a subprocess) with their timers, in a few
   * queries whatever their number: the timer scheduler reads a claimed batch with it. Keyed by
   * each given id that exists (ids of one family share one StoredFamily); missing ids are absent.
   */
  loadFamilies(processIds: readonly string[]): Promise<ReadonlyMap<string, StoredFamily>>;
  listInstances(query: InstanceQuery): Promise<InstancePage>;
  /** Applies one engine step atomically (see StepWrite). New instances with an existing id: WM_INSTANCE_EXISTS. */
  applyStep(write: StepWrite): Promise<void>;
  /** Removes instances with their parameters, history, inbox, outbox and timers (and their subprocesses). */
  deleteInstances(ids: readonly string[]): Promise<number>;

  // Reads beside instances
  getHistory(processId: string): Promise<readonly StoredTransition[]>;
  /** Inbox items by process and/or identity; `tenantId` keeps only items of that tenant's instances. */
  getInbox(filter: FolderFilter): Promise<readonly InboxItem[]>;
  /** Outbox items, filtered like the inbox. */
  getOutbox(filter: FolderFilter): Promise<readonly OutboxItem[]>;
  getTimers(processId: string): Promise<readonly ArmedTimer[]>;
  /** Timers due at or before `now`, oldest first (the runtime fires them; a later issue). */
  getDueTimers(now: Date, limit: number): Promise<readonly ArmedTimer[]>;
  /**
   * Claims up to `limit` timers due at or before `now` whose lease (if any) has lapsed, leasing
   * each until `leaseUntil`, in one statement: two schedulers never claim the same timer.
   * Oldest due first.
   * The step that fires a timer replaces its instance's timers, which ends the lease.
   */
  claimDueTimers(now: Date, leaseUntil: Date, limit: number): Promise<readonly ArmedTimer[]>;
  /** When the scheduler must next look: the earliest due time, or lease end for a claimed timer. */
  nextTimerWakeAt(): Promise<Date | null>;
  /** Removes a timer that no longer applies (only while it still has the given due time). */
  deleteTimer(timer: ArmedTimer): Promise<void>;

  // Outbox of messages delivered after commit
  /**
   * Claims up to `limit` messages ready at `now` (attempt due, lease lapsed, not failed), only
   * the oldest pending message of each process, leasing each until `leaseUntil`.
   */
  claimOutboxMessages(now: Date, leaseUntil: Date, limit: number): Promise<readonly OutboxMessage[]>;
  /** Removes a delivered message. */
  completeOutboxMessage(id: number): Promise<void>;
  /** Records a failed attempt: retried at `nextAttemptAt`, or given up when `giveUp`. */
  failOutboxMessage(id: number, error: string, nextAttemptAt: Date, giveUp: boolean, now: Date): Promise<void>;
  /** When the dispatcher must next look (earliest ready head message or lease end), or null. */
  nextOutboxWakeAt(): Promise<Date | null>;
  /** Messages still stored (pending or given up), oldest first. */
  listOutboxMessages(filter: { processId?: string; includeFailed?: boolean }): Promise<readonly OutboxMessage[]>;

  // Users and roles
  getUser(id: string): Promise<StoredUser | null>;
  listUsers(filter: { role?: string; name?: string; email?: string; phone?: string; tenantId?: string; skip?: number; take?: number }): Promise<{ readonly items: readonly StoredUser[]; readonly total: number }>;
  createUser(user: Omit<StoredUser, 'lock' | 'createdAt'>, now: Date): Promise<StoredUser>;
  /** Updates when `expectedLock` matches (or is absent); WM_LOCK_CONFLICT otherwise. */
  updateUser(user: Omit<StoredUser, 'lock' | 'createdAt'>, expectedLock: number | undefined): Promise<StoredUser>;
  /** The user a credential (by its id) belongs to, or null. */
  getUserByCredential(credentialId: string): Promise<StoredUser | null>;
  deleteUser(id: string): Promise<boolean>;
  usersInRole(role: string): Promise<readonly string[]>;
  isInRole(identityId: string, role: string): Promise<boolean>;

  // Settings (key → JSON)
  getSetting<T extends JsonValue>(key: string): Promise<T | null>;
  setSetting(key: string, value: JsonValue | null): Promise<void>;
  /** Stores `value` only when the key has none; true when it was stored (safe across nodes). */
  setSettingIfAbsent(key: string, value: JsonValue): Promise<boolean>;

  /** True when the database answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
