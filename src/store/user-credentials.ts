/**
 * Users' credentials, each with an id of its own (the vendor's `deletecredential` takes it): the
 * password, whose sign-in name is the user's login, and external accounts. Until migration
 * 0009 they were columns of `users` (`password_hash`, and `external_logins` as a JSON array);
 * the migration moves them into `user_credentials`.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Migration } from 'kysely';
import type { JsonValue } from '../engine/types.js';
import { credentialColumns } from './rows.js';
import type { StoredCredential } from './store.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Field names (any letter case) an external account may name its provider and its sign-in name by. */
const PROVIDER_FIELDS = ['externalprovidername', 'providername', 'provider'];
const LOGIN_FIELDS = ['login', 'externalid', 'providerkey', 'key'];

/** The GUID an external account names as its `id` (any letter case), lower-cased, or null. */
export function givenCredentialId(account: JsonValue): string | null {
  if (account === null || typeof account !== 'object' || Array.isArray(account)) return null;
  for (const [key, value] of Object.entries(account)) {
    if (key.toLowerCase() === 'id' && typeof value === 'string' && GUID.test(value)) return value.toLowerCase();
  }
  return null;
}

/**
 * An external account as a credential with the given id. `account` is what the client sent (an
 * object, or a bare sign-in name); its provider and sign-in name are read from the usual field
 * names in any letter case, and its own `id` field is not kept in the details.
 */
export function externalCredential(account: JsonValue, id: string, createdAt: string): StoredCredential {
  const details: Record<string, JsonValue> =
    account !== null && typeof account === 'object' && !Array.isArray(account) ? { ...account } : { login: account };
  for (const key of Object.keys(details)) if (key.toLowerCase() === 'id') delete details[key];
  const field = (names: readonly string[]): string | null => {
    for (const [key, value] of Object.entries(details)) {
      if (names.includes(key.toLowerCase()) && typeof value === 'string' && value !== '') return value;
    }
    return null;
  };
  return { id, kind: 'external', passwordHash: null, provider: field(PROVIDER_FIELDS), login: field(LOGIN_FIELDS), details, createdAt };
}

/** A password credential (its sign-in name is the user's login). */
export function passwordCredential(passwordHash: string, id: string, createdAt: string): StoredCredential {
  return { id, kind: 'password', passwordHash, provider: null, login: null, details: {}, createdAt };
}

/** Migration 0009: the `user_credentials` table, filled from the two columns of `users` it replaces. */
export function userCredentialsSchema(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('user_credentials')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('provider', 'text')
        .addColumn('login', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('user_credentials_user_id_index').on('user_credentials').column('user_id').execute();

      const users = (await db.selectFrom('users').select(['id', 'password_hash', 'external_logins', 'created_at']).execute()) as {
        id: string;
        password_hash: string | null;
        external_logins: string;
        created_at: string;
      }[];
      // An account's own GUID id is kept (Waymark 0.1 removed external logins by it), unless another took it.
      const taken = new Set<string>();
      const idFor = (account: JsonValue): string => {
        const given = givenCredentialId(account);
        const id = given !== null && !taken.has(given) ? given : randomUUID();
        taken.add(id);
        return id;
      };
      for (const user of users) {
        const accounts = JSON.parse(user.external_logins) as JsonValue[];
        const credentials = [
          ...(user.password_hash === null ? [] : [passwordCredential(user.password_hash, idFor(null), user.created_at)]),
          ...(Array.isArray(accounts) ? accounts.map((account) => externalCredential(account, idFor(account), user.created_at)) : []),
        ];
        if (credentials.length === 0) continue;
        await db
          .insertInto('user_credentials')
          .values(
            credentials.map((credential, position) => credentialColumns(user.id, position, credential)),
          )
          .execute();
      }
      await db.schema.alterTable('users').dropColumn('password_hash').execute();
      await db.schema.alterTable('users').dropColumn('external_logins').execute();
    },
  };
}
