/**
 * The Workflow API's OpenAPI document carries what the admin panel's API explorer builds its
 * forms from: sections as tags in the vendor's order, a one-line title and a description per
 * operation, the URL forms, typed parameters and the `x-waymark-…` editor hints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPERATIONS } from '../../src/dialects/workflow-api/index.js';
import { startHarness } from './harness.js';

interface OpenApiOperation {
  operationId: string;
  tags: string[];
  summary: string;
  description: string;
  parameters: { name: string; in: string; required: boolean; schema: Record<string, any> }[];
  requestBody?: { content: Record<string, { schema: { properties: Record<string, Record<string, any>>; required: string[] } }> };
  'x-waymark-operation': string;
  'x-waymark-url-forms': string[];
  'x-waymark-url-id'?: string;
}

type Document = {
  tags: { name: string; description: string }[];
  paths: Record<string, { get: OpenApiOperation; post: OpenApiOperation }>;
  components: { securitySchemes: Record<string, Record<string, unknown>> };
  security: Record<string, string[]>[];
};

async function servedDocument(t: import('node:test').TestContext): Promise<Document> {
  const h = await startHarness(t);
  const response = await h.app.inject({ url: '/openapi/workflowapi.json' });
  assert.equal(response.statusCode, 200);
  return response.json() as Document;
}

function postOf(document: Document, name: string): OpenApiOperation {
  const found = Object.values(document.paths).find((methods) => methods.post['x-waymark-operation'] === name);
  assert.ok(found, `no operation ${name} in the document`);
  return found.post;
}

/** Every field of a POST operation: its path parameters and its JSON body's properties. */
function fieldsOf(operation: OpenApiOperation): Record<string, Record<string, any>> {
  const body = operation.requestBody?.content['application/json']?.schema.properties ?? {};
  return { ...Object.fromEntries(operation.parameters.map((p) => [p.name, p.schema])), ...body };
}

test('given the served document, every operation of the table is there under its section, in the vendor order, with a one-line title', async (t) => {
  const document = await servedDocument(t);

  assert.deepEqual(
    document.tags.map((tag) => tag.name),
    ['Instance', 'Folders', 'Logs', 'Server', 'User', 'Other'],
  );
  assert.ok(document.tags.every((tag) => tag.description.length > 0));

  const documented = Object.values(document.paths).map((methods) => methods.post['x-waymark-operation']);
  assert.deepEqual(documented, OPERATIONS.map((operation) => operation.name));
  for (const operation of OPERATIONS) {
    const post = postOf(document, operation.name);
    assert.deepEqual(post.tags, [operation.section], operation.name);
    assert.equal(post.summary, operation.title, operation.name);
    assert.doesNotMatch(post.summary, /\n/, operation.name);
    assert.ok(post.summary.length <= 60, `${operation.name}: a title of ${post.summary.length} characters`);
    assert.ok(post.description.startsWith(operation.summary), operation.name);
  }
  assert.equal(postOf(document, 'createinstance').summary, 'Create a process instance');
  assert.equal(postOf(document, 'loginfo').summary, 'Write an info entry to the log');
  assert.equal(postOf(document, 'logerror').summary, 'Write an error entry to the log');
  assert.equal(postOf(document, 'logdebug').summary, 'Write a debug entry to the log');
});

test('given an operation that takes an id, then its three URL forms and its id parameter are published; without one, two forms', async (t) => {
  const document = await servedDocument(t);

  const create = postOf(document, 'createinstance');
  assert.deepEqual(create['x-waymark-url-forms'], [
    '/workflowapi/createinstance/{processId}',
    '/workflowapi/createinstance?processId={processId}',
    '/workflowapi?operation=createinstance&processId={processId}',
  ]);
  assert.equal(create['x-waymark-url-id'], 'processId');
  assert.match(create.description, /`\/workflowapi\?operation=createinstance&processId=\{processId\}`/);

  // inbox takes an optional processId: the id form is offered, the id is not a path parameter.
  const inbox = postOf(document, 'inbox');
  assert.equal(inbox['x-waymark-url-id'], 'processId');
  assert.equal(inbox['x-waymark-url-forms'][0], '/workflowapi/inbox/{processId}');
  assert.ok(document.paths['/workflowapi/inbox']);

  assert.equal(postOf(document, 'getformbyflow')['x-waymark-url-id'], 'name');
  assert.equal(postOf(document, 'deleteuser')['x-waymark-url-id'], 'id');

  const list = postOf(document, 'getinstances');
  assert.deepEqual(list['x-waymark-url-forms'], ['/workflowapi/getinstances', '/workflowapi?operation=getinstances']);
  assert.equal(list['x-waymark-url-id'], undefined);
});

test('given the published URL forms of an operation, when each is called, then each reaches that operation', async (t) => {
  const h = await startHarness(t);
  const document = (await h.app.inject({ url: '/openapi/workflowapi.json' })).json() as Document;
  const id = '5b1f0c3e-9d2a-4e7b-8c6d-0a1b2c3d4e5f';
  const forms = postOf(document, 'isexistprocess')['x-waymark-url-forms'];

  for (const form of forms) {
    const response = await h.call(form.replace('{processId}', id));
    assert.deepEqual([response.status, response.body.success, response.body.data], [200, true, false], form);
  }
});

test('given the parameters, then each has its type: ids as uuid, dates as date-time, booleans, typed arrays and the parameters list shape', async (t) => {
  const document = await servedDocument(t);

  const create = fieldsOf(postOf(document, 'createinstance'));
  assert.deepEqual({ type: create.processId?.type, format: create.processId?.format }, { type: 'string', format: 'uuid' });
  const listShape = create.parameters?.oneOf?.[0];
  assert.equal(listShape?.type, 'array');
  assert.deepEqual(listShape?.items?.required, ['name']);
  assert.deepEqual(Object.keys(listShape?.items?.properties ?? {}), ['name', 'value', 'persist']);
  assert.equal(listShape?.items?.properties?.persist?.type, 'boolean');
  assert.equal(create.parameters?.oneOf?.[1]?.type, 'object');
  assert.equal(create.parameters?.['x-waymark-editor'], 'process-parameters');

  const list = fieldsOf(postOf(document, 'getinstances'));
  assert.deepEqual({ type: list.fromCreationDate?.type, format: list.fromCreationDate?.format }, { type: 'string', format: 'date-time' });
  assert.equal(list.take?.type, 'integer');
  assert.deepEqual(list.status?.items?.enum, ['Initialized', 'Running', 'Idled', 'Finalized', 'Terminated', 'Error']);

  assert.deepEqual(fieldsOf(postOf(document, 'deleteinstances')).processIds?.items, { type: 'string', format: 'uuid' });
  assert.deepEqual(fieldsOf(postOf(document, 'createuser')).roles?.items, { type: 'string' });
  assert.equal(fieldsOf(postOf(document, 'updateuser')).isLocked?.type, 'boolean');
  assert.equal(fieldsOf(postOf(document, 'updateuser')).externalLogins?.items?.type, 'object');

  // GET carries structured values as text in the query.
  const getCreate = Object.values(document.paths).find((m) => m.get['x-waymark-operation'] === 'createinstance')!.get;
  assert.equal(getCreate.parameters.find((p) => p.name === 'parameters')?.schema.type, 'string');
});

test('given the editor hints, then scheme codes come from the stored schemes, new ids can be generated, and command and state lists load from their operations', async (t) => {
  const document = await servedDocument(t);

  for (const name of ['createinstance', 'getinstances', 'getformbyflow']) {
    assert.equal(fieldsOf(postOf(document, name)).schemeCode?.['x-waymark-choices'], 'stored-schemes', name);
  }
  assert.equal(fieldsOf(postOf(document, 'createinstance')).processId?.['x-waymark-generate'], 'uuid');
  assert.equal(fieldsOf(postOf(document, 'createuser')).id?.['x-waymark-generate'], 'uuid');
  // An existing instance's id is not generated.
  assert.equal(fieldsOf(postOf(document, 'executecommand')).processId?.['x-waymark-generate'], undefined);

  assert.deepEqual(fieldsOf(postOf(document, 'executecommand')).command?.['x-waymark-load'], {
    operation: 'getavailablecommands',
    with: ['processId', 'identityId', 'impersonatedIdentityId', 'tenantId'],
    value: 'CommandName',
    label: 'LocalizedName',
  });
  assert.equal(fieldsOf(postOf(document, 'setstate')).state?.['x-waymark-load']?.operation, 'getavailablestatetoset');

  // Every load hint names a documented operation and only parameters that operation takes.
  for (const operation of OPERATIONS) {
    for (const [field, schema] of Object.entries(fieldsOf(postOf(document, operation.name)))) {
      const load = schema['x-waymark-load'] as { operation: string; with: string[] } | undefined;
      if (!load) continue;
      const loaded = fieldsOf(postOf(document, load.operation));
      for (const name of load.with) assert.ok(name in loaded, `${operation.name}.${field}: ${load.operation} takes no ${name}`);
    }
  }
});

test('given the security schemes, then the token field and the OpenID Connect bearer are both described, and calling without either is allowed while no token is set', async (t) => {
  const document = await servedDocument(t);

  assert.deepEqual(
    { type: document.components.securitySchemes.apiToken?.type, name: document.components.securitySchemes.apiToken?.name },
    { type: 'apiKey', name: 'token' },
  );
  assert.equal(document.components.securitySchemes.openIdConnect?.openIdConnectUrl, '/.well-known/openid-configuration');
  assert.deepEqual(document.security, [{}, { apiToken: [] }, { openIdConnect: ['WorkflowApi'] }]);
});

test('given the docs page, then it lists the sections in the vendor order with each title and URL form', async (t) => {
  const h = await startHarness(t);
  const page = (await h.app.inject({ url: '/docs/workflowapi' })).body;

  const order = ['Instance', 'Folders', 'Logs', 'Server', 'User', 'Other'].map((section) => page.indexOf(`<h2>${section}</h2>`));
  assert.deepEqual([...order].sort((a, b) => a - b), order);
  assert.ok(order.every((index) => index >= 0));
  assert.match(page, /<code>executecommand<\/code> — Execute a command/);
  assert.match(page, /<code>\/workflowapi\?operation=executecommand&#38;processId=\{processId\}<\/code>/);
});
