/**
 * Records of the `/api/v1` dialect: tenants (organizations and their groups), workflow models
 * (schemes published to a tenant), API tokens (stored hashed) and which model an instance was
 * started from. The types live with the storage port; the services re-export them.
 */
import type { InboxItem, ProcessInstance } from '../engine/types.js';

/** An organization (no parent) or a group (its parent is an organization). */
export type TenantType = 'organization' | 'group';

/** A role a group offers its members. */
export interface TenantRole {
  readonly roleId: string;
  readonly roleDisplayName: string;
  readonly isDefault: boolean;
}

/** One tenant. */
export interface TenantRecord {
  readonly id: string;
  readonly name: string;
  readonly slug: string;
  readonly type: TenantType;
  /** The organization of a group; null for an organization. */
  readonly parentId: string | null;
  readonly ownerUserId: string | null;
  readonly status: 'active' | 'inactive';
  readonly roles: readonly TenantRole[];
  readonly createdAt: string;
}

/** Whether a model can be started. */
export type WorkflowModelState = 'active' | 'unpublished';

/** Who may start a model: `allowedTenantId` is a tenant id or `public`. */
export interface ModelPermission {
  readonly allowedTenantId: string;
  readonly requiredPermission: string | null;
}

/** The JSON types a start-form field accepts. */
export type StartFormFieldType = 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'object' | 'array' | 'any';

/** One field `wfData` may carry when a model is started. */
export interface StartFormField {
  readonly name: string;
  readonly type: StartFormFieldType;
  readonly required: boolean;
}

/** A scheme published to a tenant. */
export interface WorkflowModelRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly schemeCode: string;
  readonly name: string;
  readonly state: WorkflowModelState;
  readonly permissions: readonly ModelPermission[];
  /** The start form; null means "the scheme's Persistence parameters". */
  readonly startForm: readonly StartFormField[] | null;
  readonly createdAt: string;
}

/** An API token of the `/api/v1` dialect; only the SHA-256 of the secret is kept. */
export interface ApiTokenRecord {
  readonly id: string;
  /** Hex SHA-256 of the token text. */
  readonly tokenHash: string;
  readonly tenantId: string;
  /** Granted permission names; `*` grants every permission. */
  readonly permissions: readonly string[];
  /** Shown as the initiator's name of the instances it starts. */
  readonly name: string;
  /** Who created it: the initiator of the instances it starts. */
  readonly createdBy: string;
  readonly createdAt: string;
}

/** Which model an instance was started from, and the name it was given. */
export interface InstanceModelRecord {
  readonly instanceId: string;
  readonly modelId: string;
  readonly instanceName: string;
  readonly createdAt: string;
}

/** One page of the root instances of a model (`GET /workflowInstances`). */
export interface ModelInstancePageQuery {
  readonly modelId: string;
  /**
   * Also instances started through the Workflow API — without a model link — of this scheme and
   * tenant (they belong to the first model publishing the scheme to the tenant); null: linked only.
   */
  readonly unlinked: { readonly schemeCode: string; readonly tenantId: string } | null;
  readonly statuses: readonly number[];
  /** Only instances where one of these identities has a current or completed task or a history entry. */
  readonly participants: readonly string[] | null;
  readonly skip: number;
  readonly take: number;
}

/** How many root instances a model has (`GET /workflowModels?expand=instanceCount&taskAssignee=`). */
export interface ModelInstanceCounts {
  readonly total: number;
  /** Not Finalized and not Terminated. */
  readonly running: number;
  /** With a current task of one of the assignee identities (0 when none were given). */
  readonly assigned: number;
}

/** An instance of a model's page, with its name and current inbox. */
export interface ModelInstanceRow {
  readonly instance: ProcessInstance;
  /** The name it was started with; null for an instance started through the Workflow API. */
  readonly instanceName: string | null;
  readonly inbox: readonly InboxItem[];
}

/** One page of the tasks of some identities (`GET /user/{email}/tasks`). */
export interface UserTaskPageQuery {
  readonly identities: readonly string[];
  readonly status: 'current' | 'completed' | 'all';
  /** Only tasks of instances whose model belongs to one of these tenants. */
  readonly tenantIds: readonly string[];
  /** Only tasks of instances of this model. */
  readonly modelId?: string;
  readonly skip: number;
  readonly take: number;
}

/**
 * A task of a page: a current one (an inbox item) or a completed one (an outbox item), with the
 * instance's model as `modelOfInstance` finds it (its link, or the first model of its scheme and tenant).
 */
export interface UserTaskRow {
  readonly kind: 'current' | 'completed';
  readonly processId: string;
  readonly identityId: string;
  /** The activity the task was for. */
  readonly activityName: string;
  /** When the inbox item was added (the link's nonce), or when the command was executed. */
  readonly at: string;
  /** When the task became current (the instance entered the activity), or when it was completed. */
  readonly created: string;
  readonly model: { readonly id: string; readonly name: string; readonly tenantId: string };
  /** The link's instance name, or null for an instance started through the Workflow API. */
  readonly instanceName: string | null;
  readonly rootProcessId: string;
}

/** How a user shows as an assignee. */
export interface AssigneeUser {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
}

/** Where the `/api/v1` records are kept. */
export interface TenantRecords {
  /** Inserts a tenant; WM_INPUT_INVALID when its id or slug is taken. */
  createTenant(tenant: TenantRecord): Promise<TenantRecord>;
  getTenant(id: string): Promise<TenantRecord | null>;
  /** Every tenant, or the groups of one organization, oldest first, then by name. */
  listTenants(filter: { parentId?: string }): Promise<readonly TenantRecord[]>;

  /** Inserts or replaces a model by id. */
  saveModel(model: WorkflowModelRecord): Promise<WorkflowModelRecord>;
  getModel(id: string): Promise<WorkflowModelRecord | null>;
  /** Models of the given tenants (every model when `tenantIds` is absent), oldest first, then by name. */
  listModels(filter: { tenantIds?: readonly string[]; schemeCode?: string }): Promise<readonly WorkflowModelRecord[]>;

  createApiToken(token: ApiTokenRecord): Promise<ApiTokenRecord>;
  findApiTokenByHash(tokenHash: string): Promise<ApiTokenRecord | null>;
  listApiTokens(filter: { tenantId?: string }): Promise<readonly ApiTokenRecord[]>;
  /** True when a token was deleted. */
  deleteApiToken(id: string): Promise<boolean>;

  saveInstanceModel(record: InstanceModelRecord): Promise<void>;
  getInstanceModel(instanceId: string): Promise<InstanceModelRecord | null>;
  listInstanceModels(filter: { modelId: string }): Promise<readonly InstanceModelRecord[]>;

  /** A page of a model's root instances, oldest first, with their inboxes: two statements whatever the page size. */
  listModelInstances(query: ModelInstancePageQuery): Promise<readonly ModelInstanceRow[]>;
  /** A model's instance counts: one statement however many instances it has. */
  countModelInstances(query: Pick<ModelInstancePageQuery, 'modelId' | 'unlinked'> & { readonly assignees: readonly string[] | null }): Promise<ModelInstanceCounts>;
  /** A page of tasks, newest first: one statement whatever the page size. */
  listUserTasks(query: UserTaskPageQuery): Promise<readonly UserTaskRow[]>;
  /** The users whose id, or whose email (any letter case), is one of these identities: one statement. */
  assigneeUsers(identities: readonly string[]): Promise<readonly AssigneeUser[]>;
}
