/**
 * Who may set what through a command (issue #17, item 1): the bearer of a task link may pass only
 * the command's declared input parameters, for that step — never another process variable, and
 * nothing is stored — while a Workflow API caller keeps the vendor's semantics and may pass and
 * persist any parameter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JANE, json, PUBLIC_URL, startApiV1Harness, type ApiV1Harness } from './harness.js';

const MANAGER = 'manager@acme.com';
const DIRECTOR = 'director@acme.com';
const ATTACKER = 'attacker@example.com';

/**
 * Expenses: the requester submits (with an optional note); under 1000, or when finance
 * pre-approved it, the manager named in `Manager` approves, otherwise the director does.
 * `Amount` and `Manager` are set at the start.
 */
const EXPENSE_SCHEME = {
  code: 'Expense',
  name: 'Expense',
  tags: [],
  parameters: [
    { name: 'requesterEmail', type: 'String', purpose: 'Persistence' },
    { name: 'Amount', type: 'Decimal', purpose: 'Persistence' },
    { name: 'Manager', type: 'String', purpose: 'Persistence' },
    { name: 'ApprovalNote', type: 'String', purpose: 'Persistence' },
  ],
  actors: [
    { name: 'Requester', rule: 'isUser', value: '@requesterEmail' },
    { name: 'Manager', rule: 'isUser', value: '@Manager' },
    { name: 'Director', rule: 'isUser', value: DIRECTOR },
  ],
  commands: [
    { name: 'submit', inputParameters: [{ name: 'note', parameterName: 'ApprovalNote', isRequired: false }] },
    { name: 'approve', inputParameters: [] },
  ],
  activities: [
    { name: 'Form', state: 'Form', isInitial: true },
    { name: 'ManagerReview', state: 'Review' },
    { name: 'DirectorReview', state: 'Review' },
    { name: 'Approved', state: 'Approved', isFinal: true },
  ],
  transitions: [
    { name: 'Small', from: 'Form', to: 'ManagerReview', trigger: { type: 'Command', name: 'submit' }, conditions: [{ type: 'Expression', expression: '@Amount < 1000 || @ApprovalNote == "pre-approved by finance"' }], restrictions: [{ type: 'Allow', actor: 'Requester' }] },
    { name: 'Large', from: 'Form', to: 'DirectorReview', trigger: { type: 'Command', name: 'submit' }, conditions: [{ type: 'Otherwise' }], restrictions: [{ type: 'Allow', actor: 'Requester' }] },
    { name: 'ManagerApproves', from: 'ManagerReview', to: 'Approved', trigger: { type: 'Command', name: 'approve' }, conditions: [{ type: 'Always' }], restrictions: [{ type: 'Allow', actor: 'Manager' }] },
    { name: 'DirectorApproves', from: 'DirectorReview', to: 'Approved', trigger: { type: 'Command', name: 'approve' }, conditions: [{ type: 'Always' }], restrictions: [{ type: 'Allow', actor: 'Director' }] },
  ],
};

/** Given an expense of 5000 started in /api/v1 by Jane, with her task link to the form. */
async function startExpense(h: ApiV1Harness): Promise<{ wfInstanceId: string; link: string }> {
  await h.workflow.saveScheme({ json: EXPENSE_SCHEME });
  const group = h.orgA.groups[0];
  const model = await h.services.models.publishModel({ schemeCode: 'Expense', tenantId: group.id });
  const token = await h.tokenFor(group.id);
  const started = await h.call(token, {
    method: 'POST',
    url: '/api/v1/workflowInstances',
    payload: { wfModelId: model.id, wfData: { requesterEmail: JANE.email, Amount: 5000, Manager: MANAGER, ApprovalNote: 'none yet' } },
  });
  assert.equal(started.statusCode, 200, started.body);
  const { wfInstanceId, redirectUrl } = json<{ wfInstanceId: string; redirectUrl: string }>(started);
  const url = new URL(redirectUrl);
  assert.equal(url.origin, PUBLIC_URL);
  return { wfInstanceId, link: url.pathname + url.search };
}

test('a task link that passes Amount and Manager is refused with 480 InvalidInput, and nothing is stored or moved', async (t) => {
  const h = await startApiV1Harness(t);
  const { wfInstanceId, link } = await startExpense(h);
  const before = await h.workflow.getInstance(wfInstanceId);

  const attack = await h.app.inject({
    method: 'POST',
    url: link,
    payload: { command: 'submit', parameters: { Amount: 5, Manager: ATTACKER } },
  });

  assert.equal(attack.statusCode, 480, attack.body);
  assert.deepEqual(json(attack), {
    errorCode: 'InvalidInput',
    message: 'The parameter Amount is not an input of command submit (its inputs: note)',
  });
  const after = await h.workflow.getInstance(wfInstanceId);
  assert.deepEqual(after.parameters, before.parameters);
  assert.equal(after.activityName, 'Form');
  assert.equal(after.revision, before.revision);
  assert.deepEqual(await h.store.getHistory(wfInstanceId), []);
  assert.deepEqual((await h.store.getInbox({ identityId: ATTACKER })), []);
  // The link still opens the task: the refusal consumed nothing.
  assert.equal((await h.app.inject({ method: 'GET', url: link })).statusCode, 200);
});

test('the same attack through the task page\'s form fields is refused too', async (t) => {
  const h = await startApiV1Harness(t);
  const { wfInstanceId, link } = await startExpense(h);

  const attack = await h.app.inject({
    method: 'POST',
    url: link,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `command=submit&parameter.note=ok&parameter.Manager=${encodeURIComponent(ATTACKER)}`,
  });

  assert.deepEqual([attack.statusCode, json<{ errorCode: string }>(attack).errorCode], [480, 'InvalidInput']);
  assert.equal((await h.workflow.getInstance(wfInstanceId)).parameters.Manager, MANAGER);
});

test('a declared input through a task link reaches the step\'s conditions but is not stored', async (t) => {
  const h = await startApiV1Harness(t);
  const { wfInstanceId, link } = await startExpense(h);

  const done = await h.app.inject({ method: 'POST', url: link, payload: { command: 'submit', parameters: { note: 'pre-approved by finance' } } });

  assert.equal(done.statusCode, 200, done.body);
  const instance = await h.workflow.getInstance(wfInstanceId);
  // The note decided the route (5000 alone goes to the director)...
  assert.equal(instance.activityName, 'ManagerReview');
  // ...for this step only: the stored ApprovalNote is unchanged.
  assert.equal(instance.parameters.ApprovalNote, 'none yet');
  assert.equal(instance.parameters.Amount, 5000);
});

test('a declared input given by the process parameter it fills is accepted; given twice it is refused', async (t) => {
  const h = await startApiV1Harness(t);
  const { wfInstanceId, link } = await startExpense(h);

  const twice = await h.app.inject({ method: 'POST', url: link, payload: { command: 'submit', parameters: { note: 'a', ApprovalNote: 'b' } } });
  assert.deepEqual(json(twice), { errorCode: 'InvalidInput', message: 'The parameter note of command submit is given twice' });

  const done = await h.app.inject({ method: 'POST', url: link, payload: { command: 'submit', parameters: { ApprovalNote: 'pre-approved by finance' } } });
  assert.equal(done.statusCode, 200, done.body);
  const instance = await h.workflow.getInstance(wfInstanceId);
  assert.deepEqual([instance.activityName, instance.parameters.ApprovalNote], ['ManagerReview', 'none yet']);
});

test('Workflow API executecommand keeps the vendor\'s semantics: declared Persistence and persist=true parameters are stored', async (t) => {
  const h = await startApiV1Harness(t);
  const { wfInstanceId } = await startExpense(h);

  const response = await h.app.inject({
    method: 'POST',
    url: '/workflowapi/executecommand',
    payload: {
      processId: wfInstanceId,
      command: 'submit',
      identityId: JANE.email,
      parameters: [
        { name: 'note', value: 'from the API' },
        { name: 'Amount', value: 5 },
        { name: 'CostCentre', value: 'K-12', persist: true },
      ],
    },
  });

  assert.equal(response.statusCode, 200, response.body);
  assert.equal(json<{ success: boolean }>(response).success, true, response.body);
  const instance = await h.workflow.getInstance(wfInstanceId);
  assert.equal(instance.activityName, 'ManagerReview');
  assert.equal(instance.parameters.ApprovalNote, 'from the API');
  assert.equal(instance.parameters.Amount, 5);
  assert.equal(instance.parameters.CostCentre, 'K-12');
});
