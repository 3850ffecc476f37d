/**
 * The TypeBox schemas of every `/api/v1` route: what each takes (path, query, header, body) and
 * answers (success and error bodies). @fastify/swagger builds the dialect's OpenAPI document from
 * them (api-v1-plugin.ts), and the API suites check every answer against that document.
 *
 * Request schemas describe; the handlers' readers (request-values.ts) check, in the vendor's words
 * (api-v1-plugin.ts explains why the dialect does not let the schemas reject a request).
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { API_V1_ERROR_CODES, INPUT_ERROR_STATUS } from './api-v1-error.js';

/** The tags of the document, in the order the API explorer and the docs page show them. */
export const API_V1_TAGS = [
  { name: 'Workflow models', description: 'The models published to a tenant, which instances are started from.' },
  { name: 'Workflow instances', description: 'Start, list and cancel instances; read their variables.' },
  { name: 'User tasks', description: 'The tasks waiting for a user.' },
  { name: 'Tenants', description: 'Organizations and their groups.' },
  { name: 'Task links', description: 'A task opened and completed through its link, with the link token instead of an API token.' },
] as const;

type TagName = (typeof API_V1_TAGS)[number]['name'];

/** Every `/api/v1` error body (api-v1-error.ts). */
export const ApiV1ErrorBody = Type.Object(
  {
    errorCode: Type.String({ enum: [...API_V1_ERROR_CODES], description: 'What went wrong, to match on' }),
    message: Type.String({ description: 'What went wrong, for people' }),
  },
  { title: 'api/v1 error' },
);

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  401: 'Unauthorized: the token lacks the permission or the tenant',
  404: 'ResourceNotFound',
  [INPUT_ERROR_STATUS]: 'MissingInput, InvalidInput, InvalidToken or OnlyTenantIdOrOrganizationIdAllowed',
  500: 'InternalError: a fault of the server (see its log)',
  503: 'ServiceUnavailable: the runtime of this server is stopped',
};

/** The error answers of a route: the statuses it names plus the 500 any route may give. */
function errorResponses(...statuses: readonly number[]): Record<number, TSchema> {
  return Object.fromEntries([...statuses, 500].map((status) => [status, { ...ApiV1ErrorBody, description: ERROR_DESCRIPTIONS[status] ?? 'Error' }]));
}

const nullable = <T extends TSchema>(schema: T, description?: string) =>
  Type.Union([schema, Type.Null()], description === undefined ? {} : { description });
const EMAIL = { format: 'email' } as const;
const choice = (values: readonly string[], description: string) => Type.String({ enum: [...values], description });

const WorkflowModel = Type.Object({
  tenantId: Type.String(),
  wfModelId: Type.String(),
  name: Type.String(),
  state: Type.String({ enum: ['active', 'unpublished'] }),
  permissions: Type.Array(Type.Object({ allowedTenantId: Type.String(), requiredPermission: nullable(Type.String()) })),
  runningInstances: Type.Optional(Type.Integer({ description: 'With expand=instanceCount.' })),
  totalInstances: Type.Optional(Type.Integer({ description: 'With expand=instanceCount.' })),
  assignedWorkflowInstancesCount: Type.Optional(Type.Integer({ description: 'With taskAssignee.' })),
});

const WorkflowInstance = Type.Object({
  wfInstanceId: Type.String(),
  wfInstanceName: Type.String(),
  isRunning: Type.Boolean(),
  wasCanceled: Type.Boolean(),
  fatalErrorEncountered: Type.Boolean(),
  endEventName: nullable(Type.String()),
  startDateTime: Type.String({ format: 'date-time' }),
  endDateTime: Type.String({ description: 'ISO 8601, or "" while running.' }),
  wfModelName: Type.String(),
  wfModelId: Type.String(),
  currentActivities: Type.Optional(
    Type.Array(
      Type.Object({
        activityType: Type.String({ enum: ['userTask', 'activity'] }),
        activityName: Type.String(),
        dateStarted: Type.String({ format: 'date-time' }),
        userTaskAssignee: nullable(Type.String()),
        userTaskAssigneeDisplayName: nullable(Type.String()),
      }),
      { description: 'Only for running instances.' },
    ),
  ),
});

const UserTask = Type.Object({
  assignee: Type.String(),
  taskId: Type.String(),
  taskName: Type.String(),
  wfInstanceId: Type.String(),
  wfInstanceName: Type.String(),
  wfModelId: Type.String(),
  wfModelName: Type.String(),
  url: nullable(Type.String(), 'The task link; null for completed tasks.'),
  tenantId: Type.String(),
  created: Type.String({ format: 'date-time' }),
});

const Group = Type.Object({
  tenantId: Type.String(),
  tenantDisplayName: Type.String(),
  tenantSlug: Type.String(),
  ownerUserId: nullable(Type.String()),
  type: Type.String(),
  parentTenantId: nullable(Type.String()),
  status: Type.String({ enum: ['active', 'inactive'] }),
  memberCount: Type.Integer({ minimum: 0 }),
  roles: Type.Optional(
    Type.Array(Type.Object({ roleId: Type.String(), tenantId: Type.String(), roleDisplayName: Type.String(), isDefault: Type.Boolean() }), {
      description: 'With expand=roles.',
    }),
  ),
});

const OpenedTask = Type.Object({
  taskId: Type.String(),
  taskName: Type.String(),
  assignee: Type.String(),
  wfInstanceId: Type.String(),
  wfInstanceName: Type.String(),
  wfModelId: Type.String(),
  wfModelName: Type.String(),
  commands: Type.Array(
    Type.Object({
      name: Type.String(),
      localizedName: Type.String(),
      parameters: Type.Array(
        Type.Object({ name: Type.String(), localizedName: Type.String(), type: Type.String(), isRequired: Type.Boolean(), defaultValue: Type.Unknown() }),
      ),
    }),
  ),
});

const CompletedTask = Type.Object({
  taskId: Type.String(),
  wfInstanceId: Type.String(),
  completed: Type.Literal(true),
  command: Type.Unknown({ description: 'The command executed, as sent.' }),
});

const COUNT_QUERY = {
  taskAssignee: Type.Optional(Type.String({ ...EMAIL, description: 'Email: adds assignedWorkflowInstancesCount' })),
  expand: Type.Optional(choice(['instanceCount'], 'instanceCount: adds runningInstances and totalInstances')),
};

/** `pageSize` and `pageIndex` of the listings (request-values.ts `listingPage`). */
const PAGE_QUERY = {
  pageSize: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 1000, description: 'Items per page, 1 to 1000. Without pageSize and pageIndex: everything, refused (480) when more than 1000 match.' }),
  ),
  pageIndex: Type.Optional(Type.Integer({ minimum: 0, description: 'Page number, from 0 (pages of 1000 without pageSize).' })),
};

const INSTANCE_PARAMS = Type.Object({ wfInstanceId: Type.String({ description: 'The instance.' }) });
const LINK_QUERY = Type.Object({ token: Type.String({ description: 'The link token' }) });
const API_TOKEN = [{ apiToken: [] }];
const NO_SECURITY: never[] = [];

function operation(tag: TagName, operationId: string, summary: string, description: string, parts: Record<string, unknown>) {
  return { tags: [tag], operationId, summary, description, security: tag === 'Task links' ? NO_SECURITY : API_TOKEN, ...parts };
}

/** The schema of each route, by its operation id (API_V1_ROUTE_URLS says where it is served). */
export const API_V1_ROUTE_SCHEMAS = {
  listWorkflowModels: operation(
    'Workflow models',
    'listWorkflowModels',
    'Workflow models of the tenant named by the accusoft-dtm-tenant header',
    'The models of one tenant, with their state and permissions; optionally with instance counts.',
    {
      headers: Type.Object({ 'accusoft-dtm-tenant': Type.String({ description: "The tenant whose models to list (one of the token's tenants)." }) }),
      querystring: Type.Object(COUNT_QUERY),
      response: { 200: Type.Array(WorkflowModel, { description: 'Models' }), ...errorResponses(401, INPUT_ERROR_STATUS) },
    },
  ),
  listWorkflowModelsBulk: operation('Workflow models', 'listWorkflowModelsBulk', 'Workflow models of several tenants', 'The models of every tenant listed in tenantIds; each must be one the token may see.', {
    querystring: Type.Object(COUNT_QUERY),
    body: Type.Object({ tenantIds: Type.Array(Type.String(), { description: 'Tenant ids.' }) }),
    response: { 200: Type.Array(WorkflowModel, { description: 'Models' }), ...errorResponses(401, INPUT_ERROR_STATUS) },
  }),
  startWorkflowInstance: operation(
    'Workflow instances',
    'startWorkflowInstance',
    'Start an instance of a model; wfData is checked against its start form',
    "Starts an instance of an active model. wfData's fields must be those of the model's start form, of their types.",
    {
      body: Type.Object({
        wfModelId: Type.String({ description: 'The model to start.' }),
        wfData: Type.Optional(Type.Object({}, { description: 'Start-form values by field name, e.g. {"amount": 250}.' })),
      }),
      response: {
        200: Type.Object({ wfInstanceId: Type.String(), redirectUrl: nullable(Type.String()) }, { description: 'Started' }),
        ...errorResponses(401, 404, INPUT_ERROR_STATUS, 503),
      },
    },
  ),
  listWorkflowInstances: operation('Workflow instances', 'listWorkflowInstances', 'Instances of a model (running by default)', 'The instances of one model, filtered by status and by a user who took part.', {
    querystring: Type.Object({
      wfModelId: Type.String({ description: 'The model (workflowModel is accepted too)' }),
      participant: Type.Optional(Type.String({ ...EMAIL, description: 'Email of a user who took part' })),
      status: Type.Optional(choice(['running', 'completed', 'cancelled'], 'running (default), completed or cancelled')),
      ...PAGE_QUERY,
    }),
    response: { 200: Type.Array(WorkflowInstance, { description: 'Instances' }), ...errorResponses(401, 404, INPUT_ERROR_STATUS) },
  }),
  cancelWorkflowInstance: operation(
    'Workflow instances',
    'cancelWorkflowInstance',
    'Cancel an instance: it ends as cancelled, its tasks close and its timers are cleared',
    'Cancels a running instance; an instance that has ended is refused.',
    { params: INSTANCE_PARAMS, response: { 200: { ...WorkflowInstance, description: 'The cancelled instance' }, ...errorResponses(401, 404, INPUT_ERROR_STATUS, 503) } },
  ),
  getWorkflowInstanceVariables: operation(
    'Workflow instances',
    'getWorkflowInstanceVariables',
    'Variables of an instance',
    'The persisted variables of an instance; expand adds documents and internal variables.',
    {
      params: INSTANCE_PARAMS,
      querystring: Type.Object({ expand: Type.Optional(Type.String({ description: 'documents and/or internal (comma-separated)' })) }),
      response: { 200: Type.Object({ wfVariables: Type.Object({}) }, { description: 'Variables' }), ...errorResponses(401, 404, INPUT_ERROR_STATUS) },
    },
  ),
  listUserTasks: operation('User tasks', 'listUserTasks', 'Tasks assigned to a user', "The tasks of the user with this email, current by default, within the token's tenants.", {
    params: Type.Object({ emailAddress: Type.String({ ...EMAIL, description: "The user's email." }) }),
    querystring: Type.Object({
      wfModelId: Type.Optional(Type.String({ description: 'Only this model (overrides tenantId and organizationId)' })),
      tenantId: Type.Optional(Type.String({ description: 'Only this tenant (not with organizationId)' })),
      organizationId: Type.Optional(Type.String({ description: 'Only this organization and its groups (not with tenantId)' })),
      status: Type.Optional(choice(['current', 'completed', 'all'], 'current (default), completed or all')),
      ...PAGE_QUERY,
    }),
    response: { 200: Type.Array(UserTask, { description: 'Tasks' }), ...errorResponses(401, 404, INPUT_ERROR_STATUS) },
  }),
  listOrganizationGroups: operation('Tenants', 'listOrganizationGroups', 'Groups of an organization', 'The groups (child tenants) of an organization.', {
    params: Type.Object({ organizationId: Type.String({ description: 'The organization (a tenant without a parent).' }) }),
    querystring: Type.Object({ expand: Type.Optional(choice(['roles'], "roles: adds each group's roles")) }),
    response: { 200: Type.Array(Group, { description: 'Groups' }), ...errorResponses(401, 404, INPUT_ERROR_STATUS) },
  }),
  openTask: operation(
    'Task links',
    'openTask',
    'Open the task of a link (JSON, or HTML with Accept: text/html)',
    'The task a link points at and the commands it offers; the link token stands in for an API token.',
    { params: INSTANCE_PARAMS, querystring: LINK_QUERY, response: { 200: { ...OpenedTask, description: 'The task and its commands' }, ...errorResponses(401, 404, INPUT_ERROR_STATUS) } },
  ),
  completeTask: operation('Task links', 'completeTask', 'Complete the task of a link with {command, parameters}', 'Executes one of the commands the task offers, with optional parameters.', {
    params: INSTANCE_PARAMS,
    querystring: LINK_QUERY,
    body: Type.Object({
      command: Type.String({ description: 'One of the commands the task offers.' }),
      parameters: Type.Optional(Type.Object({}, { description: 'Command parameters by name.' })),
    }),
    response: { 200: { ...CompletedTask, description: 'Completed' }, ...errorResponses(401, 404, INPUT_ERROR_STATUS, 503) },
  }),
} as const;

/** The operation id of each route. */
export type ApiV1OperationId = keyof typeof API_V1_ROUTE_SCHEMAS;

/**
 * Where each operation is served (the plugin mounts the same URLs), for building the document
 * without a server: the admin panel's explorer tests read it so.
 */
export const API_V1_ROUTE_URLS: Readonly<Record<ApiV1OperationId, readonly ['GET' | 'POST' | 'DELETE', string]>> = {
  listWorkflowModels: ['GET', '/api/v1/workflowModels'],
  listWorkflowModelsBulk: ['POST', '/api/v1/workflowModels/bulk'],
  startWorkflowInstance: ['POST', '/api/v1/workflowInstances'],
  listWorkflowInstances: ['GET', '/api/v1/workflowInstances'],
  cancelWorkflowInstance: ['DELETE', '/api/v1/workflowInstances/:wfInstanceId'],
  getWorkflowInstanceVariables: ['GET', '/api/v1/workflowInstances/:wfInstanceId/variables'],
  listUserTasks: ['GET', '/api/v1/user/:emailAddress/tasks'],
  listOrganizationGroups: ['GET', '/api/v1/organizations/:organizationId/groups'],
  openTask: ['GET', '/workflows/:wfInstanceId/tasks/current'],
  completeTask: ['POST', '/workflows/:wfInstanceId/tasks/current'],
};
