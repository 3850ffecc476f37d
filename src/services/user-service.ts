/**
 * Users and roles as data: the `InRole` actor rule reads them from the same store,
 * so a role given here takes effect on the next inbox or command check.
 */
import { WaymarkError } from '../errors/index.js';
import type { JsonValue } from '../engine/types.js';
import type { Store, StoredUser } from '../store/store.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { hashPassword } from './passwords.js';

/** The setting that blocks the User section of the Workflow API. */
export const USER_API_BLOCKED_SETTING = 'userApiBlocked';

/** The role that only the admin panel may give. */
export const ADMIN_ROLE = 'admin';

/** A user as APIs show it: never the password hash. */
export type PublicUser = Omit<StoredUser, 'passwordHash'> & { readonly hasPassword: boolean };

/** Fields a caller may set on a user. */
export interface UserInput {
  readonly id: string;
  readonly name: string;
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly login?: string | null;
  /** A new password (hashed before it is stored); absent keeps the old one. */
  readonly password?: string | null;
  readonly roles?: readonly string[];
  readonly domainLogin?: string | null;
  readonly extensions?: Readonly<Record<string, JsonValue>>;
  readonly externalLogins?: readonly JsonValue[];
  readonly isLocked?: boolean;
  readonly tenantId?: string | null;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Strips the password hash. */
export function toPublicUser(user: StoredUser): PublicUser {
  const { passwordHash, ...rest } = user;
  return { ...rest, hasPassword: passwordHash !== null };
}

/** Users and their roles. */
export class UserService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Throws WM_USER_API_BLOCKED when the setting blocks the User section. */
  async assertUserApiOpen(): Promise<void> {
    if ((await this.store.getSetting<boolean>(USER_API_BLOCKED_SETTING)) === true) {
      throw new WaymarkError('WM_USER_API_BLOCKED', 'User API blocked. Setting can be changed in configuration file.');
    }
  }

  /** A page of users matching the filter. */
  async list(filter: Parameters<Store['listUsers']>[0]): Promise<{ items: PublicUser[]; total: number }> {
    const page = await this.store.listUsers(filter);
    return { items: page.items.map(toPublicUser), total: page.total };
  }

  /** One user; WM_USER_NOT_FOUND when there is none. */
  async get(id: string): Promise<PublicUser> {
    return toPublicUser(await this.require(id));
  }

  /** Creates a user. The `admin` role is refused here. */
  async create(input: UserInput): Promise<PublicUser> {
    checkUserInput(input);
    if (await this.store.getUser(input.id)) {
      throw new WaymarkError('WM_USER_EXISTS', `User ${input.id} already exists`, { userId: input.id });
    }
    const roles = normalizeRoles(input.roles ?? []);
    const created = await this.store.createUser(
      {
        id: input.id,
        name: input.name,
        email: input.email ?? null,
        phone: input.phone ?? null,
        login: input.login ?? null,
        passwordHash: input.password ? await hashPassword(input.password) : null,
        domainLogin: input.domainLogin ?? null,
        isLocked: input.isLocked ?? false,
        tenantId: input.tenantId ?? null,
        extensions: input.extensions ?? {},
        externalLogins: input.externalLogins ?? [],
        roles,
      },
      this.clock.now(),
    );
    return toPublicUser(created);
  }

  /**
   * Updates a user: fields absent from `input` keep their values. `lock`, when given, must equal
   * the stored stamp (optimistic concurrency: WM_LOCK_CONFLICT otherwise).
   */
  async update(input: Partial<UserInput> & { id: string }, lock?: number): Promise<PublicUser> {
    const current = await this.require(input.id);
    const merged = {
      id: current.id,
      name: input.name ?? current.name,
      email: input.email === undefined ? current.email : input.email,
      phone: input.phone === undefined ? current.phone : input.phone,
      login: input.login === undefined ? current.login : input.login,
      passwordHash: input.password ? await hashPassword(input.password) : current.passwordHash,
      domainLogin: input.domainLogin === undefined ? current.domainLogin : input.domainLogin,
      isLocked: input.isLocked ?? current.isLocked,
      tenantId: input.tenantId === undefined ? current.tenantId : input.tenantId,
      extensions: input.extensions ?? current.extensions,
      externalLogins: input.externalLogins ?? current.externalLogins,
      roles: input.roles === undefined ? current.roles : normalizeRoles(input.roles, current.roles),
    };
    checkUserInput(merged);
    return toPublicUser(await this.store.updateUser(merged, lock));
  }

  /** Deletes a user; WM_USER_NOT_FOUND when there is none. */
  async delete(id: string): Promise<void> {
    if (!(await this.store.deleteUser(id))) throw notFound(id);
  }

  /** Gives a role (never `admin`). */
  async addToRole(id: string, roleName: string): Promise<PublicUser> {
    const role = checkRoleName(roleName);
    const current = await this.require(id);
    if (current.roles.includes(role)) return toPublicUser(current);
    return this.update({ id, roles: [...current.roles, role] });
  }

  /** Takes a role away (never `admin`). */
  async removeFromRole(id: string, roleName: string): Promise<PublicUser> {
    const role = checkRoleName(roleName);
    const current = await this.require(id);
    return this.update({ id, roles: current.roles.filter((r) => r !== role) });
  }

  /** Removes a credential: the password, or an external login with that id. */
  async deleteCredential(userId: string, credentialId: string): Promise<void> {
    const current = await this.require(userId);
    if (credentialId === 'password' || credentialId === userId) {
      await this.store.updateUser({ ...current, passwordHash: null }, undefined);
      return;
    }
    const remaining = current.externalLogins.filter(
      (login) => !(login && typeof login === 'object' && !Array.isArray(login) && (login as Record<string, JsonValue>).id === credentialId),
    );
    if (remaining.length === current.externalLogins.length) {
      throw new WaymarkError('WM_NOT_FOUND', `Credential ${credentialId} of user ${userId} is not found`, { userId, credentialId });
    }
    await this.store.updateUser({ ...current, externalLogins: remaining }, undefined);
  }

  private async require(id: string): Promise<StoredUser> {
    const user = await this.store.getUser(id);
    if (!user) throw notFound(id);
    return user;
  }
}

function notFound(id: string): WaymarkError {
  return new WaymarkError('WM_USER_NOT_FOUND', `User ${id} is not found`, { userId: id });
}

function checkUserInput(input: { id: string; name: string }): void {
  if (!GUID.test(input.id)) {
    throw new WaymarkError('WM_INPUT_INVALID', `Parameter 'id' is required and must be GUID!`, { field: 'id' });
  }
  if (typeof input.name !== 'string' || input.name.trim() === '') {
    throw new WaymarkError('WM_INPUT_MISSING', `Parameter 'name' is required!`, { field: 'name' });
  }
}

function checkRoleName(roleName: string): string {
  const role = roleName.trim();
  if (role === '') throw new WaymarkError('WM_INPUT_MISSING', `Parameter 'roleName' is required!`, { field: 'roleName' });
  if (role.toLowerCase() === ADMIN_ROLE) {
    throw new WaymarkError('WM_ROLE_REFUSED', `The role '${ADMIN_ROLE}' can be given in the admin panel only`, { role });
  }
  return role;
}

/** Dedupes and checks roles; an `admin` role the user already had is kept, a new one refused. */
function normalizeRoles(roles: readonly string[], existing: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const raw of roles) {
    const role = typeof raw === 'string' ? raw.trim() : '';
    if (role === '') continue;
    if (role.toLowerCase() === ADMIN_ROLE && !existing.includes(role)) checkRoleName(role);
    if (!out.includes(role)) out.push(role);
  }
  return out;
}
