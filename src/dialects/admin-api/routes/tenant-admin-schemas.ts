/**
 * The schemas of the `/api/v1` management routes under `/admin/api` (tenants, workflow models, API
 * tokens; api-v1/tenant-admin-plugin.ts). They live here, with the admin API's other schemas,
 * because the admin API's OpenAPI document lists these routes too: the `/api/v1` plugin registers
 * them in a scope of its own, which the admin document's collector does not see, so
 * openapi-document.ts adds their paths from {@link TENANT_ADMIN_ROUTES}.
 */
import { Type } from '@sinclair/typebox';
import { errorResponses } from './schemas.js';

const Tags = ['Tenants and models'];
const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

const Tenant = Type.Object({
  tenantId: Type.String(),
  id: Type.String(),
  name: Type.String(),
  slug: Type.String(),
  type: Type.String({ enum: ['organization', 'group'] }),
  parentId: nullable(Type.String()),
  ownerUserId: nullable(Type.String()),
  status: Type.String({ enum: ['active', 'inactive'] }),
  roles: Type.Array(Type.Object({ roleId: Type.String(), roleDisplayName: Type.String(), isDefault: Type.Boolean() })),
  createdAt: Type.String({ format: 'date-time' }),
});

const StartFormField = Type.Object({ name: Type.String(), type: Type.String(), required: Type.Boolean() });
const Permission = Type.Object({ allowedTenantId: Type.String(), requiredPermission: nullable(Type.String()) });

const Model = Type.Object({
  wfModelId: Type.String(),
  tenantId: Type.String(),
  schemeCode: Type.String(),
  name: Type.String(),
  state: Type.String({ enum: ['active', 'unpublished'] }),
  permissions: Type.Array(Permission),
  startForm: Type.Array(StartFormField, { description: "The start form; the scheme's Persistence parameters unless set" }),
  startFormIsDefault: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});

const ModelChanges = {
  name: Type.Optional(Type.String({ description: 'The name shown to clients; the scheme name by default' })),
  state: Type.Optional(Type.String({ enum: ['active', 'unpublished'], description: 'Only active models can be started' })),
  permissions: Type.Optional(Type.Array(Permission, { description: 'Which tenants may use the model, with which token permission' })),
  startForm: Type.Optional(Type.Union([Type.Array(StartFormField), Type.Null()], { description: "The start form; null for the scheme's Persistence parameters" })),
};

const TokenSummary = Type.Object({
  tokenId: Type.String(),
  tenantId: Type.String(),
  permissions: Type.Array(Type.String()),
  name: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

const TenantQuery = Type.Object({ tenantId: Type.Optional(Type.String({ description: 'Only those of this tenant' })) });
const ModelParams = Type.Object({ wfModelId: Type.String({ description: 'The workflow model' }) });

/** Each route: method, URL (under `/admin/api`) and schema. */
export const TENANT_ADMIN_ROUTES = {
  listTenants: { method: 'GET', url: '/tenants', schema: { tags: Tags, summary: 'List the tenants (organizations and groups)', response: { 200: Type.Array(Tenant), ...errorResponses() } } },
  createTenant: {
    method: 'POST',
    url: '/tenants',
    schema: {
      tags: Tags,
      summary: 'Create an organization, or a group of one (parentId)',
      body: Type.Object({
        name: Type.String({ description: 'The display name' }),
        parentId: Type.Optional(Type.String({ description: 'The organization of a new group (parentTenantId is accepted too)' })),
        slug: Type.Optional(Type.String({ description: 'A URL-safe name; made from the name by default' })),
      }),
      response: { 201: Tenant, ...errorResponses(400, 404, 409, 413, 415) },
    },
  },
  listModels: { method: 'GET', url: '/models', schema: { tags: Tags, summary: 'List the workflow models', querystring: TenantQuery, response: { 200: Type.Array(Model), ...errorResponses() } } },
  getModel: { method: 'GET', url: '/models/:wfModelId', schema: { tags: Tags, summary: 'One workflow model', params: ModelParams, response: { 200: Model, ...errorResponses(404) } } },
  publishModel: {
    method: 'POST',
    url: '/models',
    schema: {
      tags: Tags,
      summary: 'Publish a scheme to a tenant as a workflow model',
      body: Type.Object({
        schemeCode: Type.String({ description: 'The scheme to publish' }),
        tenantId: Type.String({ description: 'The tenant that owns the model' }),
        public: Type.Optional(Type.Boolean({ description: 'Every tenant may use it' })),
        ...ModelChanges,
      }),
      response: { 201: Model, ...errorResponses(400, 404, 409, 413, 415) },
    },
  },
  changeModel: {
    method: 'PATCH',
    url: '/models/:wfModelId',
    schema: { tags: Tags, summary: 'Change a workflow model', params: ModelParams, body: Type.Object(ModelChanges), response: { 200: Model, ...errorResponses(400, 404, 413, 415) } },
  },
  listTokens: { method: 'GET', url: '/tokens', schema: { tags: Tags, summary: 'List the /api/v1 API tokens (never their secrets)', querystring: TenantQuery, response: { 200: Type.Array(TokenSummary), ...errorResponses() } } },
  createToken: {
    method: 'POST',
    url: '/tokens',
    schema: {
      tags: Tags,
      summary: 'Create an /api/v1 API token; the secret is shown only in this answer',
      body: Type.Object({
        tenantId: Type.String({ description: 'The tenant the token acts for' }),
        permissions: Type.Optional(Type.Array(Type.String(), { description: 'Permission names; every permission by default' })),
        name: Type.Optional(Type.String({ description: 'Shown as the initiator of the instances it starts' })),
        createdBy: Type.Optional(Type.String({ description: 'Who created it' })),
      }),
      response: { 201: Type.Composite([Type.Object({ token: Type.String({ description: 'The secret' }) }), TokenSummary]), ...errorResponses(400, 404, 413, 415) },
    },
  },
  deleteToken: {
    method: 'DELETE',
    url: '/tokens/:tokenId',
    schema: {
      tags: Tags,
      summary: 'Delete an /api/v1 API token',
      params: Type.Object({ tokenId: Type.String({ description: 'The token id' }) }),
      response: { 204: Type.Null({ description: 'Deleted' }), ...errorResponses(404) },
    },
  },
} as const;
