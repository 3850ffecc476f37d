import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogFromDocuments, findOperation, type ExplorerOperation } from './operation-catalog.js';
import { buildRequest, type ExplorerAccess, type FormValues } from './request-builder.js';
import { serverDocuments } from './testing/server-documents.js';

const SERVER = 'https://waymark.example:8443';
const PROCESS_ID = 'f54104f0-5de2-ea7b-e3be-47c9199a3967';
const operations = catalogFromDocuments(serverDocuments());

function operation(key: string): ExplorerOperation {
  const found = findOperation(operations, key);
  assert.ok(found, key);
  return found;
}

const open: ExplorerAccess = { serverUrl: SERVER, workflowApi: { mode: 'open' }, apiV1Token: '' };
const tokenMode: ExplorerAccess = { ...open, workflowApi: { mode: 'token', token: 'the-api-token' } };
const oidcMode: ExplorerAccess = {
  ...open,
  workflowApi: {
    mode: 'oidc',
    discoveryUrl: `${SERVER}/.well-known/openid-configuration`,
    tokenEndpoint: `${SERVER}/connect/token`,
    clientId: 'workflowapi',
    clientSecret: 'the-api-token',
  },
};

test('given createinstance in token mode, then it is a POST to the id URL with the other values and the token in the JSON body', () => {
  const values: FormValues = {
    processId: PROCESS_ID,
    schemeCode: 'Approval',
    identityId: '',
    parameters: [{ name: 'Amount', value: '250', persist: true }],
  };

  const { request, problems } = buildRequest(operation('createinstance'), values, tokenMode);

  assert.deepEqual(problems, []);
  assert.equal(request.method, 'POST');
  assert.equal(request.url, `${SERVER}/workflowapi/createinstance/${PROCESS_ID}`);
  assert.deepEqual(request.body, { schemeCode: 'Approval', parameters: [{ name: 'Amount', value: 250, persist: true }], token: 'the-api-token' });
  assert.deepEqual(request.headers, []);
  assert.equal(request.bearer, undefined);
});

test('given OpenID Connect mode, then no token field is sent: the request names the grant that gives its bearer token', () => {
  const { request } = buildRequest(operation('executecommand'), { processId: PROCESS_ID, command: 'approve' }, oidcMode);

  assert.deepEqual(request.body, { command: 'approve' });
  assert.deepEqual(request.bearer, {
    kind: 'granted',
    grant: { discoveryUrl: `${SERVER}/.well-known/openid-configuration`, tokenEndpoint: `${SERVER}/connect/token`, clientId: 'workflowapi', clientSecret: 'the-api-token' },
  });
});

test('given an open server, then the request carries no credentials at all', () => {
  const { request } = buildRequest(operation('getschemelist'), {}, open);

  assert.deepEqual([request.url, request.body, request.bearer], [`${SERVER}/workflowapi/getschemelist`, {}, undefined]);
});

test('given an optional URL id, then it goes in the path only when given; an id with URL characters is encoded', () => {
  assert.equal(buildRequest(operation('inbox'), { identityId: 'manager' }, open).request.url, `${SERVER}/workflowapi/inbox`);
  assert.equal(buildRequest(operation('inbox'), { processId: PROCESS_ID }, open).request.url, `${SERVER}/workflowapi/inbox/${PROCESS_ID}`);
  const form = buildRequest(operation('getformbyflow'), { name: 'Expense report/2026?draft#1' }, open).request;
  assert.equal(form.url, `${SERVER}/workflowapi/getformbyflow/Expense%20report%2F2026%3Fdraft%231`);
  assert.deepEqual(form.body, {});
});

test('given typed values, then each is sent as its JSON type; empty ones are left out and false is kept', () => {
  const list = buildRequest(
    operation('getinstances'),
    { take: '25', skip: ' ', status: ['Running', 'Idled'], fromCreationDate: '2026-03-01T00:00:00.000Z', search: '' },
    open,
  ).request;
  assert.deepEqual(list.body, { take: 25, status: ['Running', 'Idled'], fromCreationDate: '2026-03-01T00:00:00.000Z' });

  const user = buildRequest(operation('updateuser'), { id: 'u-1', isLocked: false, roles: 'Manager, Accountant', extensions: '{"department":"Sales"}' }, open).request;
  assert.deepEqual(user.body, { isLocked: false, roles: ['Manager', 'Accountant'], extensions: { department: 'Sales' } });
  assert.equal(user.url, `${SERVER}/workflowapi/updateuser/u-1`);

  // `any`: JSON when it is JSON, else the text.
  assert.deepEqual(buildRequest(operation('setparameter'), { processId: PROCESS_ID, parameter: 'Note', value: 'see "A"' }, open).request.body, { parameter: 'Note', value: 'see "A"' });
  assert.deepEqual(buildRequest(operation('setparameter'), { processId: PROCESS_ID, parameter: 'Limit', value: '12.5' }, open).request.body, { parameter: 'Limit', value: 12.5 });
});

test('given the parameters table, then rows become {name, value, persist}; blank rows are skipped and values typed as JSON or text', () => {
  const { request, problems } = buildRequest(
    operation('executecommand'),
    {
      processId: PROCESS_ID,
      command: 'approve',
      parameters: [
        { name: 'Comment', value: "it's \"fine\"\n$HOME \\ done", persist: false },
        { name: '', value: '', persist: false },
        { name: 'Approved', value: 'true', persist: true },
        { name: 'Details', value: '{"lines":[1,2]}', persist: false },
        { name: 'Empty', value: '', persist: false },
      ],
    },
    open,
  );

  assert.deepEqual(problems, []);
  assert.deepEqual(request.body?.parameters, [
    { name: 'Comment', value: "it's \"fine\"\n$HOME \\ done", persist: false },
    { name: 'Approved', value: true, persist: true },
    { name: 'Details', value: { lines: [1, 2] }, persist: false },
    { name: 'Empty', value: null, persist: false },
  ]);
});

test('given values that cannot be sent, then each is named with the reason and left out of the request', () => {
  const deep = `${'['.repeat(40)}${']'.repeat(40)}`;
  const { request, problems } = buildRequest(
    operation('createuser'),
    { id: 'u-1', name: 'Ann', extensions: '{"__proto__": {"isAdmin": true}}', roles: [] },
    open,
  );
  assert.deepEqual(problems.map((problem) => problem.field), ['extensions']);
  assert.match(problems[0]!.message, /extensions has the key "__proto__"/);
  assert.deepEqual(request.body, { name: 'Ann' });

  const more = buildRequest(
    operation('getinstances'),
    { take: 'ten', skip: '1.5' },
    open,
  ).problems.map((problem) => problem.message);
  assert.deepEqual(more, ['take must be a whole number', 'skip must be a whole number']);

  assert.match(buildRequest(operation('updateuser'), { id: 'u-1', extensions: '{"a":' }, open).problems[0]!.message, /extensions is not valid JSON/);
  assert.match(buildRequest(operation('updateuser'), { id: 'u-1', externalLogins: deep }, open).problems[0]!.message, /nests deeper than 32 levels/);
  const rows = (parameters: { name: string; value: string; persist: boolean }[]) =>
    buildRequest(operation('executecommand'), { processId: PROCESS_ID, command: 'go', parameters }, open).problems.map((problem) => problem.message);
  assert.deepEqual(rows([{ name: '', value: '5', persist: false }]), ['parameters row 1 has a value but no name']);
  assert.deepEqual(rows([{ name: 'constructor', value: '5', persist: false }]), ['parameters row 1: the name "constructor" is not accepted']);
  assert.deepEqual(rows([{ name: 'Data', value: '{"prototype":1}', persist: false }]), ['parameters row 1 (Data) has the key "prototype", which is not accepted']);
});

test('given an /api/v1 endpoint, then path values are encoded, query and header values placed, and the API token sent as bearer', () => {
  const access: ExplorerAccess = { ...open, apiV1Token: 'v1-token' };

  const tasks = buildRequest(operation('api-v1.listUserTasks'), { emailAddress: 'ann+ops@acme.com', status: 'all', tenantId: '' }, access).request;
  assert.deepEqual(
    [tasks.method, tasks.url, tasks.body, tasks.bearer],
    ['GET', `${SERVER}/api/v1/user/ann%2Bops%40acme.com/tasks?status=all`, undefined, { kind: 'token', token: 'v1-token' }],
  );

  const models = buildRequest(operation('api-v1.listWorkflowModels'), { 'accusoft-dtm-tenant': 'tenant-1', expand: 'instanceCount' }, access).request;
  assert.deepEqual(models.headers, [['accusoft-dtm-tenant', 'tenant-1']]);
  assert.equal(models.url, `${SERVER}/api/v1/workflowModels?expand=instanceCount`);

  const start = buildRequest(operation('api-v1.startWorkflowInstance'), { wfModelId: 'm-1', wfData: '{"amount": 250}' }, access).request;
  assert.deepEqual([start.method, start.body], ['POST', { wfModelId: 'm-1', wfData: { amount: 250 } }]);

  const bulk = buildRequest(operation('api-v1.listWorkflowModelsBulk'), { tenantIds: ['t-1', 't-2'] }, access).request;
  assert.deepEqual(bulk.body, { tenantIds: ['t-1', 't-2'] });

  // Without a token the call is still built (the server answers InvalidToken); a task link never sends one.
  assert.equal(buildRequest(operation('api-v1.listUserTasks'), { emailAddress: 'a@b.c' }, open).request.bearer, undefined);
  assert.equal(buildRequest(operation('api-v1.openTask'), { wfInstanceId: 'i-1', token: 'link' }, access).request.bearer, undefined);
});

test('given a missing path value or a header with a line break, then the problem is named', () => {
  const access: ExplorerAccess = { ...open, apiV1Token: 'v1-token' };

  const missing = buildRequest(operation('api-v1.cancelWorkflowInstance'), {}, access);
  assert.deepEqual(missing.problems, [{ field: 'wfInstanceId', message: 'wfInstanceId is required (it is part of the URL)' }]);

  const header = buildRequest(operation('api-v1.listWorkflowModels'), { 'accusoft-dtm-tenant': 't-1\r\nX-Injected: yes' }, access);
  assert.deepEqual(header.problems.map((problem) => problem.field), ['accusoft-dtm-tenant']);
  assert.deepEqual(header.request.headers, []);

  const token = buildRequest(operation('api-v1.listUserTasks'), { emailAddress: 'a@b.c' }, { ...open, apiV1Token: 'x\ny' });
  assert.deepEqual(token.problems.map((problem) => problem.field), ['Authorization']);
});

test('given a server URL with a trailing slash, then the request URL has no double slash', () => {
  const { request } = buildRequest(operation('isactive'), {}, { ...open, serverUrl: 'http://localhost:8077/' });

  assert.equal(request.url, 'http://localhost:8077/workflowapi/isactive');
});
