/**
 * The SQLite step writer's thread (see sqlite-step-writer.ts): opens its own connection to the
 * store's file with the store's pragmas and commits each batch of steps it is sent, in order,
 * answering with each step's outcome.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { applyConnectionPragmas, isSqliteUniqueViolation, sqliteProgramRunner, StatementCache } from './sqlite-database.js';
import { transferableError, type StepBatchReply, type StepBatchRequest, type StepWriterThreadOptions } from './sqlite-step-writer.js';
import { writeStepProgram, type StatementDialect } from './step-statements.js';

const options = workerData as StepWriterThreadOptions;
const database = new BetterSqlite3(options.location);
applyConnectionPragmas(database);
database.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
const statements = new StatementCache(database);
const runner = sqliteProgramRunner(database, statements);
const dialect: StatementDialect = { isUniqueViolation: isSqliteUniqueViolation };

parentPort!.on('message', (message: StepBatchRequest | { close: true }) => {
  if ('close' in message) {
    statements.clear();
    database.close();
    parentPort!.close();
    return;
  }
  let reply: StepBatchReply;
  try {
    const outcomes = runner.writeEach(message.writes.map((write) => () => writeStepProgram(write, dialect)));
    reply = { id: message.id, outcomes: outcomes.map((outcome) => (outcome === undefined ? null : transferableError(outcome))) };
  } catch (error) {
    reply = { id: message.id, failure: transferableError(error) };
  }
  parentPort!.postMessage(reply);
});
