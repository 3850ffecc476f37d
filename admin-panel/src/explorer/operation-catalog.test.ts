import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogFromDocuments, findOperation, groupOperations, type ExplorerOperation } from './operation-catalog.js';
import type { OpenApiDocument } from './openapi-document.js';
import { serverDocuments, WORKFLOW_API_OPERATION_NAMES } from './testing/server-documents.js';

function field(operation: ExplorerOperation | undefined, name: string) {
  const found = operation?.fields.find((candidate) => candidate.name === name);
  assert.ok(found, `${operation?.key} has no field ${name}`);
  return found;
}

test('given the server documents, when catalogued, then every Workflow API operation and every /api/v1 endpoint is listed once', () => {
  const documents = serverDocuments();
  const operations = catalogFromDocuments(documents);

  const workflow = operations.filter((operation) => operation.api === 'workflowapi');
  assert.deepEqual(workflow.map((operation) => operation.name), WORKFLOW_API_OPERATION_NAMES);
  const apiV1Count = Object.values(documents.apiV1.paths ?? {}).reduce((sum, item) => sum + Object.keys(item).length, 0);
  assert.equal(operations.length - workflow.length, apiV1Count);
  assert.equal(new Set(operations.map((operation) => operation.key)).size, operations.length);
  assert.ok(operations.every((operation) => operation.title.length > 0 && !operation.title.includes('\n')));
});

test('given the catalog, when grouped, then the Workflow API sections come in the vendor order, then the /api/v1 tags', () => {
  const documents = serverDocuments();
  const groups = groupOperations(catalogFromDocuments(documents), documents);

  assert.deepEqual(
    groups.map((group) => `${group.api}:${group.name}`),
    [
      'workflowapi:Instance',
      'workflowapi:Folders',
      'workflowapi:Logs',
      'workflowapi:Server',
      'workflowapi:User',
      'workflowapi:Other',
      'api-v1:Workflow models',
      'api-v1:Workflow instances',
      'api-v1:User tasks',
      'api-v1:Tenants',
      'api-v1:Task links',
    ],
  );
  assert.deepEqual(groups[2]?.operations.map((operation) => operation.name), ['loginfo', 'logerror', 'logdebug']);
});

test('given a search, then only operations matching every word are listed, still grouped', () => {
  const documents = serverDocuments();
  const operations = catalogFromDocuments(documents);

  const commands = groupOperations(operations, documents, '  Command ');
  assert.deepEqual(commands.map((group) => group.name), ['Instance', 'Task links']);
  assert.deepEqual(commands.flatMap((group) => group.operations.map((operation) => operation.name)), ['getavailablecommands', 'executecommand', 'completeTask']);
  const deletes = groupOperations(operations, documents, 'delete instance');
  assert.deepEqual(deletes.flatMap((group) => group.operations.map((operation) => operation.key)), ['deleteinstance', 'deleteinstances', 'api-v1.cancelWorkflowInstance']);
  assert.deepEqual(groupOperations(operations, documents, 'no such operation'), []);
});

test('given createinstance, then its fields carry the types and editor hints of the document', () => {
  const create = findOperation(catalogFromDocuments(serverDocuments()), 'createinstance');

  assert.equal(create?.method, 'POST');
  assert.equal(create?.path, '/workflowapi/createinstance');
  assert.equal(create?.urlId, 'processId');
  assert.equal(create?.title, 'Create a process instance');
  assert.deepEqual(create?.urlForms.length, 3);
  assert.equal(create?.group, 'Instance');
  assert.equal(create?.security, 'workflow-api');
  assert.deepEqual(
    [field(create, 'processId')].map((f) => [f.location, f.kind, f.required, f.generate, f.typeLabel]),
    [['path', 'uuid', true, true, 'string (uuid)']],
  );
  assert.deepEqual([field(create, 'schemeCode')].map((f) => [f.location, f.kind, f.required, f.storedSchemes]), [['body', 'text', true, true]]);
  assert.equal(field(create, 'parameters').kind, 'process-parameters');
  assert.equal(field(create, 'schemeParameters').kind, 'json');
  assert.equal(field(create, 'identityId').kind, 'text');
  assert.ok(field(create, 'tenantId').description.length > 0);
});

test('given the other Workflow API operations, then each type gets its editor: load hints, dates, integers, booleans, tag lists, JSON', () => {
  const operations = catalogFromDocuments(serverDocuments());
  const find = (key: string) => findOperation(operations, key);

  assert.deepEqual(field(find('executecommand'), 'command').load, {
    operation: 'getavailablecommands',
    with: ['processId', 'identityId', 'impersonatedIdentityId', 'tenantId'],
    value: 'CommandName',
    label: 'LocalizedName',
  });
  assert.equal(field(find('executecommand'), 'processId').generate, false);
  assert.equal(field(find('setstate'), 'state').load?.operation, 'getavailablestatetoset');
  const list = find('getinstances');
  assert.equal(field(list, 'fromCreationDate').kind, 'date-time');
  assert.equal(field(list, 'take').kind, 'integer');
  assert.deepEqual([field(list, 'status')].map((f) => [f.kind, f.choices]), [['tags', ['Initialized', 'Running', 'Idled', 'Finalized', 'Terminated', 'Error']]]);
  assert.equal(list?.urlId, undefined);
  assert.equal(field(find('updateuser'), 'isLocked').kind, 'boolean');
  assert.equal(field(find('updateuser'), 'externalLogins').kind, 'json');
  assert.deepEqual([field(find('createuser'), 'roles')].map((f) => [f.kind, f.typeLabel]), [['tags', 'array of string']]);
  assert.equal(field(find('deleteinstances'), 'processIds').typeLabel, 'array of string (uuid)');
  assert.equal(field(find('setparameter'), 'value').kind, 'any');
  // An optional id is still the URL's id.
  assert.deepEqual([field(find('inbox'), 'processId')].map((f) => [f.location, f.required]), [['path', false]]);
  assert.equal(field(find('getformbyflow'), 'name').location, 'path');
});

test('given the /api/v1 endpoints, then path, query, header and body fields and the bearer security are read', () => {
  const operations = catalogFromDocuments(serverDocuments());

  const models = findOperation(operations, 'api-v1.listWorkflowModels');
  assert.deepEqual([models?.method, models?.path, models?.security, models?.group], ['GET', '/api/v1/workflowModels', 'bearer', 'Workflow models']);
  assert.deepEqual([field(models, 'accusoft-dtm-tenant')].map((f) => [f.location, f.required]), [['header', true]]);
  assert.deepEqual([field(models, 'expand')].map((f) => [f.location, f.kind, f.choices]), [['query', 'choice', ['instanceCount']]]);

  const start = findOperation(operations, 'api-v1.startWorkflowInstance');
  assert.deepEqual([field(start, 'wfModelId')].map((f) => [f.location, f.required]), [['body', true]]);
  assert.equal(field(start, 'wfData').kind, 'json');
  assert.equal(field(findOperation(operations, 'api-v1.listUserTasks'), 'emailAddress').kind, 'email');
  assert.equal(field(findOperation(operations, 'api-v1.cancelWorkflowInstance'), 'wfInstanceId').location, 'path');
  assert.equal(findOperation(operations, 'api-v1.openTask')?.security, 'none');
});

test('given a key typed in another case, then the Workflow API operation is still found, as the server finds it', () => {
  const operations = catalogFromDocuments(serverDocuments());

  assert.equal(findOperation(operations, 'ExecuteCommand')?.name, 'executecommand');
  assert.equal(findOperation(operations, 'api-v1.listworkflowmodels')?.name, 'listWorkflowModels');
  assert.equal(findOperation(operations, 'nosuchoperation'), undefined);
});

test('given an operation the document gains, then the catalog lists it with its fields and no other change', () => {
  const documents = serverDocuments();
  const paths = { ...documents.workflowApi.paths };
  paths['/workflowapi/archiveinstance/{processId}'] = {
    post: {
      operationId: 'archiveinstance',
      tags: ['Instance'],
      summary: 'Archive an instance',
      description: 'Moves an instance to the archive.',
      parameters: [{ name: 'processId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { reason: { type: 'string' } }, required: ['reason'] } } } },
      'x-waymark-operation': 'archiveinstance',
      'x-waymark-url-id': 'processId',
    },
  };
  const workflowApi: OpenApiDocument = { ...documents.workflowApi, paths };
  const grown = { ...documents, workflowApi };

  const operations = catalogFromDocuments(grown);
  const archive = findOperation(operations, 'archiveinstance');
  assert.equal(archive?.title, 'Archive an instance');
  assert.deepEqual(archive?.fields.map((f) => [f.name, f.location, f.kind, f.required]), [
    ['processId', 'path', 'uuid', true],
    ['reason', 'body', 'text', true],
  ]);
  assert.ok(groupOperations(operations, grown)[0]?.operations.some((operation) => operation.name === 'archiveinstance'));
});

test('given a document with missing parts, then the catalog reads what there is and never throws', () => {
  const sparse: OpenApiDocument = { paths: { '/workflowapi/ping': { post: {} }, '/api/x': {} } };

  const operations = catalogFromDocuments({ workflowApi: sparse, apiV1: { paths: { '/api/v1/things': { get: {} } } } });
  assert.deepEqual(operations.map((operation) => [operation.key, operation.title, operation.group]), [
    ['ping', 'ping', 'Other'],
    ['api-v1.get/api/v1/things', 'GET /api/v1/things', 'Other'],
  ]);
  assert.deepEqual(catalogFromDocuments({}), []);
});
