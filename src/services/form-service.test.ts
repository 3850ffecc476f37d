import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WaymarkError } from '../errors/index.js';
import type { ProcessInstance } from '../engine/types.js';
import { FormService, InMemoryFormRecords } from './form-service.js';

const instance = { id: 'p1', schemeCode: 'Leave', stateName: 'Draft', tenantId: null } as unknown as ProcessInstance;
const instances = {
  getInstance: async (id: string) => {
    if (id !== 'p1') throw new WaymarkError('WM_INSTANCE_NOT_FOUND', `Process instance ${id} is not found`);
    return instance;
  },
};

test('a process gets the form of its state, else the scheme-wide form', async () => {
  const forms = new FormService(new InMemoryFormRecords(), instances);
  await forms.save({ schemeCode: 'Leave', name: 'Main', source: 'any state' });
  assert.equal((await forms.getForFlow({ name: 'Main', processId: 'p1' })).source, 'any state');
  await forms.save({ schemeCode: 'Leave', name: 'Main', state: 'Draft', source: 'draft only' });
  assert.equal((await forms.getForFlow({ name: 'Main', processId: 'p1' })).source, 'draft only');
  await forms.delete('Leave', 'Main', 'Draft');
  assert.equal((await forms.getForFlow({ name: 'Main', processId: 'p1' })).source, 'any state');
});

test('without a process, the name must pick one scheme', async () => {
  const forms = new FormService(new InMemoryFormRecords(), instances);
  await forms.save({ schemeCode: 'Leave', name: 'Main', source: 'a' });
  await forms.save({ schemeCode: 'Trip', name: 'Main', source: 'b' });
  await assert.rejects(forms.getForFlow({ name: 'Main' }), /Several schemes/);
  assert.equal((await forms.getForFlow({ name: 'Main', schemeCode: 'Trip' })).source, 'b');
  await assert.rejects(forms.getForFlow({ name: 'Other' }), { code: 'WM_NOT_FOUND' });
});

test('bad form fields are refused', async () => {
  const forms = new FormService(new InMemoryFormRecords(), instances);
  await assert.rejects(forms.save({ schemeCode: '', name: 'x', source: 's' }), { code: 'WM_INPUT_MISSING' });
  await assert.rejects(forms.save({ schemeCode: 'Leave', name: '<script>', source: 's' }), { code: 'WM_INPUT_INVALID' });
  await assert.rejects(forms.save({ schemeCode: 'Leave', name: 'x', source: 5 }), { code: 'WM_INPUT_MISSING' });
  await assert.rejects(forms.delete('Leave', 'x', null), { code: 'WM_NOT_FOUND' });
});
