/**
 * The `/api/v1` OpenAPI document gives the admin panel's API explorer enough to build a form for
 * every endpoint: ordered tags, a summary and description, every path parameter declared, typed
 * query parameters, JSON request bodies, the tenant header and the bearer security.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApiV1Harness } from './harness.js';

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  description?: string;
  schema: Record<string, any>;
}
interface Operation {
  operationId: string;
  tags: string[];
  summary: string;
  description: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Record<string, any> }> };
}
interface Document {
  tags: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, Record<string, unknown>> };
}

async function served(t: import('node:test').TestContext): Promise<Document> {
  const h = await startApiV1Harness(t);
  return (await h.app.inject({ method: 'GET', url: '/openapi/api-v1.json' })).json() as Document;
}

function operations(document: Document): [string, string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => [path, method, op] as [string, string, Operation]));
}

function find(document: Document, operationId: string): Operation {
  const found = operations(document).find(([, , op]) => op.operationId === operationId);
  assert.ok(found, operationId);
  return found[2];
}

test('given the served document, every endpoint has a listed tag, a summary, a description and each path parameter declared', async (t) => {
  const document = await served(t);

  const tags = document.tags.map((tag) => tag.name);
  assert.deepEqual(tags, ['Workflow models', 'Workflow instances', 'User tasks', 'Tenants', 'Task links']);
  for (const [path, method, operation] of operations(document)) {
    const where = `${method.toUpperCase()} ${path}`;
    assert.equal(operation.tags.length, 1, where);
    assert.ok(tags.includes(operation.tags[0]!), where);
    assert.ok(operation.summary.length > 0 && operation.description.length > 0, where);
    const declared = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
    assert.deepEqual(declared, templated, where);
    for (const parameter of operation.parameters ?? []) assert.ok(parameter.description, `${where}: ${parameter.name} has no description`);
  }
});

test('given the endpoints behind an API token, then each names the bearer scheme; the task links, which carry their own token, name none', async (t) => {
  const document = await served(t);

  assert.deepEqual(
    { type: document.components.securitySchemes.apiToken?.type, scheme: document.components.securitySchemes.apiToken?.scheme },
    { type: 'http', scheme: 'bearer' },
  );
  for (const [path, method, operation] of operations(document)) {
    const expected = path.startsWith('/api/v1/') ? [{ apiToken: [] }] : [];
    assert.deepEqual(operation.security, expected, `${method.toUpperCase()} ${path}`);
  }
  const openTask = find(document, 'openTask');
  assert.deepEqual(openTask.parameters?.find((p) => p.name === 'token')?.required, true);
});

test('given listWorkflowModels, then it needs the tenant header; the others do not', async (t) => {
  const document = await served(t);

  const header = find(document, 'listWorkflowModels').parameters?.find((p) => p.in === 'header');
  assert.deepEqual({ name: header?.name, required: header?.required, type: header?.schema.type }, { name: 'accusoft-dtm-tenant', required: true, type: 'string' });
  const withHeader = operations(document).filter(([, , op]) => (op.parameters ?? []).some((p) => p.in === 'header'));
  assert.deepEqual(withHeader.map(([, , op]) => op.operationId), ['listWorkflowModels']);
});

test('given the bodies and the query parameters, then bodies are required JSON objects with described properties and fixed choices are enums', async (t) => {
  const document = await served(t);

  for (const operationId of ['listWorkflowModelsBulk', 'startWorkflowInstance', 'completeTask']) {
    const body = find(document, operationId).requestBody;
    assert.equal(body?.required, true, operationId);
    const schema = body?.content['application/json']?.schema;
    assert.equal(schema?.type, 'object', operationId);
    for (const [name, property] of Object.entries(schema?.properties ?? {})) {
      assert.ok((property as { description?: string }).description, `${operationId}.${name}`);
    }
  }
  assert.deepEqual(find(document, 'startWorkflowInstance').requestBody?.content['application/json']?.schema.required, ['wfModelId']);
  assert.equal(find(document, 'startWorkflowInstance').requestBody?.content['application/json']?.schema.properties.wfData.type, 'object');

  const statusOf = (operationId: string) => find(document, operationId).parameters?.find((p) => p.name === 'status')?.schema.enum;
  assert.deepEqual(statusOf('listWorkflowInstances'), ['running', 'completed', 'cancelled']);
  assert.deepEqual(statusOf('listUserTasks'), ['current', 'completed', 'all']);
  assert.equal(find(document, 'listUserTasks').parameters?.find((p) => p.name === 'emailAddress')?.schema.format, 'email');
  assert.deepEqual(find(document, 'listWorkflowModels').parameters?.find((p) => p.name === 'expand')?.schema.enum, ['instanceCount']);
});
