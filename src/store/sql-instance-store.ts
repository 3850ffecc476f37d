/**
 * The instance seam over SQL: instances, their families, history and folders, and the group
 * commit of steps. The hot paths (a step's writes, instance and family reads) run as direct-SQL
 * programs (step-statements.ts), on SQLite possibly on the writer thread; the listings use the
 * query builder.
 */
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { WaymarkError } from '../errors/index.js';
import type { InboxItem, OutboxItem, ProcessInstance } from '../engine/types.js';
import { placeholders, rowsOf, type SqlProgram } from './direct-sql.js';
import { countRootInstances, instanceCountBound, isCountedByCounters, type InstanceCountTables } from './instance-counts.js';
import type { FolderFilter, InstancePage, InstanceQuery, InstanceStore, StepWrite, StoredFamily, StoredTransition } from './instance-store.js';
import { historyFromRow, inboxFromRow, instanceFromRow, outboxFromRow } from './rows.js';
import { containsIgnoringCase, pagingOf, type SqlDialectFacts, type WaymarkDb } from './sql-dialect-facts.js';
import {
  chunks,
  deleteInstanceRows,
  familiesProgram,
  instanceConflict,
  instanceProgram,
  MAX_PARAMETERS_PER_STATEMENT,
  writeStepProgram,
} from './step-statements.js';
import type { WaymarkDatabase } from './tables.js';

interface PendingStep {
  readonly write: StepWrite;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Upper bound on steps sharing one commit, so one commit never holds the connection for long. */
const MAX_STEPS_PER_COMMIT = 256;

const INSTANCE_SORT_COLUMNS = {
  createdAt: 'created_at',
  lastTransitionAt: 'last_transition_at',
  schemeCode: 'scheme_code',
  activityName: 'activity_name',
  stateName: 'state_name',
  status: 'status',
  id: 'id',
} as const;

/** {@link InstanceStore} over a migrated kysely database and the dialect's direct SQL. */
export class SqlInstanceStore implements InstanceStore {
  private readonly pendingSteps: PendingStep[] = [];
  /** The running group commit, while steps are queued or being committed. */
  private commitRun: Promise<void> | null = null;

  constructor(
    private readonly db: WaymarkDb,
    private readonly dialect: SqlDialectFacts,
  ) {}

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
      total = await countRootInstances(this.db as unknown as Kysely<InstanceCountTables>, query, this.dialect.kind);
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

  /** Settles once every step submitted so far is committed (or refused): the store closes after it. */
  async commitSubmittedSteps(): Promise<void> {
    while (this.commitRun !== null) await this.commitRun;
  }
}

/** Deletes the instances that exist among `ids`, all their subprocesses (at any depth) and every row of them. */
export function* deleteInstancesWithDescendants(ids: readonly string[]): SqlProgram<number> {
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
