/**
 * Recalculating the inbox of every instance reads them a page of 1000 at a time (issue #17,
 * item 11: it read every instance at once), and still reaches each of them once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, MAX_PAGE_SIZE, WorkflowService } from '../../src/services/index.js';
import { storeFactoryFromEnvironment } from '../support/postgres.js';

/** A scheme whose one activity assigns the `approve` command to the user named in `Owner`. */
const OWNED_SCHEME = {
  code: 'Owned',
  name: 'Owned',
  tags: [],
  parameters: [{ name: 'Owner', type: 'String', purpose: 'Persistence' }],
  actors: [{ name: 'Owner', rule: 'isUser', value: '@Owner' }],
  commands: [{ name: 'approve', inputParameters: [] }],
  activities: [
    { name: 'Waiting', state: 'Waiting', isInitial: true },
    { name: 'Done', state: 'Done', isFinal: true },
  ],
  transitions: [
    { name: 'Approve', from: 'Waiting', to: 'Done', trigger: { type: 'Command', name: 'approve' }, conditions: [{ type: 'Always' }], restrictions: [{ type: 'Allow', actor: 'Owner' }] },
  ],
};

test('given more instances than a page, when every inbox is recalculated, then each instance is reached once', async (t) => {
  const store = await storeFactoryFromEnvironment().open(t);
  const workflow = new WorkflowService({ store, clock: new ManualClock('2026-05-04T09:00:00.000Z') });
  await workflow.saveScheme({ json: OWNED_SCHEME });
  const count = MAX_PAGE_SIZE + 3;
  for (let index = 0; index < count; index += 1) {
    await workflow.createInstance({
      processId: crypto.randomUUID(),
      schemeCode: 'Owned',
      actor: { identityId: 'creator', impersonatedIdentityId: null },
      parameters: [{ name: 'Owner', value: `owner-${index}`, persist: true }],
    });
  }

  assert.equal(await workflow.recalculateInbox(), count);
  // The last instance by id, on the second page, kept its assignee.
  const [last] = (await store.listInstances({ take: 1, sort: { field: 'id', direction: 'desc' } })).items;
  assert.deepEqual((await store.getInbox({ processId: last!.id })).map((item) => item.identityId), [last!.parameters.Owner]);
});
