/**
 * The `/api/v1` dialect (OnTask-compatible) as a fastify plugin: workflow models, instances,
 * variables, user tasks and organization groups under `/api/v1`, the task links under
 * `/workflows/{wfInstanceId}/tasks/current`, and its OpenAPI document and docs page. Its error
 * handler answers `{errorCode, message}` through {@link toApiV1ErrorReply}.
 */
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { WaymarkError, isWaymarkError } from '../../errors/index.js';
import {
  API_PERMISSIONS,
  requirePermission,
  requireTenantVisible,
  type ApiCaller,
  type ApiTokenService,
  type InstanceStatusFilter,
  type ModelService,
  type TaskService,
  type TaskStatusFilter,
  type TenantService,
} from '../../services/index.js';
import { toApiV1ErrorReply } from './api-v1-error.js';
import { apiV1DocsPage, apiV1SwaggerOptions } from './openapi.js';
import { API_V1_ROUTE_SCHEMAS as SCHEMAS } from './route-schemas.js';
import { bodyObject, expandValues, listingPage, oneOf, optionalQuery, refuseOverfull, requiredString, type QueryValues } from './request-values.js';
import { PARAMETER_FIELD_PREFIX, taskDonePage, taskPage, taskRefusedPage } from './task-page.js';

/** What the `/api/v1` plugin is built from. */
export interface ApiV1Options {
  readonly tenants: TenantService;
  readonly tokens: ApiTokenService;
  readonly models: ModelService;
  readonly tasks: TaskService;
  /**
   * The origin task links start with: the public URL, or the request's origin when its Host is
   * allowed; throws WaymarkError WM_HOST_NOT_ALLOWED otherwise (AccessControl.publicOrigin).
   */
  readonly originOf: (request: FastifyRequest) => string;
  readonly bodyLimit: number;
}

/** Where the dialect's routes, OpenAPI document and docs page are served. */
export const API_V1_PREFIX = '/api/v1';
export const API_V1_OPENAPI_PATH = '/openapi/api-v1.json';
export const API_V1_DOCS_PATH = '/docs/api-v1';
/** The header that names the tenant of `GET /workflowModels`. */
export const TENANT_HEADER = 'accusoft-dtm-tenant';

const INSTANCE_STATUSES: readonly InstanceStatusFilter[] = ['running', 'completed', 'cancelled'];
const TASK_STATUSES: readonly TaskStatusFilter[] = ['current', 'completed', 'all'];

/** Registers the dialect; register it at the root (no prefix). */
export const apiV1Plugin: FastifyPluginAsync<ApiV1Options> = async (app, options) => {
  await app.register(swagger, apiV1SwaggerOptions());
  app.get(API_V1_OPENAPI_PATH, async () => app.swagger());
  app.get(API_V1_DOCS_PATH, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(apiV1DocsPage(API_V1_OPENAPI_PATH, (app.swagger() as { paths?: Record<string, unknown> }).paths ?? {})),
  );
  describeOnly(app);

  app.setErrorHandler(async (error, request, reply) => {
    const failure = toApiV1ErrorReply(error, { bodyLimit: options.bodyLimit });
    if (failure.status >= 500) request.log.error({ err: error }, 'api/v1 request failed');
    return reply.code(failure.status).send(failure.body);
  });

  await app.register(apiRoutes, { ...options, prefix: API_V1_PREFIX });
  await app.register(taskLinkRoutes, options);
};

const apiRoutes: FastifyPluginAsync<ApiV1Options> = async (app, options) => {
  const { tenants, tokens, models, tasks } = options;
  const caller = (request: FastifyRequest): Promise<ApiCaller> => tokens.authenticate(request.headers.authorization);
  const notFound = async (request: FastifyRequest, reply: FastifyReply) => {
    const failure = toApiV1ErrorReply(new WaymarkError('WM_NOT_FOUND', `${request.method} ${request.url.split('?')[0]} is not an /api/v1 URL`), options);
    return reply.code(failure.status).send(failure.body);
  };
  app.setNotFoundHandler(notFound);

  app.get('/workflowModels', { schema: SCHEMAS.listWorkflowModels }, async (request) => {
    const who = await caller(request);
    requirePermission(who, API_PERMISSIONS.listWorkflowModels);
    const header = request.headers[TENANT_HEADER];
    const tenantId = (Array.isArray(header) ? header[0] : header)?.trim();
    if (!tenantId) throw new WaymarkError('WM_INPUT_MISSING', `A required ${TENANT_HEADER} header was not provided`, { field: TENANT_HEADER });
    requireTenantVisible(who, tenantId);
    return models.listModels([tenantId], modelCounts(request.query as QueryValues));
  });

  app.post('/workflowModels/bulk', { schema: SCHEMAS.listWorkflowModelsBulk }, async (request) => {
    const who = await caller(request);
    requirePermission(who, API_PERMISSIONS.listWorkflowModels);
    const fields = bodyObject(request.body);
    const tenantIds = fields.tenantIds;
    if (tenantIds === undefined || tenantIds === null) {
      throw new WaymarkError('WM_INPUT_MISSING', 'A required tenantIds property was not provided', { field: 'tenantIds' });
    }
    if (!Array.isArray(tenantIds) || tenantIds.some((id) => typeof id !== 'string')) {
      throw new WaymarkError('WM_INPUT_INVALID', 'tenantIds should be an array of tenant ids', { field: 'tenantIds' });
    }
    const wanted = [...new Set(tenantIds as string[])];
    for (const tenantId of wanted) requireTenantVisible(who, tenantId);
    return models.listModels(wanted, modelCounts(request.query as QueryValues));
  });

  app.post('/workflowInstances', { schema: SCHEMAS.startWorkflowInstance }, async (request) => {
    const who = await caller(request);
    requirePermission(who, API_PERMISSIONS.startWorkflowInstances);
    const fields = bodyObject(request.body);
    const wfModelId = requiredString(fields, 'wfModelId');
    // Before the instance starts: a Host that cannot be linked to must not leave an instance behind.
    const origin = options.originOf(request);
    const { instance } = await models.startInstance(who, { wfModelId, wfData: fields.wfData });
    const redirectUrl = await tasks.initialTaskLink(instance, who.token.createdBy, origin);
    return { wfInstanceId: instance.id, redirectUrl };
  });

  app.get('/workflowInstances', { schema: SCHEMAS.listWorkflowInstances }, async (request) => {
    const who = await caller(request);
    requirePermission(who, API_PERMISSIONS.getInstanceProperties);
    const query = request.query as QueryValues;
    // The vendor's own example names the parameter `workflowModel`; both are accepted.
    const wfModelId = optionalQuery(query, 'wfModelId') ?? optionalQuery(query, 'workflowModel');
    if (wfModelId === undefined) throw new WaymarkError('WM_INPUT_MISSING', 'A required wfModelId was not provided', { field: 'wfModelId' });
    const rawStatus = optionalQuery(query, 'status');
    const status = oneOf(rawStatus?.toLowerCase() === 'canceled' ? 'cancelled' : rawStatus, 'status', INSTANCE_STATUSES);
    const participant = optionalQuery(query, 'participant');
    const page = listingPage(query);
    const instances = await models.listInstances(who, {
      wfModelId,
      ...(participant === undefined ? {} : { participant }),
      ...(status === undefined ? {} : { status }),
      skip: page.skip,
      take: page.take,
    });
    return refuseOverfull(instances, page, 'workflow instances');
  });

  app.get('/workflowInstances/:wfInstanceId/variables', { schema: SCHEMAS.getWorkflowInstanceVariables }, async (request) => {
    const who = await caller(request);
    requirePermission(who, API_PERMISSIONS.getInstanceProperties);
    const { wfInstanceId } = request.params as { wfInstanceId: string };
    const expand = expandValues(request.query as QueryValues);
    const wfVariables = await models.instanceVariables(who, wfInstanceId, { documents: expand.has('documents'), internal: expand.has('internal') });
    return { wfVariables };
  });

  app.delete('/workflowInstances/:wfInstanceId', { schema: SCHEMAS.cancelWorkflowInstance }, async (request) => {
    const who = await caller(request);
    requirePermission(who, API_PERMISSIONS.cancelWorkflowInstances);
    const { wfInstanceId } = request.params as { wfInstanceId: string };
    const { model, instanceName } = await models.visibleInstance(who, wfInstanceId);
    const cancelled = await models.cancelInstance(who, wfInstanceId);
    return models.instanceView(cancelled, model, instanceName);
  });

  app.get('/user/:emailAddress/tasks', { schema: SCHEMAS.listUserTasks }, async (request) => {
    const who = await caller(request);
    requirePermission(who, API_PERMISSIONS.listUserTasks);
    const { emailAddress } = request.params as { emailAddress: string };
    const query = request.query as QueryValues;
    const wfModelId = optionalQuery(query, 'wfModelId');
    const tenantId = optionalQuery(query, 'tenantId');
    const organizationId = optionalQuery(query, 'organizationId');
    const status = oneOf(optionalQuery(query, 'status'), 'status', TASK_STATUSES);
    const page = listingPage(query);
    const found = await tasks.listUserTasks(
      who,
      emailAddress,
      {
        ...(wfModelId === undefined ? {} : { wfModelId }),
        ...(tenantId === undefined ? {} : { tenantId }),
        ...(organizationId === undefined ? {} : { organizationId }),
        ...(status === undefined ? {} : { status }),
        skip: page.skip,
        take: page.take,
      },
      options.originOf(request),
    );
    return refuseOverfull(found, page, 'tasks');
  });

  app.get('/organizations/:organizationId/groups', { schema: SCHEMAS.listOrganizationGroups }, async (request) => {
    const who = await caller(request);
    requirePermission(who, API_PERMISSIONS.listWorkflowModels);
    const { organizationId } = request.params as { organizationId: string };
    requireTenantVisible(who, organizationId);
    const organization = await tenants.getTenant(organizationId);
    if (organization.type !== 'organization') throw new WaymarkError('WM_NOT_FOUND', `Organization ${organizationId} does not exist`, { tenantId: organizationId });
    const withRoles = expandValues(request.query as QueryValues).has('roles');
    const groups = await tenants.listGroups(organizationId);
    return Promise.all(
      groups.map(async (group) => ({
        tenantId: group.id,
        tenantDisplayName: group.name,
        tenantSlug: group.slug,
        ownerUserId: group.ownerUserId,
        type: group.type,
        parentTenantId: group.parentId,
        status: group.status,
        memberCount: await tenants.memberCount(group.id),
        ...(withRoles ? { roles: group.roles.map((role) => ({ roleId: role.roleId, tenantId: group.id, roleDisplayName: role.roleDisplayName, isDefault: role.isDefault })) } : {}),
      })),
    );
  });
};

function modelCounts(query: QueryValues): { instanceCount?: boolean; taskAssignee?: string } {
  const taskAssignee = optionalQuery(query, 'taskAssignee');
  return {
    ...(expandValues(query).has('instancecount') ? { instanceCount: true } : {}),
    ...(taskAssignee === undefined ? {} : { taskAssignee }),
  };
}

function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return /text\/html/i.test(accept) && !/application\/json/i.test(accept.split(',')[0] ?? '');
}

/**
 * `GET|POST /workflows/{wfInstanceId}/tasks/current?token=…`: the bearer link of one task.
 * GET shows it (JSON, or HTML for a browser); POST `{command, parameters}` completes it.
 */
const taskLinkRoutes: FastifyPluginAsync<ApiV1Options> = async (app, options) => {
  await app.register(formbody, { bodyLimit: options.bodyLimit });
  const url = '/workflows/:wfInstanceId/tasks/current';

  const linkOf = (request: FastifyRequest): { processId: string; token: string } => {
    const { wfInstanceId } = request.params as { wfInstanceId: string };
    const token = optionalQuery(request.query as QueryValues, 'token');
    if (token === undefined) throw new WaymarkError('WM_UNAUTHORIZED', 'The task link has no token', { reason: 'taskLink' });
    return { processId: wfInstanceId, token };
  };
  const refuseInHtml = (request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply | null => {
    if (!wantsHtml(request) || !isWaymarkError(error)) return null;
    const failure = toApiV1ErrorReply(error, options);
    return reply.code(failure.status).type('text/html; charset=utf-8').send(taskRefusedPage(failure.body.message));
  };

  app.get(url, { schema: SCHEMAS.openTask }, async (request, reply) => {
    try {
      const { processId, token } = linkOf(request);
      const task = await options.tasks.openTask(processId, token);
      if (!wantsHtml(request)) return reply.send(task);
      return reply.type('text/html; charset=utf-8').send(taskPage(task, request.url));
    } catch (error) {
      const html = refuseInHtml(request, reply, error);
      if (html) return html;
      throw error;
    }
  });

  app.post(url, { schema: SCHEMAS.completeTask }, async (request, reply) => {
    try {
      const { processId, token } = linkOf(request);
      const fields = bodyObject(request.body);
      const formParameters = Object.fromEntries(
        Object.entries(fields)
          .filter(([name]) => name.startsWith(PARAMETER_FIELD_PREFIX))
          .map(([name, value]) => [name.slice(PARAMETER_FIELD_PREFIX.length), value]),
      );
      const parameters = fields.parameters ?? (Object.keys(formParameters).length > 0 ? formParameters : undefined);
      const { instance, taskId } = await options.tasks.completeTask(processId, token, { command: fields.command, parameters });
      if (wantsHtml(request)) return reply.type('text/html; charset=utf-8').send(taskDonePage(String(fields.command)));
      return reply.send({ taskId, wfInstanceId: instance.id, completed: true, command: fields.command });
    } catch (error) {
      const html = refuseInHtml(request, reply, error);
      if (html) return html;
      throw error;
    }
  });
};

/**
 * The route schemas of this scope describe requests and answers (the OpenAPI document, and the API
 * suites check every answer against it) but neither reject nor reshape them: the handlers read
 * requests with the vendor's own error texts (request-values.ts), which fastify's schema errors and
 * type coercion would replace, and answers are sent as the handlers build them, never cut down to
 * a schema.
 */
function describeOnly(app: FastifyInstance): void {
  app.setValidatorCompiler(() => (value) => ({ value }));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}
