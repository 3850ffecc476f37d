/**
 * The `/api/v1` dialect's OpenAPI 3.1 paths and its docs page. Written out by hand because the
 * dialect is small and fixed by the vendor's contract; the route tests check both stay in step.
 */
import { escapeHtml } from './task-page.js';

type JsonSchema = Record<string, unknown>;

const ERROR_BODY: JsonSchema = {
  type: 'object',
  required: ['errorCode', 'message'],
  properties: {
    errorCode: { type: 'string', enum: ['MissingInput', 'InvalidInput', 'InvalidToken', 'OnlyTenantIdOrOrganizationIdAllowed', 'ResourceNotFound', 'Unauthorized'] },
    message: { type: 'string' },
  },
};

const MODEL: JsonSchema = {
  type: 'object',
  required: ['tenantId', 'wfModelId', 'name', 'state', 'permissions'],
  properties: {
    tenantId: { type: 'string' },
    wfModelId: { type: 'string' },
    name: { type: 'string' },
    state: { type: 'string', enum: ['active', 'unpublished'] },
    permissions: {
      type: 'array',
      items: { type: 'object', properties: { allowedTenantId: { type: 'string' }, requiredPermission: { type: ['string', 'null'] } } },
    },
    runningInstances: { type: 'integer', description: 'With expand=instanceCount.' },
    totalInstances: { type: 'integer', description: 'With expand=instanceCount.' },
    assignedWorkflowInstancesCount: { type: 'integer', description: 'With taskAssignee.' },
  },
};

const INSTANCE: JsonSchema = {
  type: 'object',
  properties: {
    wfInstanceId: { type: 'string' },
    wfInstanceName: { type: 'string' },
    isRunning: { type: 'boolean' },
    wasCanceled: { type: 'boolean' },
    fatalErrorEncountered: { type: 'boolean' },
    endEventName: { type: ['string', 'null'] },
    startDateTime: { type: 'string', format: 'date-time' },
    endDateTime: { type: 'string', description: 'ISO 8601, or "" while running.' },
    wfModelName: { type: 'string' },
    wfModelId: { type: 'string' },
    currentActivities: {
      type: 'array',
      description: 'Only for running instances.',
      items: {
        type: 'object',
        properties: {
          activityType: { type: 'string', enum: ['userTask', 'activity'] },
          activityName: { type: 'string' },
          dateStarted: { type: 'string', format: 'date-time' },
          userTaskAssignee: { type: ['string', 'null'] },
          userTaskAssigneeDisplayName: { type: ['string', 'null'] },
        },
      },
    },
  },
};

const TASK: JsonSchema = {
  type: 'object',
  properties: {
    assignee: { type: 'string' },
    taskId: { type: 'string' },
    taskName: { type: 'string' },
    wfInstanceId: { type: 'string' },
    wfInstanceName: { type: 'string' },
    wfModelId: { type: 'string' },
    wfModelName: { type: 'string' },
    url: { type: ['string', 'null'], description: 'The task link; null for completed tasks.' },
    tenantId: { type: 'string' },
    created: { type: 'string', format: 'date-time' },
  },
};

function errors(...statuses: readonly string[]): Record<string, unknown> {
  const texts: Record<string, string> = {
    '401': 'Unauthorized: the token lacks the permission or the tenant',
    '404': 'ResourceNotFound',
    '480': 'MissingInput, InvalidInput, InvalidToken or OnlyTenantIdOrOrganizationIdAllowed',
  };
  return Object.fromEntries(statuses.map((s) => [s, { description: texts[s], content: { 'application/json': { schema: ERROR_BODY } } }]));
}

function ok(description: string, schema: JsonSchema): Record<string, unknown> {
  return { '200': { description, content: { 'application/json': { schema } } } };
}

const query = (name: string, description: string, required = false, schema: JsonSchema = { type: 'string' }) => ({ name, in: 'query', required, description, schema });
const path = (name: string, description: string, schema: JsonSchema = { type: 'string' }) => ({ name, in: 'path', required: true, description, schema });
const choice = (...values: readonly string[]): JsonSchema => ({ type: 'string', enum: [...values] });
const EMAIL: JsonSchema = { type: 'string', format: 'email' };
const TENANT_HEADER_PARAMETER = {
  name: 'accusoft-dtm-tenant',
  in: 'header',
  required: true,
  description: 'The tenant whose models to list (one of the token\'s tenants).',
  schema: { type: 'string' },
};
const security = [{ apiToken: [] }];
const COUNT_PARAMETERS = [
  query('taskAssignee', 'Email: adds assignedWorkflowInstancesCount', false, EMAIL),
  query('expand', 'instanceCount: adds runningInstances and totalInstances', false, choice('instanceCount')),
];

/** `pageSize` and `pageIndex` of the listings (request-values.ts `listingPage`). */
const PAGE_PARAMETERS = [
  query('pageSize', 'Items per page, 1 to 1000. Without pageSize and pageIndex: everything, refused (480) when more than 1000 match.', false, { type: 'integer', minimum: 1, maximum: 1000 }),
  query('pageIndex', 'Page number, from 0 (pages of 1000 without pageSize).', false, { type: 'integer', minimum: 0 }),
];

/** The document's components: the bearer scheme every `/api/v1` endpoint names. */
export function apiV1OpenApiComponents(): Record<string, unknown> {
  return {
    securitySchemes: { apiToken: { type: 'http', scheme: 'bearer', description: 'An /api/v1 API token (waymark token create); the raw token is accepted too.' } },
  };
}

/** The document's tags, in the order the API explorer and the docs page show them. */
export function apiV1OpenApiTags(): { name: string; description: string }[] {
  return [
    { name: 'Workflow models', description: 'The models published to a tenant, which instances are started from.' },
    { name: 'Workflow instances', description: 'Start, list and cancel instances; read their variables.' },
    { name: 'User tasks', description: 'The tasks waiting for a user.' },
    { name: 'Tenants', description: 'Organizations and their groups.' },
    { name: 'Task links', description: 'A task opened and completed through its link, with the link token instead of an API token.' },
  ];
}

/** The OpenAPI `paths` object of the dialect. */
export function apiV1OpenApiPaths(): Record<string, unknown> {
  return {
    '/api/v1/workflowModels': {
      get: {
        tags: ['Workflow models'],
        operationId: 'listWorkflowModels',
        summary: 'Workflow models of the tenant named by the accusoft-dtm-tenant header',
        description: 'The models of one tenant, with their state and permissions; optionally with instance counts.',
        security,
        parameters: [TENANT_HEADER_PARAMETER, ...COUNT_PARAMETERS],
        responses: { ...ok('Models', { type: 'array', items: MODEL }), ...errors('401', '480') },
      },
    },
    '/api/v1/workflowModels/bulk': {
      post: {
        tags: ['Workflow models'],
        operationId: 'listWorkflowModelsBulk',
        summary: 'Workflow models of several tenants',
        description: 'The models of every tenant listed in tenantIds; each must be one the token may see.',
        security,
        parameters: COUNT_PARAMETERS,
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { type: 'object', required: ['tenantIds'], properties: { tenantIds: { type: 'array', items: { type: 'string' }, description: 'Tenant ids.' } } },
            },
          },
        },
        responses: { ...ok('Models', { type: 'array', items: MODEL }), ...errors('401', '480') },
      },
    },
    '/api/v1/workflowInstances': {
      post: {
        tags: ['Workflow instances'],
        operationId: 'startWorkflowInstance',
        summary: 'Start an instance of a model; wfData is checked against its start form',
        description: "Starts an instance of an active model. wfData's fields must be those of the model's start form, of their types.",
        security,
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['wfModelId'],
                properties: {
                  wfModelId: { type: 'string', description: 'The model to start.' },
                  wfData: { type: 'object', description: "Start-form values by field name, e.g. {\"amount\": 250}." },
                },
              },
            },
          },
        },
        responses: {
          ...ok('Started', { type: 'object', properties: { wfInstanceId: { type: 'string' }, redirectUrl: { type: ['string', 'null'] } } }),
          ...errors('401', '404', '480'),
        },
      },
      get: {
        tags: ['Workflow instances'],
        operationId: 'listWorkflowInstances',
        summary: 'Instances of a model (running by default)',
        description: 'The instances of one model, filtered by status and by a user who took part.',
        security,
        parameters: [
          query('wfModelId', 'The model', true),
          query('participant', 'Email of a user who took part', false, EMAIL),
          query('status', 'running (default), completed or cancelled', false, choice('running', 'completed', 'cancelled')),
          ...PAGE_PARAMETERS,
        ],
        responses: { ...ok('Instances', { type: 'array', items: INSTANCE }), ...errors('401', '404', '480') },
      },
    },
    '/api/v1/workflowInstances/{wfInstanceId}': {
      delete: {
        tags: ['Workflow instances'],
        operationId: 'cancelWorkflowInstance',
        summary: 'Cancel an instance: it ends as cancelled, its tasks close and its timers are cleared',
        description: 'Cancels a running instance; an instance that has ended is refused.',
        security,
        parameters: [path('wfInstanceId', 'The instance.')],
        responses: { ...ok('The cancelled instance', INSTANCE), ...errors('401', '404', '480') },
      },
    },
    '/api/v1/workflowInstances/{wfInstanceId}/variables': {
      get: {
        tags: ['Workflow instances'],
        operationId: 'getWorkflowInstanceVariables',
        summary: 'Variables of an instance',
        description: 'The persisted variables of an instance; expand adds documents and internal variables.',
        security,
        parameters: [path('wfInstanceId', 'The instance.'), query('expand', 'documents and/or internal (comma-separated)')],
        responses: { ...ok('Variables', { type: 'object', properties: { wfVariables: { type: 'object' } } }), ...errors('401', '404', '480') },
      },
    },
    '/api/v1/user/{emailAddress}/tasks': {
      get: {
        tags: ['User tasks'],
        operationId: 'listUserTasks',
        summary: 'Tasks assigned to a user',
        description: 'The tasks of the user with this email, current by default, within the token\'s tenants.',
        security,
        parameters: [
          path('emailAddress', "The user's email.", EMAIL),
          query('wfModelId', 'Only this model (overrides tenantId and organizationId)'),
          query('tenantId', 'Only this tenant (not with organizationId)'),
          query('organizationId', 'Only this organization and its groups (not with tenantId)'),
          query('status', 'current (default), completed or all', false, choice('current', 'completed', 'all')),
          ...PAGE_PARAMETERS,
        ],
        responses: { ...ok('Tasks', { type: 'array', items: TASK }), ...errors('401', '480') },
      },
    },
    '/api/v1/organizations/{organizationId}/groups': {
      get: {
        tags: ['Tenants'],
        operationId: 'listOrganizationGroups',
        summary: 'Groups of an organization',
        description: 'The groups (child tenants) of an organization.',
        security,
        parameters: [path('organizationId', 'The organization (a tenant without a parent).'), query('expand', "roles: adds each group's roles", false, choice('roles'))],
        responses: { ...ok('Groups', { type: 'array', items: { type: 'object' } }), ...errors('401', '404', '480') },
      },
    },
    '/workflows/{wfInstanceId}/tasks/current': {
      get: {
        tags: ['Task links'],
        operationId: 'openTask',
        summary: 'Open the task of a link (JSON, or HTML with Accept: text/html)',
        description: 'The task a link points at and the commands it offers; the link token stands in for an API token.',
        security: [],
        parameters: [path('wfInstanceId', 'The instance.'), query('token', 'The link token', true)],
        responses: { ...ok('The task and its commands', { type: 'object' }), ...errors('480') },
      },
      post: {
        tags: ['Task links'],
        operationId: 'completeTask',
        summary: 'Complete the task of a link with {command, parameters}',
        description: 'Executes one of the commands the task offers, with optional parameters.',
        security: [],
        parameters: [path('wfInstanceId', 'The instance.'), query('token', 'The link token', true)],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['command'],
                properties: {
                  command: { type: 'string', description: 'One of the commands the task offers.' },
                  parameters: { type: 'object', description: 'Command parameters by name.' },
                },
              },
            },
          },
        },
        responses: { ...ok('Completed', { type: 'object' }), ...errors('401', '480') },
      },
    },
  };
}

/** A self-contained page describing the dialect, linking its OpenAPI document. */
export function apiV1DocsPage(openApiUrl: string): string {
  const rows = Object.entries(apiV1OpenApiPaths())
    .flatMap(([url, methods]) =>
      Object.entries(methods as Record<string, { summary: string }>).map(
        ([method, operation]) => `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escapeHtml(url)}</code></td><td>${escapeHtml(operation.summary)}</td></tr>`,
      ),
    )
    .join('');
  return '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Waymark /api/v1</title>'
    + '<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}td{padding:.2rem .5rem;border-top:1px solid #ddd}</style></head><body>'
    + '<h1>Waymark /api/v1 (OnTask-compatible)</h1>'
    + '<p>Send an API token as <code>Authorization: Bearer &lt;token&gt;</code>. Errors answer <code>{errorCode, message}</code> with HTTP 480, 401 or 404. '
    + `Machine-readable: <a href="${escapeHtml(openApiUrl)}">OpenAPI 3.1 document</a>.</p>`
    + `<table>${rows}</table></body></html>`;
}
