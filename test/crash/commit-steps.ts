/**
 * Child process of the crash test: opens a store in the directory given as the first argument
 * and commits steps as fast as it can, forever. After each `applyStep` resolves it prints
 * `ack <instance id> <revision>` — the promise the parent checks after killing it with SIGKILL.
 * Every step appends exactly one history row to its instance, so revision = history length.
 * With `--writer-thread` the store commits on its SQLite writer thread.
 */
import { createSqliteStore } from '../../src/store/index.js';
import { fakeInstance, fakeStep, fakeTransition, fakeWrite } from '../../src/store/testing.js';

const WORKING_SET = 5;

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('usage: commit-steps.ts <data directory> [--writer-thread]');
  const store = await createSqliteStore({ dataDir, stepWriterThread: process.argv.includes('--writer-thread') });
  const revisions = new Map<string, number>();
  for (let step = 0; ; step++) {
    // Mostly updates of a small working set, and a brand-new instance every tenth step.
    const id = step % 10 === 9 ? `new-${step}` : `p${step % WORKING_SET}`;
    const revision = revisions.get(id);
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, step)).toISOString();
    const activity = `A${step}`;
    await store.applyStep(fakeWrite(
      fakeStep({
        instances: [fakeInstance({ id, activityName: activity, stateName: activity, lastTransitionAt: at, revision: revision ?? 0, parameters: { step } })],
        history: [fakeTransition(id, `A${step - 1}`, activity, at)],
        inbox: { [id]: [{ processId: id, identityId: `user-${step % 3}`, availableCommands: ['Next'], addedAt: at }] },
        timers: { [id]: [{ processId: id, name: 'Reminder', dueAt: at }] },
        outbox: [{ processId: id, identityId: 'worker', commandName: 'Next', activityName: activity, stateName: activity, executedAt: at }],
      }),
      revision === undefined ? {} : { [id]: revision },
    ));
    const stored = (revision ?? 0) + 1;
    revisions.set(id, stored);
    process.stdout.write(`ack ${id} ${stored}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
