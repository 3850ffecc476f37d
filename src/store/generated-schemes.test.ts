import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SchemeDefinition } from '../scheme/model.js';
import { STORE_FACTORIES } from '../../test/support/postgres.js';

function scheme(code: string, name = code): SchemeDefinition {
  return { code, name, tags: ['t'], logEnabled: false, parameters: [], actors: [], commands: [], timers: [], activities: [], transitions: [], localization: [] };
}

const NOW = new Date('2026-03-01T10:00:00.000Z');

for (const factory of STORE_FACTORIES) {
  describe(`generated schemes on ${factory.name}`, () => {
    it('keeps a generated scheme apart from the versions of its code, found by id and by (base, parameters)', async (t) => {
      const store = await factory.open(t);
      const base = await store.saveScheme(scheme('Order'), '<Process Name="Order" />', NOW);
      const generated = await store.saveGeneratedScheme({ base, parametersKey: 'k1', definition: scheme('Order', 'Order for 3 approvers'), sourceXml: '<Process />', now: NOW });

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
      const store = await factory.open(t);
      const base = await store.saveScheme(scheme('Order'), null, NOW);
      const first = await store.saveGeneratedScheme({ base, parametersKey: 'k', definition: scheme('Order', 'first'), sourceXml: null, now: NOW });
      const second = await store.saveGeneratedScheme({ base, parametersKey: 'k', definition: scheme('Order', 'second'), sourceXml: null, now: NOW });
      assert.equal(second.id, first.id);
      assert.equal(second.definition.name, 'first');
    });

    it('deletes the generated schemes with their code', async (t) => {
      const store = await factory.open(t);
      const base = await store.saveScheme(scheme('Order'), null, NOW);
      const generated = await store.saveGeneratedScheme({ base, parametersKey: 'k', definition: scheme('Order'), sourceXml: null, now: NOW });
      await store.deleteScheme('Order', false);
      assert.equal(await store.getScheme(generated.id), null);
    });
  });
}
