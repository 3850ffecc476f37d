/**
 * The Store over kysely, assembled from one object per seam over the same connection. Dialect
 * adapters (sqlite-store.ts, postgres-store.ts) open the connection, run the migrations and hand
 * it here with the few facts that differ between databases (SqlDialectFacts).
 *
 * Each method only hands its call to its seam: no await and no allocation of its own, so the
 * step path costs what it did when this was one class.
 */
import { sql, type Kysely } from 'kysely';
import type { SchemeDefinition } from '../scheme/model.js';
import type { ArmedTimer, InboxItem, JsonValue, OutboxItem, ProcessInstance } from '../engine/types.js';
import type { FormRecord } from './form-store.js';
import type { FolderFilter, InstancePage, InstanceQuery, StepWrite, StoredFamily, StoredTransition } from './instance-store.js';
import type { LogEntry, LogQuery, StoredLogEntry } from './log-store.js';
import type { OutboxMessage, OutboxMessageFilter } from './outbox-queue.js';
import type { NewGeneratedScheme, SchemeForNewInstance, StoredScheme } from './scheme-store.js';
import { SqlApiV1Listings, type ListingTables } from './sql-api-v1-listings.js';
import type { SqlDialectFacts, WaymarkDb } from './sql-dialect-facts.js';
import { SqlFormStore } from './sql-form-store.js';
import { SqlInstanceStore } from './sql-instance-store.js';
import { SqlLogStore } from './sql-log-store.js';
import { SqlOutboxQueue } from './sql-outbox-queue.js';
import { SqlSchemeStore } from './sql-scheme-store.js';
import { SqlSettingsStore } from './sql-settings-store.js';
import { SqlStoreOverview } from './sql-store-overview.js';
import { SqlTenantRecords, type TenantTables } from './sql-tenant-records.js';
import { SqlTimerQueue } from './sql-timer-queue.js';
import { SqlUserStore } from './sql-user-store.js';
import type { Store } from './store.js';
import type { StoreDashboardCounts } from './store-overview.js';
import type { TenantRecords } from './tenant-records.js';
import type { StoredUser, UserFilter, UserWrite } from './user-store.js';

export type { SqlDialectFacts } from './sql-dialect-facts.js';

/** The dialect-independent Store over a migrated kysely database: the composition of the SQL seams. */
export class SqlStore implements Store {
  readonly kind: Store['kind'];
  readonly tenantRecords: TenantRecords;
  private readonly schemes: SqlSchemeStore;
  private readonly instances: SqlInstanceStore;
  private readonly timers: SqlTimerQueue;
  private readonly outbox: SqlOutboxQueue;
  private readonly users: SqlUserStore;
  private readonly settings: SqlSettingsStore;
  private readonly logs: SqlLogStore;
  private readonly forms: SqlFormStore;
  private readonly overview: SqlStoreOverview;

  constructor(
    private readonly db: WaymarkDb,
    private readonly dialect: SqlDialectFacts,
  ) {
    this.kind = dialect.kind;
    this.tenantRecords = new SqlTenantRecords(
      db as unknown as Kysely<TenantTables>,
      dialect.isUniqueViolation,
      new SqlApiV1Listings(db as unknown as Kysely<ListingTables>),
    );
    this.schemes = new SqlSchemeStore(db, dialect);
    this.instances = new SqlInstanceStore(db, dialect);
    this.timers = new SqlTimerQueue(db, dialect);
    this.outbox = new SqlOutboxQueue(db, dialect);
    this.users = new SqlUserStore(db, dialect);
    this.settings = new SqlSettingsStore(db, dialect);
    this.logs = new SqlLogStore(db);
    this.forms = new SqlFormStore(db);
    this.overview = new SqlStoreOverview(db, dialect);
  }

  // ---- Schemes -------------------------------------------------------------------------------

  saveScheme(definition: SchemeDefinition, sourceXml: string | null, now: Date): Promise<StoredScheme> {
    return this.schemes.saveScheme(definition, sourceXml, now);
  }

  getScheme(id: string): Promise<StoredScheme | null> {
    return this.schemes.getScheme(id);
  }

  getSchemeByCode(code: string, version?: number): Promise<StoredScheme | null> {
    return this.schemes.getSchemeByCode(code, version);
  }

  schemeForNewInstance(code: string, processId: string): Promise<SchemeForNewInstance | null> {
    return this.schemes.schemeForNewInstance(code, processId);
  }

  listSchemes(): Promise<readonly StoredScheme[]> {
    return this.schemes.listSchemes();
  }

  listSchemeVersions(code: string): Promise<readonly StoredScheme[]> {
    return this.schemes.listSchemeVersions(code);
  }

  getGeneratedScheme(baseSchemeId: string, parametersKey: string): Promise<StoredScheme | null> {
    return this.schemes.getGeneratedScheme(baseSchemeId, parametersKey);
  }

  saveGeneratedScheme(input: NewGeneratedScheme): Promise<StoredScheme> {
    return this.schemes.saveGeneratedScheme(input);
  }

  deleteScheme(code: string, force: boolean): Promise<void> {
    return this.schemes.deleteScheme(code, force);
  }

  countInstancesOfScheme(code: string): Promise<number> {
    return this.schemes.countInstancesOfScheme(code);
  }

  // ---- Instances and steps -------------------------------------------------------------------

  getInstance(id: string): Promise<ProcessInstance | null> {
    return this.instances.getInstance(id);
  }

  getProcessFamily(rootProcessId: string): Promise<readonly ProcessInstance[]> {
    return this.instances.getProcessFamily(rootProcessId);
  }

  loadFamily(processId: string): Promise<StoredFamily | null> {
    return this.instances.loadFamily(processId);
  }

  loadFamilies(processIds: readonly string[]): Promise<ReadonlyMap<string, StoredFamily>> {
    return this.instances.loadFamilies(processIds);
  }

  listInstances(query: InstanceQuery): Promise<InstancePage> {
    return this.instances.listInstances(query);
  }

  applyStep(write: StepWrite): Promise<void> {
    return this.instances.applyStep(write);
  }

  deleteInstances(ids: readonly string[]): Promise<number> {
    return this.instances.deleteInstances(ids);
  }

  getHistory(processId: string): Promise<readonly StoredTransition[]> {
    return this.instances.getHistory(processId);
  }

  getInbox(filter: FolderFilter): Promise<readonly InboxItem[]> {
    return this.instances.getInbox(filter);
  }

  getOutbox(filter: FolderFilter): Promise<readonly OutboxItem[]> {
    return this.instances.getOutbox(filter);
  }

  // ---- Timer queue ---------------------------------------------------------------------------

  getTimers(processId: string): Promise<readonly ArmedTimer[]> {
    return this.timers.getTimers(processId);
  }

  getDueTimers(now: Date, limit: number): Promise<readonly ArmedTimer[]> {
    return this.timers.getDueTimers(now, limit);
  }

  claimDueTimers(now: Date, leaseUntil: Date, limit: number): Promise<readonly ArmedTimer[]> {
    return this.timers.claimDueTimers(now, leaseUntil, limit);
  }

  nextTimerWakeAt(): Promise<Date | null> {
    return this.timers.nextTimerWakeAt();
  }

  deleteTimer(timer: ArmedTimer): Promise<void> {
    return this.timers.deleteTimer(timer);
  }

  // ---- Outbox queue --------------------------------------------------------------------------

  claimOutboxMessages(now: Date, leaseUntil: Date, limit: number): Promise<readonly OutboxMessage[]> {
    return this.outbox.claimOutboxMessages(now, leaseUntil, limit);
  }

  completeOutboxMessage(id: number): Promise<void> {
    return this.outbox.completeOutboxMessage(id);
  }

  failOutboxMessage(id: number, error: string, nextAttemptAt: Date, giveUp: boolean, now: Date): Promise<void> {
    return this.outbox.failOutboxMessage(id, error, nextAttemptAt, giveUp, now);
  }

  nextOutboxWakeAt(): Promise<Date | null> {
    return this.outbox.nextOutboxWakeAt();
  }

  listOutboxMessages(filter: OutboxMessageFilter): Promise<readonly OutboxMessage[]> {
    return this.outbox.listOutboxMessages(filter);
  }

  // ---- Users and roles -----------------------------------------------------------------------

  getUser(id: string): Promise<StoredUser | null> {
    return this.users.getUser(id);
  }

  listUsers(filter: UserFilter): Promise<{ readonly items: readonly StoredUser[]; readonly total: number }> {
    return this.users.listUsers(filter);
  }

  createUser(user: UserWrite, now: Date): Promise<StoredUser> {
    return this.users.createUser(user, now);
  }

  updateUser(user: UserWrite, expectedLock: number | undefined): Promise<StoredUser> {
    return this.users.updateUser(user, expectedLock);
  }

  getUserByCredential(credentialId: string): Promise<StoredUser | null> {
    return this.users.getUserByCredential(credentialId);
  }

  deleteUser(id: string): Promise<boolean> {
    return this.users.deleteUser(id);
  }

  usersInRole(role: string): Promise<readonly string[]> {
    return this.users.usersInRole(role);
  }

  isInRole(identityId: string, role: string): Promise<boolean> {
    return this.users.isInRole(identityId, role);
  }

  // ---- Settings ------------------------------------------------------------------------------

  getSetting<T extends JsonValue>(key: string): Promise<T | null> {
    return this.settings.getSetting<T>(key);
  }

  setSetting(key: string, value: JsonValue | null): Promise<void> {
    return this.settings.setSetting(key, value);
  }

  setSettingIfAbsent(key: string, value: JsonValue): Promise<boolean> {
    return this.settings.setSettingIfAbsent(key, value);
  }

  // ---- Logs and forms ------------------------------------------------------------------------

  appendLog(entry: LogEntry): Promise<StoredLogEntry> {
    return this.logs.appendLog(entry);
  }

  queryLogs(query: LogQuery): Promise<{ readonly items: readonly StoredLogEntry[]; readonly total: number }> {
    return this.logs.queryLogs(query);
  }

  saveForm(form: FormRecord): Promise<FormRecord> {
    return this.forms.saveForm(form);
  }

  getForm(schemeCode: string, name: string, state: string | null): Promise<FormRecord | null> {
    return this.forms.getForm(schemeCode, name, state);
  }

  listForms(filter: { schemeCode?: string; name?: string }): Promise<readonly FormRecord[]> {
    return this.forms.listForms(filter);
  }

  deleteForm(schemeCode: string, name: string, state: string | null): Promise<boolean> {
    return this.forms.deleteForm(schemeCode, name, state);
  }

  // ---- Overview ------------------------------------------------------------------------------

  dashboardCounts(query: { readonly errorsSince: string; readonly bound: number }): Promise<StoreDashboardCounts> {
    return this.overview.dashboardCounts(query);
  }

  // ---- Lifecycle -----------------------------------------------------------------------------

  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    // Steps already submitted are committed (and acknowledged) before the connection goes.
    await this.instances.commitSubmittedSteps();
    await this.dialect.stepWriter?.close();
    await this.db.destroy();
  }
}
