import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { SchemeDefinition } from '../scheme/model.js';
import type { WaymarkError } from '../errors/index.js';
import { STORE_FACTORIES, type StoreFactory } from '../../test/support/postgres.js';
import type { Store, StoredUser } from './store.js';
import { fakeInstance, fakeStep, fakeTransition, fakeWrite } from './testing.js';
import { externalCredential, passwordCredential } from './user-credentials.js';


function fakeScheme(code: string, tags: string[] = []): SchemeDefinition {
  return {
    code,
    name: code,
    tags,
    logEnabled: false,
    parameters: [],
    actors: [],
    commands: [],
    timers: [],
    activities: [],
    transitions: [],
    localization: [],
  };
}

function hasCode(code: string): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.equal((error as WaymarkError).code, code, String(error));
    return true;
  };
}

const NOW = new Date('2026-03-01T10:00:00.000Z');

/** Every case below, run on one adapter. */
function storeSuite(factory: StoreFactory): void {
  const openStore = (t: TestContext): Promise<Store> => factory.open(t);

  describe('schemes', () => {
    it('reads the latest version of a code with whether a new instance id is taken, in one answer', async (t) => {
      const store = await openStore(t);
      assert.equal(await store.schemeForNewInstance('Vacation', 'p1'), null);
      await store.saveScheme(fakeScheme('Vacation'), null, NOW);
      const latest = await store.saveScheme(fakeScheme('Vacation'), null, NOW);
      await store.saveScheme(fakeScheme('Expense'), null, NOW);
      assert.deepEqual(await store.schemeForNewInstance('Vacation', 'p1'), { id: latest.id, version: 2, instanceExists: false });
      await store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1' })] })));
      assert.deepEqual(await store.schemeForNewInstance('Vacation', 'p1'), { id: latest.id, version: 2, instanceExists: true });
      assert.deepEqual(await store.schemeForNewInstance('Vacation', 'p2'), { id: latest.id, version: 2, instanceExists: false });
      assert.equal(await store.schemeForNewInstance('Nope', 'p1'), null);
    });

    it('numbers the versions of a code and reads the latest or a given one', async (t) => {
      const store = await openStore(t);
      const first = await store.saveScheme(fakeScheme('Vacation', ['hr']), '<Process/>', NOW);
      const second = await store.saveScheme(fakeScheme('Vacation', ['hr', 'v2']), null, new Date('2026-03-02T00:00:00Z'));
      await store.saveScheme(fakeScheme('Expense'), null, NOW);

      assert.equal(first.version, 1);
      assert.equal(second.version, 2);
      assert.deepEqual(await store.getScheme(first.id), first);
      assert.equal(first.sourceXml, '<Process/>');
      assert.deepEqual(first.tags, ['hr']);
      assert.equal((await store.getSchemeByCode('Vacation'))?.id, second.id);
      assert.equal((await store.getSchemeByCode('Vacation', 1))?.id, first.id);
      assert.equal(await store.getSchemeByCode('Vacation', 3), null);
      assert.equal(await store.getSchemeByCode('Nope'), null);
      assert.equal(await store.getScheme('missing'), null);
      assert.deepEqual((await store.listSchemes()).map((s) => `${s.code}@${s.version}`), ['Expense@1', 'Vacation@2']);
      assert.deepEqual((await store.listSchemeVersions('Vacation')).map((s) => s.version), [1, 2]);
      assert.deepEqual((await store.getSchemeByCode('Vacation'))?.definition, fakeScheme('Vacation', ['hr', 'v2']));
    });

    it('refuses to delete a scheme in use unless forced, then deletes its instances with them', async (t) => {
      const store = await openStore(t);
      await store.saveScheme(fakeScheme('Vacation'), null, NOW);
      await store.saveScheme(fakeScheme('Expense'), null, NOW);
      await store.applyStep(fakeWrite(fakeStep({
        instances: [
          fakeInstance({ id: 'root', schemeCode: 'Vacation' }),
          fakeInstance({ id: 'sub', schemeCode: 'Vacation', parentProcessId: 'root', rootProcessId: 'root' }),
          fakeInstance({ id: 'other', schemeCode: 'Expense' }),
        ],
        history: [fakeTransition('root', 'Draft', 'Review')],
        inbox: { sub: [{ processId: 'sub', identityId: 'bob', availableCommands: ['Approve'], addedAt: NOW.toISOString() }] },
      })));
      assert.equal(await store.countInstancesOfScheme('Vacation'), 2);

      await assert.rejects(store.deleteScheme('Vacation', false), (error: unknown) => {
        hasCode('WM_SCHEME_IN_USE')(error);
        assert.equal((error as WaymarkError).context.instanceCount, 2);
        return true;
      });
      assert.equal((await store.listSchemeVersions('Vacation')).length, 1);

      await store.deleteScheme('Vacation', true);
      assert.equal(await store.getSchemeByCode('Vacation'), null);
      assert.equal(await store.getInstance('root'), null);
      assert.equal(await store.getInstance('sub'), null);
      assert.deepEqual(await store.getHistory('root'), []);
      assert.deepEqual(await store.getInbox({ identityId: 'bob' }), []);
      assert.notEqual(await store.getInstance('other'), null);
      await store.deleteScheme('Expense', true);
      await assert.rejects(store.deleteScheme('Vacation', false), hasCode('WM_SCHEME_NOT_FOUND'));
    });
  });

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

    it('returns due timers oldest first, up to the limit', async (t) => {
      const store = await openStore(t);
      await store.applyStep(fakeWrite(fakeStep({
        instances: [fakeInstance({ id: 'p1' }), fakeInstance({ id: 'p2' })],
        timers: {
          p1: [{ processId: 'p1', name: 'Late', dueAt: '2026-01-03T00:00:00.000Z' }, { processId: 'p1', name: 'Early', dueAt: '2026-01-01T00:00:00.000Z' }],
          p2: [{ processId: 'p2', name: 'Middle', dueAt: '2026-01-02T00:00:00.000Z' }],
        },
      })));
      const due = await store.getDueTimers(new Date('2026-01-02T00:00:00.000Z'), 10);
      assert.deepEqual(due.map((d) => d.name), ['Early', 'Middle']);
      assert.deepEqual((await store.getDueTimers(new Date('2026-02-01T00:00:00.000Z'), 2)).map((d) => d.name), ['Early', 'Middle']);
      assert.deepEqual(await store.getDueTimers(new Date('2025-12-31T00:00:00.000Z'), 10), []);
    });
  });

  describe('users and roles', () => {
    const alice: Omit<StoredUser, 'lock' | 'createdAt'> = {
      id: 'u-alice',
      name: 'Alice Smith',
      email: 'Alice@Example.com',
      phone: '+100',
      login: 'alice',
      domainLogin: null,
      isLocked: false,
      tenantId: 't1',
      extensions: { department: 'HR' },
      credentials: [
        passwordCredential('scrypt$16384$8$1$c2FsdA==$aGFzaA==', 'c0000000-0000-4000-8000-00000000a001', NOW.toISOString()),
        externalCredential({ provider: 'google', key: 'g-1' }, 'c0000000-0000-4000-8000-00000000a002', NOW.toISOString()),
      ],
      roles: ['Manager', 'Employee'],
    };
    const bob = { ...alice, id: 'u-bob', name: 'Bob Jones', email: 'bob@example.com', phone: '+200', login: 'bob', tenantId: 't2', credentials: [], roles: ['Employee'] };

    it('creates and reads users with their roles', async (t) => {
      const store = await openStore(t);
      const created = await store.createUser(alice, NOW);
      assert.deepEqual(created, { ...alice, roles: ['Employee', 'Manager'], lock: 1, createdAt: NOW.toISOString() });
      assert.deepEqual(await store.getUser('u-alice'), created);
      assert.equal(await store.getUser('nobody'), null);
      await assert.rejects(store.createUser(alice, NOW), hasCode('WM_USER_EXISTS'));
      await assert.rejects(store.createUser({ ...alice, id: 'u-other' }, NOW), hasCode('WM_USER_EXISTS'));
    });

    it('updates when the lock matches and refuses a stale lock (WM_LOCK_CONFLICT)', async (t) => {
      const store = await openStore(t);
      const created = await store.createUser(alice, NOW);
      const updated = await store.updateUser({ ...alice, name: 'Alice B. Smith', roles: ['Director'] }, created.lock);
      assert.equal(updated.lock, created.lock + 1);
      assert.equal(updated.name, 'Alice B. Smith');
      assert.deepEqual(updated.roles, ['Director']);
      assert.equal(await store.isInRole('u-alice', 'Manager'), false);

      await assert.rejects(store.updateUser({ ...alice, name: 'Lost update' }, created.lock), hasCode('WM_LOCK_CONFLICT'));
      assert.equal((await store.getUser('u-alice'))?.name, 'Alice B. Smith');
      const unconditional = await store.updateUser({ ...alice, name: 'Forced' }, undefined);
      assert.equal(unconditional.lock, created.lock + 2);
      await assert.rejects(store.updateUser({ ...alice, id: 'ghost' }, undefined), hasCode('WM_USER_NOT_FOUND'));
      await store.createUser(bob, NOW);
      await assert.rejects(store.updateUser({ ...bob, login: 'alice' }, undefined), hasCode('WM_USER_EXISTS'));
    });

    it('answers role questions and lists users by filter and page', async (t) => {
      const store = await openStore(t);
      await store.createUser(alice, NOW);
      await store.createUser(bob, NOW);
      await store.createUser({ ...bob, id: 'u-carl', name: 'Carl', email: null, phone: null, login: null, roles: [] }, NOW);

      assert.deepEqual(await store.usersInRole('Employee'), ['u-alice', 'u-bob']);
      assert.deepEqual(await store.usersInRole('Manager'), ['u-alice']);
      assert.equal(await store.isInRole('u-bob', 'Employee'), true);
      assert.equal(await store.isInRole('u-bob', 'Manager'), false);

      const userIds = (r: { items: readonly StoredUser[] }) => r.items.map((u) => u.id);
      assert.deepEqual(userIds(await store.listUsers({})), ['u-alice', 'u-bob', 'u-carl']);
      assert.deepEqual(userIds(await store.listUsers({ role: 'Manager' })), ['u-alice']);
      assert.deepEqual(userIds(await store.listUsers({ name: 'JON' })), ['u-bob']);
      assert.deepEqual(userIds(await store.listUsers({ email: 'alice@example.com' })), ['u-alice']);
      assert.deepEqual(userIds(await store.listUsers({ phone: '+200' })), ['u-bob']);
      assert.deepEqual(userIds(await store.listUsers({ tenantId: 't2' })), ['u-bob', 'u-carl']);
      const page = await store.listUsers({ skip: 1, take: 1 });
      assert.deepEqual(userIds(page), ['u-bob']);
      assert.equal(page.total, 3);
      assert.deepEqual(page.items[0]?.roles, ['Employee']);
    });

    it('keeps each credential under its own id and finds a user by a credential id', async (t) => {
      const store = await openStore(t);
      await store.createUser(alice, NOW);
      const stored = await store.getUser('u-alice');
      assert.deepEqual(
        stored?.credentials.map((c) => [c.id, c.kind, c.provider, c.login]),
        [
          ['c0000000-0000-4000-8000-00000000a001', 'password', null, null],
          ['c0000000-0000-4000-8000-00000000a002', 'external', 'google', 'g-1'],
        ],
      );
      assert.deepEqual(stored?.credentials[1]?.details, { provider: 'google', key: 'g-1' });
      assert.equal((await store.getUserByCredential('c0000000-0000-4000-8000-00000000a002'))?.id, 'u-alice');
      assert.equal(await store.getUserByCredential('c0000000-0000-4000-8000-0000000000ff'), null);

      // An update replaces the credentials; a deleted user's credentials go with it.
      await store.updateUser({ ...alice, credentials: alice.credentials.slice(1) }, undefined);
      assert.deepEqual((await store.getUser('u-alice'))?.credentials.map((c) => c.kind), ['external']);
      assert.equal(await store.getUserByCredential('c0000000-0000-4000-8000-00000000a001'), null);
      await store.deleteUser('u-alice');
      assert.equal(await store.getUserByCredential('c0000000-0000-4000-8000-00000000a002'), null);
    });

    it('deletes a user with their roles', async (t) => {
      const store = await openStore(t);
      await store.createUser(alice, NOW);
      assert.equal(await store.deleteUser('u-alice'), true);
      assert.equal(await store.deleteUser('u-alice'), false);
      assert.deepEqual(await store.usersInRole('Manager'), []);
      await store.createUser(alice, NOW);
      assert.deepEqual((await store.getUser('u-alice'))?.roles, ['Employee', 'Manager']);
    });
  });

  describe('settings', () => {
    it('stores JSON values by key; null removes them', async (t) => {
      const store = await openStore(t);
      assert.equal(await store.getSetting('license'), null);
      await store.setSetting('license', { plan: 'free', seats: 5, features: ['a'] });
      assert.deepEqual(await store.getSetting('license'), { plan: 'free', seats: 5, features: ['a'] });
      await store.setSetting('license', 'pro');
      assert.equal(await store.getSetting<string>('license'), 'pro');
      await store.setSetting('flag', false);
      assert.equal(await store.getSetting('flag'), false);
      await store.setSetting('license', null);
      assert.equal(await store.getSetting('license'), null);
    });

    it('stores a value only when the key has none: of two racing writers exactly one wins', async (t) => {
      const store = await openStore(t);
      const results = await Promise.all([store.setSettingIfAbsent('first-key', 'a'), store.setSettingIfAbsent('first-key', 'b')]);
      assert.deepEqual(results.filter(Boolean).length, 1);
      assert.equal(await store.getSetting('first-key'), results[0] ? 'a' : 'b');
      assert.equal(await store.setSettingIfAbsent('first-key', 'c'), false);
    });
  });

  describe('lifecycle', () => {
    it('commits the steps already submitted before closing', async (t) => {
      const store = await openStore(t);
      const submitted = store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p1' })] })));
      await store.close();
      await submitted;
      await assert.rejects(store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'p2' })] }))));
    });

    it('answers ping while open and not after close', async (t) => {
      const store = await openStore(t);
      assert.equal(store.kind, factory.name);
      assert.equal(await store.ping(), true);
      await store.close();
      assert.equal(await store.ping(), false);
    });
  });

  it('logs: appended entries are read back newest first, filtered by level, search and paging', async (t) => {
    const store = await openStore(t);
    await store.appendLog({ level: 'info', message: 'Started 100%', properties: { processId: 'p1' }, createdAt: '2026-01-01T00:00:01.000Z' });
    await store.appendLog({ level: 'error', message: 'Backup failed', properties: { attempt: 2 }, createdAt: '2026-01-01T00:00:02.000Z' });
    const third = await store.appendLog({ level: 'info', message: 'Done', properties: {}, createdAt: '2026-01-01T00:00:03.000Z' });
    assert.ok(third.id > 0);
    const all = await store.queryLogs({});
    assert.equal(all.total, 3);
    assert.deepEqual(all.items.map((e) => e.message), ['Done', 'Backup failed', 'Started 100%']);
    assert.deepEqual((await store.queryLogs({ level: 'error' })).items[0]?.properties, { attempt: 2 });
    assert.deepEqual((await store.queryLogs({ search: '100%' })).items.map((e) => e.message), ['Started 100%']);
    assert.deepEqual((await store.queryLogs({ search: '0%' })).items.map((e) => e.message), ['Started 100%'], '% is literal');
    const page = await store.queryLogs({ skip: 1, take: 1 });
    assert.deepEqual([page.total, page.items.map((e) => e.message)], [3, ['Backup failed']]);
    assert.deepEqual((await store.queryLogs({ skip: 2 })).items.map((e) => e.message), ['Started 100%']);
    assert.deepEqual((await store.queryLogs({ from: '2026-01-01T00:00:02.000Z', to: '2026-01-01T00:00:02.500Z' })).items.map((e) => e.message), ['Backup failed']);
  });

  it('forms: saved per scheme, name and state (null state too), replaced, listed and deleted', async (t) => {
    const store = await openStore(t);
    await store.saveForm({ schemeCode: 'S', name: 'Edit', state: null, source: 'v1' });
    await store.saveForm({ schemeCode: 'S', name: 'Edit', state: null, source: 'v2' });
    await store.saveForm({ schemeCode: 'S', name: 'Edit', state: 'Draft', source: 'draft' });
    assert.equal((await store.getForm('S', 'Edit', null))?.source, 'v2', 'a null-state form is replaced, not duplicated');
    assert.equal((await store.getForm('S', 'Edit', 'Draft'))?.source, 'draft');
    assert.equal(await store.getForm('S', 'Edit', 'Other'), null);
    assert.equal((await store.listForms({ schemeCode: 'S' })).length, 2);
    assert.equal(await store.deleteForm('S', 'Edit', null), true);
    assert.equal(await store.deleteForm('S', 'Edit', null), false);
    assert.deepEqual((await store.listForms({ name: 'Edit' })).map((f) => f.state), ['Draft']);
  });
}

for (const factory of STORE_FACTORIES) {
  describe(`store on ${factory.name}`, () => storeSuite(factory));
}
