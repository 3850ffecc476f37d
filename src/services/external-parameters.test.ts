import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue, ProcessFamily, ProcessInstance } from '../engine/types.js';
import { fakeInstance, fakeStep } from '../store/testing.js';
import { ExternalParameterBridge, type ExternalParameterProvider } from './external-parameters.js';

/** A provider keeping `names` for scheme VacationRequest, with a log of what was asked. */
function provider(values: Record<string, JsonValue>, names = Object.keys(values)) {
  const log: string[] = [];
  const kept: ExternalParameterProvider = {
    names: async (schemeCode) => new Set(schemeCode === 'VacationRequest' ? names : []),
    read: async (name, target) => {
      log.push(`read ${name} of ${target.instance.id}`);
      return values[name] ?? null;
    },
    write: async (name, value, target) => {
      log.push(`write ${name}=${JSON.stringify(value)} of ${target.instance.id} (subprocesses ${target.subprocessIds.join(',') || 'none'})`);
      values[name] = value;
    },
  };
  return { kept, log, values };
}

function familyOf(...members: ProcessInstance[]): ProcessFamily {
  return { root: members[0]!, instances: new Map(members.map((member) => [member.id, member])) };
}

describe('ExternalParameterBridge', () => {
  it('reads the kept parameters into the family the engine sees, and keeps the stored family apart', async () => {
    const { kept, log } = provider({ Budget: 500, Owner: 'Ann' });
    const bridge = new ExternalParameterBridge(kept);
    const stored = familyOf(fakeInstance({ id: 'p1', parameters: { Amount: 10 } }));
    const seen = await bridge.withValues(stored);
    assert.deepEqual(seen.root.parameters, { Amount: 10, Budget: 500, Owner: 'Ann' });
    assert.equal(bridge.stored(seen), stored);
    assert.deepEqual(log, ['read Budget of p1', 'read Owner of p1']);
  });

  it('after a step writes what changed (a removed one as null), nothing unchanged, and leaves them out of the stored step', async () => {
    const { kept, log } = provider({ Budget: 500, Owner: 'Ann', Note: 'x' });
    const bridge = new ExternalParameterBridge(kept);
    const root = fakeInstance({ id: 'p1', parameters: { Amount: 10 } });
    const child = fakeInstance({ id: 'c1', parameters: {}, parentProcessId: 'p1', rootProcessId: 'p1', schemeCode: 'Other' });
    const seen = await bridge.withValues(familyOf(root, child));
    log.length = 0;
    const { Note: _removed, ...rest } = seen.root.parameters;
    const stepped = { ...seen.root, parameters: { ...rest, Budget: 450, Amount: 11 } };
    const settled = await bridge.settle(seen, fakeStep({ instances: [stepped] }));
    assert.deepEqual(log, ['write Budget=450 of p1 (subprocesses c1)', 'write Note=null of p1 (subprocesses c1)']);
    assert.deepEqual(settled.instances[0]!.parameters, { Amount: 11 }, 'only stored parameters are stored');
  });

  it('writes the values a new instance was created with, and does nothing for a scheme without kept parameters', async () => {
    const { kept, log } = provider({ Budget: null });
    const bridge = new ExternalParameterBridge(kept);
    const created = fakeInstance({ id: 'p2', parameters: { Budget: 100, Amount: 1 } });
    const settled = await bridge.settle(null, fakeStep({ instances: [created] }));
    assert.deepEqual(log, ['write Budget=100 of p2 (subprocesses none)']);
    assert.deepEqual(settled.instances[0]!.parameters, { Amount: 1 });

    const other = fakeInstance({ id: 'p3', schemeCode: 'Other', parameters: { Budget: 1 } });
    const untouched = fakeStep({ instances: [other] });
    assert.equal(await bridge.settle(null, untouched), untouched);
    const family = familyOf(other);
    assert.equal(await bridge.withValues(family), family);
  });

  it('never treats a System parameter as kept outside', async () => {
    const { kept, log } = provider({ ProcessId: 'spoofed', Budget: 1 });
    const bridge = new ExternalParameterBridge(kept);
    const seen = await bridge.withValues(familyOf(fakeInstance({ id: 'p4' })));
    assert.equal(Object.hasOwn(seen.root.parameters, 'ProcessId'), false);
    assert.deepEqual(log, ['read Budget of p4']);
    assert.equal(await bridge.isExternal(seen.root, 'ProcessId'), false);
  });
});
