/**
 * Users, roles and credentials over SQL: a user's rows in three tables, written together in one
 * transaction and read back together.
 */
import type { SelectQueryBuilder, Transaction } from 'kysely';
import { WaymarkError } from '../errors/index.js';
import { credentialColumns, credentialFromRow, userColumns, userFromRow } from './rows.js';
import { containsIgnoringCase, pagingOf, type SqlDialectFacts, type WaymarkDb, type WaymarkExecutor } from './sql-dialect-facts.js';
import type { WaymarkDatabase } from './tables.js';
import type { StoredCredential, StoredUser, UserFilter, UserStore, UserWrite } from './user-store.js';

/** {@link UserStore} over a migrated kysely database. */
export class SqlUserStore implements UserStore {
  constructor(
    private readonly db: WaymarkDb,
    private readonly dialect: SqlDialectFacts,
  ) {}

  async getUser(id: string): Promise<StoredUser | null> {
    return (await this.loadUsers(this.db, [id]))[0] ?? null;
  }

  private async loadUsers(executor: WaymarkExecutor, ids: readonly string[]): Promise<StoredUser[]> {
    if (ids.length === 0) return [];
    const rows = await executor.selectFrom('users').selectAll().where('id', 'in', [...ids]).execute();
    const roleRows = await executor.selectFrom('user_roles').selectAll().where('user_id', 'in', [...ids]).orderBy('role').execute();
    const rolesByUser = new Map<string, string[]>();
    for (const { user_id, role } of roleRows) {
      const roles = rolesByUser.get(user_id) ?? [];
      roles.push(role);
      rolesByUser.set(user_id, roles);
    }
    const credentialRows = await executor
      .selectFrom('user_credentials')
      .selectAll()
      .where('user_id', 'in', [...ids])
      .orderBy('user_id')
      .orderBy('position')
      .execute();
    const credentialsByUser = new Map<string, StoredCredential[]>();
    for (const row of credentialRows) {
      const credentials = credentialsByUser.get(row.user_id) ?? [];
      credentials.push(credentialFromRow(row));
      credentialsByUser.set(row.user_id, credentials);
    }
    const byId = new Map(rows.map((row) => [row.id, userFromRow(row, rolesByUser.get(row.id) ?? [], credentialsByUser.get(row.id) ?? [])]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async getUserByCredential(credentialId: string): Promise<StoredUser | null> {
    const owner = await this.db.selectFrom('user_credentials').select('user_id').where('id', '=', credentialId).executeTakeFirst();
    return owner ? this.getUser(owner.user_id) : null;
  }

  async listUsers(filter: UserFilter): Promise<{ readonly items: readonly StoredUser[]; readonly total: number }> {
    const filtered = <O>(builder: SelectQueryBuilder<WaymarkDatabase, 'users', O>) => {
      let q = builder;
      if (filter.role !== undefined) {
        const role = filter.role;
        q = q.where('id', 'in', (eb) => eb.selectFrom('user_roles').select('user_id').where('role', '=', role));
      }
      if (filter.name) q = q.where(containsIgnoringCase('name', filter.name));
      if (filter.email) q = q.where((eb) => eb(eb.fn('lower', ['email']), '=', filter.email!.toLowerCase()));
      if (filter.phone) q = q.where('phone', '=', filter.phone);
      if (filter.tenantId !== undefined) q = q.where('tenant_id', '=', filter.tenantId);
      return q;
    };
    const totalRow = await filtered(this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('count'))).executeTakeFirstOrThrow();
    const { offset, limit } = pagingOf(filter.skip, filter.take);
    let idsQuery = filtered(this.db.selectFrom('users').select('id')).orderBy('name').orderBy('id');
    idsQuery = idsQuery.limit(limit).offset(offset);
    const ids = (await idsQuery.execute()).map((r) => r.id);
    return { items: await this.loadUsers(this.db, ids), total: Number(totalRow.count) };
  }

  async createUser(user: UserWrite, now: Date): Promise<StoredUser> {
    return this.db.transaction().execute(async (trx) => {
      try {
        await trx.insertInto('users').values({ ...userColumns(user), lock: 1, created_at: now.toISOString() }).execute();
      } catch (error) {
        if (!this.dialect.isUniqueViolation(error)) throw error;
        throw new WaymarkError(
          'WM_USER_EXISTS',
          `A user with id '${user.id}'${user.login ? ` or login '${user.login}'` : ''} already exists`,
          { userId: user.id, login: user.login },
          { cause: error },
        );
      }
      await insertRoles(trx, user.id, user.roles);
      await insertCredentials(trx, user.id, user.credentials);
      return (await this.loadUsers(trx, [user.id]))[0]!;
    });
  }

  async updateUser(user: UserWrite, expectedLock: number | undefined): Promise<StoredUser> {
    return this.db.transaction().execute(async (trx) => {
      let update = trx
        .updateTable('users')
        .set((eb) => ({ ...userColumns(user), lock: eb('lock', '+', 1) }))
        .where('id', '=', user.id);
      if (expectedLock !== undefined) update = update.where('lock', '=', expectedLock);
      let result;
      try {
        result = await update.executeTakeFirst();
      } catch (error) {
        if (!this.dialect.isUniqueViolation(error)) throw error;
        throw new WaymarkError('WM_USER_EXISTS', `Another user already has the login '${user.login}'`, { userId: user.id, login: user.login }, { cause: error });
      }
      if (Number(result.numUpdatedRows) === 0) {
        const exists = await trx.selectFrom('users').select('lock').where('id', '=', user.id).executeTakeFirst();
        if (!exists) throw new WaymarkError('WM_USER_NOT_FOUND', `User '${user.id}' does not exist`, { userId: user.id });
        throw new WaymarkError(
          'WM_LOCK_CONFLICT',
          `User '${user.id}' was changed by someone else (lock ${exists.lock}, expected ${expectedLock}); reload and retry`,
          { userId: user.id, lock: exists.lock, expectedLock },
        );
      }
      await trx.deleteFrom('user_roles').where('user_id', '=', user.id).execute();
      await insertRoles(trx, user.id, user.roles);
      await trx.deleteFrom('user_credentials').where('user_id', '=', user.id).execute();
      await insertCredentials(trx, user.id, user.credentials);
      return (await this.loadUsers(trx, [user.id]))[0]!;
    });
  }

  async deleteUser(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('user_roles').where('user_id', '=', id).execute();
      await trx.deleteFrom('user_credentials').where('user_id', '=', id).execute();
      const result = await trx.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  async usersInRole(role: string): Promise<readonly string[]> {
    const rows = await this.db.selectFrom('user_roles').select('user_id').where('role', '=', role).orderBy('user_id').execute();
    return rows.map((r) => r.user_id);
  }

  async isInRole(identityId: string, role: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('user_roles')
      .select('user_id')
      .where('user_id', '=', identityId)
      .where('role', '=', role)
      .executeTakeFirst();
    return row !== undefined;
  }
}

async function insertRoles(trx: Transaction<WaymarkDatabase>, userId: string, roles: readonly string[]): Promise<void> {
  const unique = [...new Set(roles)];
  if (unique.length === 0) return;
  await trx.insertInto('user_roles').values(unique.map((role) => ({ user_id: userId, role }))).execute();
}

async function insertCredentials(trx: Transaction<WaymarkDatabase>, userId: string, credentials: readonly StoredCredential[]): Promise<void> {
  if (credentials.length === 0) return;
  await trx.insertInto('user_credentials').values(credentials.map((credential, position) => credentialColumns(userId, position, credential))).execute();
}
