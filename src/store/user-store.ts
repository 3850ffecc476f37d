/**
 * The user seam of the store: users with their roles and the credentials they sign in with.
 */
import type { JsonValue } from '../engine/types.js';

/** How a credential signs its user in: the password (with the user's login), or an external account. */
export type CredentialKind = 'password' | 'external';

/** One way a user signs in, with an id of its own (the vendor's `deletecredential` takes it). */
export interface StoredCredential {
  /** A GUID. */
  readonly id: string;
  readonly kind: CredentialKind;
  /** scrypt hash `scrypt$N$r$p$salt$hash` (base64) of a password credential, never returned by APIs; null for an external one. */
  readonly passwordHash: string | null;
  /** The provider of an external account (e.g. `Google`); null for the password. */
  readonly provider: string | null;
  /** The account's sign-in name at the provider; null for the password (its login is the user's). */
  readonly login: string | null;
  /** An external account as the client described it; {} for the password. */
  readonly details: Readonly<Record<string, JsonValue>>;
  readonly createdAt: string;
}

/** A user as stored, with roles and credentials. */
export interface StoredUser {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly phone: string | null;
  /** The sign-in name of the password credential. */
  readonly login: string | null;
  readonly domainLogin: string | null;
  readonly isLocked: boolean;
  readonly tenantId: string | null;
  readonly extensions: Readonly<Record<string, JsonValue>>;
  /** At most one password credential and any number of external ones, oldest first. */
  readonly credentials: readonly StoredCredential[];
  readonly roles: readonly string[];
  /** Optimistic-concurrency stamp. */
  readonly lock: number;
  readonly createdAt: string;
}

/** A user as written: the store sets the lock and the creation time. */
export type UserWrite = Omit<StoredUser, 'lock' | 'createdAt'>;

/** Which users {@link UserStore.listUsers} reads, and which page of them. */
export interface UserFilter {
  role?: string;
  /** Substring of the name, case-insensitive. */
  name?: string;
  /** The whole email, case-insensitive. */
  email?: string;
  phone?: string;
  tenantId?: string;
  skip?: number;
  /** 0 or absent = all. */
  take?: number;
}

/** Where users, their roles and their credentials are kept. */
export interface UserStore {
  getUser(id: string): Promise<StoredUser | null>;
  /** A page of the users that match, ordered by name, and how many match. */
  listUsers(filter: UserFilter): Promise<{ readonly items: readonly StoredUser[]; readonly total: number }>;
  /** WM_USER_EXISTS when the id or the login is taken. */
  createUser(user: UserWrite, now: Date): Promise<StoredUser>;
  /** Updates when `expectedLock` matches (or is absent); WM_LOCK_CONFLICT otherwise. */
  updateUser(user: UserWrite, expectedLock: number | undefined): Promise<StoredUser>;
  /** The user a credential (by its id) belongs to, or null. */
  getUserByCredential(credentialId: string): Promise<StoredUser | null>;
  /** True when a user was deleted (with their roles and credentials). */
  deleteUser(id: string): Promise<boolean>;
  usersInRole(role: string): Promise<readonly string[]>;
  isInRole(identityId: string, role: string): Promise<boolean>;
}
