/**
 * Workflow models of the `/api/v1` dialect: schemes published to a tenant with a state, start
 * permissions and a start form; and the instances started from them (start, list, variables,
 * cancel). Every instance operation goes through {@link WorkflowService}, so the Workflow API
 * sees the same instances.
 */
import { randomUUID } from 'node:crypto';
import { WaymarkError } from '../errors/index.js';
import { InstanceStatus, type InboxItem, type JsonValue, type ParameterInput, type ProcessInstance } from '../engine/types.js';
import { isPrototypeKey } from '../scheme/index.js';
import type { CompiledScheme } from '../scheme/model.js';
import type {
  ModelPermission,
  StartFormField,
  StartFormFieldType,
  TenantRecords,
  WorkflowModelRecord,
  WorkflowModelState,
} from '../store/tenant-records.js';
import { API_PERMISSIONS, callerHas, type ApiCaller } from './api-token-service.js';
import type { AssigneeDirectory, AssigneeView } from './assignee-directory.js';
import type { TenantService } from './tenant-service.js';
import type { WorkflowService } from './workflow-service.js';

/** `allowedTenantId` of a permission that lets anyone start the model. */
export const PUBLIC_TENANT = 'public';

/** Built-in variables set on every instance started through `/api/v1`. */
export const INITIATOR_VARIABLE = 'accusoft_solutions_workflowInitiator';
export const INITIATOR_NAME_VARIABLE = 'accusoft_solutions_workflowInitiatorName';

const START_FORM_TYPES: readonly StartFormFieldType[] = ['string', 'number', 'integer', 'boolean', 'date', 'object', 'array', 'any'];
const MODEL_STATES: readonly WorkflowModelState[] = ['active', 'unpublished'];

/** What publishing a scheme as a model takes. */
export interface PublishModelInput {
  readonly schemeCode: string;
  readonly tenantId: string;
  readonly name?: string;
  readonly state?: WorkflowModelState;
  /** Anyone may start it (`allowedTenantId: public`). */
  readonly isPublic?: boolean;
  readonly permissions?: readonly ModelPermission[];
  /** Absent or null: the scheme's Persistence parameters. */
  readonly startForm?: readonly StartFormField[] | null;
}

/** Changes to a published model; absent fields stay. */
export interface ModelChanges {
  readonly name?: string;
  readonly state?: WorkflowModelState;
  readonly permissions?: readonly ModelPermission[];
  readonly startForm?: readonly StartFormField[] | null;
}

/** Which instances to count beside each listed model. */
export interface ModelCountOptions {
  /** Adds `runningInstances` and `totalInstances`. */
  readonly instanceCount?: boolean;
  /** Adds `assignedWorkflowInstancesCount` for this email. */
  readonly taskAssignee?: string;
}

/** A model as `/api/v1` lists it. */
export interface WorkflowModelView {
  readonly tenantId: string;
  readonly wfModelId: string;
  readonly name: string;
  readonly state: WorkflowModelState;
  readonly permissions: readonly ModelPermission[];
  readonly runningInstances?: number;
  readonly totalInstances?: number;
  readonly assignedWorkflowInstancesCount?: number;
}

/** A running instance's current activity. */
export interface CurrentActivityView {
  readonly activityType: 'userTask' | 'activity';
  readonly activityName: string;
  readonly dateStarted: string;
  readonly userTaskAssignee: string | null;
  readonly userTaskAssigneeDisplayName: string | null;
}

/** An instance as `GET /workflowInstances` lists it. */
export interface WorkflowInstanceView {
  readonly wfInstanceId: string;
  readonly wfInstanceName: string;
  readonly isRunning: boolean;
  readonly wasCanceled: boolean;
  readonly fatalErrorEncountered: boolean;
  readonly endEventName: string | null;
  readonly startDateTime: string;
  /** `""` while the instance runs. */
  readonly endDateTime: string;
  readonly wfModelName: string;
  readonly wfModelId: string;
  /** Only for running instances. */
  readonly currentActivities?: readonly CurrentActivityView[];
}

/** Instance status filter of `GET /workflowInstances`. */
export type InstanceStatusFilter = 'running' | 'completed' | 'cancelled';

/** Which variables `GET /workflowInstances/{id}/variables` adds to the ordinary ones. */
export interface VariableExpansion {
  readonly documents?: boolean;
  readonly internal?: boolean;
}

/** True while an instance has not ended (Error instances can still be resumed). */
export function isRunningStatus(status: number): boolean {
  return status !== InstanceStatus.Finalized && status !== InstanceStatus.Terminated;
}

/** The start-form type of a scheme parameter's declared (.NET) type. */
export function startFormTypeOf(declaredType: string): StartFormFieldType {
  const type = declaredType.replace(/^System\./, '').replace(/\?$/, '').toLowerCase();
  if (type.endsWith('[]') || type.startsWith('list') || type.startsWith('ienumerable')) return 'array';
  if (['string', 'guid', 'char'].includes(type)) return 'string';
  if (['int16', 'int32', 'int64', 'uint16', 'uint32', 'uint64', 'byte', 'sbyte', 'int', 'long', 'short'].includes(type)) return 'integer';
  if (['double', 'decimal', 'single', 'float'].includes(type)) return 'number';
  if (['boolean', 'bool'].includes(type)) return 'boolean';
  if (['datetime', 'datetimeoffset', 'dateonly'].includes(type)) return 'date';
  if (['object', 'dynamic', 'expandoobject'].includes(type) || type.startsWith('dictionary')) return 'object';
  return 'any';
}

/** A scheme's default start form: its Persistence parameters, required when they have no initial value. */
export function defaultStartForm(scheme: CompiledScheme): StartFormField[] {
  return [...scheme.parameters.values()]
    .filter((p) => p.purpose === 'Persistence')
    .map((p) => ({ name: p.name, type: startFormTypeOf(p.type), required: p.initialValue === undefined }));
}

function matchesType(value: JsonValue, type: StartFormFieldType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value));
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    default:
      return true;
  }
}

/**
 * Checks `wfData` against a start form: a missing required field is WM_INPUT_MISSING; a value of
 * the wrong type, an unknown field, or a `wfData` that is not an object is WM_INPUT_INVALID.
 */
export function checkStartData(form: readonly StartFormField[], wfData: unknown): Record<string, JsonValue> {
  if (wfData === undefined || wfData === null) {
    const required = form.filter((f) => f.required).map((f) => f.name);
    if (required.length > 0) {
      throw new WaymarkError('WM_INPUT_MISSING', `A required wfData property was not provided: ${required.join(', ')}`, { field: 'wfData', missing: required });
    }
    return {};
  }
  if (typeof wfData !== 'object' || Array.isArray(wfData)) {
    throw new WaymarkError('WM_INPUT_INVALID', 'wfData must be a JSON object of start-form fields', { field: 'wfData' });
  }
  const data = wfData as Record<string, JsonValue>;
  const fields = new Map(form.map((f) => [f.name, f]));
  for (const name of Object.keys(data)) {
    if (!fields.has(name)) {
      throw new WaymarkError('WM_INPUT_INVALID', `wfData property '${name}' is not a field of the start form (fields: ${[...fields.keys()].join(', ') || 'none'})`, { field: `wfData.${name}` });
    }
  }
  for (const field of form) {
    // An own property only: a form field named like an Object.prototype member is not "given".
    const value = Object.hasOwn(data, field.name) ? data[field.name] : undefined;
    if (value === undefined || value === null) {
      if (field.required) {
        throw new WaymarkError('WM_INPUT_MISSING', `A required wfData property was not provided: ${field.name}`, { field: `wfData.${field.name}` });
      }
      continue;
    }
    if (!matchesType(value, field.type)) {
      throw new WaymarkError('WM_INPUT_INVALID', `wfData property '${field.name}' must be of type ${field.type}`, { field: `wfData.${field.name}`, expected: field.type });
    }
  }
  return { ...data };
}

/** Checks a start form given by an administrator. */
export function checkStartForm(form: unknown): StartFormField[] {
  if (!Array.isArray(form)) throw new WaymarkError('WM_INPUT_INVALID', 'startForm must be an array of {name, type, required}', { field: 'startForm' });
  const seen = new Set<string>();
  return form.map((entry, index) => {
    const field = entry as Partial<StartFormField> | null;
    if (typeof field?.name !== 'string' || field.name.trim() === '') {
      throw new WaymarkError('WM_INPUT_INVALID', `startForm[${index}] needs a name`, { field: `startForm[${index}].name` });
    }
    if (isPrototypeKey(field.name)) {
      throw new WaymarkError('WM_INPUT_INVALID', `startForm field name '${field.name}' is not accepted`, { field: `startForm[${index}].name` });
    }
    if (seen.has(field.name)) throw new WaymarkError('WM_INPUT_INVALID', `startForm field '${field.name}' is listed twice`, { field: `startForm[${index}].name` });
    seen.add(field.name);
    const type = field.type ?? 'any';
    if (!START_FORM_TYPES.includes(type)) {
      throw new WaymarkError('WM_INPUT_INVALID', `startForm field '${field.name}' has type '${String(type)}'; use one of ${START_FORM_TYPES.join(', ')}`, { field: `startForm[${index}].type` });
    }
    return { name: field.name, type, required: field.required === true };
  });
}

/** Checks model permissions given by an administrator. */
export function checkPermissions(permissions: unknown): ModelPermission[] {
  if (!Array.isArray(permissions)) {
    throw new WaymarkError('WM_INPUT_INVALID', 'permissions must be an array of {allowedTenantId, requiredPermission}', { field: 'permissions' });
  }
  return permissions.map((entry, index) => {
    const permission = entry as Partial<ModelPermission> | null;
    if (typeof permission?.allowedTenantId !== 'string' || permission.allowedTenantId === '') {
      throw new WaymarkError('WM_INPUT_INVALID', `permissions[${index}] needs an allowedTenantId (a tenant id or "public")`, { field: `permissions[${index}].allowedTenantId` });
    }
    const required = permission.requiredPermission ?? null;
    if (required !== null && typeof required !== 'string') {
      throw new WaymarkError('WM_INPUT_INVALID', `permissions[${index}].requiredPermission must be a string or null`, { field: `permissions[${index}].requiredPermission` });
    }
    return { allowedTenantId: permission.allowedTenantId, requiredPermission: required };
  });
}

/** Checks a model state name. */
export function checkModelState(state: unknown): WorkflowModelState {
  if (!MODEL_STATES.includes(state as WorkflowModelState)) {
    throw new WaymarkError('WM_INPUT_INVALID', `state must be one of ${MODEL_STATES.join(', ')}`, { field: 'state' });
  }
  return state as WorkflowModelState;
}

/** Workflow models and the instances started from them. */
export class ModelService {
  private readonly records: TenantRecords;

  constructor(
    private readonly workflow: WorkflowService,
    private readonly tenants: TenantService,
    private readonly assignees: AssigneeDirectory,
    records: TenantRecords,
    private readonly newId: () => string = randomUUID,
  ) {
    this.records = records;
  }

  // ------------------------------------------------------------------ management

  /** Publishes the latest version of a scheme to a tenant. */
  async publishModel(input: PublishModelInput): Promise<WorkflowModelRecord> {
    const tenant = await this.tenants.getTenant(input.tenantId);
    const stored = await this.workflow.getScheme(input.schemeCode);
    const permissions = input.permissions
      ? checkPermissions(input.permissions)
      : input.isPublic === true
        ? [{ allowedTenantId: PUBLIC_TENANT, requiredPermission: null }]
        : [{ allowedTenantId: tenant.id, requiredPermission: API_PERMISSIONS.startWorkflowInstances }];
    return this.records.saveModel({
      id: this.newId(),
      tenantId: tenant.id,
      schemeCode: stored.code,
      name: input.name?.trim() || stored.definition.name || stored.code,
      state: input.state === undefined ? 'active' : checkModelState(input.state),
      permissions,
      startForm: input.startForm == null ? null : checkStartForm(input.startForm),
      createdAt: this.workflow.clock.now().toISOString(),
    });
  }

  /** Changes a model's name, state, permissions or start form. */
  async updateModel(id: string, changes: ModelChanges): Promise<WorkflowModelRecord> {
    const model = await this.getModel(id);
    return this.records.saveModel({
      ...model,
      ...(changes.name === undefined ? {} : { name: changes.name.trim() || model.name }),
      ...(changes.state === undefined ? {} : { state: checkModelState(changes.state) }),
      ...(changes.permissions === undefined ? {} : { permissions: checkPermissions(changes.permissions) }),
      ...(changes.startForm === undefined ? {} : { startForm: changes.startForm === null ? null : checkStartForm(changes.startForm) }),
    });
  }

  /** The model; WM_NOT_FOUND when there is none. */
  async getModel(id: string): Promise<WorkflowModelRecord> {
    const model = await this.records.getModel(id);
    if (!model) throw new WaymarkError('WM_NOT_FOUND', `Workflow model ${id} does not exist`, { wfModelId: id });
    return model;
  }

  /** Every model (for administrators), or those of one tenant. */
  async listAllModels(tenantId?: string): Promise<readonly WorkflowModelRecord[]> {
    return this.records.listModels(tenantId === undefined ? {} : { tenantIds: [tenantId] });
  }

  /** The model's start form: its own, or its scheme's Persistence parameters. */
  async startFormOf(model: WorkflowModelRecord): Promise<readonly StartFormField[]> {
    if (model.startForm !== null) return model.startForm;
    const stored = await this.workflow.getScheme(model.schemeCode);
    return defaultStartForm(await this.workflow.compiledScheme(stored.id));
  }

  // ------------------------------------------------------------------ caller views

  /** The model if the caller may see its tenant; WM_NOT_FOUND otherwise (nothing leaks). */
  async visibleModel(caller: ApiCaller, id: string): Promise<WorkflowModelRecord> {
    const model = await this.records.getModel(id);
    if (!model || !caller.visibleTenantIds.has(model.tenantId)) {
      throw new WaymarkError('WM_NOT_FOUND', `Workflow model ${id} does not exist`, { wfModelId: id });
    }
    return model;
  }

  /** Models of the given tenants, with the counts asked for. */
  async listModels(tenantIds: readonly string[], counts: ModelCountOptions = {}): Promise<WorkflowModelView[]> {
    // In the order the tenants were asked for, each tenant's models oldest first.
    const models = [...(await this.records.listModels({ tenantIds }))].sort((a, b) => tenantIds.indexOf(a.tenantId) - tenantIds.indexOf(b.tenantId));
    const assigneeIdentities = counts.taskAssignee === undefined ? null : new Set(await this.assignees.identitiesForEmail(counts.taskAssignee));
    const views: WorkflowModelView[] = [];
    for (const model of models) {
      const view: WorkflowModelView = {
        tenantId: model.tenantId,
        wfModelId: model.id,
        name: model.name,
        state: model.state,
        permissions: model.permissions,
      };
      if (counts.instanceCount !== true && assigneeIdentities === null) {
        views.push(view);
        continue;
      }
      // The listing holds every model of the tenant, oldest first: the first of a scheme is the one
      // instances started through the Workflow API belong to.
      const first = models.find((m) => m.tenantId === model.tenantId && m.schemeCode === model.schemeCode);
      const counted = await this.records.countModelInstances({
        modelId: model.id,
        unlinked: first?.id === model.id ? { schemeCode: model.schemeCode, tenantId: model.tenantId } : null,
        assignees: assigneeIdentities === null ? null : [...assigneeIdentities],
      });
      views.push({
        ...view,
        ...(counts.instanceCount === true ? { runningInstances: counted.running, totalInstances: counted.total } : {}),
        ...(assigneeIdentities === null ? {} : { assignedWorkflowInstancesCount: counted.assigned }),
      });
    }
    return views;
  }

  /**
   * The model an instance belongs to: the one it was started from, or (for an instance started
   * through the Workflow API) the first model publishing its scheme to its tenant.
   */
  async modelOfInstance(instance: ProcessInstance): Promise<{ model: WorkflowModelRecord; instanceName: string } | null> {
    const link = await this.records.getInstanceModel(instance.rootProcessId);
    if (link) {
      const model = await this.records.getModel(link.modelId);
      return model ? { model, instanceName: link.instanceName } : null;
    }
    if (instance.tenantId === null) return null;
    const [model] = await this.records.listModels({ tenantIds: [instance.tenantId], schemeCode: instance.schemeCode });
    return model ? { model, instanceName: `${model.name} ${instance.rootProcessId}` } : null;
  }

  /** The instance if the caller may see its model's tenant; WM_INSTANCE_NOT_FOUND otherwise. */
  async visibleInstance(caller: ApiCaller, id: string): Promise<{ instance: ProcessInstance; model: WorkflowModelRecord; instanceName: string }> {
    const instance = await this.workflow.findInstance(id);
    const owner = instance ? await this.modelOfInstance(instance) : null;
    if (!instance || !owner || !caller.visibleTenantIds.has(owner.model.tenantId)) {
      throw new WaymarkError('WM_INSTANCE_NOT_FOUND', `Workflow instance ${id} does not exist`, { processId: id });
    }
    return { instance, ...owner };
  }

  // ------------------------------------------------------------------ instances

  /**
   * Starts an instance of a model for the caller: the model must be visible, active and allowed
   * by its permissions; `wfData` must fit its start form. Sets the initiator variables.
   */
  async startInstance(caller: ApiCaller, input: { wfModelId: string; wfData: unknown }): Promise<{ instance: ProcessInstance; instanceName: string }> {
    const model = await this.visibleModel(caller, input.wfModelId);
    if (model.state !== 'active') {
      throw new WaymarkError('WM_INPUT_INVALID', `Workflow model ${model.id} is unpublished and cannot be started`, { wfModelId: model.id, field: 'wfModelId' });
    }
    if (!this.mayStart(caller, model)) {
      throw new WaymarkError('WM_FORBIDDEN', `This API token may not start workflow model ${model.id}`, { wfModelId: model.id });
    }
    const data = checkStartData(await this.startFormOf(model), input.wfData);
    const parameters: ParameterInput[] = [
      ...Object.entries(data).map(([name, value]) => ({ name, value, persist: true })),
      { name: INITIATOR_VARIABLE, value: caller.token.createdBy, persist: true },
      { name: INITIATOR_NAME_VARIABLE, value: caller.token.name, persist: true },
    ];
    const processId = this.newId();
    const instanceName = `${model.name} for ${caller.token.name}`;
    // Linked first: a failed start leaves a harmless link to no instance, never an instance without its model.
    await this.records.saveInstanceModel({ instanceId: processId, modelId: model.id, instanceName, createdAt: this.workflow.clock.now().toISOString() });
    const instance = await this.workflow.createInstance({
      processId,
      schemeCode: model.schemeCode,
      actor: { identityId: caller.token.createdBy, impersonatedIdentityId: null },
      parameters,
      tenantId: model.tenantId,
    });
    return { instance, instanceName };
  }

  /**
   * A page of the instances of a visible model, oldest first, filtered by participant email and
   * status (running by default). A fixed number of statements whatever the page size.
   */
  async listInstances(
    caller: ApiCaller,
    query: { wfModelId: string; participant?: string; status?: InstanceStatusFilter; skip: number; take: number },
  ): Promise<WorkflowInstanceView[]> {
    const model = await this.visibleModel(caller, query.wfModelId);
    const participants = query.participant === undefined ? null : await this.assignees.identitiesForEmail(query.participant);
    // Instances started through the Workflow API belong to the first model of their scheme and tenant.
    const [first] = await this.records.listModels({ tenantIds: [model.tenantId], schemeCode: model.schemeCode });
    const rows = await this.records.listModelInstances({
      modelId: model.id,
      unlinked: first?.id === model.id ? { schemeCode: model.schemeCode, tenantId: model.tenantId } : null,
      statuses: STATUSES_BY_FILTER[query.status ?? 'running'],
      participants,
      skip: query.skip,
      take: query.take,
    });
    const assignees = await this.assignees.viewsOf(rows.flatMap((row) => row.inbox.map((item) => item.identityId)));
    return rows.map((row) => instanceViewOf(row.instance, model, row.instanceName ?? `${model.name} ${row.instance.rootProcessId}`, row.inbox, assignees));
  }

  /** An instance's variables: ordinary ones, plus documents and internal ones when asked. */
  async instanceVariables(caller: ApiCaller, id: string, expand: VariableExpansion = {}): Promise<Record<string, JsonValue>> {
    const { instance, model } = await this.visibleInstance(caller, id);
    const scheme = await this.workflow.compiledScheme(instance.schemeId);
    const ordinary = new Set([
      ...[...scheme.parameters.values()].filter((p) => p.purpose === 'Persistence').map((p) => p.name),
      ...(await this.startFormOf(model)).map((f) => f.name),
      INITIATOR_VARIABLE,
      INITIATOR_NAME_VARIABLE,
    ]);
    const variables: Record<string, JsonValue> = {};
    for (const name of ordinary) {
      const declared = scheme.parameters.get(name);
      const value = Object.hasOwn(instance.parameters, name)
        ? instance.parameters[name]!
        : declared?.purpose === 'Persistence' ? ((declared.initialValue as JsonValue | undefined) ?? null) : undefined;
      if (value === undefined) continue;
      if (isDocument(value) && expand.documents !== true) continue;
      variables[name] = value;
    }
    for (const [name, value] of Object.entries(instance.parameters)) {
      if (ordinary.has(name)) continue;
      if (isDocument(value) ? expand.documents === true : expand.internal === true) variables[name] = value;
    }
    return variables;
  }

  /** Cancels a visible instance (status Terminated, inbox and timers cleared). */
  async cancelInstance(caller: ApiCaller, id: string): Promise<ProcessInstance> {
    const { instance } = await this.visibleInstance(caller, id);
    return this.workflow.cancelInstance(instance.rootProcessId);
  }

  /** An instance as `GET /workflowInstances` shows it. */
  async instanceView(instance: ProcessInstance, model: WorkflowModelRecord, instanceName: string): Promise<WorkflowInstanceView> {
    const inbox = isRunningStatus(instance.status) ? await this.workflow.inboxOf(instance.id) : [];
    const assignees = await this.assignees.viewsOf(inbox.map((item) => item.identityId));
    return instanceViewOf(instance, model, instanceName, inbox, assignees);
  }

  private mayStart(caller: ApiCaller, model: WorkflowModelRecord): boolean {
    if (!callerHas(caller, API_PERMISSIONS.startWorkflowInstances)) return false;
    if (model.permissions.length === 0) return caller.visibleTenantIds.has(model.tenantId);
    return model.permissions.some(
      (p) =>
        p.allowedTenantId === PUBLIC_TENANT ||
        ((p.allowedTenantId === caller.token.tenantId || caller.visibleTenantIds.has(p.allowedTenantId)) &&
          (p.requiredPermission === null || callerHas(caller, p.requiredPermission))),
    );
  }
}

/** The instance statuses each `status` filter of `GET /workflowInstances` lists. */
const STATUSES_BY_FILTER: Readonly<Record<InstanceStatusFilter, readonly number[]>> = {
  running: Object.values(InstanceStatus).filter(isRunningStatus),
  completed: [InstanceStatus.Finalized],
  cancelled: [InstanceStatus.Terminated],
};

/**
 * An instance as `GET /workflowInstances` shows it, from its current inbox: one `userTask` entry
 * per assignee, or one `activity` entry when nobody is assigned; none once it has ended.
 */
function instanceViewOf(
  instance: ProcessInstance,
  model: WorkflowModelRecord,
  instanceName: string,
  inbox: readonly InboxItem[],
  assignees: ReadonlyMap<string, AssigneeView>,
): WorkflowInstanceView {
  const running = isRunningStatus(instance.status);
  const base: WorkflowInstanceView = {
    wfInstanceId: instance.id,
    wfInstanceName: instanceName,
    isRunning: running,
    wasCanceled: instance.status === InstanceStatus.Terminated,
    fatalErrorEncountered: instance.status === InstanceStatus.Error,
    endEventName: instance.status === InstanceStatus.Finalized ? instance.activityName : null,
    startDateTime: instance.createdAt,
    endDateTime: running ? '' : (instance.lastTransitionAt ?? ''),
    wfModelName: model.name,
    wfModelId: model.id,
  };
  if (!running) return base;
  const started = instance.lastTransitionAt ?? instance.createdAt;
  const currentActivities: CurrentActivityView[] = inbox.map((item) => {
    const assignee = assignees.get(item.identityId) ?? { email: item.identityId, displayName: item.identityId };
    return {
      activityType: 'userTask',
      activityName: instance.activityName,
      dateStarted: started,
      userTaskAssignee: assignee.email,
      userTaskAssigneeDisplayName: assignee.displayName,
    };
  });
  if (currentActivities.length === 0) {
    currentActivities.push({ activityType: 'activity', activityName: instance.activityName, dateStarted: started, userTaskAssignee: null, userTaskAssigneeDisplayName: null });
  }
  return { ...base, currentActivities };
}

function isDocument(value: JsonValue): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof value.documentId === 'string';
}
