/**
 * The engine runs actions from what the scheme compiled: parsed arguments (never the text), the
 * compiled calls handed to the runtime's actions, and Webhook messages in the step result.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CompiledActivity, CompiledScheme } from '../scheme/model.js';
import { action, activity, context, fakeExternal, scheme, transition, user, when } from '../../test/support/engine-kit.js';
import { createInstance } from './index.js';
import { InstanceStatus, type EngineContext, type ExternalCalls, type StepMessage } from './types.js';

function create(ctx: EngineContext, compiled: CompiledScheme) {
  return createInstance(ctx, compiled, { processId: 'p1', schemeId: 's', schemeVersion: 1, tenantId: null, actor: user('u'), parameters: [] });
}

/** `compiled` with the parameter text of every action and condition action replaced by `text`. */
function withParameterText(compiled: CompiledScheme, text: string): CompiledScheme {
  const activities = new Map<string, CompiledActivity>();
  for (const [name, compiledActivity] of compiled.activities) {
    activities.set(name, { ...compiledActivity, implementation: compiledActivity.implementation.map((call) => ({ ...call, parameter: text })) });
  }
  const transitionsFrom = new Map(
    [...compiled.transitionsFrom].map(([from, list]) => [
      from,
      list.map((t) => ({ ...t, conditions: t.conditions.map((c) => (c.type === 'Action' ? { ...c, parameter: text } : c)) })),
    ]),
  );
  return { ...compiled, activities, transitionsFrom, initialActivity: activities.get(compiled.initialActivity.name)! };
}

describe('actions run from the compiled scheme', () => {
  test('given built-in actions whose text is gone, when the instance is created, then they run from their compiled arguments', async () => {
    const compiled = scheme({
      activities: [
        activity('Count', { implementation: [action('SetParameter', { ParameterName: 'Total', Value: '3' }), action('RemoveParameter', 'Draft', 2)] }),
        activity('Big', { isFinal: true }),
        activity('Small', { isFinal: true }),
      ],
      transitions: [
        transition('Count', 'Big', { conditions: [when.action('CheckParameter', { ParameterName: 'Total', CompareType: 'More', Value: '2' })] }),
        transition('Count', 'Small', { conditions: [when.otherwise()] }),
      ],
    });
    const step = await create(context(compiled), withParameterText(compiled, 'not JSON: the engine must not read it'));
    assert.equal(step.instances[0]!.errorMessage, null);
    assert.equal(step.instances[0]!.activityName, 'Big');
    assert.deepEqual(step.instances[0]!.parameters, { Total: 3 });
  });

  test('the runtime’s actions and condition actions receive the compiled call along with the text', async () => {
    const seen: string[] = [];
    const external: ExternalCalls = {
      ...fakeExternal(),
      async executeAction(name, parameter, _context, call) {
        seen.push(`${name} ${parameter} ${call?.arguments.kind}`);
      },
      async executeCondition(name, parameter, _context, condition) {
        seen.push(`${name} ${parameter} ${condition?.arguments.kind}`);
        return true;
      },
    };
    const compiled = scheme({
      activities: [activity('Ask', { implementation: [action('HTTPRequest', { Url: 'http://api.example.test/x' }), action('JsonBackup', 'Start', 2)] }), activity('Done', { isFinal: true })],
      transitions: [transition('Ask', 'Done', { conditions: [when.action('CheckHTTPRequest', { Url: 'http://api.example.test/y' })] })],
    });
    await create(context(compiled, { external }), compiled);
    assert.deepEqual(seen, [
      'HTTPRequest {"Url":"http://api.example.test/x"} HTTPRequest',
      'JsonBackup Start External',
      'CheckHTTPRequest {"Url":"http://api.example.test/y"} CheckHTTPRequest',
    ]);
  });
});

describe('Webhook messages', () => {
  const hooked = scheme({
    activities: [
      activity('Submitted', { implementation: [action('SetParameter', { ParameterName: 'Amount', Value: '12' }), action('Webhook', { Url: 'https://hooks.example.test/in', Secret: 's3' }, 2)] }),
      activity('Done', { isFinal: true, implementation: [action('Webhook', 'crm')] }),
    ],
    transitions: [transition('Submitted', 'Done')],
  });

  test('given a runtime that composes them, when the actions run, then their messages are part of the step result', async () => {
    const composed: string[] = [];
    const external: ExternalCalls = {
      ...fakeExternal(),
      async composeWebhook(target, callContext, now): Promise<StepMessage> {
        composed.push('url' in target ? `${target.url} ${target.secret}` : `name ${target.name}`);
        return { processId: callContext.instance.id, kind: 'webhook', payload: { at: now.toISOString(), amount: callContext.parameters['Amount'] ?? null } };
      },
    };
    const step = await create(context(hooked, { external, now: new Date('2026-03-02T10:00:00.000Z') }), hooked);
    assert.equal(step.instances[0]!.status, InstanceStatus.Finalized);
    assert.deepEqual(composed, ['https://hooks.example.test/in s3', 'name crm']);
    assert.deepEqual(step.messages, [
      { processId: 'p1', kind: 'webhook', payload: { at: '2026-03-02T10:00:00.000Z', amount: 12 } },
      { processId: 'p1', kind: 'webhook', payload: { at: '2026-03-02T10:00:00.000Z', amount: 12 } },
    ]);
  });

  test('a refused webhook fails its action like any other, and the messages sent before it stay with the step', async () => {
    const external: ExternalCalls = {
      ...fakeExternal(),
      async composeWebhook(target, callContext) {
        if ('name' in target) throw new Error(`no webhook named '${target.name}' is configured`);
        return { processId: callContext.instance.id, kind: 'webhook', payload: null };
      },
    };
    const step = await create(context(hooked, { external }), hooked);
    assert.equal(step.instances[0]!.status, InstanceStatus.Error);
    assert.equal(step.instances[0]!.errorMessage, "Action Webhook failed: no webhook named 'crm' is configured");
    assert.equal(step.messages.length, 1);
  });

  test('without a runtime to compose them, Webhook goes to ExternalCalls like any other name', async () => {
    const step = await create(context(hooked), hooked);
    assert.equal(step.instances[0]!.status, InstanceStatus.Error);
    assert.match(step.instances[0]!.errorMessage ?? '', /^Action Webhook failed: WM_EXTERNAL_UNAVAILABLE: No callback server provides the action Webhook/);
    assert.deepEqual(step.messages, []);
  });
});
