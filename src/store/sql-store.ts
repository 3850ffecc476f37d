/**
 * The Store implemented once over kysely. Dialect adapters (SQLite now, PostgreSQL later) open
 * the connection, run the migrations and hand it here with the few facts that differ between
 * databases.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Expression, type Kysely, type SelectQueryBuilder, type SqlBool, type Transaction } from 'kysely';
import { WaymarkError } from '../errors/index.js';
import type { SchemeDefinition } from '../scheme/model.js';
import type { ArmedTimer, InboxItem, JsonValue, OutboxItem, ProcessInstance } from '../engine/types.js';
import type { BoundedCount, FolderFilter, InstancePage, InstanceQuery, OutboxMessage, StepWrite, Store, StoreDashboardCounts, StoredFamily, StoredCredential, StoredScheme, StoredTransition, StoredUser } from './store.js';
import type { OutboxMessagesTable } from './tables.js';
import type { Selectable } from 'kysely';
import type { WaymarkDatabase } from './tables.js';
import type { FormRecord, LogEntry, LogQuery, StoredLogEntry } from './records.js';
import { countRootInstances, countRootInstancesByStatus, instanceCountBound, isCountedByCounters, type InstanceCountTables } from './instance-counts.js';
import { SqlApiV1Listings, type ListingTables } from './sql-api-v1-listings.js';
import { SqlTenantRecords, type TenantTables } from './sql-tenant-records.js';
import { generatedSchemeFromRow } from './sql-generated-schemes.js';
import { placeholders, rowsOf, type DirectSql, type SqlProgram } from './direct-sql.js';
import {
  chunks,
  deleteInstanceRows,
  compareText,
  familiesProgram,
  instanceConflict,
  instanceProgram,
  MAX_PARAMETERS_PER_STATEMENT,
  writeStepProgram,
  type StatementDialect,
} from './step-statements.js';
import type { TenantRecords } from './tenant-records.js';
import {
  historyFromRow,
  inboxFromRow,
  instanceFromRow,
  outboxFromRow,
  schemeFromRow,
  timerFromRow,
  credentialColumns,
  credentialFromRow,
  userColumns,
  userFromRow,
} from './rows.js';

/** What differs between databases behind the same SQL. */
export interface SqlDialectFacts extends StatementDialect {
  readonly kind: Store['kind'];
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

type Db = Kysely<WaymarkDatabase>;

interface PendingStep {
  readonly write: StepWrite;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Upper bound on steps sharing one commit, so one commit never holds the connection for long. */
const MAX_STEPS_PER_COMMIT = 256;
type Executor = Db | Transaction<WaymarkDatabase>;

const INSTANCE_SORT_COLUMNS = {
  createdAt: 'created_at',
  lastTransitionAt: 'last_transition_at',
  schemeCode: 'scheme_code',
  activityName: 'activity_name',
  stateName: 'state_name',
  status: 'status',
  id: 'id',
} as const;

/** `%text%` for LIKE with `\`, `%` and `_` taken literally (paired with `escape '\'`). */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function containsIgnoringCase(column: string, text: string): Expression<SqlBool> {
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${containsPattern(text)} escape '\\'`;
}

/**
 * LIMIT/OFFSET from skip/take (take 0 or absent = all). SQLite cannot OFFSET without a LIMIT,
 * so "all" becomes the largest limit both dialects accept.
 */
function pagingOf(skip: number | undefined, take: number | undefined): { offset: number; limit: number } {
  const offset = Math.max(0, Math.floor(skip ?? 0));
  const limit = take === undefined || take <= 0 ? Number.MAX_SAFE_INTEGER : Math.floor(take);
  return { offset, limit };
}

/** The dialect-independent Store over a migrated kysely database. */
export class SqlStore implements Store {
  readonly kind: Store['kind'];
  private readonly pendingSteps: PendingStep[] = [];
  /** The running group commit, while steps are queued or being committed. */
  private commitRun: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly dialect: SqlDialectFacts,
  ) {
    this.kind = dialect.kind;
    this.tenantRecords = new SqlTenantRecords(
      db as unknown as Kysely<TenantTables>,
      dialect.isUniqueViolation,
      new SqlApiV1Listings(db as unknown as Kysely<ListingTables>),
    );
  }

  readonly tenantRecords: TenantRecords;

  // ---- Schemes -------------------------------------------------------------------------------

  async saveScheme(definition: SchemeDefinition, sourceXml: string | null, now: Date): Promise<StoredScheme> {
    // Two nodes saving a version of one code at once both read the same last version; the
    // unique (code, version) key refuses the second, which simply numbers again.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.saveSchemeVersion(definition, sourceXml, now);
      } catch (error) {
        if (attempt >= 5 || !this.dialect.isUniqueViolation(error)) throw error;
      }
    }
  }

  private async saveSchemeVersion(definition: SchemeDefinition, sourceXml: string | null, now: Date): Promise<StoredScheme> {
    return this.db.transaction().execute(async (trx) => {
      const latest = await trx
        .selectFrom('schemes')
        .select((eb) => eb.fn.max('version').as('version'))
        .where('code', '=', definition.code)
        .executeTakeFirst();
      const row = {
        id: randomUUID(),
        code: definition.code,
        version: (latest?.version ?? 0) + 1,
        definition: JSON.stringify(definition),
        source_xml: sourceXml,
        tags: JSON.stringify(definition.tags),
        created_at: now.toISOString(),
      };
      await trx.insertInto('schemes').values(row).execute();
      return schemeFromRow(row);
    });
  }

  async getScheme(id: string): Promise<StoredScheme | null> {
    const row = await this.db.selectFrom('schemes').selectAll().where('id', '=', id).executeTakeFirst();
    if (row) return schemeFromRow(row);
    const generated = await this.db.selectFrom('generated_schemes').selectAll().where('id', '=', id).executeTakeFirst();
    return generated ? generatedSchemeFromRow(generated) : null;
  }

  async getGeneratedScheme(baseSchemeId: string, parametersKey: string): Promise<StoredScheme | null> {
    const row = await this.db
      .selectFrom('generated_schemes')
      .selectAll()
      .where('base_scheme_id', '=', baseSchemeId)
      .where('parameters_key', '=', parametersKey)
      .executeTakeFirst();
    return row ? generatedSchemeFromRow(row) : null;
  }

  async saveGeneratedScheme(input: { readonly base: StoredScheme; readonly parametersKey: string; readonly definition: SchemeDefinition; readonly sourceXml: string | null; readonly now: Date }): Promise<StoredScheme> {
    const row = {
      id: randomUUID(),
      base_scheme_id: input.base.id,
      parameters_key: input.parametersKey,
      code: input.base.code,
      version: input.base.version,
      definition: JSON.stringify(input.definition),
      source_xml: input.sourceXml,
      created_at: input.now.toISOString(),
    };
    try {
      await this.db.insertInto('generated_schemes').values(row).execute();
    } catch (error) {
      if (!this.dialect.isUniqueViolation(error)) throw error;
      const existing = await this.getGeneratedScheme(input.base.id, input.parametersKey);
      if (existing) return existing;
      throw error;
    }
    return generatedSchemeFromRow(row);
  }

  async getSchemeByCode(code: string, version?: number): Promise<StoredScheme | null> {
    let query = this.db.selectFrom('schemes').selectAll().where('code', '=', code);
    query = version === undefined ? query.orderBy('version', 'desc').limit(1) : query.where('version', '=', version);
    const row = await query.executeTakeFirst();
    return row ? schemeFromRow(row) : null;
  }

  async schemeForNewInstance(code: string, processId: string): Promise<{ readonly id: string; readonly version: number; readonly instanceExists: boolean } | null> {
    // One statement, not two: outside a transaction every SQLite statement first takes the
    // database's read locks, which costs more than either lookup.
    const [row] = await this.dialect.direct.read(rowsOf(
      'select "id", "version", exists (select 1 from "instances" where "id" = ?) as "instance_exists" from "schemes" where "code" = ? order by "version" desc limit 1',
      [processId, code],
    ));
    if (row === undefined) return null;
    // PostgreSQL answers a boolean, SQLite 1 or 0.
    return { id: row.id as string, version: Number(row.version), instanceExists: row.instance_exists === true || row.instance_exists === 1 };
  }

  async listSchemes(): Promise<readonly StoredScheme[]> {
    const rows = await this.db
      .selectFrom('schemes')
      .selectAll('schemes')
      .innerJoin(
        (eb) => eb.selectFrom('schemes').select(['code', (inner) => inner.fn.max('version').as('latest')]).groupBy('code').as('latest'),
        (join) => join.onRef('latest.code', '=', 'schemes.code').onRef('latest.latest', '=', 'schemes.version'),
      )
      .orderBy('schemes.code')
      .execute();
    return rows.map(schemeFromRow);
  }

  async listSchemeVersions(code: string): Promise<readonly StoredScheme[]> {
    const rows = await this.db.selectFrom('schemes').selectAll().where('code', '=', code).orderBy('version').execute();
    return rows.map(schemeFromRow);
  }

  async deleteScheme(code: string, force: boolean): Promise<void> {
    const [failure] = await this.dialect.direct.writeEach([
      function* () {
        const versions = yield* rowsOf('select "id" from "schemes" where "code" = ?', [code]);
        if (versions.length === 0) {
          throw new WaymarkError('WM_SCHEME_NOT_FOUND', `Scheme '${code}' does not exist`, { schemeCode: code });
        }
        const instanceIds = (yield* rowsOf('select "id" from "instances" where "scheme_code" = ?', [code])).map((row) => row.id as string);
        if (instanceIds.length > 0 && !force) {
          throw new WaymarkError(
            'WM_SCHEME_IN_USE',
            `Scheme '${code}' is used by ${instanceIds.length} process instance(s); delete them first or force the deletion`,
            { schemeCode: code, instanceCount: instanceIds.length },
          );
        }
        yield* deleteInstancesWithDescendants(instanceIds);
        yield { text: 'delete from "generated_schemes" where "code" = ?', parameters: [code] };
        yield { text: 'delete from "schemes" where "code" = ?', parameters: [code] };
      },
    ]);
    if (failure !== undefined) throw failure;
  }

  async dashboardCounts(query: { readonly errorsSince: string; readonly bound: number }): Promise<StoreDashboardCounts> {
    const bound = Math.max(1, Math.floor(query.bound));
    // One statement, so the figures come from one snapshot; each bounded count stops after
    // bound + 1 rows of its index (never a scan of the whole table).
    const countsQuery = sql<{ schemes: number | string; timers: number | string; inbox: number | string; errors: number | string }>`
      select
        (select count(distinct code) from schemes) as schemes,
        (select count(*) from (select 1 from timers limit ${bound + 1}) as counted) as timers,
        (select count(*) from (select 1 from inbox limit ${bound + 1}) as counted) as inbox,
        (select count(*) from (select 1 from logs where created_at >= ${query.errorsSince} and level = 'error' limit ${bound + 1}) as counted) as errors`;
    const [counted, byStatus] = await Promise.all([
      countsQuery.execute(this.db),
      countRootInstancesByStatus(this.db as unknown as Kysely<InstanceCountTables>, this.kind),
    ]);
    const row = counted.rows[0];
    const bounded = (value: number | string | undefined): BoundedCount => {
      const count = Number(value ?? 0);
      return { count, atLeast: count > bound };
    };
    return {
      schemes: Number(row?.schemes ?? 0),
      instancesByStatus: Object.fromEntries(byStatus),
      pendingTimers: bounded(row?.timers),
      openUserTasks: bounded(row?.inbox),
      errorLogEntries: bounded(row?.errors),
    };
  }

  async countInstancesOfScheme(code: string): Promise<number> {
    const row = await this.db
      .selectFrom('instances')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('scheme_code', '=', code)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  // ---- Instances -----------------------------------------------------------------------------

  async getInstance(id: string): Promise<ProcessInstance | null> {
    return this.dialect.direct.read(instanceProgram(id));
  }

  async getProcessFamily(rootProcessId: string): Promise<readonly ProcessInstance[]> {
    return (await this.loadFamily(rootProcessId))?.instances ?? [];
  }

  async loadFamily(processId: string): Promise<StoredFamily | null> {
    return (await this.loadFamilies([processId])).get(processId) ?? null;
  }

  async loadFamilies(processIds: readonly string[]): Promise<ReadonlyMap<string, StoredFamily>> {
    if (processIds.length === 0) return new Map();
    return this.dialect.direct.read(familiesProgram(processIds));
  }

  async listInstances(query: InstanceQuery): Promise<InstancePage> {
    const filtered = <O>(builder: SelectQueryBuilder<WaymarkDatabase, 'instances', O>) => {
      let q = builder;
      if (query.rootsOnly ?? true) q = q.where('parent_process_id', 'is', null);
      if (query.statuses !== undefined && query.statuses.length > 0) q = q.where('status', 'in', [...query.statuses]);
      if (query.schemeCode !== undefined) q = q.where('scheme_code', '=', query.schemeCode);
      if (query.tenantId !== undefined) q = q.where('tenant_id', '=', query.tenantId);
      if (query.fromCreationDate !== undefined) q = q.where('created_at', '>=', query.fromCreationDate);
      if (query.toCreationDate !== undefined) q = q.where('created_at', '<=', query.toCreationDate);
      if (query.fromLastTransitionDate !== undefined) q = q.where('last_transition_at', '>=', query.fromLastTransitionDate);
      if (query.toLastTransitionDate !== undefined) q = q.where('last_transition_at', '<=', query.toLastTransitionDate);
      const search = query.search?.trim();
      if (search) {
        q = q.where((eb) =>
          eb.or(['id', 'scheme_code', 'activity_name', 'state_name'].map((column) => containsIgnoringCase(column, search))),
        );
      }
      return q;
    };

    // The counters answer the common listings exactly; a search, date range or subprocess
    // listing is counted over the rows, up to a bound (InstancePage.total).
    let total: number;
    let totalIsLowerBound = false;
    if (isCountedByCounters(query)) {
      total = await countRootInstances(this.db as unknown as Kysely<InstanceCountTables>, query, this.kind);
    } else {
      const bound = instanceCountBound(query);
      let matching = filtered(this.db.selectFrom('instances').select('id'));
      if (bound !== undefined) matching = matching.limit(bound + 1);
      const counted = await this.db.selectFrom(matching.as('matching')).select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow();
      total = Number(counted.count);
      totalIsLowerBound = bound !== undefined && total > bound;
    }
    const sort = query.sort ?? { field: 'createdAt', direction: 'desc' };
    const sortColumn = INSTANCE_SORT_COLUMNS[sort.field];
    if (sortColumn === undefined) {
      throw new WaymarkError('WM_INPUT_INVALID', `Cannot sort process instances by '${String(sort.field)}'`, { field: sort.field });
    }
    const direction = sort.direction === 'asc' ? 'asc' : 'desc';
    // NULLs sort as the smallest value, as SQLite does by default (PostgreSQL: the largest).
    let itemsQuery = filtered(this.db.selectFrom('instances').selectAll()).orderBy(sortColumn, (ob) =>
      direction === 'asc' ? ob.asc().nullsFirst() : ob.desc().nullsLast(),
    );
    if (sortColumn !== 'id') itemsQuery = itemsQuery.orderBy('id', direction);
    const { offset, limit } = pagingOf(query.skip, query.take);
    const rows = await itemsQuery.limit(limit).offset(offset).execute();
    return { items: rows.map(instanceFromRow), total, totalIsLowerBound };
  }

  /**
   * Steps are group-committed: steps submitted while another commit is being prepared share one
   * transaction (and so one fsync), and a failing step is rolled back alone (see
   * DirectSql.writeEach). A step's promise settles only after the COMMIT that holds it, so an
   * acknowledged step is durable.
   */
  applyStep(write: StepWrite): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pendingSteps.push({ write, resolve, reject });
      if (this.commitRun === null) {
        // setImmediate runs after pending I/O callbacks, so requests that arrived together are
        // queued before the commit starts.
        this.commitRun = new Promise<void>((started) => setImmediate(started)).then(() => this.commitPendingSteps());
      }
    });
  }

  private async commitPendingSteps(): Promise<void> {
    try {
      while (this.pendingSteps.length > 0) {
        await this.commitBatch(this.pendingSteps.splice(0, MAX_STEPS_PER_COMMIT));
      }
    } finally {
      this.commitRun = null;
    }
  }

  private async commitBatch(batch: readonly PendingStep[]): Promise<void> {
    let outcomes: readonly unknown[];
    try {
      const { stepWriter } = this.dialect;
      outcomes = stepWriter === undefined
        ? await this.dialect.direct.writeEach(batch.map((pending) => () => writeStepProgram(pending.write, this.dialect)))
        : await stepWriter.writeSteps(batch.map((pending) => pending.write));
    } catch (error) {
      for (const pending of batch) pending.reject(this.stepError(error, pending.write));
      return;
    }
    batch.forEach((pending, index) => {
      const failure = outcomes[index];
      if (failure === undefined) pending.resolve();
      else pending.reject(this.stepError(failure, pending.write));
    });
  }

  private stepError(error: unknown, write: StepWrite): unknown {
    if (this.dialect.isTransientConflict?.(error) !== true) return error;
    const processId = write.step.instances[0]?.id ?? [...write.expectedRevisions.keys()][0] ?? 'unknown';
    return instanceConflict(processId);
  }

  async deleteInstances(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    let deleted = 0;
    const [failure] = await this.dialect.direct.writeEach([
      function* () {
        deleted = yield* deleteInstancesWithDescendants(ids);
      },
    ]);
    if (failure !== undefined) throw failure;
    return deleted;
  }

  // ---- Reads beside instances ----------------------------------------------------------------

  async getHistory(processId: string): Promise<readonly StoredTransition[]> {
    const rows = await this.dialect.direct.read(rowsOf('select * from "history" where "process_id" = ? order by "order"', [processId]));
    return rows.map((row) => historyFromRow(row as never));
  }

  async getInbox(filter: FolderFilter): Promise<readonly InboxItem[]> {
    let query = this.db.selectFrom('inbox').selectAll();
    if (filter.processId !== undefined) query = query.where('process_id', '=', filter.processId);
    if (filter.identityId !== undefined) query = query.where('identity_id', '=', filter.identityId);
    if (filter.tenantId !== undefined) query = query.where('process_id', 'in', this.instancesOfTenant(filter.tenantId));
    const rows = await query.orderBy('added_at').orderBy('process_id').orderBy('identity_id').execute();
    return rows.map(inboxFromRow);
  }

  async getOutbox(filter: FolderFilter): Promise<readonly OutboxItem[]> {
    let query = this.db.selectFrom('outbox').selectAll();
    if (filter.processId !== undefined) query = query.where('process_id', '=', filter.processId);
    if (filter.identityId !== undefined) query = query.where('identity_id', '=', filter.identityId);
    if (filter.tenantId !== undefined) query = query.where('process_id', 'in', this.instancesOfTenant(filter.tenantId));
    const rows = await query.orderBy('id').execute();
    return rows.map(outboxFromRow);
  }

  private instancesOfTenant(tenantId: string) {
    return this.db.selectFrom('instances').select('id').where('tenant_id', '=', tenantId);
  }

  async getTimers(processId: string): Promise<readonly ArmedTimer[]> {
    const rows = await this.dialect.direct.read(rowsOf('select * from "timers" where "process_id" = ? order by "due_at", "name"', [processId]));
    return rows.map((row) => timerFromRow(row as never));
  }

  async getDueTimers(now: Date, limit: number): Promise<readonly ArmedTimer[]> {
    const rows = await this.db
      .selectFrom('timers')
      .selectAll()
      .where('due_at', '<=', now.toISOString())
      .orderBy('due_at')
      .orderBy('process_id')
      .orderBy('name')
      .limit(Math.max(0, Math.floor(limit)))
      .execute();
    return rows.map(timerFromRow);
  }

  async claimDueTimers(now: Date, leaseUntil: Date, limit: number): Promise<readonly ArmedTimer[]> {
    const nowText = now.toISOString();
    // One statement picks and leases the batch. On PostgreSQL the pick locks its rows and skips
    // rows another node is claiming at the same moment, so a timer is never handed to two nodes
    // (without the lock both would read it as unclaimed); a row that node has claimed meanwhile
    // is re-checked against the lease and left out. SQLite runs one write statement at a time.
    // Ordered by due time alone, so the pick reads the due_at index and stops at `limit` rows
    // (a tie-break would sort every due timer first: all 100,000 of a burst, for every batch).
    const locking = this.dialect.rowLocks === true ? sql`for update skip locked` : sql``;
    const result = await sql<{ process_id: string; name: string; due_at: string }>`
      update timers set claimed_until = ${leaseUntil.toISOString()}
      where (process_id, name) in (
        select process_id, name from timers
        where due_at <= ${nowText} and (claimed_until is null or claimed_until <= ${nowText})
        order by due_at
        limit ${Math.max(0, Math.floor(limit))}
        ${locking})
      returning process_id, name, due_at`.execute(this.db);
    // RETURNING follows no order: oldest due first.
    return result.rows
      .map((row) => ({ processId: row.process_id, name: row.name, dueAt: row.due_at }))
      .sort((a, b) => compareText(a.dueAt, b.dueAt) || compareText(a.processId, b.processId) || compareText(a.name, b.name));
  }

  async nextTimerWakeAt(): Promise<Date | null> {
    // A claimed timer is looked at again only when its lease lapses (its firer may have died).
    const row = await sql<{ wake: string | null }>`
      select min(case when claimed_until is not null and claimed_until > due_at then claimed_until else due_at end) as wake
      from timers`.execute(this.db);
    const wake = row.rows[0]?.wake;
    return wake ? new Date(wake) : null;
  }

  async deleteTimer(timer: ArmedTimer): Promise<void> {
    await this.db
      .deleteFrom('timers')
      .where('process_id', '=', timer.processId)
      .where('name', '=', timer.name)
      .where('due_at', '=', timer.dueAt)
      .execute();
  }

  // ---- Outbox messages -----------------------------------------------------------------------

  async claimOutboxMessages(now: Date, leaseUntil: Date, limit: number): Promise<readonly OutboxMessage[]> {
    const nowText = now.toISOString();
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('outbox_messages as m')
        .selectAll('m')
        .where('m.failed_at', 'is', null)
        .where('m.next_attempt_at', '<=', nowText)
        .where((eb) => eb.or([eb('m.claimed_until', 'is', null), eb('m.claimed_until', '<=', nowText)]))
        .where(({ not, exists, selectFrom }) =>
          not(exists(
            selectFrom('outbox_messages as earlier')
              .select('earlier.id')
              .whereRef('earlier.process_id', '=', 'm.process_id')
              .whereRef('earlier.id', '<', 'm.id')
              .where('earlier.failed_at', 'is', null),
          )),
        )
        .orderBy('m.id')
        .limit(Math.max(0, Math.floor(limit)))
        .$if(this.dialect.rowLocks === true, (q) => q.forUpdate('m').skipLocked())
        .execute();
      for (const batch of chunks(rows.map((r) => r.id), MAX_PARAMETERS_PER_STATEMENT)) {
        await trx.updateTable('outbox_messages').set({ claimed_until: leaseUntil.toISOString() }).where('id', 'in', batch).execute();
      }
      return rows.map(outboxMessageFromRow);
    });
  }

  async completeOutboxMessage(id: number): Promise<void> {
    await this.db.deleteFrom('outbox_messages').where('id', '=', id).execute();
  }

  async failOutboxMessage(id: number, error: string, nextAttemptAt: Date, giveUp: boolean, now: Date): Promise<void> {
    await this.db
      .updateTable('outbox_messages')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        last_error: error,
        next_attempt_at: nextAttemptAt.toISOString(),
        claimed_until: null,
        failed_at: giveUp ? now.toISOString() : null,
      }))
      .where('id', '=', id)
      .execute();
  }

  async nextOutboxWakeAt(): Promise<Date | null> {
    // Only each process's oldest pending message counts: later ones wait for it, not for time.
    const row = await sql<{ wake: string | null }>`
      select min(case when m.claimed_until is not null and m.claimed_until > m.next_attempt_at then m.claimed_until else m.next_attempt_at end) as wake
      from outbox_messages m
      where m.failed_at is null
        and not exists (select 1 from outbox_messages earlier
                        where earlier.process_id = m.process_id and earlier.id < m.id and earlier.failed_at is null)`.execute(this.db);
    const wake = row.rows[0]?.wake;
    return wake ? new Date(wake) : null;
  }

  async listOutboxMessages(filter: { processId?: string; includeFailed?: boolean }): Promise<readonly OutboxMessage[]> {
    let query = this.db.selectFrom('outbox_messages').selectAll();
    if (filter.processId !== undefined) query = query.where('process_id', '=', filter.processId);
    if (!filter.includeFailed) query = query.where('failed_at', 'is', null);
    return (await query.orderBy('id').execute()).map(outboxMessageFromRow);
  }

  // ---- Users and roles -----------------------------------------------------------------------

  async getUser(id: string): Promise<StoredUser | null> {
    return (await this.loadUsers(this.db, [id]))[0] ?? null;
  }

  private async loadUsers(executor: Executor, ids: readonly string[]): Promise<StoredUser[]> {
    if (ids.length === 0) return [];
    const rows = await executor.selectFrom('users').selectAll().where('id', 'in', [...ids]).execute();
    const roleRows = await executor.selectFrom('user_roles').selectAll().where('user_id', 'in', [...ids]).orderBy('role').execute();
    const rolesByUser = new Map<string, string[]>();
    for (const { user_id, role } of roleRows) {
      const roles = rolesByUser.get(user_id) ?? [];
      roles.push(role);
      rolesByUser.set(user_id, roles);
    }
    const credentialRows = await executor
      .selectFrom('user_credentials')
      .selectAll()
      .where('user_id', 'in', [...ids])
      .orderBy('user_id')
      .orderBy('position')
      .execute();
    const credentialsByUser = new Map<string, StoredCredential[]>();
    for (const row of credentialRows) {
      const credentials = credentialsByUser.get(row.user_id) ?? [];
      credentials.push(credentialFromRow(row));
      credentialsByUser.set(row.user_id, credentials);
    }
    const byId = new Map(rows.map((row) => [row.id, userFromRow(row, rolesByUser.get(row.id) ?? [], credentialsByUser.get(row.id) ?? [])]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async getUserByCredential(credentialId: string): Promise<StoredUser | null> {
    const owner = await this.db.selectFrom('user_credentials').select('user_id').where('id', '=', credentialId).executeTakeFirst();
    return owner ? this.getUser(owner.user_id) : null;
  }

  async listUsers(filter: {
    role?: string;
    name?: string;
    email?: string;
    phone?: string;
    tenantId?: string;
    skip?: number;
    take?: number;
  }): Promise<{ readonly items: readonly StoredUser[]; readonly total: number }> {
    const filtered = <O>(builder: SelectQueryBuilder<WaymarkDatabase, 'users', O>) => {
      let q = builder;
      if (filter.role !== undefined) {
        const role = filter.role;
        q = q.where('id', 'in', (eb) => eb.selectFrom('user_roles').select('user_id').where('role', '=', role));
      }
      if (filter.name) q = q.where(containsIgnoringCase('name', filter.name));
      if (filter.email) q = q.where((eb) => eb(eb.fn('lower', ['email']), '=', filter.email!.toLowerCase()));
      if (filter.phone) q = q.where('phone', '=', filter.phone);
      if (filter.tenantId !== undefined) q = q.where('tenant_id', '=', filter.tenantId);
      return q;
    };
    const totalRow = await filtered(this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('count'))).executeTakeFirstOrThrow();
    const { offset, limit } = pagingOf(filter.skip, filter.take);
    let idsQuery = filtered(this.db.selectFrom('users').select('id')).orderBy('name').orderBy('id');
    idsQuery = idsQuery.limit(limit).offset(offset);
    const ids = (await idsQuery.execute()).map((r) => r.id);
    return { items: await this.loadUsers(this.db, ids), total: Number(totalRow.count) };
  }

  async createUser(user: Omit<StoredUser, 'lock' | 'createdAt'>, now: Date): Promise<StoredUser> {
    return this.db.transaction().execute(async (trx) => {
      try {
        await trx.insertInto('users').values({ ...userColumns(user), lock: 1, created_at: now.toISOString() }).execute();
      } catch (error) {
        if (!this.dialect.isUniqueViolation(error)) throw error;
        throw new WaymarkError(
          'WM_USER_EXISTS',
          `A user with id '${user.id}'${user.login ? ` or login '${user.login}'` : ''} already exists`,
          { userId: user.id, login: user.login },
          { cause: error },
        );
      }
      await insertRoles(trx, user.id, user.roles);
      await insertCredentials(trx, user.id, user.credentials);
      return (await this.loadUsers(trx, [user.id]))[0]!;
    });
  }

  async updateUser(user: Omit<StoredUser, 'lock' | 'createdAt'>, expectedLock: number | undefined): Promise<StoredUser> {
    return this.db.transaction().execute(async (trx) => {
      let update = trx
        .updateTable('users')
        .set((eb) => ({ ...userColumns(user), lock: eb('lock', '+', 1) }))
        .where('id', '=', user.id);
      if (expectedLock !== undefined) update = update.where('lock', '=', expectedLock);
      let result;
      try {
        result = await update.executeTakeFirst();
      } catch (error) {
        if (!this.dialect.isUniqueViolation(error)) throw error;
        throw new WaymarkError('WM_USER_EXISTS', `Another user already has the login '${user.login}'`, { userId: user.id, login: user.login }, { cause: error });
      }
      if (Number(result.numUpdatedRows) === 0) {
        const exists = await trx.selectFrom('users').select('lock').where('id', '=', user.id).executeTakeFirst();
        if (!exists) throw new WaymarkError('WM_USER_NOT_FOUND', `User '${user.id}' does not exist`, { userId: user.id });
        throw new WaymarkError(
          'WM_LOCK_CONFLICT',
          `User '${user.id}' was changed by someone else (lock ${exists.lock}, expected ${expectedLock}); reload and retry`,
          { userId: user.id, lock: exists.lock, expectedLock },
        );
      }
      await trx.deleteFrom('user_roles').where('user_id', '=', user.id).execute();
      await insertRoles(trx, user.id, user.roles);
      await trx.deleteFrom('user_credentials').where('user_id', '=', user.id).execute();
      await insertCredentials(trx, user.id, user.credentials);
      return (await this.loadUsers(trx, [user.id]))[0]!;
    });
  }

  async deleteUser(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('user_roles').where('user_id', '=', id).execute();
      await trx.deleteFrom('user_credentials').where('user_id', '=', id).execute();
      const result = await trx.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  async usersInRole(role: string): Promise<readonly string[]> {
    const rows = await this.db.selectFrom('user_roles').select('user_id').where('role', '=', role).orderBy('user_id').execute();
    return rows.map((r) => r.user_id);
  }

  async isInRole(identityId: string, role: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('user_roles')
      .select('user_id')
      .where('user_id', '=', identityId)
      .where('role', '=', role)
      .executeTakeFirst();
    return row !== undefined;
  }

  // ---- Settings ------------------------------------------------------------------------------

  async getSetting<T extends JsonValue>(key: string): Promise<T | null> {
    // Direct: access checks read the API token setting on every request.
    const [row] = await this.dialect.direct.read(rowsOf('select "value" from "settings" where "key" = ?', [key]));
    return row ? (JSON.parse(row.value as string) as T) : null;
  }

  async setSetting(key: string, value: JsonValue | null): Promise<void> {
    // A null value and a missing key read the same, so null simply removes the row.
    if (value === null) {
      await this.db.deleteFrom('settings').where('key', '=', key).execute();
      return;
    }
    const json = JSON.stringify(value);
    await this.db
      .insertInto('settings')
      .values({ key, value: json })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: json }))
      .execute();
  }

  async setSettingIfAbsent(key: string, value: JsonValue): Promise<boolean> {
    const result = await this.db
      .insertInto('settings')
      .values({ key, value: JSON.stringify(value) })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  // ---- Logs and forms ------------------------------------------------------------------------

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

  async saveForm(form: FormRecord): Promise<FormRecord> {
    // The unique key does not hold for a NULL state (NULLs are distinct), so replace explicitly.
    await this.db.transaction().execute(async (trx) => {
      await formKey(trx.deleteFrom('forms'), form.schemeCode, form.name, form.state).execute();
      await trx.insertInto('forms').values({ scheme_code: form.schemeCode, name: form.name, state: form.state, source: form.source }).execute();
    });
    return form;
  }

  async getForm(schemeCode: string, name: string, state: string | null): Promise<FormRecord | null> {
    const row = await formKey(this.db.selectFrom('forms').selectAll(), schemeCode, name, state).executeTakeFirst();
    return row ? { schemeCode: row.scheme_code, name: row.name, state: row.state, source: row.source } : null;
  }

  async listForms(filter: { schemeCode?: string; name?: string }): Promise<readonly FormRecord[]> {
    let select = this.db.selectFrom('forms').selectAll();
    if (filter.schemeCode !== undefined) select = select.where('scheme_code', '=', filter.schemeCode);
    if (filter.name !== undefined) select = select.where('name', '=', filter.name);
    const rows = await select.orderBy('scheme_code').orderBy('name').orderBy('state', (ob) => ob.asc().nullsFirst()).execute();
    return rows.map((row) => ({ schemeCode: row.scheme_code, name: row.name, state: row.state, source: row.source }));
  }

  async deleteForm(schemeCode: string, name: string, state: string | null): Promise<boolean> {
    const result = await formKey(this.db.deleteFrom('forms'), schemeCode, name, state).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
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
    while (this.commitRun !== null) await this.commitRun;
    await this.dialect.stepWriter?.close();
    await this.db.destroy();
  }
}

function outboxMessageFromRow(row: Selectable<OutboxMessagesTable>): OutboxMessage {
  return {
    id: Number(row.id),
    processId: row.process_id,
    kind: row.kind,
    payload: JSON.parse(row.payload) as JsonValue,
    createdAt: row.created_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    failedAt: row.failed_at,
  };
}

async function insertRoles(trx: Transaction<WaymarkDatabase>, userId: string, roles: readonly string[]): Promise<void> {
  const unique = [...new Set(roles)];
  if (unique.length === 0) return;
  await trx.insertInto('user_roles').values(unique.map((role) => ({ user_id: userId, role }))).execute();
}

async function insertCredentials(trx: Transaction<WaymarkDatabase>, userId: string, credentials: readonly StoredCredential[]): Promise<void> {
  if (credentials.length === 0) return;
  await trx.insertInto('user_credentials').values(credentials.map((credential, position) => credentialColumns(userId, position, credential))).execute();
}

/** Narrows a forms query to one (scheme, name, state) key, where a null state matches only null. */
function formKey<Q extends { where: (...args: never[]) => Q }>(query: Q, schemeCode: string, name: string, state: string | null): Q {
  const q = query as unknown as SelectQueryBuilder<WaymarkDatabase, 'forms', object>;
  const keyed = q
    .where('scheme_code', '=', schemeCode)
    .where('name', '=', name)
    .where((eb) => (state === null ? eb('state', 'is', null) : eb('state', '=', state)));
  return keyed as unknown as Q;
}

/** Deletes the instances that exist among `ids`, all their subprocesses (at any depth) and every row of them. */
function* deleteInstancesWithDescendants(ids: readonly string[]): SqlProgram<number> {
  const all = new Set<string>();
  for (const batch of chunks([...new Set(ids)], MAX_PARAMETERS_PER_STATEMENT)) {
    const { rows } = yield { text: `select "id" from "instances" where "id" in ${placeholders(batch.length)}`, parameters: batch };
    for (const row of rows) all.add(row.id as string);
  }
  let frontier = [...all];
  while (frontier.length > 0) {
    const children: string[] = [];
    for (const batch of chunks(frontier, MAX_PARAMETERS_PER_STATEMENT)) {
      const { rows } = yield { text: `select "id" from "instances" where "parent_process_id" in ${placeholders(batch.length)}`, parameters: batch };
      for (const row of rows) {
        const id = row.id as string;
        if (!all.has(id)) {
          all.add(id);
          children.push(id);
        }
      }
    }
    frontier = children;
  }
  return yield* deleteInstanceRows([...all]);
}
