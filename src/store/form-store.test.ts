/**
 * The form seam (form-store.ts).
 * Runs on SQLite and on PostgreSQL (STORE_FACTORIES).
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_FACTORIES, type StoreFactory } from '../../test/support/postgres.js';
import type { Store } from './store.js';

/** Every case below, run on one adapter. */
function formStoreSuite(factory: StoreFactory): void {
  const openStore = (t: TestContext): Promise<Store> => factory.open(t);

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
  describe(`form store on ${factory.name}`, () => formStoreSuite(factory));
}
