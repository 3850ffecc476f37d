import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runProgram, runProgramSync, type SqlStatement, type StatementResult } from './direct-sql.js';
import { writeStepProgram } from './step-statements.js';
import { fakeInstance, fakeStep, fakeTransition } from './testing.js';

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

  it('history continues the order stored for the process', () => {
    const step = fakeStep({ history: [fakeTransition('p1', 'A', 'B'), fakeTransition('p1', 'B', 'C')] });
    const statements = record(writeStepProgram({ step, expectedRevisions: new Map() }, sqliteFacts), (statement) =>
      statement.text.startsWith('select') ? { rows: [{ process_id: 'p1', last: 7 }], changes: 0 } : { rows: [], changes: 1 },
    );
    const insert = statements.find((s) => s.text.startsWith('insert into "history"'))!;
    // Two rows of 14 columns; "order" is the second column of each.
    assert.equal(insert.parameters[1], 8);
    assert.equal(insert.parameters[15], 9);
  });
});
