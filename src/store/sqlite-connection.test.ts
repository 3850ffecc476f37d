import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { rowsOf, type SqlProgram } from './direct-sql.js';
import { ConnectionGate, gatedSqliteDialect, sqliteDirectSql, StatementCache } from './sqlite-connection.js';

/** `executed` lists every statement SQLite ran, transaction control included. */
function openConnection() {
  const executed: string[] = [];
  const database = new BetterSqlite3(':memory:', { verbose: (text) => executed.push(String(text)) });
  const statements = new StatementCache(database);
  const gate = new ConnectionGate();
  const db = new Kysely<{ items: { name: string } }>({ dialect: gatedSqliteDialect(database, statements, gate) });
  const direct = sqliteDirectSql(database, statements, gate);
  return { database, db, direct, executed };
}

const savepointsIn = (executed: readonly string[]) => executed.filter((text) => /^savepoint\b/i.test(text)).length;

function* insertItem(name: string): SqlProgram<void> {
  yield { text: 'insert into items (name) values (?)', parameters: [name] };
}

function* failAfterInserting(name: string): SqlProgram<void> {
  yield* insertItem(name);
  throw new Error(`${name} refused`);
}

describe('the SQLite connection shared by kysely and direct SQL', () => {
  it('a direct read waits while kysely holds a transaction open, and sees only what it committed', async (t) => {
    const { db, direct } = openConnection();
    t.after(() => db.destroy());
    await sql`create table items (name text not null)`.execute(db);

    let releaseTransaction!: () => void;
    const transactionHeld = new Promise<void>((resolve) => (releaseTransaction = resolve));
    let insideTransaction!: () => void;
    const inside = new Promise<void>((resolve) => (insideTransaction = resolve));
    const transaction = db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ name: 'from kysely' }).execute();
      insideTransaction();
      await transactionHeld;
    });
    await inside;

    let readDone = false;
    const read = direct.read(rowsOf('select name from items', [])).then((rows) => {
      readDone = true;
      return rows;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(readDone, false, 'the read must not run inside the open transaction');

    releaseTransaction();
    await transaction;
    assert.deepEqual(await read, [{ name: 'from kysely' }]);
  });

  it('runs at once when the connection is free', async (t) => {
    const { db, direct } = openConnection();
    t.after(() => db.destroy());
    await sql`create table items (name text not null)`.execute(db);
    await direct.writeEach([() => insertItem('a')]);
    assert.deepEqual(await direct.read(rowsOf('select name from items', [])), [{ name: 'a' }]);
  });

  it('a direct read answers rows keyed by column, and leaves a statement kysely shares answering objects too', async (t) => {
    const { db, direct } = openConnection();
    t.after(() => db.destroy());
    await sql`create table items (name text not null, size integer)`.execute(db);
    await direct.writeEach([function* () {
      yield { text: 'insert into items (name, size) values (?, ?), (?, ?)', parameters: ['a', 1, 'b', null] };
    }]);
    const repeated = 'select name, size, name || ? as name from items order by name';
    assert.deepEqual(await direct.read(rowsOf(repeated, ['!'])), [{ name: 'a!', size: 1 }, { name: 'b!', size: null }], 'the last of a repeated name wins');
    assert.deepEqual(await direct.read(rowsOf('select name from items where size = ?', [2])), []);
    // kysely prepares the same text from the shared statement cache.
    const shared = 'select name from items order by name';
    assert.deepEqual(await direct.read(rowsOf(shared, [])), [{ name: 'a' }, { name: 'b' }]);
    assert.deepEqual((await sql.raw<{ name: string }>(shared).execute(db)).rows, [{ name: 'a' }, { name: 'b' }]);
  });

  it('writeEach rolls back only the program that failed; alone, a failing program writes nothing', async (t) => {
    const { db, direct } = openConnection();
    t.after(() => db.destroy());
    await sql`create table items (name text not null)`.execute(db);

    const outcomes = await direct.writeEach([() => insertItem('kept-1'), () => failAfterInserting('dropped'), () => insertItem('kept-2')]);
    assert.equal(outcomes[0], undefined);
    assert.match(String(outcomes[1]), /dropped refused/);
    assert.equal(outcomes[2], undefined);

    const [alone] = await direct.writeEach([() => failAfterInserting('alone')]);
    assert.match(String(alone), /alone refused/);
    assert.deepEqual((await direct.read(rowsOf('select name from items order by name', []))).map((row) => row.name), ['kept-1', 'kept-2']);
  });

  it('writeEach commits a batch in which no program fails without a savepoint, each program run once', async (t) => {
    const { db, direct, executed } = openConnection();
    t.after(() => db.destroy());
    await sql`create table items (name text not null)`.execute(db);
    const runs = new Map<string, number>();
    const counted = (name: string) => () => {
      runs.set(name, (runs.get(name) ?? 0) + 1);
      return insertItem(name);
    };

    executed.length = 0;
    const outcomes = await direct.writeEach([counted('a'), counted('b'), counted('c')]);
    assert.deepEqual(outcomes, [undefined, undefined, undefined]);
    assert.equal(savepointsIn(executed), 0, executed.join('\n'));
    assert.deepEqual(Object.fromEntries(runs), { a: 1, b: 1, c: 1 });
    assert.deepEqual((await direct.read(rowsOf('select name from items order by name', []))).map((row) => row.name), ['a', 'b', 'c']);
  });

  it('writeEach runs a batch again with a savepoint per program when one fails, so it commits once, without the failing one', async (t) => {
    const { db, direct, executed } = openConnection();
    t.after(() => db.destroy());
    await sql`create table items (name text not null)`.execute(db);

    executed.length = 0;
    const outcomes = await direct.writeEach([() => insertItem('kept-1'), () => failAfterInserting('dropped'), () => insertItem('kept-2')]);
    assert.match(String(outcomes[1]), /dropped refused/);
    assert.equal(savepointsIn(executed), 3, 'the second run puts each program in a savepoint');
    assert.equal(executed.filter((text) => /^commit\b/i.test(text)).length, 1);
    assert.deepEqual((await direct.read(rowsOf('select name from items order by name', []))).map((row) => row.name), ['kept-1', 'kept-2']);
  });

  it('kysely waits for a direct transaction queued before it, in arrival order', async (t) => {
    const { db, direct } = openConnection();
    t.after(() => db.destroy());
    await sql`create table items (name text not null)`.execute(db);

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ name: '1' }).execute();
      await held;
    });
    await new Promise((resolve) => setImmediate(resolve));
    const second = direct.writeEach([() => insertItem('2')]);
    const third = db.insertInto('items').values({ name: '3' }).execute();
    release();
    await Promise.all([first, second, third]);
    assert.deepEqual((await direct.read(rowsOf('select name from items order by rowid', []))).map((row) => row.name), ['1', '2', '3']);
  });
});
