/**
 * Throw-away PostgreSQL databases for tests. Each test gets a database of its own with a random
 * name, created through the admin connection `WAYMARK_TEST_PG_URL` (default
 * `postgres://postgres@127.0.0.1:5432/postgres`) and dropped when the test ends.
 *
 * There is no silent skip: when PostgreSQL cannot be reached the test fails and says how to
 * point it at a server.
 */
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import pg from 'pg';
import { createPostgresStore } from '../../src/store/postgres-store.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';

/** The admin connection used to create and drop test databases. */
export const ADMIN_URL = process.env.WAYMARK_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${ADMIN_URL} (${(error as Error).message}); start it or set WAYMARK_TEST_PG_URL to an admin connection URL`,
      { cause: error },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database and returns its URL; it is dropped (terminating its connections)
 * after the test. node:test runs `after` hooks in the order they were added, so the drop comes
 * before later cleanups: connections opened afterwards must tolerate being terminated (stores
 * from createPostgresStore do), or use {@link createDatabase} and drop last by hand.
 */
export async function createTestDatabase(t: Pick<TestContext, 'after'>): Promise<string> {
  const { url, drop } = await createDatabase();
  t.after(drop);
  return url;
}

/** Creates an empty database; the caller drops it (after closing every connection to it). */
export async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `waymark_test_${randomBytes(6).toString('hex')}`;
  // template0 with C collation: text orders by code point, as in SQLite.
  await withAdmin((client) => client.query(`create database ${name} template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => dropTestDatabase(name) };
}

async function dropTestDatabase(name: string): Promise<void> {
  await withAdmin(async (client) => {
    await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
    await client.query(`drop database if exists ${name}`);
  });
}

/** What a test may ask of the store it opens. */
export interface TestStoreOptions {
  /** Called with the text of every statement the store runs. */
  readonly onStatement?: (text: string) => void;
}

/** Opens a store on a fresh database; closed (then dropped) when the test ends. */
export async function openPostgresStore(t: Pick<TestContext, 'after'>, options: TestStoreOptions = {}): Promise<Store> {
  const { url, drop } = await createDatabase();
  let store: Store;
  try {
    store = await createPostgresStore({ url, ...options });
  } catch (error) {
    await drop();
    throw error;
  }
  t.after(async () => {
    await store.close().catch(() => undefined);
    await drop();
  });
  return store;
}

/** A named way to open an empty store, so one suite runs on every adapter. */
export interface StoreFactory {
  readonly name: 'sqlite' | 'postgres';
  open(t: Pick<TestContext, 'after'>, options?: TestStoreOptions): Promise<Store>;
}

/** SQLite `:memory:` and a fresh PostgreSQL database. */
export const STORE_FACTORIES: readonly StoreFactory[] = [
  {
    name: 'sqlite',
    async open(t, options = {}) {
      const store = await createSqliteStore({ filename: ':memory:', ...options });
      // Tests of closing close it themselves; a second close is harmless.
      t.after(() => store.close().catch(() => undefined));
      return store;
    },
  },
  { name: 'postgres', open: openPostgresStore },
];

/** The factory `WAYMARK_TEST_STORE` names (`sqlite`, the default, or `postgres`). */
export function storeFactoryFromEnvironment(): StoreFactory {
  const wanted = process.env.WAYMARK_TEST_STORE || 'sqlite';
  const factory = STORE_FACTORIES.find((f) => f.name === wanted);
  if (factory === undefined) throw new Error(`WAYMARK_TEST_STORE must be 'sqlite' or 'postgres', not '${wanted}'`);
  return factory;
}
