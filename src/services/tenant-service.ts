/**
 * Tenants of the `/api/v1` dialect: organizations and their groups. A group's parent is its
 * organization; an organization sees its groups' data, a group only its own.
 */
import { randomUUID } from 'node:crypto';
import { WaymarkError } from '../errors/index.js';
import type { Store, UserStore } from '../store/store.js';
import type { TenantRecord, TenantRecords, TenantRole } from '../store/tenant-records.js';
import { systemClock, type Clock } from './clock.js';

/** What a new tenant is created from. */
export interface TenantInput {
  readonly name: string;
  /** The organization a group belongs to; absent for an organization. */
  readonly parentId?: string | null;
  readonly slug?: string;
  readonly ownerUserId?: string | null;
  readonly id?: string;
}

const SLUG_INVALID = /[^a-z0-9]+/g;

/** Creates and reads tenants; answers which tenants a tenant's callers may see. */
export class TenantService {
  private readonly records: TenantRecords;

  constructor(
    private readonly store: UserStore & Pick<Store, 'tenantRecords'>,
    private readonly clock: Clock = systemClock,
    private readonly newId: () => string = randomUUID,
  ) {
    this.records = store.tenantRecords;
  }

  /** Creates an organization, or a group when `parentId` names an organization. */
  async createTenant(input: TenantInput): Promise<TenantRecord> {
    const name = input.name.trim();
    if (name === '') throw new WaymarkError('WM_INPUT_MISSING', 'A tenant needs a name', { field: 'name' });
    const parentId = input.parentId ?? null;
    if (parentId !== null) {
      const parent = await this.records.getTenant(parentId);
      if (!parent) throw new WaymarkError('WM_NOT_FOUND', `Organization ${parentId} is not found`, { tenantId: parentId });
      if (parent.type !== 'organization') {
        throw new WaymarkError('WM_INPUT_INVALID', `Tenant ${parentId} is a group; a group's parent must be an organization`, { tenantId: parentId });
      }
    }
    const id = input.id ?? this.newId();
    const slug = input.slug ?? `${name.toLowerCase().replace(SLUG_INVALID, '-').replace(/^-|-$/g, '') || 'tenant'}-${id.slice(0, 8)}`;
    const roles: TenantRole[] = parentId === null
      ? []
      : [
          { roleId: this.newId(), roleDisplayName: 'Member', isDefault: true },
          { roleId: this.newId(), roleDisplayName: 'Administrator', isDefault: false },
        ];
    return this.records.createTenant({
      id,
      name,
      slug,
      type: parentId === null ? 'organization' : 'group',
      parentId,
      ownerUserId: input.ownerUserId ?? null,
      status: 'active',
      roles,
      createdAt: this.clock.now().toISOString(),
    });
  }

  /** The tenant; WM_NOT_FOUND when there is none. */
  async getTenant(id: string): Promise<TenantRecord> {
    const tenant = await this.records.getTenant(id);
    if (!tenant) throw new WaymarkError('WM_NOT_FOUND', `Tenant ${id} is not found`, { tenantId: id });
    return tenant;
  }

  /** Every tenant, organizations and groups. */
  async listTenants(): Promise<readonly TenantRecord[]> {
    return this.records.listTenants({});
  }

  /** The groups of an organization. */
  async listGroups(organizationId: string): Promise<readonly TenantRecord[]> {
    return this.records.listTenants({ parentId: organizationId });
  }

  /** The tenant itself and, for an organization, its groups: what its callers may see. */
  async visibleTenantIds(tenantId: string): Promise<ReadonlySet<string>> {
    const tenant = await this.records.getTenant(tenantId);
    if (!tenant) return new Set();
    if (tenant.type === 'group') return new Set([tenant.id]);
    const groups = await this.records.listTenants({ parentId: tenant.id });
    return new Set([tenant.id, ...groups.map((g) => g.id)]);
  }

  /** How many users belong to a tenant. */
  async memberCount(tenantId: string): Promise<number> {
    return (await this.store.listUsers({ tenantId, take: 1 })).total;
  }
}
