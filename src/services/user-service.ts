/**
 * Users, roles and credentials as data: the `InRole` actor rule reads them from the same store,
 * so a role given here takes effect on the next inbox or command check.
 */
import { WaymarkError } from '../errors/index.js';
import type { JsonValue } from '../engine/types.js';
import { randomUUID } from 'node:crypto';
import type { CredentialKind, SettingsStore, StoredUser, UserFilter, UserStore } from '../store/store.js';
import { externalCredential, givenCredentialId, passwordCredential } from '../store/user-credentials.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { hashPassword } from './passwords.js';

/** The setting that blocks the User section of the Workflow API. */
export const USER_API_BLOCKED_SETTING = 'userApiBlocked';

/** The role that only the admin panel may give. */
export const ADMIN_ROLE = 'admin';

/** A credential as APIs show it: never the password hash. */
export interface PublicCredential {
  readonly id: string;
  readonly kind: CredentialKind;
  /** The password's sign-in name (the user's login), or the external account's. */
  readonly login: string | null;
  /** The provider of an external account; null for the password. */
  readonly provider: string | null;
}

/** A user as APIs show it: never a password hash. */
export type PublicUser = Omit<StoredUser, 'credentials'> & {
  readonly credentials: readonly PublicCredential[];
  readonly hasPassword: boolean;
  /** The external accounts as clients described them, each with its credential `id`. */
  readonly externalLogins: readonly JsonValue[];
};

/** Fields a caller may set on a user. */
export interface UserInput {
  readonly id: string;
  readonly name: string;
  readonly email?: string | null;
  readonly phone?: string | null;
  /** The password's sign-in name: given together with `password`, as the vendor's API requires. */
  readonly login?: string | null;
  /** A new password (hashed before it is stored): given together with `login`; absent keeps the old one. */
  readonly password?: string | null;
  readonly roles?: readonly string[];
  readonly domainLogin?: string | null;
  readonly extensions?: Readonly<Record<string, JsonValue>>;
  /** The external accounts; replaces them all. An account keeps its credential id when it carries it. */
  readonly externalLogins?: readonly JsonValue[];
  readonly isLocked?: boolean;
  readonly tenantId?: string | null;
}

/** The vendor's texts for a login and a password that must come together. */
export const CredentialTexts = {
  passwordRequiredWithLogin: "Parameter 'password' is required if parameter 'login' is set",
  loginRequiredWithPassword: "Parameter 'login' is required if parameter 'password' is set",
  passwordNotUpdatedAlone: 'The password cannot be updated without updating the user login.',
  loginNotUpdatedAlone: 'The user login cannot be updated without updating the password.',
} as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Strips the password hash. */
export function toPublicUser(user: StoredUser): PublicUser {
  const { credentials, ...rest } = user;
  return {
    ...rest,
    credentials: credentials.map((credential) => ({
      id: credential.id,
      kind: credential.kind,
      login: credential.kind === 'password' ? user.login : credential.login,
      provider: credential.provider,
    })),
    hasPassword: credentials.some((credential) => credential.kind === 'password'),
    externalLogins: credentials.filter((credential) => credential.kind === 'external').map((credential) => ({ ...credential.details, id: credential.id })),
  };
}

/** Users, their roles and credentials. */
export class UserService {
  constructor(
    private readonly store: UserStore & SettingsStore,
    private readonly clock: Clock = systemClock,
    private readonly newId: () => string = randomUUID,
  ) {}

  /** Throws WM_USER_API_BLOCKED when the setting blocks the User section. */
  async assertUserApiOpen(): Promise<void> {
    if ((await this.store.getSetting<boolean>(USER_API_BLOCKED_SETTING)) === true) {
      throw new WaymarkError('WM_USER_API_BLOCKED', 'User API blocked. Setting can be changed in configuration file.');
    }
  }

  /** A page of users matching the filter. */
  async list(filter: UserFilter): Promise<{ items: PublicUser[]; total: number }> {
    const page = await this.store.listUsers(filter);
    return { items: page.items.map(toPublicUser), total: page.total };
  }

  /** One user; WM_USER_NOT_FOUND when there is none. */
  async get(id: string): Promise<PublicUser> {
    return toPublicUser(await this.require(id));
  }

  /** Creates a user. A login and a password come together; the `admin` role is refused here. */
  async create(input: UserInput): Promise<PublicUser> {
    checkUserInput(input);
    const login = input.login ?? null;
    const password = input.password ?? null;
    if (login !== null && password === null) throw missing('password', CredentialTexts.passwordRequiredWithLogin);
    if (password !== null && login === null) throw missing('login', CredentialTexts.loginRequiredWithPassword);
    if (await this.store.getUser(input.id)) {
      throw new WaymarkError('WM_USER_EXISTS', `User ${input.id} already exists`, { userId: input.id });
    }
    const roles = normalizeRoles(input.roles ?? []);
    const now = this.clock.now().toISOString();
    const credentials = [
      ...(password === null ? [] : [passwordCredential(await hashPassword(password), this.newId(), now)]),
      ...(input.externalLogins ?? []).map((account) => externalCredential(account, this.newId(), now)),
    ];
    const created = await this.store.createUser(
      {
        id: input.id,
        name: input.name,
        email: input.email ?? null,
        phone: input.phone ?? null,
        login,
        domainLogin: input.domainLogin ?? null,
        isLocked: input.isLocked ?? false,
        tenantId: input.tenantId ?? null,
        extensions: input.extensions ?? {},
        credentials,
        roles,
      },
      this.clock.now(),
    );
    return toPublicUser(created);
  }

  /**
   * Updates a user: fields absent from `input` keep their values. The login and the password
   * change together (a password without its login, or another login without a new password, is
   * refused). `lock`, when given, must equal the stored stamp (optimistic concurrency:
   * WM_LOCK_CONFLICT otherwise).
   */
  async update(input: Partial<UserInput> & { id: string }, lock?: number): Promise<PublicUser> {
    const current = await this.require(input.id);
    const password = input.password ?? null;
    if (password !== null && input.login === undefined) throw missing('login', CredentialTexts.passwordNotUpdatedAlone);
    if (password !== null && input.login === null) throw missing('login', CredentialTexts.loginRequiredWithPassword);
    if (input.login !== undefined && input.login !== current.login && password === null) {
      throw missing('password', CredentialTexts.loginNotUpdatedAlone);
    }
    const now = this.clock.now().toISOString();
    let credentials = current.credentials;
    if (password !== null) {
      const existing = credentials.find((credential) => credential.kind === 'password');
      const renewed = passwordCredential(await hashPassword(password), existing?.id ?? this.newId(), existing?.createdAt ?? now);
      credentials = existing ? credentials.map((credential) => (credential === existing ? renewed : credential)) : [renewed, ...credentials];
    }
    if (input.externalLogins !== undefined) {
      // An account sent back with the id it was read with keeps its credential; any other is new.
      const kept = new Map(credentials.filter((credential) => credential.kind === 'external').map((credential) => [credential.id, credential]));
      const accounts = input.externalLogins.map((account) => {
        const previous = kept.get(givenCredentialId(account) ?? '');
        if (previous) kept.delete(previous.id);
        return externalCredential(account, previous?.id ?? this.newId(), previous?.createdAt ?? now);
      });
      credentials = [...credentials.filter((credential) => credential.kind === 'password'), ...accounts];
    }
    const merged = {
      id: current.id,
      name: input.name ?? current.name,
      email: input.email === undefined ? current.email : input.email,
      phone: input.phone === undefined ? current.phone : input.phone,
      login: input.login === undefined ? current.login : input.login,
      domainLogin: input.domainLogin === undefined ? current.domainLogin : input.domainLogin,
      isLocked: input.isLocked ?? current.isLocked,
      tenantId: input.tenantId === undefined ? current.tenantId : input.tenantId,
      extensions: input.extensions ?? current.extensions,
      credentials,
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

  /**
   * Removes a credential by its id: an external account, or the password together with its login.
   * `userId`, when given, must be the credential's owner. WM_NOT_FOUND when there is no such credential.
   */
  async deleteCredential(credentialId: string, userId?: string): Promise<void> {
    const owner = GUID.test(credentialId) ? await this.store.getUserByCredential(credentialId.toLowerCase()) : null;
    if (owner === null || (userId !== undefined && owner.id !== userId)) {
      throw new WaymarkError('WM_NOT_FOUND', `Credential ${credentialId} is not found`, { credentialId, ...(userId === undefined ? {} : { userId }) });
    }
    const removed = owner.credentials.find((credential) => credential.id === credentialId.toLowerCase());
    await this.store.updateUser(
      {
        ...owner,
        login: removed?.kind === 'password' ? null : owner.login,
        credentials: owner.credentials.filter((credential) => credential !== removed),
      },
      undefined,
    );
  }

  private async require(id: string): Promise<StoredUser> {
    const user = await this.store.getUser(id);
    if (!user) throw notFound(id);
    return user;
  }
}

function missing(field: string, text: string): WaymarkError {
  return new WaymarkError('WM_INPUT_MISSING', text, { field });
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
