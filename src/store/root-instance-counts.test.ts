import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { SchemeDefinition } from '../scheme/model.js';
import type { InstanceStatus, ProcessInstance } from '../engine/types.js';
import { STORE_FACTORIES } from '../../test/support/postgres.js';
import type { InstanceQuery, Store } from './store.js';
import { isCountedByKey } from './root-instance-counts.js';
import { createSqliteStore } from './sqlite-store.js';
import { fakeInstance, fakeStep, fakeWrite } from './testing.js';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const TENANTS = [undefined, 't1', 't2', ''];
const SCHEMES = [undefined, 'Vacation', 'Expense'];
const STATUS_FILTERS: (readonly number[] | undefined)[] = [undefined, [], [0], [1], [0, 2], [0, 1, 2, 3]];

function scheme(code: string): SchemeDefinition {
  return { code, name: code, tags: [], logEnabled: false, parameters: [], actors: [], commands: [], timers: [], activities: [], transitions: [], localization: [] };
}

/** Every combination of the filters the counters answer. */
function keyedQueries(): InstanceQuery[] {
  const queries: InstanceQuery[] = [];
  for (const tenantId of TENANTS) {
    for (const schemeCode of SCHEMES) {
      for (const statuses of STATUS_FILTERS) {
        queries.push({ take: 1, ...(tenantId === undefined ? {} : { tenantId }), ...(schemeCode === undefined ? {} : { schemeCode }), ...(statuses === undefined ? {} : { statuses }) });
      }
    }
  }
  return queries;
}

/** Asserts each keyed total equals the number of root rows the same filters list. */
async function assertTotalsExact(store: Store, stage: string): Promise<void> {
  for (const query of keyedQueries()) {
    assert.ok(isCountedByKey(query));
    const { total } = await store.listInstances(query);
    const listed = await store.listInstances({ ...query, take: 0 });
    assert.equal(total, listed.items.length, `${stage}: total of ${JSON.stringify(query)}`);
  }
}

for (const factory of STORE_FACTORIES) {
  describe(`root instance counts (${factory.name})`, () => {
    it('keep getinstances totals exact through creates, status changes, subprocesses, deletes and forced scheme deletes', async (t) => {
      const store = await factory.open(t);
      await store.saveScheme(scheme('Vacation'), null, NOW);
      await store.saveScheme(scheme('Expense'), null, NOW);
      await assertTotalsExact(store, 'empty');

      const roots: ProcessInstance[] = [];
      for (let i = 0; i < 24; i++) {
        roots.push(fakeInstance({
          id: `root-${i}`,
          schemeCode: i % 3 === 0 ? 'Expense' : 'Vacation',
          tenantId: [null, 't1', 't2', ''][i % 4]!,
          status: (i % 4) as InstanceStatus,
        }));
      }
      await store.applyStep(fakeWrite(fakeStep({ instances: roots.slice(0, 12) })));
      for (const root of roots.slice(12)) await store.applyStep(fakeWrite(fakeStep({ instances: [root] })));
      await assertTotalsExact(store, 'created');
      assert.equal((await store.listInstances({ take: 1 })).total, 24);

      // Status changes; a step that keeps the status (activity only) changes no count.
      await store.applyStep(fakeWrite(fakeStep({ instances: [{ ...roots[0]!, status: 2 }, { ...roots[5]!, status: 3 }] }), { 'root-0': 1, 'root-5': 1 }));
      await store.applyStep(fakeWrite(fakeStep({ instances: [{ ...roots[1]!, activityName: 'Elsewhere' }] }), { 'root-1': 1 }));
      await assertTotalsExact(store, 'status changed');

      // Subprocesses are not roots: created, changed and removed, they never count.
      const sub = fakeInstance({ id: 'root-2-sub', schemeCode: 'Vacation', tenantId: 't2', status: 1, parentProcessId: 'root-2', rootProcessId: 'root-2' });
      await store.applyStep(fakeWrite(fakeStep({ instances: [{ ...roots[2]!, status: 1 }, sub] }), { 'root-2': 1 }));
      await assertTotalsExact(store, 'subprocess created');
      await store.applyStep(fakeWrite(fakeStep({ instances: [{ ...sub, status: 2 }] }), { 'root-2-sub': 1, 'root-2': 2 }));
      await assertTotalsExact(store, 'subprocess status changed');
      await store.applyStep(fakeWrite(fakeStep({ instances: [], removedInstanceIds: ['root-2-sub'] }), { 'root-2': 2 }));
      await assertTotalsExact(store, 'subprocess removed');
      assert.equal((await store.listInstances({ take: 1 })).total, 24);

      // A step that fails (revision conflict) rolls back its count with it.
      await assert.rejects(store.applyStep(fakeWrite(fakeStep({ instances: [{ ...roots[3]!, status: 0 }, fakeInstance({ id: 'never', schemeCode: 'Expense' })] }), { 'root-3': 99 })));
      await assertTotalsExact(store, 'conflict rolled back');

      // Deleting a root with a subprocess removes one root.
      await store.applyStep(fakeWrite(fakeStep({ instances: [fakeInstance({ id: 'root-4-sub', schemeCode: 'Vacation', parentProcessId: 'root-4', rootProcessId: 'root-4' })] }), { 'root-4': 1 }));
      assert.equal(await store.deleteInstances(['root-4', 'root-7', 'missing']), 3);
      await assertTotalsExact(store, 'deleted');
      assert.equal((await store.listInstances({ take: 1 })).total, 22);

      await store.deleteScheme('Expense', true);
      await assertTotalsExact(store, 'scheme deleted');
      assert.equal((await store.listInstances({ schemeCode: 'Expense', take: 1 })).total, 0);
      assert.equal((await store.listInstances({ take: 1 })).total, 22 - roots.filter((r, i) => r.schemeCode === 'Expense' && i !== 4 && i !== 7).length);

      // Recreating a deleted id counts again.
      await store.applyStep(fakeWrite(fakeStep({ instances: [roots[3]!] })));
      await assertTotalsExact(store, 'recreated');
    });

    it('counts searches, date ranges and subprocess listings over the rows', async (t) => {
      const store = await factory.open(t);
      await store.applyStep(fakeWrite(fakeStep({
        instances: [
          fakeInstance({ id: 'early', createdAt: '2026-01-01T00:00:00.000Z' }),
          fakeInstance({ id: 'late', createdAt: '2026-02-01T00:00:00.000Z' }),
          fakeInstance({ id: 'late-sub', parentProcessId: 'late', rootProcessId: 'late' }),
        ],
      })));
      for (const query of [{ search: 'late' }, { fromCreationDate: '2026-01-15T00:00:00.000Z' }, { rootsOnly: false }] satisfies InstanceQuery[]) {
        assert.equal(isCountedByKey(query), false);
      }
      assert.equal((await store.listInstances({ search: 'late', take: 1 })).total, 1);
      assert.equal((await store.listInstances({ fromCreationDate: '2026-01-15T00:00:00.000Z', take: 1 })).total, 1);
      assert.equal((await store.listInstances({ rootsOnly: false, take: 1 })).total, 3);
      assert.equal((await store.listInstances({ search: '  ', take: 1 })).total, 2);
    });
  });
}

describe('migration 0005-root-instance-counts', () => {
  it('counts the instances a database already holds when it is upgraded', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'waymark-counts-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const before = await createSqliteStore({ dataDir });
    await before.applyStep(fakeWrite(fakeStep({
      instances: [
        fakeInstance({ id: 'r1', schemeCode: 'Vacation', tenantId: 't1', status: 1 }),
        fakeInstance({ id: 'r2', schemeCode: 'Vacation', status: 2 }),
        fakeInstance({ id: 'r1-sub', schemeCode: 'Vacation', tenantId: 't1', parentProcessId: 'r1', rootProcessId: 'r1' }),
      ],
    })));
    await before.close();
    // Back to a database of migration 0004, holding these instances.
    const db = new BetterSqlite3(join(dataDir, 'waymark.db'));
    for (const trigger of ['insert', 'update', 'delete']) db.exec(`drop trigger root_instance_counts_on_${trigger}`);
    db.exec(`drop table root_instance_counts; delete from migrations where name = '0005-root-instance-counts'`);
    db.close();

    const upgraded = await createSqliteStore({ dataDir });
    t.after(() => upgraded.close());
    assert.equal((await upgraded.listInstances({ take: 1 })).total, 2);
    assert.equal((await upgraded.listInstances({ tenantId: 't1', statuses: [1], take: 1 })).total, 1);
    assert.equal((await upgraded.listInstances({ schemeCode: 'Vacation', statuses: [2], take: 1 })).total, 1);
  });
});
