/**
 * The schema, as ordered migrations run automatically when a store opens. Written with kysely's
 * schema builder and portable column types so the PostgreSQL adapter can run the same list;
 * the only dialect difference is how an auto-numbered id is declared.
 */
import { Migrator, sql, type ColumnDefinitionBuilder, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { WaymarkError } from '../errors/index.js';
import { instanceCountsSchema } from './instance-counts.js';
import { generatedSchemesSchema } from './sql-generated-schemes.js';
import { clusterSchema } from './sql-node-records.js';
import { tenantSchema } from './sql-tenant-records.js';
import { userCredentialsSchema } from './user-credentials.js';

/** Which SQL dialect the migrations are run against. */
export type StoreDialect = 'sqlite' | 'postgres';

/** Name of the table that records which migrations ran. */
export const MIGRATION_TABLE = 'migrations';
const MIGRATION_LOCK_TABLE = 'migrations_lock';

type ColumnBuilder = ColumnDefinitionBuilder;

function autoNumberedId(dialect: StoreDialect): (column: ColumnBuilder) => ColumnBuilder {
  // SQLite: INTEGER PRIMARY KEY is the rowid (no AUTOINCREMENT needed: ids are never reused
  // while rows exist, and history rows are only deleted with their instance).
  return dialect === 'sqlite'
    ? (column) => column.primaryKey()
    : (column) => column.primaryKey().generatedByDefaultAsIdentity();
}

function initialSchema(dialect: StoreDialect): Migration {
  const idColumn = autoNumberedId(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('schemes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('source_xml', 'text')
        .addColumn('tags', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('schemes_code_version_unique', ['code', 'version'])
        .execute();

      await db.schema
        .createTable('instances')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('scheme_code', 'text', (c) => c.notNull())
        .addColumn('scheme_id', 'text', (c) => c.notNull())
        .addColumn('scheme_version', 'integer', (c) => c.notNull())
        .addColumn('tenant_id', 'text')
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('activity_name', 'text', (c) => c.notNull())
        .addColumn('state_name', 'text')
        .addColumn('previous_activity_name', 'text')
        .addColumn('previous_state_name', 'text')
        .addColumn('previous_activity_for_direct', 'text')
        .addColumn('previous_state_for_direct', 'text')
        .addColumn('previous_activity_for_reverse', 'text')
        .addColumn('previous_state_for_reverse', 'text')
        .addColumn('parent_process_id', 'text')
        .addColumn('root_process_id', 'text', (c) => c.notNull())
        .addColumn('starting_transition_name', 'text')
        .addColumn('parameters', 'text', (c) => c.notNull())
        .addColumn('error_message', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_transition_at', 'text')
        .addColumn('revision', 'integer', (c) => c.notNull())
        .execute();
      for (const column of ['created_at', 'last_transition_at', 'scheme_code', 'tenant_id', 'status', 'root_process_id', 'parent_process_id']) {
        await db.schema.createIndex(`instances_${column}_index`).on('instances').column(column).execute();
      }

      await db.schema
        .createTable('history')
        .addColumn('id', 'integer', idColumn)
        .addColumn('process_id', 'text', (c) => c.notNull())
        .addColumn('order', 'integer', (c) => c.notNull())
        .addColumn('from_activity_name', 'text', (c) => c.notNull())
        .addColumn('from_state_name', 'text')
        .addColumn('to_activity_name', 'text', (c) => c.notNull())
        .addColumn('to_state_name', 'text')
        .addColumn('trigger_type', 'text', (c) => c.notNull())
        .addColumn('trigger_name', 'text')
        .addColumn('transition_name', 'text')
        .addColumn('classifier', 'text', (c) => c.notNull())
        .addColumn('identity_id', 'text')
        .addColumn('impersonated_identity_id', 'text')
        .addColumn('is_finalised', 'integer', (c) => c.notNull())
        .addColumn('transition_time', 'text', (c) => c.notNull())
        .addUniqueConstraint('history_process_order_unique', ['process_id', 'order'])
        .execute();

      await db.schema
        .createTable('inbox')
        .addColumn('process_id', 'text', (c) => c.notNull())
        .addColumn('identity_id', 'text', (c) => c.notNull())
        .addColumn('commands', 'text', (c) => c.notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('inbox_primary_key', ['process_id', 'identity_id'])
        .execute();
      await db.schema.createIndex('inbox_identity_id_index').on('inbox').column('identity_id').execute();

      await db.schema
        .createTable('outbox')
        .addColumn('id', 'integer', idColumn)
        .addColumn('process_id', 'text', (c) => c.notNull())
        .addColumn('identity_id', 'text', (c) => c.notNull())
        .addColumn('command_name', 'text')
        .addColumn('activity_name', 'text', (c) => c.notNull())
        .addColumn('state_name', 'text')
        .addColumn('executed_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('outbox_process_id_index').on('outbox').column('process_id').execute();
      await db.schema.createIndex('outbox_identity_id_index').on('outbox').column('identity_id').execute();

      await db.schema
        .createTable('timers')
        .addColumn('process_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('due_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('timers_primary_key', ['process_id', 'name'])
        .execute();
      await db.schema.createIndex('timers_due_at_index').on('timers').column('due_at').execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('phone', 'text')
        .addColumn('login', 'text')
        .addColumn('password_hash', 'text')
        .addColumn('domain_login', 'text')
        .addColumn('is_locked', 'integer', (c) => c.notNull())
        .addColumn('tenant_id', 'text')
        .addColumn('extensions', 'text', (c) => c.notNull())
        .addColumn('external_logins', 'text', (c) => c.notNull())
        .addColumn('lock', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      // Unique indexes allow many NULLs in both dialects: users without a login are fine.
      await db.schema.createIndex('users_login_unique').on('users').column('login').unique().execute();
      await db.schema.createIndex('users_name_index').on('users').column('name').execute();

      await db.schema
        .createTable('user_roles')
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_roles_primary_key', ['user_id', 'role'])
        .execute();
      await db.schema.createIndex('user_roles_role_index').on('user_roles').column('role').execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('logs')
        .addColumn('id', 'integer', idColumn)
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('properties', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('logs_created_at_index').on('logs').column('created_at').execute();

      await db.schema
        .createTable('forms')
        .addColumn('id', 'integer', idColumn)
        .addColumn('scheme_code', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('state', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addUniqueConstraint('forms_scheme_name_state_unique', ['scheme_code', 'name', 'state'])
        .execute();
    },
  };
}

/**
 * What the runtime needs: a lease on timers (so two schedulers never fire one timer, and a
 * crash after a claim re-fires after the lease) and the transactional outbox of messages
 * (notifications, webhooks) written with the step that caused them and delivered after commit.
 */
function runtimeSchema(dialect: StoreDialect): Migration {
  const idColumn = autoNumberedId(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('timers').addColumn('claimed_until', 'text').execute();

      await db.schema
        .createTable('outbox_messages')
        .addColumn('id', 'integer', idColumn)
        .addColumn('process_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('claimed_until', 'text')
        .addColumn('last_error', 'text')
        .addColumn('failed_at', 'text')
        .execute();
      await db.schema.createIndex('outbox_messages_process_id_index').on('outbox_messages').columns(['process_id', 'id']).execute();
      await db.schema.createIndex('outbox_messages_next_attempt_at_index').on('outbox_messages').column('next_attempt_at').execute();
    },
  };
}

/**
 * Indexes that only subprocesses or tenant instances need become partial, so creating a root
 * instance of the Workflow API maintains four fewer index entries; the status index goes (a
 * filter only, served by scanning the creation-date index in page order).
 */
function rootInstanceIndexes(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const column of ['status', 'tenant_id', 'root_process_id', 'parent_process_id']) {
        await db.schema.dropIndex(`instances_${column}_index`).execute();
      }
      await db.schema.createIndex('instances_tenant_id_index').on('instances').column('tenant_id').where(sql.ref('tenant_id'), 'is not', null).execute();
      // Subprocesses by their root (a family read) and by their parent (deleting descendants).
      for (const column of ['root_process_id', 'parent_process_id']) {
        await db.schema
          .createIndex(`instances_subprocess_${column}_index`)
          .on('instances')
          .column(column)
          .where(sql.ref('parent_process_id'), 'is not', null)
          .execute();
      }
    },
  };
}

/** The migrations this version of Waymark knows, by name (run in name order). */
export function storeMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001-initial-schema': initialSchema(dialect),
    '0002-runtime-timer-claims-and-outbox': runtimeSchema(dialect),
    '0003-tenants-models-tokens': tenantSchema(),
    '0004-cluster-nodes': clusterSchema(),
    '0006-partial-instance-indexes': rootInstanceIndexes(),
    '0007-root-instance-counters': instanceCountsSchema(dialect),
    '0008-generated-schemes': generatedSchemesSchema(),
    '0009-user-credentials': userCredentialsSchema(),
    '0010-log-level-time-index': logLevelTimeIndex(),
  };
}

/**
 * Migration `0010-log-level-time-index`: the log entries of one level by time, so the Dashboard's
 * "errors in the last 24 hours" reads only error entries, however many others the window holds.
 */
function logLevelTimeIndex(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createIndex('logs_level_created_at_index').on('logs').columns(['level', 'created_at']).execute();
    },
  };
}

class InCodeMigrationProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.migrations;
  }
}

/**
 * Brings the database schema up to date. Idempotent: migrations already recorded are skipped.
 * Refuses (WM_CONFIG_INVALID) a database that a newer Waymark has migrated further, rather than
 * running against tables it does not understand.
 */
export async function migrateToLatest(db: Kysely<any>, dialect: StoreDialect, location: string): Promise<void> {
  const known = storeMigrations(dialect);
  const applied = await appliedMigrationNames(db);
  const unknown = applied.filter((name) => !(name in known));
  if (unknown.length > 0) {
    throw new WaymarkError(
      'WM_CONFIG_INVALID',
      `The database ${location} has a newer schema (migration ${unknown.map((n) => `'${n}'`).join(', ')}) than this version of Waymark knows; upgrade Waymark or use another database`,
      { location, unknownMigrations: unknown },
    );
  }
  const migrator = new Migrator({
    db,
    provider: new InCodeMigrationProvider(known),
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    // Each migration runs once whatever ran before it: a database that lacks an earlier migration
    // (one added beside a later one, or taken back by hand) gets it instead of being refused.
    // Migrations unknown to this version are still refused above.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new WaymarkError(
      'WM_CONFIG_INVALID',
      `Could not migrate the database ${location}${failed ? ` (migration '${failed}')` : ''}: ${error instanceof Error ? error.message : String(error)}`,
      { location, migration: failed },
      { cause: error },
    );
  }
}

async function appliedMigrationNames(db: Kysely<any>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === MIGRATION_TABLE)) return [];
  const rows = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(db);
  return rows.rows.map((r) => r.name);
}
