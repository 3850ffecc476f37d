/**
 * The `/api/v1` records (tenants, workflow models, API tokens, instance → model) over kysely,
 * and the migration that creates their tables. SqlStore delegates to this class.
 */
import type { Kysely, Migration } from 'kysely';
import { WaymarkError } from '../errors/index.js';
import type { SqlApiV1Listings } from './sql-api-v1-listings.js';
import type {
  ApiTokenRecord,
  AssigneeUser,
  InstanceModelRecord,
  ModelInstanceCounts,
  ModelInstancePageQuery,
  ModelInstanceRow,
  TenantRecord,
  TenantRecords,
  UserTaskPageQuery,
  UserTaskRow,
  WorkflowModelRecord,
} from './tenant-records.js';

/** The tenant tables as kysely sees them (JSON stored as TEXT). */
export interface TenantTables {
  tenants: {
    id: string;
    name: string;
    slug: string;
    type: string;
    parent_id: string | null;
    owner_user_id: string | null;
    status: string;
    roles: string;
    created_at: string;
  };
  workflow_models: {
    id: string;
    tenant_id: string;
    scheme_code: string;
    name: string;
    state: string;
    permissions: string;
    start_form: string | null;
    created_at: string;
  };
  api_tokens: {
    id: string;
    token_hash: string;
    tenant_id: string;
    permissions: string;
    name: string;
    created_by: string;
    created_at: string;
  };
  instance_models: {
    instance_id: string;
    model_id: string;
    instance_name: string;
    created_at: string;
  };
}

/** Migration `0003-tenants-models-tokens`: the four tables above. */
export function tenantSchema(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('tenants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('parent_id', 'text')
        .addColumn('owner_user_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('tenants_parent_id_index').on('tenants').column('parent_id').execute();

      await db.schema
        .createTable('workflow_models')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('scheme_code', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('permissions', 'text', (c) => c.notNull())
        .addColumn('start_form', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('workflow_models_tenant_id_index').on('workflow_models').column('tenant_id').execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('permissions', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('instance_models')
        .addColumn('instance_id', 'text', (c) => c.primaryKey())
        .addColumn('model_id', 'text', (c) => c.notNull())
        .addColumn('instance_name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('instance_models_model_id_index').on('instance_models').column('model_id').execute();
    },
  };
}

type TenantRow = TenantTables['tenants'];
type ModelRow = TenantTables['workflow_models'];
type TokenRow = TenantTables['api_tokens'];
type InstanceModelRow = TenantTables['instance_models'];

function toTenant(row: TenantRow): TenantRecord {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    type: row.type === 'group' ? 'group' : 'organization',
    parentId: row.parent_id,
    ownerUserId: row.owner_user_id,
    status: row.status === 'inactive' ? 'inactive' : 'active',
    roles: JSON.parse(row.roles) as TenantRecord['roles'],
    createdAt: row.created_at,
  };
}

function toModel(row: ModelRow): WorkflowModelRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    schemeCode: row.scheme_code,
    name: row.name,
    state: row.state === 'active' ? 'active' : 'unpublished',
    permissions: JSON.parse(row.permissions) as WorkflowModelRecord['permissions'],
    startForm: row.start_form === null ? null : (JSON.parse(row.start_form) as WorkflowModelRecord['startForm']),
    createdAt: row.created_at,
  };
}

function toToken(row: TokenRow): ApiTokenRecord {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    tenantId: row.tenant_id,
    permissions: JSON.parse(row.permissions) as string[],
    name: row.name,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

function toInstanceModel(row: InstanceModelRow): InstanceModelRecord {
  return { instanceId: row.instance_id, modelId: row.model_id, instanceName: row.instance_name, createdAt: row.created_at };
}

/** {@link TenantRecords} over a migrated database. */
export class SqlTenantRecords implements TenantRecords {
  constructor(
    private readonly db: Kysely<TenantTables>,
    private readonly isUniqueViolation: (error: unknown) => boolean,
    private readonly listings: SqlApiV1Listings,
  ) {}

  async createTenant(tenant: TenantRecord): Promise<TenantRecord> {
    try {
      await this.db
        .insertInto('tenants')
        .values({
          id: tenant.id,
          name: tenant.name,
          slug: tenant.slug,
          type: tenant.type,
          parent_id: tenant.parentId,
          owner_user_id: tenant.ownerUserId,
          status: tenant.status,
          roles: JSON.stringify(tenant.roles),
          created_at: tenant.createdAt,
        })
        .execute();
    } catch (error) {
      if (this.isUniqueViolation(error)) {
        throw new WaymarkError('WM_INPUT_INVALID', `A tenant with id ${tenant.id} or slug '${tenant.slug}' already exists`, { tenantId: tenant.id, slug: tenant.slug });
      }
      throw error;
    }
    return tenant;
  }

  async getTenant(id: string): Promise<TenantRecord | null> {
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toTenant(row) : null;
  }

  async listTenants(filter: { parentId?: string }): Promise<readonly TenantRecord[]> {
    let query = this.db.selectFrom('tenants').selectAll();
    if (filter.parentId !== undefined) query = query.where('parent_id', '=', filter.parentId);
    const rows = await query.orderBy('created_at').orderBy('name').orderBy('id').execute();
    return rows.map(toTenant);
  }

  async saveModel(model: WorkflowModelRecord): Promise<WorkflowModelRecord> {
    const columns = {
      tenant_id: model.tenantId,
      scheme_code: model.schemeCode,
      name: model.name,
      state: model.state,
      permissions: JSON.stringify(model.permissions),
      start_form: model.startForm === null ? null : JSON.stringify(model.startForm),
      created_at: model.createdAt,
    };
    await this.db
      .insertInto('workflow_models')
      .values({ id: model.id, ...columns })
      .onConflict((oc) => oc.column('id').doUpdateSet(columns))
      .execute();
    return model;
  }

  async getModel(id: string): Promise<WorkflowModelRecord | null> {
    const row = await this.db.selectFrom('workflow_models').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toModel(row) : null;
  }

  async listModels(filter: { tenantIds?: readonly string[]; schemeCode?: string }): Promise<readonly WorkflowModelRecord[]> {
    if (filter.tenantIds !== undefined && filter.tenantIds.length === 0) return [];
    let query = this.db.selectFrom('workflow_models').selectAll();
    if (filter.tenantIds !== undefined) query = query.where('tenant_id', 'in', [...filter.tenantIds]);
    if (filter.schemeCode !== undefined) query = query.where('scheme_code', '=', filter.schemeCode);
    const rows = await query.orderBy('created_at').orderBy('name').orderBy('id').execute();
    return rows.map(toModel);
  }

  async createApiToken(token: ApiTokenRecord): Promise<ApiTokenRecord> {
    await this.db
      .insertInto('api_tokens')
      .values({
        id: token.id,
        token_hash: token.tokenHash,
        tenant_id: token.tenantId,
        permissions: JSON.stringify(token.permissions),
        name: token.name,
        created_by: token.createdBy,
        created_at: token.createdAt,
      })
      .execute();
    return token;
  }

  async findApiTokenByHash(tokenHash: string): Promise<ApiTokenRecord | null> {
    const row = await this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row ? toToken(row) : null;
  }

  async listApiTokens(filter: { tenantId?: string }): Promise<readonly ApiTokenRecord[]> {
    let query = this.db.selectFrom('api_tokens').selectAll();
    if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
    const rows = await query.orderBy('created_at').orderBy('id').execute();
    return rows.map(toToken);
  }

  async deleteApiToken(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async saveInstanceModel(record: InstanceModelRecord): Promise<void> {
    await this.db
      .insertInto('instance_models')
      .values({ instance_id: record.instanceId, model_id: record.modelId, instance_name: record.instanceName, created_at: record.createdAt })
      .execute();
  }

  async getInstanceModel(instanceId: string): Promise<InstanceModelRecord | null> {
    const row = await this.db.selectFrom('instance_models').selectAll().where('instance_id', '=', instanceId).executeTakeFirst();
    return row ? toInstanceModel(row) : null;
  }

  async listInstanceModels(filter: { modelId: string }): Promise<readonly InstanceModelRecord[]> {
    const rows = await this.db.selectFrom('instance_models').selectAll().where('model_id', '=', filter.modelId).orderBy('created_at').execute();
    return rows.map(toInstanceModel);
  }

  listModelInstances(query: ModelInstancePageQuery): Promise<readonly ModelInstanceRow[]> {
    return this.listings.listModelInstances(query);
  }

  countModelInstances(query: Pick<ModelInstancePageQuery, 'modelId' | 'unlinked'> & { readonly assignees: readonly string[] | null }): Promise<ModelInstanceCounts> {
    return this.listings.countModelInstances(query);
  }

  listUserTasks(query: UserTaskPageQuery): Promise<readonly UserTaskRow[]> {
    return this.listings.listUserTasks(query);
  }

  assigneeUsers(identities: readonly string[]): Promise<readonly AssigneeUser[]> {
    return this.listings.assigneeUsers(identities);
  }
}
