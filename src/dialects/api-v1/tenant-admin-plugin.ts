/**
 * Management of the `/api/v1` records for administrators, under `/admin/api` behind the access
 * module's admin guard: tenants, workflow models (publish, state, permissions, start form) and
 * API tokens. Errors answer in the admin API's format (`{error, message}`).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { AccessControl } from '../../access/index.js';
import { WaymarkError } from '../../errors/index.js';
import type { ApiTokenService, ModelService, TenantService } from '../../services/index.js';
import type { ApiTokenRecord, WorkflowModelRecord } from '../../store/index.js';
import { DESCRIBE_ONLY, TENANT_ADMIN_ROUTES as ROUTES, toAdminErrorReply } from '../admin-api/index.js';
import { bodyObject, optionalQuery, requiredString, type QueryValues } from './request-values.js';

/** What the management routes are built from. */
export interface TenantAdminOptions {
  readonly tenants: TenantService;
  readonly tokens: ApiTokenService;
  readonly models: ModelService;
  readonly access: Pick<AccessControl, 'adminGuard'>;
  readonly bodyLimit: number;
}

function optionalString(fields: Record<string, unknown>, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new WaymarkError('WM_INPUT_INVALID', `${name} must be a string`, { field: name });
  return value;
}

function tokenSummary(record: ApiTokenRecord): Record<string, unknown> {
  return { tokenId: record.id, tenantId: record.tenantId, permissions: record.permissions, name: record.name, createdBy: record.createdBy, createdAt: record.createdAt };
}

/** Registers the routes; register it with `{ prefix: '/admin/api' }`. */
export const tenantAdminPlugin: FastifyPluginAsync<TenantAdminOptions> = async (app, options) => {
  const { tenants, tokens, models, access } = options;
  app.addHook('onRequest', async function guardAdminRoute(request, reply) {
    return access.adminGuard.call(this, request, reply);
  });
  app.setErrorHandler(async (error, request, reply) => {
    const failure = toAdminErrorReply(error, { bodyLimit: options.bodyLimit });
    if (failure.status >= 500) request.log.error({ err: error }, 'tenant admin request failed');
    return reply.code(failure.status).send(failure.body);
  });

  const modelWithForm = async (model: WorkflowModelRecord) => ({
    wfModelId: model.id,
    tenantId: model.tenantId,
    schemeCode: model.schemeCode,
    name: model.name,
    state: model.state,
    permissions: model.permissions,
    startForm: await models.startFormOf(model),
    startFormIsDefault: model.startForm === null,
    createdAt: model.createdAt,
  });

  app.get('/tenants', { schema: ROUTES.listTenants.schema, ...DESCRIBE_ONLY }, async () => (await tenants.listTenants()).map((t) => ({ tenantId: t.id, ...t })));
  app.post('/tenants', { schema: ROUTES.createTenant.schema, ...DESCRIBE_ONLY }, async (request, reply) => {
    const fields = bodyObject(request.body);
    const parentId = optionalString(fields, 'parentId') ?? optionalString(fields, 'parentTenantId');
    const slug = optionalString(fields, 'slug');
    const tenant = await tenants.createTenant({
      name: requiredString(fields, 'name'),
      ...(parentId === undefined ? {} : { parentId }),
      ...(slug === undefined ? {} : { slug }),
    });
    return reply.code(201).send({ tenantId: tenant.id, ...tenant });
  });

  app.get('/models', { schema: ROUTES.listModels.schema, ...DESCRIBE_ONLY }, async (request) => {
    const tenantId = optionalQuery(request.query as QueryValues, 'tenantId');
    return Promise.all((await models.listAllModels(tenantId)).map(modelWithForm));
  });
  app.get('/models/:wfModelId', { schema: ROUTES.getModel.schema, ...DESCRIBE_ONLY }, async (request) => modelWithForm(await models.getModel((request.params as { wfModelId: string }).wfModelId)));
  app.post('/models', { schema: ROUTES.publishModel.schema, ...DESCRIBE_ONLY }, async (request, reply) => {
    const fields = bodyObject(request.body);
    const name = optionalString(fields, 'name');
    const model = await models.publishModel({
      schemeCode: requiredString(fields, 'schemeCode'),
      tenantId: requiredString(fields, 'tenantId'),
      ...(name === undefined ? {} : { name }),
      ...(fields.state === undefined ? {} : { state: fields.state as WorkflowModelRecord['state'] }),
      isPublic: fields.public === true,
      ...(fields.permissions === undefined ? {} : { permissions: fields.permissions as WorkflowModelRecord['permissions'] }),
      ...(fields.startForm === undefined ? {} : { startForm: fields.startForm as WorkflowModelRecord['startForm'] }),
    });
    return reply.code(201).send(await modelWithForm(model));
  });
  app.patch('/models/:wfModelId', { schema: ROUTES.changeModel.schema, ...DESCRIBE_ONLY }, async (request) => {
    const fields = bodyObject(request.body);
    const name = optionalString(fields, 'name');
    const model = await models.updateModel((request.params as { wfModelId: string }).wfModelId, {
      ...(name === undefined ? {} : { name }),
      ...(fields.state === undefined ? {} : { state: fields.state as WorkflowModelRecord['state'] }),
      ...(fields.permissions === undefined ? {} : { permissions: fields.permissions as WorkflowModelRecord['permissions'] }),
      ...(fields.startForm === undefined ? {} : { startForm: fields.startForm as WorkflowModelRecord['startForm'] }),
    });
    return modelWithForm(model);
  });

  app.get('/tokens', { schema: ROUTES.listTokens.schema, ...DESCRIBE_ONLY }, async (request) => {
    const tenantId = optionalQuery(request.query as QueryValues, 'tenantId');
    return (await tokens.listTokens(tenantId)).map(tokenSummary);
  });
  app.post('/tokens', { schema: ROUTES.createToken.schema, ...DESCRIBE_ONLY }, async (request, reply) => {
    const fields = bodyObject(request.body);
    const permissions = fields.permissions;
    if (permissions !== undefined && (!Array.isArray(permissions) || permissions.some((p) => typeof p !== 'string'))) {
      throw new WaymarkError('WM_INPUT_INVALID', 'permissions must be an array of permission names', { field: 'permissions' });
    }
    const name = optionalString(fields, 'name');
    const createdBy = optionalString(fields, 'createdBy');
    const { token, record } = await tokens.createToken({
      tenantId: requiredString(fields, 'tenantId'),
      ...(permissions === undefined ? {} : { permissions: permissions as string[] }),
      ...(name === undefined ? {} : { name }),
      ...(createdBy === undefined ? {} : { createdBy }),
    });
    return reply.code(201).send({ token, ...tokenSummary(record) });
  });
  app.delete('/tokens/:tokenId', { schema: ROUTES.deleteToken.schema, ...DESCRIBE_ONLY }, async (request, reply) => {
    await tokens.deleteToken((request.params as { tokenId: string }).tokenId);
    return reply.code(204).send();
  });
};
