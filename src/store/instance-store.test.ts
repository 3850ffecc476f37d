/**
 * The instance seam (instance-store.ts): steps written as one transaction, families, listings, deletion.
 * Runs on SQLite and on PostgreSQL (STORE_FACTORIES).
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_FACTORIES, type StoreFactory } from '../../test/support/postgres.js';
import type { WaymarkError } from '../errors/index.js';
import type { Store } from './store.js';
import { fakeInstance, fakeStep, fakeTransition, fakeWrite, hasCode } from './testing.js';

/** Every case below, run on one adapter. */
function instanceStoreSuite(factory: StoreFactory): void {
  const openStore = (t: TestContext): Promise<Store> => factory.open(t);

  describe('applyStep', () => {
    it('stores a new instance with its history, inbox, outbox and timers at revision 1', async (t) => {
      const store = await openStore(t);
      await store.applyStep(fakeWrite(fakeStep({
        instances: [fakeInstance({ id: 'p1', parameters: { Amount: 120, Comment: 'sea' } })],
        history: [fakeTransition('p1', 'Draft', 'Review')],
        inbox: { p1: [{ processId: 'p1', identityId: 'bob', availableCommands: ['Approve', 'Reject'], addedAt: '2026-01-01T00:01:00.000Z' }] },
        outbox: [{ processId: 'p1', identityId: 'alice', commandName: 'Submit', activityName: 'Draft', stateName: 'Draft', executedAt: '2026-01-01T00:01:00.000Z' }],
        timers: { p1: [{ processId: 'p1', name: 'Reminder', dueAt: '2026-01-02T00:00:00.000Z' }] },
      })));

      const stored = await store.getInstance('p1');
      assert.deepEqual(stored, fakeInstance({ id: 'p1', parameters: { Amount: 120, Comment: 'sea' }, revision: 1 }));
      const history = await store.getHistory('p1');
      assert.equal(history.length, 1);
      assert.equal(history[0]?.order, 1);
      assert.deepEqual({ ...history[0], id: 0, order: 0 }, { ...fakeTransition('p1', 'Draft', 'Review'), id: 0, order: 0 });
      assert.deepEqual(await store.getInbox({ identityId: 'bob' }), [
        { processId: 'p1', identityId: 'bob', availableCommands: ['Approve', 'Reject'], addedAt: '2026-01-01T00:01:00.000Z' },
      ]);
      assert.deepEqual((await store.getOutbox({ identityId: 'alice' })).map((o) => o.commandName), ['Submit']);
      assert.deepEqual(await store.getTimers('p1'), [{ processId: 'p1', name: 'Reminder', dueAt: '2026-01-02T00:00:00.000Z' }]);
    });

    it('bumps the revision, continues the history order and replaces only the touched inbox and timers', async (t) => {
      const store = await openStore(t);
      await store.applyStep(fakeWrite(fakeStep({
        instances: [fakeInstance({ id: 'p1' }), fakeInstance({ id: 'p2' })],
        history: [fakeTransition('p1', 'Draft', 'Review')],
        inbox: {
          p1: [{ processId: 'p1', identityId: 'bob', availableCommands: ['Approve'], addedAt: 'a' }],
          p2: [{ processId: 'p2', identityId: 'bob', availableCommands: ['Approve'], addedAt: 'b' }],
        },
        timers: { p1: [{ processId: 'p1', name: 'Reminder', dueAt: 'x' }] },
      })));

      await store.applyStep(fakeWrite(
        fakeStep({
          instances: [fakeInstance({ id: 'p1', activityName: 'Approved', stateName: 'Approved', revision: 1 })],
          history: [fakeTransition('p1', 'Review', 'Signing'), fakeTransition('p1', 'Signing', 'Approved')],
          inbox: { p1: [{ processId: 'p1', identityId: 'carol', availableCommands: ['Archive'], addedAt: 'c' }] },
          timers: { p1: [] },
        }),
        { p1: 1 },
      ));

      const p1 = await store.getInstance('p1');
      assert.equal(p1?.revision, 2);
      assert.equal(p1?.activityName, 'Approved');
      assert.deepEqual((await store.getHistory('p1')).map((h) => [h.order, h.toActivityName]), [[1, 'Review'], [2, 'Signing'], [3, 'Approved']]);
      assert.deepEqual((await store.getInbox({ identityId: 'bob' })).map((i) => i.processId), ['p2']);
      assert.deepEqual((await store.getInbox({ processId: 'p1' })).map((i) => i.identityId), ['carol']);
      assert.deepEqual(await store.getTimers('p1'), []);
      assert.equal((await store.getInstance('p2'))?.revision, 1);
    });

    it('numbers the history of each process on from its own stored records, several records of several processes in one step', async (t) => {
      const store = await openStore(t);
      await store.applyStep(fakeWrite(fakeStep({
        instances: [fakeInstance({ id: 'p1' }), fakeInstance({ id: 'p2' })],
        history: [fakeTransition('p1', 'A', 'B'), fakeTransition('p2', 'A', 'B'), fakeTransition('p1', 'B', 'C')],
      })));

      await store.applyStep(fakeWrite(
        fakeStep({
          instances: [fakeInstance({ id: 'p1', revision: 1 }), fakeInstance({ id: 'p2', revision: 1 }), fakeInstance({ id: 'p3' })],
          history: [
            fakeTransition('p2', 'B', 'C'),
            fakeTransition('p1', 'C', 'D'),
            fakeTransition('p3', 'A', 'B'),
            fakeTransition('p2', 'C', 'D'),
            fakeTransition('p1', 'D', 'E'),
            fakeTransition('p3', 'B', 'C'),
            fakeTransition('p1', 'E', 'F'),
          ],
        }),
        { p1: 1, p2: 1 },
      ));

      const orders = async (processId: string) => (await store.getHistory(processId)).map((h) => `${h.order}:${h.toActivityName}`);
      assert.deepEqual(await orders('p1'), ['1:B', '2:C', '3:D', '4:E', '5:F']);
      assert.deepEqual(await orders('p2'), ['1:B', '2:C', '3:D']);
      assert.deepEqual(await orders('p3'), ['1:B', '2:C']);

      // More records than one insert holds: the next statement continues from what the first stored.
      const many = Array.from({ length: 1200 }, (_, index) => fakeTransition(index % 2 === 0 ? 'p1' : 'p4', 'X', `X${index}`));
      await store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1', revision: 2 }), fakeInstance({ id: 'p4' })], history: many }), { p1: 2 }));
      assert.deepEqual((await store.getHistory('p1')).map((h) => h.order), Array.from({ length: 605 }, (_, index) => index + 1));
      assert.deepEqual((await store.getHistory('p4')).map((h) => h.order), Array.from({ length: 600 }, (_, index) => index + 1));
    });

    it('deletes the timers a step drops of those it read, and reads of an instance the step does not change are not relied on', async (t) => {
      const store = await openStore(t);
      const timer = (processId: string, name: string) => ({ processId, name, dueAt: '2026-01-01T00:10:00.000Z' });
      await store.applyStep(fakeWrite(fakeStep({
        instances: [fakeInstance({ id: 'p1' }), fakeInstance({ id: 'p2' })],
        timers: { p1: [timer('p1', 'Kept'), timer('p1', 'Dropped')], p2: [timer('p2', 'Other')] },
      })));

      await store.applyStep({
        ...fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1', revision: 1 })], timers: { p1: [timer('p1', 'Kept')], p2: [] } }), { p1: 1 }),
        // p2 as if read without timers: the step does not change it, so this is not trusted.
        timersBefore: new Map([['p1', [timer('p1', 'Kept'), timer('p1', 'Dropped')]], ['p2', []]]),
      });
      assert.deepEqual(await store.getTimers('p1'), [timer('p1', 'Kept')]);
      assert.deepEqual(await store.getTimers('p2'), []);

      await store.applyStep({
        ...fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1', revision: 2 })], timers: { p1: [] } }), { p1: 2 }),
        timersBefore: new Map([['p1', [timer('p1', 'Kept')]]]),
      });
      assert.deepEqual(await store.getTimers('p1'), []);
    });

    it('leaves each touched instance exactly the inbox and timers of the step: kept, changed, lost and gained items', async (t) => {
      const store = await openStore(t);
      const item = (processId: string, identityId: string, availableCommands: string[], addedAt: string) => ({ processId, identityId, availableCommands, addedAt });
      const timer = (processId: string, name: string, dueAt: string) => ({ processId, name, dueAt });
      await store.applyStep(fakeWrite(fakeStep({
        instances: [fakeInstance({ id: 'p1' }), fakeInstance({ id: 'p2' })],
        inbox: {
          p1: [item('p1', 'bob', ['Approve'], 'a'), item('p1', 'carol', ['Approve'], 'a'), item('p1', 'erin', ['Sign'], 'a')],
          p2: [item('p2', 'carol', ['Approve'], 'a')],
        },
        timers: {
          p1: [timer('p1', 'Kept', '2026-01-01T00:10:00.000Z'), timer('p1', 'Moved', '2026-01-01T00:20:00.000Z'), timer('p1', 'Dropped', '2026-01-01T00:30:00.000Z')],
          p2: [timer('p2', 'Other', '2026-01-01T00:40:00.000Z')],
        },
      })));
      const leased = await store.claimDueTimers(new Date('2026-01-01T00:10:00Z'), new Date('2026-01-01T01:00:00Z'), 10);
      assert.deepEqual(leased.map((c) => c.name), ['Kept']);

      // bob keeps his item with more commands, erin keeps hers as it was, carol loses hers on p1, dave gains one.
      await store.applyStep(fakeWrite(
        fakeStep({
          instances: [fakeInstance({ id: 'p1', activityName: 'Review', stateName: 'Review', revision: 1 })],
          inbox: { p1: [item('p1', 'bob', ['Approve', 'Reject'], 'b'), item('p1', 'erin', ['Sign'], 'a'), item('p1', 'dave', ['Approve'], 'b')] },
          timers: { p1: [timer('p1', 'Kept', '2026-01-01T00:10:00.000Z'), timer('p1', 'Moved', '2026-01-01T00:25:00.000Z'), timer('p1', 'New', '2026-01-01T00:50:00.000Z')] },
        }),
        { p1: 1 },
      ));

      assert.deepEqual(await store.getInbox({ processId: 'p1' }), [
        item('p1', 'erin', ['Sign'], 'a'),
        item('p1', 'bob', ['Approve', 'Reject'], 'b'),
        item('p1', 'dave', ['Approve'], 'b'),
      ]);
      assert.deepEqual(await store.getInbox({ identityId: 'carol' }), [item('p2', 'carol', ['Approve'], 'a')], 'p2 was not touched');
      assert.deepEqual(await store.getTimers('p1'), [
        timer('p1', 'Kept', '2026-01-01T00:10:00.000Z'),
        timer('p1', 'Moved', '2026-01-01T00:25:00.000Z'),
        timer('p1', 'New', '2026-01-01T00:50:00.000Z'),
      ]);
      assert.deepEqual(await store.getTimers('p2'), [timer('p2', 'Other', '2026-01-01T00:40:00.000Z')]);
      const again = await store.claimDueTimers(new Date('2026-01-01T00:10:00Z'), new Date('2026-01-01T01:00:00Z'), 10);
      assert.deepEqual(again.map((c) => c.name), ['Kept'], 'the step that kept the timer ended its lease');

      // Every item lost at once.
      await store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1', revision: 2 })], inbox: { p1: [] }, timers: { p1: [] } }), { p1: 2 }));
      assert.deepEqual(await store.getInbox({ processId: 'p1' }), []);
      assert.deepEqual(await store.getTimers('p1'), []);
      assert.equal((await store.getInbox({})).length, 1);
    });

    it('lets exactly one of two steps from the same revision win; the loser gets WM_INSTANCE_CONFLICT and writes nothing', async (t) => {
      const store = await openStore(t);
      await store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1' })] })));

      const stepTo = (activity: string, identity: string) =>
        fakeWrite(
          fakeStep({
            instances: [fakeInstance({ id: 'p1', activityName: activity, stateName: activity, revision: 1 })],
            history: [fakeTransition('p1', 'Draft', activity)],
            inbox: { p1: [{ processId: 'p1', identityId: identity, availableCommands: ['Next'], addedAt: 'now' }] },
            outbox: [{ processId: 'p1', identityId: identity, commandName: activity, activityName: 'Draft', stateName: 'Draft', executedAt: 'now' }],
          }),
          { p1: 1 },
        );
      const results = await Promise.allSettled([store.applyStep(stepTo('Approved', 'bob')), store.applyStep(stepTo('Rejected', 'carol'))]);

      const fulfilled = results.filter((r) => r.status === 'fulfilled');
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(fulfilled.length, 1);
      assert.equal(rejected.length, 1);
      const error = rejected[0]!.reason as WaymarkError;
      assert.equal(error.code, 'WM_INSTANCE_CONFLICT');
      assert.deepEqual(error.context, { processId: 'p1' });
      assert.match(error.message, /Process instance p1 was changed by another request; reload and retry/);

      const winner = results[0]!.status === 'fulfilled' ? { activity: 'Approved', identity: 'bob' } : { activity: 'Rejected', identity: 'carol' };
      const stored = await store.getInstance('p1');
      assert.equal(stored?.revision, 2);
      assert.equal(stored?.activityName, winner.activity);
      assert.deepEqual((await store.getHistory('p1')).map((h) => h.toActivityName), [winner.activity]);
      assert.deepEqual((await store.getInbox({ processId: 'p1' })).map((i) => i.identityId), [winner.identity]);
      assert.deepEqual((await store.getOutbox({ processId: 'p1' })).map((o) => o.identityId), [winner.identity]);
    });

    it('commits steps submitted together as a group, rolling back only the ones that fail', async (t) => {
      const store = await openStore(t);
      await store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1' }), fakeInstance({ id: 'q' }), fakeInstance({ id: 'taken' })] })));

      const results = await Promise.allSettled([
        store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1', activityName: 'First', revision: 1 })], history: [fakeTransition('p1', 'Draft', 'First')] }), { p1: 1 })),
        store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1', activityName: 'Second', revision: 1 })], history: [fakeTransition('p1', 'Draft', 'Second')] }), { p1: 1 })),
        store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p2' })], history: [fakeTransition('p2', 'Draft', 'Review')] }))),
        // Changes q, then fails on 'taken': q's change must be undone with it.
        store.applyStep(fakeWrite(
          fakeStep({ instances: [fakeInstance({ id: 'q', activityName: 'Changed', revision: 1 }), fakeInstance({ id: 'taken' })], history: [fakeTransition('q', 'Draft', 'Changed')] }),
          { q: 1 },
        )),
        store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1', activityName: 'Third', revision: 2 })], history: [fakeTransition('p1', 'First', 'Third')] }), { p1: 2 })),
      ]);

      assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as WaymarkError).code)), [
        'ok',
        'WM_INSTANCE_CONFLICT',
        'ok',
        'WM_INSTANCE_EXISTS',
        'ok',
      ]);
      assert.equal((await store.getInstance('p1'))?.revision, 3);
      assert.deepEqual((await store.getHistory('p1')).map((h) => [h.order, h.toActivityName]), [[1, 'First'], [2, 'Third']]);
      assert.equal((await store.getInstance('p2'))?.revision, 1);
      assert.equal((await store.getInstance('q'))?.revision, 1);
      assert.equal((await store.getInstance('q'))?.activityName, 'Draft');
      assert.deepEqual(await store.getHistory('q'), []);
    });

    it('rolls back every write of a step when one instance is stale', async (t) => {
      const store = await openStore(t);
      await store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'fresh' }), fakeInstance({ id: 'stale' })] })));
      await store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'stale', activityName: 'Moved', revision: 1 })] }), { stale: 1 }));

      await assert.rejects(
        store.applyStep(fakeWrite(
          fakeStep({
            instances: [fakeInstance({ id: 'fresh', activityName: 'Changed', revision: 1 }), fakeInstance({ id: 'new-one' }), fakeInstance({ id: 'stale', revision: 1 })],
            history: [fakeTransition('fresh', 'Draft', 'Changed')],
            outbox: [{ processId: 'fresh', identityId: 'bob', commandName: 'Go', activityName: 'Draft', stateName: null, executedAt: 'now' }],
          }),
          { fresh: 1, stale: 1 },
        )),
        hasCode('WM_INSTANCE_CONFLICT'),
      );
      assert.equal((await store.getInstance('fresh'))?.activityName, 'Draft');
      assert.equal((await store.getInstance('fresh'))?.revision, 1);
      assert.equal((await store.getInstance('stale'))?.activityName, 'Moved');
      assert.equal(await store.getInstance('new-one'), null);
      assert.deepEqual(await store.getHistory('fresh'), []);
      assert.deepEqual(await store.getOutbox({}), []);
    });

    it('guards instances the step read but did not change, and instances deleted meanwhile', async (t) => {
      const store = await openStore(t);
      await store.applyStep(fakeWrite(fakeStep({
        instances: [fakeInstance({ id: 'root' }), fakeInstance({ id: 'sub', parentProcessId: 'root', rootProcessId: 'root' })],
      })));
      await store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'root', activityName: 'Moved', revision: 1 })] }), { root: 1 }));

      await assert.rejects(
        store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'sub', activityName: 'X', revision: 1 })] }), { root: 1, sub: 1 })),
        (error: unknown) => hasCode('WM_INSTANCE_CONFLICT')(error) && (error as WaymarkError).context.processId === 'root',
      );
      assert.equal((await store.getInstance('sub'))?.activityName, 'Draft');

      await store.deleteInstances(['root']);
      await assert.rejects(
        store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'root', revision: 2 })] }), { root: 2 })),
        hasCode('WM_INSTANCE_CONFLICT'),
      );
      assert.equal(await store.getInstance('root'), null);
    });

    it('refuses a new instance whose id exists (WM_INSTANCE_EXISTS) and writes nothing of that step', async (t) => {
      const store = await openStore(t);
      await store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1' })] })));

      await assert.rejects(
        store.applyStep(fakeWrite(fakeStep({
          instances: [fakeInstance({ id: 'p0' }), fakeInstance({ id: 'p1', activityName: 'Other' })],
          history: [fakeTransition('p0', 'Draft', 'Review')],
        }))),
        (error: unknown) => hasCode('WM_INSTANCE_EXISTS')(error) && (error as WaymarkError).context.processId === 'p1',
      );
      assert.equal(await store.getInstance('p0'), null);
      assert.deepEqual(await store.getHistory('p0'), []);
      assert.equal((await store.getInstance('p1'))?.activityName, 'Draft');
      await assert.rejects(
        store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'twin' }), fakeInstance({ id: 'twin' })] }))),
        (error: unknown) => hasCode('WM_INSTANCE_EXISTS')(error) && (error as WaymarkError).context.processId === 'twin',
      );
      assert.equal(await store.getInstance('twin'), null);
    });

    it('removes ended subprocesses with everything the step or earlier steps wrote about them', async (t) => {
      const store = await openStore(t);
      await store.applyStep(fakeWrite(fakeStep({
        instances: [fakeInstance({ id: 'root' }), fakeInstance({ id: 'sub', parentProcessId: 'root', rootProcessId: 'root' })],
        history: [fakeTransition('sub', 'Start', 'Work')],
        inbox: { sub: [{ processId: 'sub', identityId: 'bob', availableCommands: ['Done'], addedAt: 'a' }] },
        timers: { sub: [{ processId: 'sub', name: 'Deadline', dueAt: '2026-01-01T00:00:00.000Z' }] },
      })));
      assert.equal((await store.getProcessFamily('root')).length, 2);

      await store.applyStep(fakeWrite(
        fakeStep({
          instances: [fakeInstance({ id: 'root', activityName: 'Merged', revision: 1 })],
          removedInstanceIds: ['sub'],
          history: [fakeTransition('sub', 'Work', 'End'), fakeTransition('root', 'Draft', 'Merged')],
          outbox: [{ processId: 'sub', identityId: 'bob', commandName: 'Done', activityName: 'Work', stateName: null, executedAt: 'b' }],
        }),
        { root: 1, sub: 1 },
      ));

      assert.equal(await store.getInstance('sub'), null);
      assert.deepEqual(await store.getHistory('sub'), []);
      assert.deepEqual(await store.getInbox({ processId: 'sub' }), []);
      assert.deepEqual(await store.getOutbox({ processId: 'sub' }), []);
      assert.deepEqual(await store.getTimers('sub'), []);
      assert.deepEqual((await store.getProcessFamily('root')).map((i) => i.id), ['root']);
      assert.deepEqual((await store.getHistory('root')).map((h) => h.toActivityName), ['Merged']);
    });
  });

  describe('instances', () => {
    async function seedInstances(store: Store): Promise<void> {
      await store.applyStep(fakeWrite(fakeStep({
        instances: [
          fakeInstance({ id: 'a-100', schemeCode: 'Vacation', status: 1, activityName: 'Review', stateName: 'Review', tenantId: 't1', createdAt: '2026-01-01T00:00:00.000Z', lastTransitionAt: '2026-01-05T00:00:00.000Z' }),
          fakeInstance({ id: 'b-200', schemeCode: 'Vacation', status: 2, activityName: 'Signing_50%', stateName: 'Signing', tenantId: 't2', createdAt: '2026-01-02T00:00:00.000Z', lastTransitionAt: '2026-01-03T00:00:00.000Z' }),
          fakeInstance({ id: 'c-300', schemeCode: 'Expense', status: 3, activityName: 'Final', stateName: 'Done', tenantId: 't1', createdAt: '2026-01-03T00:00:00.000Z', lastTransitionAt: '2026-01-04T00:00:00.000Z' }),
          fakeInstance({ id: 'd-400', schemeCode: 'Expense', status: 1, activityName: 'Signing500', stateName: null, tenantId: null, createdAt: '2026-01-04T00:00:00.000Z' }),
          fakeInstance({ id: 'a-100-sub', schemeCode: 'Vacation', parentProcessId: 'a-100', rootProcessId: 'a-100', createdAt: '2026-01-06T00:00:00.000Z' }),
        ],
      })));
    }
    const ids = (result: { items: readonly { id: string }[] }) => result.items.map((i) => i.id);

    it('lists root processes newest first by default, with the total', async (t) => {
      const store = await openStore(t);
      await seedInstances(store);
      const all = await store.listInstances({});
      assert.deepEqual(ids(all), ['d-400', 'c-300', 'b-200', 'a-100']);
      assert.equal(all.total, 4);
      assert.deepEqual(ids(await store.listInstances({ rootsOnly: false, sort: { field: 'id', direction: 'asc' } })), ['a-100', 'a-100-sub', 'b-200', 'c-300', 'd-400']);
    });

    it('filters by status, scheme, tenant and date ranges', async (t) => {
      const store = await openStore(t);
      await seedInstances(store);
      assert.deepEqual(ids(await store.listInstances({ statuses: [1], sort: { field: 'id', direction: 'asc' } })), ['a-100', 'd-400']);
      assert.deepEqual(ids(await store.listInstances({ schemeCode: 'Expense', sort: { field: 'id', direction: 'asc' } })), ['c-300', 'd-400']);
      assert.deepEqual(ids(await store.listInstances({ tenantId: 't1', sort: { field: 'id', direction: 'asc' } })), ['a-100', 'c-300']);
      assert.deepEqual(
        ids(await store.listInstances({ fromCreationDate: '2026-01-02T00:00:00.000Z', toCreationDate: '2026-01-03T00:00:00.000Z', sort: { field: 'id', direction: 'asc' } })),
        ['b-200', 'c-300'],
      );
      assert.deepEqual(
        ids(await store.listInstances({ fromLastTransitionDate: '2026-01-04T00:00:00.000Z', toLastTransitionDate: '2026-01-05T00:00:00.000Z', sort: { field: 'id', direction: 'asc' } })),
        ['a-100', 'c-300'],
      );
      const combined = await store.listInstances({ statuses: [1, 2], schemeCode: 'Vacation', tenantId: 't2' });
      assert.deepEqual(ids(combined), ['b-200']);
      assert.equal(combined.total, 1);
    });

    it('searches id, scheme, activity and state case-insensitively, taking % and _ literally', async (t) => {
      const store = await openStore(t);
      await seedInstances(store);
      const asc = { field: 'id', direction: 'asc' } as const;
      assert.deepEqual(ids(await store.listInstances({ search: 'EXPENSE', sort: asc })), ['c-300', 'd-400']);
      assert.deepEqual(ids(await store.listInstances({ search: 'done', sort: asc })), ['c-300']);
      assert.deepEqual(ids(await store.listInstances({ search: '-2', sort: asc })), ['b-200']);
      assert.deepEqual(ids(await store.listInstances({ search: 'review', sort: asc })), ['a-100']);
      assert.deepEqual(ids(await store.listInstances({ search: '50%', sort: asc })), ['b-200']);
      // Unescaped, `_` would match the `g` of 'Signing500' and `%` any text.
      assert.deepEqual(ids(await store.listInstances({ search: 'n_500', sort: asc })), []);
      assert.deepEqual(ids(await store.listInstances({ search: '500', sort: asc })), ['d-400']);
      assert.deepEqual(ids(await store.listInstances({ search: 'g_50', sort: asc })), ['b-200']);
    });

    it('sorts by any listed field in both directions and pages with skip/take', async (t) => {
      const store = await openStore(t);
      await seedInstances(store);
      assert.deepEqual(ids(await store.listInstances({ sort: { field: 'activityName', direction: 'asc' } })), ['c-300', 'a-100', 'd-400', 'b-200']);
      assert.deepEqual(ids(await store.listInstances({ sort: { field: 'status', direction: 'desc' } })), ['c-300', 'b-200', 'd-400', 'a-100']);
      assert.deepEqual(ids(await store.listInstances({ sort: { field: 'schemeCode', direction: 'asc' } })), ['c-300', 'd-400', 'a-100', 'b-200']);
      assert.deepEqual(ids(await store.listInstances({ sort: { field: 'lastTransitionAt', direction: 'desc' } })), ['a-100', 'c-300', 'b-200', 'd-400']);
      assert.deepEqual(ids(await store.listInstances({ sort: { field: 'stateName', direction: 'asc' } })), ['d-400', 'c-300', 'a-100', 'b-200']);

      const page = await store.listInstances({ sort: { field: 'id', direction: 'asc' }, skip: 1, take: 2 });
      assert.deepEqual(ids(page), ['b-200', 'c-300']);
      assert.equal(page.total, 4);
      assert.deepEqual(ids(await store.listInstances({ sort: { field: 'id', direction: 'asc' }, skip: 2, take: 0 })), ['c-300', 'd-400']);
      await assert.rejects(store.listInstances({ sort: { field: 'password' as 'id', direction: 'asc' } }), hasCode('WM_INPUT_INVALID'));
    });

    it('deletes instances with all their subprocesses, at any depth, and their rows', async (t) => {
      const store = await openStore(t);
      await store.applyStep(fakeWrite(fakeStep({
        instances: [
          fakeInstance({ id: 'root' }),
          fakeInstance({ id: 'child', parentProcessId: 'root', rootProcessId: 'root' }),
          fakeInstance({ id: 'grandchild', parentProcessId: 'child', rootProcessId: 'root' }),
          fakeInstance({ id: 'keep' }),
        ],
        history: [fakeTransition('grandchild', 'A', 'B'), fakeTransition('keep', 'A', 'B')],
        inbox: { grandchild: [{ processId: 'grandchild', identityId: 'bob', availableCommands: [], addedAt: 'a' }] },
        outbox: [{ processId: 'child', identityId: 'bob', commandName: null, activityName: 'A', stateName: null, executedAt: 'a' }],
        timers: { root: [{ processId: 'root', name: 'T', dueAt: '2026-01-01T00:00:00.000Z' }] },
      })));

      assert.equal(await store.deleteInstances(['child']), 2);
      assert.deepEqual((await store.getProcessFamily('root')).map((i) => i.id), ['root']);
      assert.deepEqual(await store.getHistory('grandchild'), []);
      assert.deepEqual(await store.getInbox({ identityId: 'bob' }), []);
      assert.deepEqual(await store.getOutbox({ identityId: 'bob' }), []);

      assert.equal(await store.deleteInstances(['root', 'missing']), 1);
      assert.deepEqual(await store.getDueTimers(new Date('2030-01-01T00:00:00Z'), 10), []);
      assert.equal((await store.getHistory('keep')).length, 1);
      assert.equal(await store.deleteInstances([]), 0);
    });

    it('loads the families of many instances at once, whichever member is named, with their timers', async (t) => {
      const store = await openStore(t);
      const timer = (processId: string, name: string, dueAt = '2026-01-01T00:00:00.000Z') => ({ processId, name, dueAt });
      await store.applyStep(fakeWrite(fakeStep({
        instances: [
          fakeInstance({ id: 'r1', createdAt: '2026-01-01T00:00:02.000Z' }),
          fakeInstance({ id: 'r1-a', parentProcessId: 'r1', rootProcessId: 'r1', createdAt: '2026-01-01T00:00:01.000Z' }),
          fakeInstance({ id: 'r1-a-x', parentProcessId: 'r1-a', rootProcessId: 'r1', createdAt: '2026-01-01T00:00:03.000Z' }),
          fakeInstance({ id: 'r2' }),
          fakeInstance({ id: 'r2-a', parentProcessId: 'r2', rootProcessId: 'r2' }),
          fakeInstance({ id: 'r3' }),
          fakeInstance({ id: 'other' }),
          fakeInstance({ id: 'orphan', parentProcessId: 'gone', rootProcessId: 'gone' }),
        ],
        timers: {
          r1: [timer('r1', 'Late', '2026-01-02T00:00:00.000Z'), timer('r1', 'Early')],
          'r1-a-x': [timer('r1-a-x', 'Deep')],
          'r2-a': [timer('r2-a', 'Sub')],
          other: [timer('other', 'NotAsked')],
        },
      })));

      const families = await store.loadFamilies(['r1', 'r1-a-x', 'r2-a', 'r3', 'missing', 'r3', 'orphan']);
      assert.deepEqual([...families.keys()].sort(), ['r1', 'r1-a-x', 'r2-a', 'r3'], 'each given id that exists (a subprocess whose root is gone does not)');
      assert.equal(await store.loadFamily('orphan'), null, 'as loadFamily has it');
      const r1 = families.get('r1')!;
      assert.equal(families.get('r1-a-x'), r1, 'members of one family share it');
      assert.deepEqual(r1.instances.map((i) => i.id), ['r1', 'r1-a', 'r1-a-x'], 'the root first, then by creation');
      assert.deepEqual(r1.timers.map((x) => `${x.processId}/${x.name}`), ['r1/Early', 'r1-a-x/Deep', 'r1/Late'], 'by due time');
      const r2 = families.get('r2-a')!;
      assert.deepEqual(r2.instances.map((i) => i.id), ['r2', 'r2-a'], 'a named subprocess brings its whole family');
      assert.deepEqual(r2.timers, [timer('r2-a', 'Sub')]);
      assert.deepEqual(families.get('r3'), { instances: [await store.getInstance('r3')], timers: [] });
      assert.deepEqual(r1.instances, await store.getProcessFamily('r1'), 'the rows getProcessFamily reads');
      assert.equal((await store.loadFamilies([])).size, 0);
    });

  });
}

for (const factory of STORE_FACTORIES) {
  describe(`instance store on ${factory.name}`, () => instanceStoreSuite(factory));
}
