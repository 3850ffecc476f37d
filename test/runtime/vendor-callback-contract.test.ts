/**
 * The Callback API as the vendor documents it, end to end: project-written vendor-format schemes
 * (test/fixtures/callback-api/) run against a callback server written to the vendor's contract
 * (test/support/vendor-callback-server.ts) — actions, conditions, actor rules and identities,
 * parameters kept by the callback server, a generated scheme, status and activity notifications
 * and the process log — and the server never sees a body that breaks the contract.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InstanceStatus } from '../../src/engine/index.js';
import { createRuntimeParts } from '../../src/runtime/index.js';
import { ManualClock } from '../../src/services/index.js';
import { createSqliteStore } from '../../src/store/index.js';
import { openHarness, type RuntimeHarness } from './runtime-kit.js';
import { startVendorCallbackServer, type VendorCallbackHandlers, type VendorCallbackServer, type VendorProcessInstance } from '../support/vendor-callback-server.js';

const TOKEN = 'callback-token-7f3a';
const ALICE = { identityId: 'Alice', impersonatedIdentityId: null };
const BOB = { identityId: 'Bob', impersonatedIdentityId: null };

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/callback-api/${name}.xml`, import.meta.url), 'utf8');
}

/** A GUID process id, as the vendor's clients use (its model binds Id as Guid). */
function processId(n: number): string {
  return `6f1c2b3a-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** The user's code behind ExpenseClaim and ParallelChecks. */
function expenseHandlers(budget: number): VendorCallbackHandlers {
  return {
    actions: {
      BookExpense: (parameter, instance) => {
        const ledger = (JSON.parse(parameter ?? '{}') as { Ledger?: string }).Ledger;
        return { BookingReference: `${ledger}-${instance.Id.slice(-4)}`, ApprovedBy: instance.ProcessParameters?.IdentityId ?? null };
      },
      CheckStock: (parameter) => ({ StockChecked: parameter === 'warehouse-east' }),
    },
    conditions: {
      WithinPolicy: (parameter, instance) => parameter === 'travel' && Number(instance.ProcessParameters?.Amount) < 1000,
    },
    rules: {
      // The actor's Value comes as written (`@Author`): the rule reads the parameter it names.
      IsManagerOf: {
        check: (identityId, parameter, instance) => identityId === 'Bob' && valueNamedBy(parameter, instance) === 'Alice',
        identities: (parameter, instance) => (valueNamedBy(parameter, instance) === 'Alice' ? ['Bob'] : []),
      },
    },
    parameters: { Budget: budget, ApprovedBy: null },
  };
}

function valueNamedBy(parameter: string | null, instance: VendorProcessInstance): unknown {
  return parameter?.startsWith('@') ? instance.ProcessParameters?.[parameter.slice(1)] : parameter;
}

/** A service and runtime whose one callback server is `callback`, configured with every method. */
async function serverUsing(t: TestContext, callback: VendorCallbackServer): Promise<RuntimeHarness> {
  const clock = new ManualClock('2026-03-02T08:00:00.000Z');
  const store = await createSqliteStore({ filename: ':memory:' });
  t.after(() => store.close());
  await store.setSetting('callbackServers', [
    {
      name: 'vendor-sample',
      baseUrl: callback.baseUrl,
      token: TOKEN,
      paths: { generate: 'Generate', processlog: 'ProcessLog', getparameternames: 'GetParameterNames', getparameter: 'GetParameter', setparameter: 'SetParameter' },
    },
  ]);
  const parts = await createRuntimeParts({ store, clock, env: {} });
  const harness = await openHarness(t, {
    store,
    clock,
    service: { external: parts.external, stepMessages: parts.stepMessages, externalParameters: parts.externalParameters, schemeGenerator: parts.schemeGenerator, callbackServerConfigured: true },
    runtime: { deliver: parts.deliver },
  });
  harness.runtime.start();
  return harness;
}

describe('a callback server written to the vendor contract', () => {
  it('runs ExpenseClaim end to end: rule, identities, condition, action, kept parameters, notifications and the process log', async (t) => {
    const callback = await startVendorCallbackServer(t, { token: TOKEN, handlers: expenseHandlers(500) });
    const h = await serverUsing(t, callback);
    await h.service.saveScheme({ xml: fixture('ExpenseClaim') });
    const id = processId(1);

    await h.service.createInstance({ processId: id, schemeCode: 'ExpenseClaim', actor: ALICE, parameters: [{ name: 'Author', value: 'Alice' }, { name: 'Amount', value: 120 }] });
    assert.deepEqual((await h.service.getAvailableCommands({ processId: id, actor: ALICE })).map((c) => c.name), ['Submit']);

    // Budget (500) lives in the callback server: read before the step for the condition @Amount <= @Budget.
    await h.service.executeCommand({ processId: id, command: 'Submit', actor: ALICE, parameters: [] });
    assert.equal((await h.service.getInstance(id)).activityName, 'ManagerApproval');
    assert.deepEqual((await h.service.getInbox({ processId: id })).map((item) => item.identityId), ['Bob'], 'getidentities decides the inbox');
    assert.deepEqual((await h.service.getAvailableCommands({ processId: id, actor: ALICE })).map((c) => c.name), [], 'checkrule refuses Alice');

    const approved = await h.service.executeCommand({ processId: id, command: 'Approve', actor: BOB, parameters: [{ name: 'Comment', value: 'ok' }] });
    assert.equal(approved.instance.status, InstanceStatus.Finalized);
    assert.equal(approved.instance.activityName, 'Paid');
    const stored = await h.service.getInstance(id);
    assert.equal(stored.parameters.BookingReference, `Travel-${id.slice(-4)}`, 'the action set a stored parameter');
    assert.equal(Object.hasOwn(stored.parameters, 'ApprovedBy'), false, 'a kept parameter is not stored by Waymark');
    assert.equal(Object.hasOwn(stored.parameters, 'Budget'), false);
    assert.equal(callback.parameterValues.get(id)?.ApprovedBy, 'Bob', 'setparameter wrote it to the callback server');
    assert.equal(await h.service.getParameter(id, 'ApprovedBy'), 'Bob', 'getparameter reads it back');

    await h.settle();
    assert.deepEqual(callback.violations, []);
    assert.deepEqual(h.errors, []);

    const listCalls = callback.calls.filter((call) => call.httpMethod === 'GET');
    assert.deepEqual([...new Set(listCalls.map((call) => call.method))].sort(), ['getactions', 'getconditions', 'getparameternames', 'getrules']);
    assert.ok(listCalls.every((call) => call.schemeCode === 'ExpenseClaim' && call.authorization === `Bearer ${TOKEN}`));
    for (const method of ['getactions', 'getconditions', 'getrules', 'getparameternames']) {
      assert.equal(listCalls.filter((call) => call.method === method).length, 1, `${method} is asked once and cached`);
    }

    const action = callback.calls.find((call) => call.method === 'executeaction')!;
    assert.equal(action.processInstance?.Id, id);
    assert.equal(action.processInstance?.SchemeCode, 'ExpenseClaim');
    assert.equal(action.processInstance?.ActivityName, 'Booking');
    assert.equal(action.processInstance?.PreviousActivity, 'ManagerApproval');
    assert.equal(action.processInstance?.ProcessParameters?.Comment, 'ok', 'ProcessParameters holds the temporary parameters of the step');
    assert.equal(action.processInstance?.ProcessParameters?.Budget, 500, 'and the kept ones read for it');

    assert.deepEqual(
      callback.statusChanges.map((change) => `${change.oldStatus}->${change.newStatus}`),
      ['Running->Idled', 'Running->Idled', 'Running->Finalized'],
    );
    const lastStatus = callback.statusChanges.at(-1)!;
    assert.equal(lastStatus.processInstance.InstanceStatus, InstanceStatus.Finalized);
    assert.deepEqual(
      callback.activityChanges.map((change) => `${change.previousActivityName}->${change.currentActivityName}:${change.transitionalProcessWasCompleted}`),
      ['Draft->ManagerApproval:true', 'ManagerApproval->Booking:false', 'Booking->Paid:true'],
    );
    assert.deepEqual(
      callback.processLogs.map((entry) => entry.Message),
      ["Draft → ManagerApproval (Command 'Submit')", "ManagerApproval → Booking (Command 'Approve')", "Booking → Paid (Auto 'Booking_Paid')"],
    );
  });

  it('takes the Otherwise branch when the kept Budget is too small, and the timer rejects the claim two days later', async (t) => {
    const callback = await startVendorCallbackServer(t, { token: TOKEN, handlers: expenseHandlers(50) });
    const h = await serverUsing(t, callback);
    await h.service.saveScheme({ xml: fixture('ExpenseClaim') });
    const id = processId(2);
    await h.service.createInstance({ processId: id, schemeCode: 'ExpenseClaim', actor: ALICE, parameters: [{ name: 'Author', value: 'Alice' }, { name: 'Amount', value: 120 }] });
    await h.service.executeCommand({ processId: id, command: 'Submit', actor: ALICE, parameters: [] });
    assert.equal((await h.service.getInstance(id)).activityName, 'OverBudget');

    await h.advance(2 * 24 * 60 * 60_000);
    assert.equal((await h.service.getInstance(id)).activityName, 'Rejected');
    assert.equal(callback.statusChanges.at(-1)?.newStatus, 'Finalized');
    assert.deepEqual(callback.violations, []);
  });

  it('sends no status notification for a subprocess, and its parent lists it in SubProcessIds', async (t) => {
    const callback = await startVendorCallbackServer(t, { token: TOKEN, handlers: expenseHandlers(0) });
    const h = await serverUsing(t, callback);
    await h.service.saveScheme({ xml: fixture('ParallelChecks') });
    const id = processId(3);
    await h.service.createInstance({ processId: id, schemeCode: 'ParallelChecks', actor: ALICE, parameters: [] });

    const stock = callback.calls.find((call) => call.method === 'executeaction' && call.name === 'CheckStock')!;
    const child = stock.processInstance!;
    assert.equal(child.IsSubProcess, true);
    assert.equal(child.ParentProcessId, id);
    assert.equal(child.RootProcessId, id);
    await h.settle();
    const rootIdled = callback.statusChanges.find((change) => change.processId === id && change.newStatus === 'Idled')!;
    assert.deepEqual(rootIdled.processInstance.SubProcessIds, [child.Id]);

    await h.service.executeCommand({ processId: child.Id, command: 'Ship', actor: ALICE, parameters: [] });
    await h.settle();
    assert.equal((await h.service.getInstance(id)).activityName, 'Shipped');
    assert.equal((await h.service.getInstance(id)).parameters.StockChecked, true, 'the subprocess merged its parameters back');
    assert.ok(callback.statusChanges.length >= 2);
    assert.ok(callback.statusChanges.every((change) => change.processId === id), 'never for the subprocess');
    assert.deepEqual(callback.statusChanges.at(-1)?.processInstance.SubProcessIds, []);
    assert.deepEqual(callback.violations, []);
  });

  it('creates an instance of a generated scheme, compiled before use and reused for the same parameters', async (t) => {
    const requests: unknown[] = [];
    const callback = await startVendorCallbackServer(t, {
      token: TOKEN,
      handlers: {
        generate: (request) => {
          requests.push(request.parameters);
          const approvers = (request.parameters as { Approvers: string[] }).Approvers;
          return withApprovalSteps(request.scheme, approvers);
        },
      },
    });
    const h = await serverUsing(t, callback);
    const base = await h.service.saveScheme({ xml: fixture('ApprovalChain') });
    const id = processId(4);
    await h.service.createInstance({ processId: id, schemeCode: 'ApprovalChain', actor: ALICE, parameters: [], schemeParameters: { Approvers: ['Ann', 'Ben'] } });

    const generateCall = callback.calls.find((call) => call.method === 'generate')!;
    assert.equal(generateCall.schemeCode, 'ApprovalChain');
    const created = await h.service.getInstance(id);
    assert.equal(created.schemeCode, 'ApprovalChain', 'the instance keeps the code it asked for');
    assert.notEqual(created.schemeId, base.id, 'but runs the generated scheme');
    assert.equal((await h.store.getSchemeByCode('ApprovalChain'))?.id, base.id, 'which is not a version of the code');

    await h.service.executeCommand({ processId: id, command: 'Approve', actor: ALICE, parameters: [] });
    assert.equal((await h.service.getInstance(id)).activityName, 'ApprovedByAnn');
    await h.service.executeCommand({ processId: id, command: 'Approve', actor: ALICE, parameters: [] });
    assert.equal((await h.service.getInstance(id)).activityName, 'ApprovedByBen');
    await h.service.executeCommand({ processId: id, command: 'Approve', actor: ALICE, parameters: [] });
    assert.equal((await h.service.getInstance(id)).status, InstanceStatus.Finalized);

    await h.service.createInstance({ processId: processId(5), schemeCode: 'ApprovalChain', actor: ALICE, parameters: [], schemeParameters: { Approvers: ['Ann', 'Ben'] } });
    assert.equal((await h.service.getInstance(processId(5))).schemeId, created.schemeId);
    assert.equal(requests.length, 1, 'the same parameters reuse the generated scheme');
    assert.deepEqual(callback.violations, []);
  });

  it('refuses a generated scheme that does not compile, listing its problems, and stores nothing', async (t) => {
    const callback = await startVendorCallbackServer(t, { handlers: { generate: () => '<Process Name="Broken"><Activities /></Process>' }, generateAnswer: 'envelope' });
    const h = await serverUsing(t, callback);
    await h.service.saveScheme({ xml: fixture('ApprovalChain') });
    await assert.rejects(
      h.service.createInstance({ processId: processId(6), schemeCode: 'ApprovalChain', actor: ALICE, parameters: [], schemeParameters: { Approvers: [] } }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'WM_SCHEME_INVALID');
        assert.match(error.message, /\(generated by the callback server\)/);
        return true;
      },
    );
    assert.equal(await h.service.instanceExists(processId(6)), false);
  });
});

/**
 * The generator's own code: the base scheme with one approval step per approver between
 * `Requested` and `Approved` (plain text surgery, as a user's generator might do it).
 */
function withApprovalSteps(baseXml: string, approvers: readonly string[]): string {
  const activities = approvers.map((name) => `<Activity Name="ApprovedBy${name}" State="ApprovedBy${name}" IsInitial="false" IsFinal="false" />`).join('');
  const chain = ['Requested', ...approvers.map((name) => `ApprovedBy${name}`), 'Approved'];
  const transitions = chain.slice(1).map((to, index) => {
    const from = chain[index]!;
    return `<Transition Name="${from}_${to}" From="${from}" To="${to}" Classifier="Direct"><Triggers><Trigger Type="Command" NameRef="Approve" /></Triggers><Conditions><Condition Type="Always" /></Conditions></Transition>`;
  });
  return baseXml
    .replace('<Activity Name="Approved"', `${activities}<Activity Name="Approved"`)
    .replace(/<Transitions>[\s\S]*<\/Transitions>/, `<Transitions>${transitions.join('')}</Transitions>`);
}
