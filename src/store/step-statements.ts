/**
 * A step's writes and the reads every command makes, as direct-SQL programs (see direct-sql.ts).
 * The same programs run on SQLite and PostgreSQL.
 */
import { WaymarkError } from '../errors/index.js';
import type { ArmedTimer, InboxItem, OutboxItem, ProcessInstance } from '../engine/types.js';
import { placeholders as buildPlaceholders, type SqlProgram, type SqlValue } from './direct-sql.js';
import { historyColumns, instanceColumns, instanceFromRow } from './rows.js';
import type { StepWrite, StoredFamily } from './store.js';
import type { InstancesTable } from './tables.js';

/** What a program needs to know about the database it runs on. */
export interface StatementDialect {
  /**
   * True when the database has row locks (`FOR UPDATE SKIP LOCKED`, `FOR SHARE`): PostgreSQL,
   * where several nodes write at once. SQLite serialises every write transaction instead.
   */
  readonly rowLocks?: boolean;
  /**
   * PostgreSQL: a failed statement aborts the transaction (up to the last savepoint), so a
   * program must look before it inserts. SQLite lets a program catch the failure and go on.
   */
  readonly failedStatementAbortsTransaction?: boolean;
  /** True when `error` is the driver's unique/primary-key violation. */
  isUniqueViolation(error: unknown): boolean;
}

/** Keeps bound-parameter lists well under every driver's limit (SQLite: 32766, pg: 65535). */
export const MAX_PARAMETERS_PER_STATEMENT = 8000;

/** Tables whose rows belong to one process instance. */
export const INSTANCE_CHILD_TABLES = ['history', 'inbox', 'outbox', 'timers'] as const;

/** Lists of up to this many placeholders are built once and kept. */
const KEPT_PLACEHOLDER_LISTS = 64;
const placeholderLists: string[] = [];

/**
 * `(?, ?, ?)` for `count` values. Every step asks for the same few short lists, and building one
 * took a quarter of a step program's own time.
 */
function placeholders(count: number): string {
  if (count > KEPT_PLACEHOLDER_LISTS) return buildPlaceholders(count);
  return (placeholderLists[count] ??= buildPlaceholders(count));
}

/** `items` in slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/** Rows of `columnCount` columns that fit one statement. */
export function rowsPerInsert(columnCount: number): number {
  return Math.max(1, Math.floor(MAX_PARAMETERS_PER_STATEMENT / columnCount));
}

/** Another request changed the instance since it was read. */
export function instanceConflict(processId: string): WaymarkError<'WM_INSTANCE_CONFLICT'> {
  return new WaymarkError(
    'WM_INSTANCE_CONFLICT',
    `Process instance ${processId} was changed by another request; reload and retry`,
    { processId },
  );
}

/** A new instance's id is taken. */
export function instanceExists(processId: string, cause?: unknown): WaymarkError<'WM_INSTANCE_EXISTS'> {
  return new WaymarkError('WM_INSTANCE_EXISTS', `Process instance ${processId} already exists`, { processId }, cause === undefined ? undefined : { cause });
}

/**
 * `insert into "table" ("a", "b") values (?, ?), (?, ?)` for rows of the same columns, followed by
 * `onConflict` when given.
 */
function* insertRows(table: string, rows: readonly Record<string, SqlValue>[], options: { readonly onConflict?: string } = {}): SqlProgram<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const row = placeholders(columns.length);
  for (const batch of chunks(rows, rowsPerInsert(columns.length))) {
    const parameters: SqlValue[] = [];
    for (const values of batch) for (const column of columns) parameters.push(values[column] ?? null);
    yield {
      text: `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${batch.map(() => row).join(', ')}${options.onConflict === undefined ? '' : ` ${options.onConflict}`}`,
      parameters,
    };
  }
}

/** Deletes the rows of `table` whose `column` is one of `values`. */
function* deleteWhereIn(table: string, column: string, values: readonly string[]): SqlProgram<number> {
  let changes = 0;
  for (const batch of chunks(values, MAX_PARAMETERS_PER_STATEMENT)) {
    changes += (yield { text: `delete from "${table}" where "${column}" in ${placeholders(batch.length)}`, parameters: batch }).changes;
  }
  return changes;
}

/**
 * Writes one step; throws on a revision conflict or a taken id (the group commit then rolls the
 * batch back and runs it again with a savepoint per step, so only this step is lost). Only the
 * columns that changed are written, so SQLite maintains only their indexes.
 */
export function* writeStepProgram(write: StepWrite, dialect: StatementDialect): SqlProgram<void> {
  const { step, expectedRevisions, messages } = write;
  const newInstances: ProcessInstance[] = [];
  const written = new Set<string>();
  // Stored instances this step updates, under their revision check.
  const updated = new Set<string>();
  for (const instance of step.instances) {
    written.add(instance.id);
    const expected = expectedRevisions.get(instance.id);
    if (expected === undefined) {
      newInstances.push(instance);
      continue;
    }
    const columns = instanceColumns(instance);
    const before = write.before?.get(instance.id);
    const previous = before === undefined ? undefined : instanceColumns(before);
    const assignments: string[] = [];
    const parameters: SqlValue[] = [];
    for (const name of Object.keys(columns) as (keyof typeof columns)[]) {
      if (name === 'id' || (previous !== undefined && previous[name] === columns[name])) continue;
      assignments.push(`"${name}" = ?`);
      parameters.push(columns[name]);
    }
    assignments.push('"revision" = ?');
    parameters.push(expected + 1, instance.id, expected);
    const result = yield { text: `update "instances" set ${assignments.join(', ')} where "id" = ? and "revision" = ?`, parameters };
    if (result.changes === 0) throw instanceConflict(instance.id);
    updated.add(instance.id);
  }

  // Instances the step read but did not change (e.g. the root of a changed subprocess)
  // still guard it: they must be as they were when loaded.
  const readOnly = [...expectedRevisions].filter(([id]) => !written.has(id));
  if (readOnly.length > 0) {
    const stored = new Map<string, unknown>();
    for (const ids of chunks(readOnly.map(([id]) => id), MAX_PARAMETERS_PER_STATEMENT)) {
      // FOR SHARE (PostgreSQL): the rows cannot change until this step commits.
      const lock = dialect.rowLocks === true ? ' for share' : '';
      const { rows } = yield { text: `select "id", "revision" from "instances" where "id" in ${placeholders(ids.length)}${lock}`, parameters: ids };
      for (const row of rows) stored.set(row.id as string, Number(row.revision));
    }
    for (const [id, expected] of readOnly) {
      if (stored.get(id) !== expected) throw instanceConflict(id);
    }
  }

  yield* insertNewInstances(newInstances, dialect);
  // A new instance has no rows yet: an instance's rows are only ever deleted with it.
  const newIds = new Set(newInstances.map((instance) => instance.id));
  // A removed instance loses all its rows at the end of the step.
  const removedIds = new Set(step.removedInstanceIds);
  yield* appendHistory(step.history, newIds);
  yield* replacePerInstance(INBOX_ROWS, step.inbox, newIds, removedIds);
  yield* replacePerInstance(TIMER_ROWS, step.timers, newIds, removedIds, storedTimerNames(write, updated));
  yield* insertRows('outbox', step.outbox.map((item: OutboxItem) => ({
    process_id: item.processId,
    identity_id: item.identityId,
    command_name: item.commandName,
    activity_name: item.activityName,
    state_name: item.stateName,
    executed_at: item.executedAt,
  })));
  if (messages !== undefined && messages.length > 0) {
    const now = new Date().toISOString();
    // The epoch: ready at once whatever clock the dispatcher is given.
    const readyAt = new Date(0).toISOString();
    yield* insertRows('outbox_messages', messages.map((message) => ({
      process_id: message.processId,
      kind: message.kind,
      payload: JSON.stringify(message.payload),
      created_at: now,
      attempts: 0,
      next_attempt_at: readyAt,
      claimed_until: null,
      last_error: null,
      failed_at: null,
    })));
  }
  // Last, so whatever this step wrote about a removed subprocess goes with it.
  yield* deleteInstanceRows(step.removedInstanceIds);
}

function* insertNewInstances(instances: readonly ProcessInstance[], dialect: StatementDialect): SqlProgram<void> {
  if (instances.length === 0) return;
  const ids = instances.map((i) => i.id);
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated !== undefined) throw instanceExists(repeated);
  if (dialect.failedStatementAbortsTransaction === true) {
    const taken = yield* firstExistingInstance(ids);
    if (taken !== undefined) throw instanceExists(taken);
  }
  // A new instance's first stored step is its revision + 1, like every later step.
  // Object.assign onto the fresh columns object, not `{ ...columns, revision }`: on Node 20 the
  // spread-then-add literal gets a hidden class of its own per object, made in old space.
  const rows = instances.map((i) => Object.assign(instanceColumns(i), { revision: i.revision + 1 }));
  try {
    yield* insertRows('instances', rows);
  } catch (error) {
    if (!dialect.isUniqueViolation(error)) throw error;
    // SQLite: name the id that is taken. PostgreSQL: another node inserted it meanwhile.
    const taken = dialect.failedStatementAbortsTransaction === true ? undefined : yield* firstExistingInstance(ids);
    throw instanceExists(taken ?? ids.join(', '), error);
  }
}

function* firstExistingInstance(ids: readonly string[]): SqlProgram<string | undefined> {
  for (const batch of chunks(ids, MAX_PARAMETERS_PER_STATEMENT)) {
    const { rows } = yield { text: `select "id" from "instances" where "id" in ${placeholders(batch.length)} limit 1`, parameters: batch };
    if (rows[0] !== undefined) return rows[0].id as string;
  }
  return undefined;
}

/**
 * Inserts the step's history, each record at the next position of its process. A process the
 * step creates starts at 1. Any other continues from its stored last position, which the insert
 * looks up itself (a subquery on the unique (process_id, order) index) instead of a select before
 * it. Both databases evaluate every row of one insert before they store any (PostgreSQL: one
 * snapshot per statement; SQLite: an insert that reads its own table materialises its rows
 * first), so the k-th record of a process in one statement goes at its stored last + k.
 */
function* appendHistory(records: StepWrite['step']['history'], newIds: ReadonlySet<string>): SqlProgram<void> {
  if (records.length === 0) return;
  const columns = Object.keys(historyColumns(records[0]!, 0));
  const head = `insert into "history" (${columns.map((column) => `"${column}"`).join(', ')}) values `;
  const newRow = placeholders(columns.length);
  const storedRow = `(${columns.map((column) => (column === 'order' ? '(select coalesce(max("order"), 0) from "history" where "process_id" = ?) + ?' : '?')).join(', ')})`;
  // A new process's records are numbered across statements; a stored process's within each
  // statement, from what the statements before it stored.
  const newOrders = new Map<string, number>();
  for (const batch of chunks(records, rowsPerInsert(columns.length + 1))) {
    const storedOffsets = new Map<string, number>();
    const rows: string[] = [];
    const parameters: SqlValue[] = [];
    for (const record of batch) {
      const isNew = newIds.has(record.processId);
      const numbered = isNew ? newOrders : storedOffsets;
      const order = (numbered.get(record.processId) ?? 0) + 1;
      numbered.set(record.processId, order);
      const row: Record<string, SqlValue> = historyColumns(record, order);
      for (const column of columns) {
        // The stored row's order is the subquery's process id, then the offset.
        if (column === 'order' && !isNew) parameters.push(record.processId);
        parameters.push(row[column] ?? null);
      }
      rows.push(isNew ? newRow : storedRow);
    }
    yield { text: head + rows.join(', '), parameters };
  }
}

/** A table of rows that a step replaces per instance: the inbox, the armed timers. */
interface PerInstanceRows<T> {
  readonly table: 'inbox' | 'timers';
  /** The column that, with `process_id`, is the primary key. */
  readonly key: string;
  /** The end of the insert that updates a kept row in place (see `updateKeptRow`). */
  readonly onConflict: string;
  readonly toRow: (processId: string, item: T) => Record<string, SqlValue>;
}

/**
 * `on conflict … do update` for a row the instance keeps: it gets the step's `values` (every
 * column but `process_id` and the key), and is written only when one of them differs.
 */
function updateKeptRow(table: string, key: string, values: readonly string[]): string {
  const changed = values.map((column) => `"${table}"."${column}" is distinct from excluded."${column}"`).join(' or ');
  return `on conflict ("process_id", "${key}") do update set ${values.map((column) => `"${column}" = excluded."${column}"`).join(', ')} where ${changed}`;
}

const INBOX_ROWS: PerInstanceRows<InboxItem> = {
  table: 'inbox',
  key: 'identity_id',
  onConflict: updateKeptRow('inbox', 'identity_id', ['commands', 'added_at']),
  toRow: (processId, item) => ({
    process_id: processId,
    identity_id: item.identityId,
    commands: JSON.stringify(item.availableCommands),
    added_at: item.addedAt,
  }),
};

const TIMER_ROWS: PerInstanceRows<ArmedTimer> = {
  table: 'timers',
  key: 'name',
  // A step that keeps a timer ends its lease, as if the timer were armed anew.
  onConflict: updateKeptRow('timers', 'name', ['due_at', 'claimed_until']),
  toRow: (processId, timer) => ({ process_id: processId, name: timer.name, due_at: timer.dueAt, claimed_until: null }),
};

/**
 * The names of the timers each instance had when the step read it, for the instances this step
 * updated: no other step can have armed one of theirs since (see StepWrite.timersBefore).
 */
function storedTimerNames(write: StepWrite, updated: ReadonlySet<string>): ReadonlyMap<string, readonly string[]> {
  const names = new Map<string, readonly string[]>();
  for (const [processId, timers] of write.timersBefore ?? []) {
    if (updated.has(processId)) names.set(processId, timers.map((timer) => timer.name));
  }
  return names;
}

/**
 * Makes each instance's rows in the table exactly the given items. A row whose key the instance
 * keeps is updated in place, and only when a value differs: deleting and inserting it again would
 * give it a new rowid on SQLite, so the table and both of its indexes would be written on other
 * pages, for a row that did not move. Rows of keys the instance no longer has are deleted; when
 * `storedKeys` gives the keys an instance's rows have, and it keeps them all, nothing is.
 */
function* replacePerInstance<T>(
  rows: PerInstanceRows<T>,
  byInstance: ReadonlyMap<string, readonly T[]>,
  newIds: ReadonlySet<string>,
  removedIds: ReadonlySet<string>,
  storedKeys: ReadonlyMap<string, readonly string[]> = new Map(),
): SqlProgram<void> {
  const { table, key } = rows;
  const emptied: string[] = [];
  const written: Record<string, SqlValue>[] = [];
  for (const [processId, items] of byInstance) {
    if (removedIds.has(processId)) continue;
    const instanceRows = items.map((item) => rows.toRow(processId, item));
    const keys = instanceRows.map((row) => row[key] as string);
    const seen = new Set<string>();
    for (const value of keys) {
      // A multi-row upsert would store the last on SQLite and fail on PostgreSQL.
      if (seen.has(value)) throw new Error(`A step gave process ${processId} two ${table} rows keyed ${value}`);
      seen.add(value);
    }
    written.push(...instanceRows);
    if (newIds.has(processId) || storedKeys.get(processId)?.every((stored) => seen.has(stored)) === true) continue;
    // More keys than a statement binds: delete every row and insert them all again.
    if (keys.length === 0 || keys.length >= MAX_PARAMETERS_PER_STATEMENT) emptied.push(processId);
    else {
      yield {
        text: `delete from "${table}" where "process_id" = ? and "${key}" not in ${placeholders(keys.length)}`,
        parameters: [processId, ...keys],
      };
    }
  }
  yield* deleteWhereIn(table, 'process_id', emptied);
  yield* insertRows(table, written, { onConflict: rows.onConflict });
}

/** Deletes instances and every row that belongs to them (not their descendants); returns how many instances. */
export function* deleteInstanceRows(ids: readonly string[]): SqlProgram<number> {
  if (ids.length === 0) return 0;
  const unique = [...new Set(ids)];
  for (const table of INSTANCE_CHILD_TABLES) yield* deleteWhereIn(table, 'process_id', unique);
  return yield* deleteWhereIn('instances', 'id', unique);
}

/** An instance by id. */
export function* instanceProgram(id: string): SqlProgram<ProcessInstance | null> {
  const { rows } = yield { text: 'select * from "instances" where "id" = ?', parameters: [id] };
  return rows[0] === undefined ? null : instanceFromRow(rows[0] as unknown as InstancesTable);
}

/**
 * The families of the instances `ids` (each family its root first, then its subprocesses by
 * creation) with their timers, keyed by each given id; an id that does not exist, or a
 * subprocess whose root is gone, has none. Given roots bring their subprocesses, and every
 * instance its timers (joined: one row per timer), in one statement; only the roots of given
 * subprocesses take a second one. Outside a transaction every SQLite statement first takes the
 * database's read locks, which costs more than reading an instance row again for its second
 * timer; a family read under its root's id (as commands do once the root is known) is one
 * statement.
 */
export function* familiesProgram(ids: readonly string[]): SqlProgram<ReadonlyMap<string, StoredFamily>> {
  const wanted = [...new Set(ids)];
  const byId = new Map<string, ProcessInstance>();
  const timersOf = new Map<string, ArmedTimer[]>();
  yield* readFamilyRows(wanted, byId, timersOf);
  const rootsOfSubprocesses = new Set<string>();
  for (const id of wanted) {
    const instance = byId.get(id);
    if (instance !== undefined && instance.parentProcessId !== null && !byId.has(instance.rootProcessId)) rootsOfSubprocesses.add(instance.rootProcessId);
  }
  if (rootsOfSubprocesses.size > 0) yield* readFamilyRows([...rootsOfSubprocesses], byId, timersOf);

  const families = new Map<string, { instances: ProcessInstance[]; timers: ArmedTimer[] }>();
  const ordered = [...byId.values()].sort((a, b) => compareText(a.createdAt, b.createdAt) || compareText(a.id, b.id));
  for (const instance of ordered) {
    const rootId = rootIdOf(instance);
    if (!byId.has(rootId)) continue;
    let family = families.get(rootId);
    if (family === undefined) families.set(rootId, (family = { instances: [], timers: [] }));
    if (instance.id === rootId) family.instances.unshift(instance);
    else family.instances.push(instance);
    const timers = timersOf.get(instance.id);
    if (timers !== undefined) family.timers.push(...timers);
  }
  // The order the timers query had: by due time, then instance and name.
  for (const { timers } of families.values()) {
    if (timers.length > 1) timers.sort((a, b) => compareText(a.dueAt, b.dueAt) || compareText(a.processId, b.processId) || compareText(a.name, b.name));
  }
  const result = new Map<string, StoredFamily>();
  for (const id of wanted) {
    const instance = byId.get(id);
    const family = instance === undefined ? undefined : families.get(rootIdOf(instance));
    if (family !== undefined) result.set(id, family);
  }
  return result;
}

function rootIdOf(instance: ProcessInstance): string {
  return instance.parentProcessId === null ? instance.id : instance.rootProcessId;
}

/**
 * Reads the instances `ids` with their subprocesses into `byId`, and their timers into
 * `timersOf`. An instance already in `byId` (a given subprocess, read again with its root's
 * family) is skipped: it has its timers.
 */
function* readFamilyRows(ids: readonly string[], byId: Map<string, ProcessInstance>, timersOf: Map<string, ArmedTimer[]>): SqlProgram<void> {
  for (const batch of chunks(ids, MAX_PARAMETERS_PER_STATEMENT / 2)) {
    const { rows } = yield { text: familyReadText(batch.length), parameters: [...batch, ...batch] };
    // Instances this statement read (one row per timer).
    const readNow = new Set<string>();
    for (const row of rows) {
      const id = row.id as string;
      if (!readNow.has(id)) {
        if (byId.has(id)) continue;
        readNow.add(id);
        byId.set(id, instanceFromRow(row as unknown as InstancesTable));
      }
      if (row.timer_name !== null) {
        const timers = timersOf.get(id);
        const timer: ArmedTimer = { processId: id, name: row.timer_name as string, dueAt: row.timer_due_at as string };
        if (timers === undefined) timersOf.set(id, [timer]);
        else timers.push(timer);
      }
    }
  }
}

const familyReadTexts: string[] = [];

/**
 * The family read of `count` ids: the instances and the subprocesses of roots among them, each
 * with its timers (one row per timer). Built once per count, like the placeholder lists.
 */
function familyReadText(count: number): string {
  const build = (): string => {
    const list = placeholders(count);
    // Subprocesses through their partial index (without `parent_process_id is not null` the
    // term could not use it, and would scan every instance).
    return `select "instances".*, "timers"."name" as "timer_name", "timers"."due_at" as "timer_due_at" from "instances" left join "timers" on "timers"."process_id" = "instances"."id" where "instances"."id" in ${list} or ("instances"."root_process_id" in ${list} and "instances"."parent_process_id" is not null)`;
  };
  if (count > KEPT_PLACEHOLDER_LISTS) return build();
  return (familyReadTexts[count] ??= build());
}

/** Orders text by code point, as SQLite and PostgreSQL with C collation do (not by locale). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
