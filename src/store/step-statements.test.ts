import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { InboxItem, ProcessInstance } from '../engine/types.js';
import { runProgram, runProgramSync, type SqlStatement, type StatementResult } from './direct-sql.js';
import { migrateToLatest } from './migrations.js';
import { ConnectionGate, gatedSqliteDialect, sqliteDirectSql, StatementCache } from './sqlite-connection.js';
import { instanceColumns } from './rows.js';
import { familiesProgram, writeStepProgram } from './step-statements.js';
import type { StepWrite } from './store.js';
import { fakeInstance, fakeStep, fakeTransition, fakeWrite } from './testing.js';

/** Runs a program against canned results, recording what it asked. */
function record(program: Generator<SqlStatement, unknown, StatementResult>, answer: (statement: SqlStatement) => StatementResult = () => ({ rows: [], changes: 1 })): SqlStatement[] {
  const statements: SqlStatement[] = [];
  runProgramSync(program, (statement) => {
    statements.push(statement);
    return answer(statement);
  });
  return statements;
}

const sqliteFacts = { isUniqueViolation: (error: unknown) => (error as { code?: string }).code === 'UNIQUE' };

describe('step programs', () => {
  it('update only the columns that changed since the step read the instance, guarded by the revision', () => {
    const before = fakeInstance({ id: 'p1', revision: 4 });
    const after = { ...before, activityName: 'Review', stateName: 'Review', lastTransitionAt: '2026-01-01T00:01:00.000Z' };
    const step = fakeStep({ instances: [after], history: [fakeTransition('p1', 'Draft', 'Review')] });

    const statements = record(writeStepProgram({ step, expectedRevisions: new Map([['p1', 4]]), before: new Map([['p1', before]]) }, sqliteFacts));

    const update = statements[0]!;
    assert.equal(update.text, 'update "instances" set "activity_name" = ?, "state_name" = ?, "last_transition_at" = ?, "revision" = ? where "id" = ? and "revision" = ?');
    assert.deepEqual(update.parameters, ['Review', 'Review', '2026-01-01T00:01:00.000Z', 5, 'p1', 4]);
  });

  it('without the instance as read, write every column but the id', () => {
    const instance = fakeInstance({ id: 'p1', revision: 2 });
    const statements = record(writeStepProgram({ step: fakeStep({ instances: [instance] }), expectedRevisions: new Map([['p1', 2]]) }, sqliteFacts));
    assert.match(statements[0]!.text, /^update "instances" set "scheme_code" = \?, .*"last_transition_at" = \?, "revision" = \? where "id" = \? and "revision" = \?$/);
    assert.doesNotMatch(statements[0]!.text, /"id" = \?,/);
  });

  it('a stale revision changes no row and fails the step with WM_INSTANCE_CONFLICT before anything else is written', () => {
    const instance = fakeInstance({ id: 'p1', revision: 2 });
    const statements: SqlStatement[] = [];
    assert.throws(
      () => runProgramSync(writeStepProgram({ step: fakeStep({ instances: [instance], history: [fakeTransition('p1', 'A', 'B')] }), expectedRevisions: new Map([['p1', 2]]) }, sqliteFacts), (statement) => {
        statements.push(statement);
        return { rows: [], changes: 0 };
      }),
      (error: unknown) => (error as { code?: string }).code === 'WM_INSTANCE_CONFLICT',
    );
    assert.equal(statements.length, 1);
  });

  it('SQLite names the taken id after a failed insert; PostgreSQL looks before it inserts', async () => {
    const instance = fakeInstance({ id: 'taken' });
    const write = { step: fakeStep({ instances: [instance] }), expectedRevisions: new Map<string, number>() };
    const unique = Object.assign(new Error('UNIQUE constraint failed'), { code: 'UNIQUE' });

    const sqliteAsked: string[] = [];
    assert.throws(
      () => runProgramSync(writeStepProgram(write, sqliteFacts), (statement) => {
        sqliteAsked.push(statement.text.split(' ')[0]!);
        if (statement.text.startsWith('insert')) throw unique;
        return { rows: [{ id: 'taken' }], changes: 0 };
      }),
      (error: unknown) => (error as { code?: string; message: string }).code === 'WM_INSTANCE_EXISTS' && /taken/.test((error as Error).message),
    );
    assert.deepEqual(sqliteAsked, ['insert', 'select']);

    const postgresAsked: string[] = [];
    await assert.rejects(
      runProgram(writeStepProgram(write, { ...sqliteFacts, failedStatementAbortsTransaction: true }), async (statement) => {
        postgresAsked.push(statement.text.split(' ')[0]!);
        return { rows: [{ id: 'taken' }], changes: 0 };
      }),
      (error: unknown) => (error as { code?: string }).code === 'WM_INSTANCE_EXISTS',
    );
    assert.deepEqual(postgresAsked, ['select']);
  });

  it('history continues the order stored for each process within the insert, with no statement before it', () => {
    const step = fakeStep({
      instances: [fakeInstance({ id: 'p1', revision: 3 })],
      history: [fakeTransition('p1', 'A', 'B'), fakeTransition('p2', 'A', 'B'), fakeTransition('p1', 'B', 'C')],
    });
    const statements = record(writeStepProgram({ step, expectedRevisions: new Map([['p1', 3]]) }, sqliteFacts));
    assert.deepEqual(statements.map((s) => s.text.split(' ').slice(0, 3).join(' ')), ['update "instances" set', 'insert into "history"']);
    const insert = statements[1]!;
    const storedOrder = '(select coalesce(max("order"), 0) from "history" where "process_id" = ?) + ?';
    assert.equal(insert.text.split(storedOrder).length - 1, 3, 'each row numbered from its process\'s stored last');
    // Rows of 15 parameters: the process id, then the subquery's process id and the offset.
    assert.deepEqual([0, 15, 30].map((row) => insert.parameters.slice(row, row + 3)), [['p1', 'p1', 1], ['p2', 'p2', 1], ['p1', 'p1', 2]]);
  });

  it('timers: no statement for an instance that was read without timers and arms none, only the insert when it arms one, the delete when it drops one', () => {
    const timer = { processId: 'p1', name: 'Reminder', dueAt: 'x' };
    const timerStatements = (timers: typeof timer[], timersBefore: typeof timer[]) => {
      const step = fakeStep({ instances: [fakeInstance({ id: 'p1', revision: 1 })], timers: { p1: timers } });
      const write = { step, expectedRevisions: new Map([['p1', 1]]), timersBefore: new Map([['p1', timersBefore]]) };
      return record(writeStepProgram(write, sqliteFacts)).filter((s) => s.text.includes('"timers"')).map((s) => s.text.split(' ').slice(0, 3).join(' '));
    };
    assert.deepEqual(timerStatements([], []), []);
    assert.deepEqual(timerStatements([timer], []), ['insert into "timers"']);
    assert.deepEqual(timerStatements([timer], [timer]), ['insert into "timers"'], 'a kept timer is still written: the step ends its lease');
    assert.deepEqual(timerStatements([], [timer]), ['delete from "timers"']);
    assert.deepEqual(timerStatements([{ ...timer, name: 'Other' }], [timer]), ['delete from "timers"', 'insert into "timers"']);
  });

  it('timers read of an instance the step does not update are not relied on: its timer rows are deleted as without them', () => {
    const step = fakeStep({ instances: [fakeInstance({ id: 'p1', revision: 1 })], timers: { p1: [], p2: [] } });
    const write = { step, expectedRevisions: new Map([['p1', 1]]), timersBefore: new Map([['p1', []], ['p2', []]]) };
    const deletes = record(writeStepProgram(write, sqliteFacts)).filter((s) => s.text.startsWith('delete from "timers"'));
    assert.deepEqual(deletes.map((s) => s.parameters), [['p2']]);
  });

  it('a new instance has no rows yet: its history, inbox and timers are inserted without looking for old ones', () => {
    const step = fakeStep({
      instances: [fakeInstance({ id: 'p1' })],
      history: [fakeTransition('p1', 'Draft', 'Review')],
      inbox: { p1: [{ processId: 'p1', identityId: 'bob', availableCommands: ['Approve'], addedAt: 'a' }] },
      timers: { p1: [{ processId: 'p1', name: 'Reminder', dueAt: 'x' }] },
    });
    const statements = record(writeStepProgram({ step, expectedRevisions: new Map() }, sqliteFacts));
    assert.deepEqual(statements.map((s) => s.text.slice(0, s.text.indexOf(' ('))), ['insert into "instances"', 'insert into "history"', 'insert into "inbox"', 'insert into "timers"']);
    assert.equal(statements[1]!.parameters[1], 1, 'history starts at order 1');
  });

  it('a family read is one statement, timers joined: an instance with two timers is one instance', () => {
    const row = (id: string, timer: { name: string; dueAt: string } | null, parts: Partial<ProcessInstance> = {}) => ({
      ...instanceColumns(fakeInstance({ id, ...parts })),
      revision: 1,
      timer_name: timer?.name ?? null,
      timer_due_at: timer?.dueAt ?? null,
    });
    const statements: string[] = [];
    const families = runProgramSync(familiesProgram(['p1', 'p2']), (statement) => {
      statements.push(statement.text);
      return { rows: [row('p1', null), row('p2', { name: 'Late', dueAt: 'y' }), row('p2', { name: 'Early', dueAt: 'x' })], changes: 0 };
    });
    assert.equal(statements.length, 1);
    assert.deepEqual(families.get('p1'), { instances: [fakeInstance({ id: 'p1', revision: 1 })], timers: [] });
    assert.deepEqual(families.get('p2')?.instances.map((instance) => instance.id), ['p2']);
    assert.deepEqual(families.get('p2')?.timers, [{ processId: 'p2', name: 'Early', dueAt: 'x' }, { processId: 'p2', name: 'Late', dueAt: 'y' }], 'by due time');
  });

  it('a given subprocess read again with its root\'s family keeps its timers once', () => {
    const sub = { ...instanceColumns(fakeInstance({ id: 's1', parentProcessId: 'r1', rootProcessId: 'r1' })), revision: 1, timer_name: 'T', timer_due_at: 'x' };
    const root = { ...instanceColumns(fakeInstance({ id: 'r1' })), revision: 1, timer_name: null, timer_due_at: null };
    const answers = [[sub], [root, sub]];
    const families = runProgramSync(familiesProgram(['s1']), () => ({ rows: answers.shift()!, changes: 0 }));
    assert.equal(answers.length, 0, 'the root\'s family was read in a second statement');
    assert.deepEqual(families.get('s1')?.instances.map((instance) => instance.id), ['r1', 's1']);
    assert.deepEqual(families.get('s1')?.timers, [{ processId: 's1', name: 'T', dueAt: 'x' }]);
  });

  it('refuses a step that gives one instance two inbox items of one identity', () => {
    const item = { processId: 'p1', identityId: 'bob', availableCommands: ['Approve'], addedAt: 'a' };
    const step = fakeStep({ instances: [fakeInstance({ id: 'p1', revision: 1 })], inbox: { p1: [item, { ...item, availableCommands: ['Reject'] }] } });
    assert.throws(() => record(writeStepProgram({ step, expectedRevisions: new Map([['p1', 1]]) }, sqliteFacts)), /p1 two inbox rows keyed bob/);
  });
});

describe('step programs on SQLite', () => {
  /** A migrated in-memory database, its rows read directly. */
  async function openDatabase(t: TestContext) {
    const database = new BetterSqlite3(':memory:');
    const statements = new StatementCache(database);
    const gate = new ConnectionGate();
    const db = new Kysely<unknown>({ dialect: gatedSqliteDialect(database, statements, gate) });
    t.after(() => db.destroy());
    await migrateToLatest(db, 'sqlite', ':memory:');
    const direct = sqliteDirectSql(database, statements, gate);
    return {
      async apply(write: StepWrite): Promise<void> {
        const [failure] = await direct.writeEach([() => writeStepProgram(write, { isUniqueViolation: () => false })]);
        if (failure !== undefined) throw failure;
      },
      rows: (text: string) => database.prepare(text).all(),
    };
  }
  const item = (identityId: string, availableCommands: string[], addedAt: string): InboxItem => ({ processId: 'p1', identityId, availableCommands, addedAt });

  it('a kept inbox item or timer stays the row it was (updated in place, same rowid), a lost one is deleted, a gained one added', async (t) => {
    const database = await openDatabase(t);
    await database.apply(fakeWrite(fakeStep({
      instances: [fakeInstance({ id: 'p1' })],
      inbox: { p1: [item('bob', ['Approve'], 'a'), item('carol', ['Approve'], 'a'), item('erin', ['Sign'], 'a')] },
      timers: { p1: [{ processId: 'p1', name: 'Kept', dueAt: 'x' }, { processId: 'p1', name: 'Dropped', dueAt: 'y' }] },
    })));
    const inboxRows = () => database.rows('select rowid, identity_id, commands, added_at from inbox order by identity_id');
    const timerRows = () => database.rows('select rowid, name, due_at from timers order by name');
    const [bob, , erin] = inboxRows() as { rowid: number }[];
    const [, kept] = timerRows() as { rowid: number }[];

    await database.apply(fakeWrite(fakeStep({
      instances: [fakeInstance({ id: 'p1', activityName: 'Review', revision: 1 })],
      inbox: { p1: [item('bob', ['Approve', 'Reject'], 'b'), item('erin', ['Sign'], 'a'), item('dave', ['Approve'], 'b')] },
      timers: { p1: [{ processId: 'p1', name: 'Kept', dueAt: 'z' }, { processId: 'p1', name: 'New', dueAt: 'w' }] },
    }), { p1: 1 }));

    const after = inboxRows() as { rowid: number; identity_id: string }[];
    assert.deepEqual(after.map(({ rowid, ...row }) => row), [
      { identity_id: 'bob', commands: '["Approve","Reject"]', added_at: 'b' },
      { identity_id: 'dave', commands: '["Approve"]', added_at: 'b' },
      { identity_id: 'erin', commands: '["Sign"]', added_at: 'a' },
    ]);
    assert.equal(after[0]!.rowid, bob!.rowid, "bob's row was updated in place");
    assert.equal(after[2]!.rowid, erin!.rowid, "erin's row was left as it was");
    const timers = timerRows() as { rowid: number; name: string }[];
    assert.deepEqual(timers.map(({ rowid, ...row }) => row), [{ name: 'Kept', due_at: 'z' }, { name: 'New', due_at: 'w' }]);
    assert.equal(timers[0]!.rowid, kept!.rowid, 'the kept timer was updated in place');
  });
});
