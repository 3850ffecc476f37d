import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SchemeDefinition } from '../scheme/model.js';
import type { Store, StoredScheme } from '../store/store.js';
import { asksForGeneratedScheme, generatedScheme, type SchemeGenerationContext } from './scheme-generation.js';

const BASE: StoredScheme = {
  id: '11111111-0000-4000-8000-000000000001',
  code: 'Order',
  version: 3,
  definition: { code: 'Order', name: 'Order', tags: [], logEnabled: false, parameters: [], actors: [], commands: [], timers: [], activities: [], transitions: [], localization: [] },
  sourceXml: '<Process Name="Order" />',
  tags: [],
  createdAt: '2026-01-01T00:00:00.000Z',
};

const GENERATED = `<Process Name="Order">
  <Activities><Activity Name="Start" State="Start" IsInitial="true" IsFinal="true" /></Activities>
</Process>`;

/** A context over an in-memory table of generated schemes, counting generator calls. */
function context(answer = GENERATED) {
  const saved = new Map<string, StoredScheme>();
  const requests: unknown[] = [];
  const store = {
    getGeneratedScheme: async (baseId: string, key: string) => saved.get(`${baseId}/${key}`) ?? null,
    saveGeneratedScheme: async (input: { base: StoredScheme; parametersKey: string; definition: SchemeDefinition; sourceXml: string | null }) => {
      const stored = { ...input.base, id: `generated-${saved.size + 1}`, definition: input.definition, sourceXml: input.sourceXml };
      saved.set(`${input.base.id}/${input.parametersKey}`, stored);
      return stored;
    },
  } as unknown as Store;
  const ctx: SchemeGenerationContext = {
    store,
    generator: { generate: async (request) => (requests.push(request), answer) },
    now: () => new Date('2026-01-02T00:00:00.000Z'),
    loadOptions: { fileActionsSandbox: false, callbackServerConfigured: true },
  };
  return { ctx, requests, saved };
}

describe('generated schemes', () => {
  it('asks only for a non-empty object of scheme parameters', () => {
    assert.equal(asksForGeneratedScheme(undefined), false);
    assert.equal(asksForGeneratedScheme({}), false);
    assert.equal(asksForGeneratedScheme([1]), false);
    assert.equal(asksForGeneratedScheme({ Approvers: 2 }), true);
  });

  it('sends the base version as XML, compiles the answer under the base code, and reuses it for the same parameters in any order', async () => {
    const { ctx, requests } = context();
    const first = await generatedScheme(ctx, BASE, { a: 1, b: { c: [1, 2], d: null } });
    assert.equal(first.stored.code, 'Order');
    assert.equal(first.compiled?.definition.activities[0]?.name, 'Start');
    assert.deepEqual(requests, [{ schemeCode: 'Order', schemeId: BASE.id, parameters: { a: 1, b: { c: [1, 2], d: null } }, scheme: '<Process Name="Order" />' }]);
    const again = await generatedScheme(ctx, BASE, { b: { d: null, c: [1, 2] }, a: 1 });
    assert.equal(again.stored.id, first.stored.id);
    assert.equal(requests.length, 1);
    const other = await generatedScheme(ctx, BASE, { a: 2 });
    assert.notEqual(other.stored.id, first.stored.id);
  });

  it('refuses without a generator, and refuses an answer that is no scheme, storing nothing', async () => {
    const none = context();
    await assert.rejects(generatedScheme({ ...none.ctx, generator: undefined }, BASE, { a: 1 }), { code: 'WM_SCHEME_UNSUPPORTED', message: /no callback server has a generate path/ });
    const garbage = context('certainly not a scheme');
    await assert.rejects(generatedScheme(garbage.ctx, BASE, { a: 1 }), { code: 'WM_SCHEME_PARSE', message: /answered neither scheme XML nor JSON/ });
    assert.equal(garbage.saved.size, 0);
  });
});
