/**
 * API tokens of the `/api/v1` dialect: created per tenant with permissions, shown once, kept
 * only as the SHA-256 of a 256-bit random secret, and found again by that hash.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { WaymarkError } from '../errors/index.js';
import type { ApiTokenRecord, TenantRecords } from '../store/tenant-records.js';
import { systemClock, type Clock } from './clock.js';
import type { TenantService } from './tenant-service.js';

/** The permissions an `/api/v1` token may carry, by the endpoints they open. */
export const API_PERMISSIONS = {
  /** `GET /workflowModels`, `POST /workflowModels/bulk`, `GET /organizations/{id}/groups`. */
  listWorkflowModels: 'list-workflow-models',
  /** `POST /workflowInstances`. */
  startWorkflowInstances: 'start-workflow-instances',
  /** `GET /workflowInstances`, `GET /workflowInstances/{id}/variables`. */
  getInstanceProperties: 'get-instance-properties',
  /** `GET /user/{email}/tasks`. */
  listUserTasks: 'list-user-tasks',
  /** `DELETE /workflowInstances/{id}`. */
  cancelWorkflowInstances: 'cancel-workflow-instances',
} as const;

/** Granted to a token created without a list: every permission of its tenant. */
export const ALL_PERMISSIONS = '*';

/** An authenticated caller: its token and the tenants it may see. */
export interface ApiCaller {
  readonly token: ApiTokenRecord;
  /** The token's tenant and, for an organization, its groups. */
  readonly visibleTenantIds: ReadonlySet<string>;
}

/** True when the caller's token grants `permission`. */
export function callerHas(caller: ApiCaller, permission: string): boolean {
  return caller.token.permissions.includes(ALL_PERMISSIONS) || caller.token.permissions.includes(permission);
}

/** WM_FORBIDDEN unless the caller's token grants `permission`. */
export function requirePermission(caller: ApiCaller, permission: string): void {
  if (!callerHas(caller, permission)) {
    throw new WaymarkError('WM_FORBIDDEN', `This API token does not grant the '${permission}' permission`, { permission });
  }
}

/** WM_FORBIDDEN unless the caller may see `tenantId`. */
export function requireTenantVisible(caller: ApiCaller, tenantId: string): void {
  if (!caller.visibleTenantIds.has(tenantId)) {
    throw new WaymarkError('WM_FORBIDDEN', `This API token has no access to tenant ${tenantId}`, { tenantId });
  }
}

/** What a new token is created from. */
export interface ApiTokenInput {
  readonly tenantId: string;
  /** Empty or absent: every permission of the tenant. */
  readonly permissions?: readonly string[];
  readonly name?: string;
  readonly createdBy?: string;
}

/** Hex SHA-256 of a token's text: what is stored and looked up. */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const TOKEN_PREFIX = 'wmk_';

/** Creates, lists, revokes and authenticates `/api/v1` tokens. */
export class ApiTokenService {
  constructor(
    private readonly records: TenantRecords,
    private readonly tenants: TenantService,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Creates a token; the returned `token` text is shown once and never stored. */
  async createToken(input: ApiTokenInput): Promise<{ token: string; record: ApiTokenRecord }> {
    const tenant = await this.tenants.getTenant(input.tenantId);
    const permissions = [...new Set((input.permissions ?? []).map((p) => p.trim()).filter((p) => p !== ''))];
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const record = await this.records.createApiToken({
      id: randomUUID(),
      tokenHash: hashApiToken(token),
      tenantId: tenant.id,
      permissions: permissions.length === 0 ? [ALL_PERMISSIONS] : permissions,
      name: input.name?.trim() || `${tenant.name} API token`,
      createdBy: input.createdBy?.trim() || tenant.name,
      createdAt: this.clock.now().toISOString(),
    });
    return { token, record };
  }

  /** Tokens (hashes only), of one tenant or all. */
  async listTokens(tenantId?: string): Promise<readonly ApiTokenRecord[]> {
    return this.records.listApiTokens(tenantId === undefined ? {} : { tenantId });
  }

  /** Revokes a token; WM_NOT_FOUND when there is none. */
  async deleteToken(id: string): Promise<void> {
    if (!(await this.records.deleteApiToken(id))) throw new WaymarkError('WM_NOT_FOUND', `API token ${id} is not found`, { tokenId: id });
  }

  /**
   * The caller of an `Authorization` header (`Bearer <token>` or the raw token);
   * WM_UNAUTHORIZED when it is missing or not a valid token.
   */
  async authenticate(authorization: string | undefined): Promise<ApiCaller> {
    const text = (authorization ?? '').trim().replace(/^Bearer\s+/i, '').trim();
    if (text === '') throw new WaymarkError('WM_UNAUTHORIZED', 'An API token is required in the Authorization header');
    const token = await this.records.findApiTokenByHash(hashApiToken(text));
    if (!token) throw new WaymarkError('WM_UNAUTHORIZED', 'The API token is not valid');
    return { token, visibleTenantIds: await this.tenants.visibleTenantIds(token.tenantId) };
  }
}
