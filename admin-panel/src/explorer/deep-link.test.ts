import { test } from 'node:test';
import assert from 'node:assert/strict';
import { searchFromValues, valuesFromSearch } from './deep-link.js';
import { catalogFromDocuments, findOperation, type ExplorerOperation } from './operation-catalog.js';
import { serverDocuments } from './testing/server-documents.js';

const operations = catalogFromDocuments(serverDocuments());
const operation = (key: string) => findOperation(operations, key) as ExplorerOperation;

test('given a link to executecommand with a process id, then the form opens with it; unknown names are ignored', () => {
  const values = valuesFromSearch(operation('executecommand'), { processId: 'f54104f0-5de2-ea7b-e3be-47c9199a3967', identityid: 'manager', bogus: 'x' });

  assert.deepEqual(values, { processId: 'f54104f0-5de2-ea7b-e3be-47c9199a3967', identityId: 'manager' });
});

test('given form values of every kind, when written to a link and read back, then the same form opens', () => {
  const executecommand = operation('executecommand');
  const values = {
    processId: 'f54104f0-5de2-ea7b-e3be-47c9199a3967',
    command: 'approve',
    identityId: '',
    parameters: [
      { name: 'Comment', value: 'a, b & "c"', persist: true },
      { name: '', value: '', persist: false },
    ],
  };
  const search = searchFromValues(executecommand, values);
  assert.deepEqual(Object.keys(search), ['processId', 'command', 'parameters']);
  assert.deepEqual(valuesFromSearch(executecommand, search), {
    processId: 'f54104f0-5de2-ea7b-e3be-47c9199a3967',
    command: 'approve',
    parameters: [{ name: 'Comment', value: 'a, b & "c"', persist: true }],
  });

  const updateuser = operation('updateuser');
  const userValues = { id: 'u-1', isLocked: false, roles: ['Manager', 'Accountant'] };
  assert.deepEqual(valuesFromSearch(updateuser, searchFromValues(updateuser, userValues)), userValues);
});

test('given a link with unreadable values, then those are skipped and the rest still opens', () => {
  const values = valuesFromSearch(operation('updateuser'), { id: 'u-1', isLocked: 'maybe' });
  assert.deepEqual(values, { id: 'u-1' });
  assert.deepEqual(valuesFromSearch(operation('executecommand'), { parameters: '[{"name":' }), {});
  assert.deepEqual(valuesFromSearch(operation('executecommand'), { parameters: '[{"name":"Amount","value":250},{"value":1}]' }), {
    parameters: [{ name: 'Amount', value: '250', persist: false }],
  });
});
