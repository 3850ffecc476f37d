import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWaymarkError } from '../errors/index.js';
import { compileScheme } from '../scheme/index.js';
import type { SchemeDefinition } from '../scheme/model.js';
import { checkStartData, defaultStartForm, startFormTypeOf } from './model-service.js';

test('start-form types follow the declared .NET types', () => {
  assert.deepEqual(
    ['String', 'System.Guid', 'Int32', 'Int64?', 'Decimal', 'Double', 'Boolean', 'DateTime', 'String[]', 'List<String>', 'Object', 'Dictionary<String,Object>', 'Custom.Thing'].map(startFormTypeOf),
    ['string', 'string', 'integer', 'integer', 'number', 'number', 'boolean', 'date', 'array', 'array', 'object', 'object', 'any'],
  );
});

test('the default start form is the Persistence parameters, required without an initial value', () => {
  const definition = {
    code: 'Form',
    name: 'Form',
    tags: [],
    logEnabled: false,
    parameters: [
      { name: 'email', type: 'String', purpose: 'Persistence' },
      { name: 'days', type: 'Int32', purpose: 'Persistence', initialValue: 1 },
      { name: 'note', type: 'String', purpose: 'Temporary' },
    ],
    actors: [],
    commands: [],
    timers: [],
    activities: [{ name: 'Start', state: 'Start', isInitial: true, isFinal: true, isForSetState: false, isAutoSchemeUpdate: false, implementation: [], preExecutionImplementation: [] }],
    transitions: [],
    localization: [],
  } as unknown as SchemeDefinition;
  assert.deepEqual(defaultStartForm(compileScheme(definition)), [
    { name: 'email', type: 'string', required: true },
    { name: 'days', type: 'integer', required: false },
  ]);
});

test('wfData: missing required → WM_INPUT_MISSING; wrong type, unknown field or not an object → WM_INPUT_INVALID', () => {
  const form = [
    { name: 'email', type: 'string', required: true },
    { name: 'days', type: 'integer', required: false },
    { name: 'due', type: 'date', required: false },
  ] as const;
  assert.deepEqual(checkStartData(form, { email: 'a@b.c', days: 2, due: '2026-01-02' }), { email: 'a@b.c', days: 2, due: '2026-01-02' });
  assert.deepEqual(checkStartData(form, { email: 'a@b.c', days: null }), { email: 'a@b.c', days: null });
  const code = (wfData: unknown) => {
    try {
      checkStartData(form, wfData);
      return 'accepted';
    } catch (error) {
      assert.ok(isWaymarkError(error));
      return error.code;
    }
  };
  assert.equal(code(undefined), 'WM_INPUT_MISSING');
  assert.equal(code({ days: 1 }), 'WM_INPUT_MISSING');
  assert.equal(code({ email: null }), 'WM_INPUT_MISSING');
  assert.equal(code({ email: 5 }), 'WM_INPUT_INVALID');
  assert.equal(code({ email: 'a@b.c', days: '2' }), 'WM_INPUT_INVALID');
  assert.equal(code({ email: 'a@b.c', due: 'soon' }), 'WM_INPUT_INVALID');
  assert.equal(code({ email: 'a@b.c', extra: true }), 'WM_INPUT_INVALID');
  assert.equal(code('email=a@b.c'), 'WM_INPUT_INVALID');
  assert.deepEqual(checkStartData([{ name: 'x', type: 'any', required: false }], undefined), {});
});
