/**
 * The scheme seam (scheme-store.ts): versions, generated schemes, deletion.
 * Runs on SQLite and on PostgreSQL (STORE_FACTORIES).
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_FACTORIES, type StoreFactory } from '../../test/support/postgres.js';
import type { WaymarkError } from '../errors/index.js';
import type { Store } from './store.js';
import type { SchemeDefinition } from '../scheme/model.js';
import { fakeInstance, fakeScheme, fakeStep, fakeTransition, fakeWrite, hasCode } from './testing.js';

const NOW = new Date('2026-03-01T10:00:00.000Z');

/** A scheme with a display name of its own, as a callback server generates one. */
function schemeNamed(code: string, name = code): SchemeDefinition {
  return { code, name, tags: ['t'], logEnabled: false, parameters: [], actors: [], commands: [], timers: [], activities: [], transitions: [], localization: [] };
}

/** Every case below, run on one adapter. */
function schemeStoreSuite(factory: StoreFactory): void {
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

  describe('generated schemes', () => {
    it('keeps a generated scheme apart from the versions of its code, found by id and by (base, parameters)', async (t) => {
      const store = await openStore(t);
      const base = await store.saveScheme(schemeNamed('Order'), '<Process Name="Order" />', NOW);
      const generated = await store.saveGeneratedScheme({ base, parametersKey: 'k1', definition: schemeNamed('Order', 'Order for 3 approvers'), sourceXml: '<Process />', now: NOW });

      assert.equal(generated.code, 'Order');
      assert.equal(generated.version, base.version);
      assert.notEqual(generated.id, base.id);
      assert.equal((await store.getScheme(generated.id))?.definition.name, 'Order for 3 approvers');
      assert.equal((await store.getGeneratedScheme(base.id, 'k1'))?.id, generated.id);
      assert.equal(await store.getGeneratedScheme(base.id, 'other'), null);
      assert.equal((await store.getSchemeByCode('Order'))?.id, base.id, 'the latest version stays the imported one');
      assert.deepEqual((await store.listSchemeVersions('Order')).map((s) => s.id), [base.id]);
      assert.equal((await store.schemeForNewInstance('Order', 'p-1'))?.id, base.id);
    });

    it('answers the stored one when the same base and parameters are saved twice', async (t) => {
      const store = await openStore(t);
      const base = await store.saveScheme(schemeNamed('Order'), null, NOW);
      const first = await store.saveGeneratedScheme({ base, parametersKey: 'k', definition: schemeNamed('Order', 'first'), sourceXml: null, now: NOW });
      const second = await store.saveGeneratedScheme({ base, parametersKey: 'k', definition: schemeNamed('Order', 'second'), sourceXml: null, now: NOW });
      assert.equal(second.id, first.id);
      assert.equal(second.definition.name, 'first');
    });

    it('deletes the generated schemes with their code', async (t) => {
      const store = await openStore(t);
      const base = await store.saveScheme(schemeNamed('Order'), null, NOW);
      const generated = await store.saveGeneratedScheme({ base, parametersKey: 'k', definition: schemeNamed('Order'), sourceXml: null, now: NOW });
      await store.deleteScheme('Order', false);
      assert.equal(await store.getScheme(generated.id), null);
    });
  });
}

for (const factory of STORE_FACTORIES) {
  describe(`scheme store on ${factory.name}`, () => schemeStoreSuite(factory));
}
