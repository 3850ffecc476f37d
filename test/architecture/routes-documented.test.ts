/**
 * The server's route table against its OpenAPI documents: every route of a full server (all
 * installed plugins) is in one of the documents, or in the short list below of routes that are not
 * an API; every error code a document lists exists in src/errors/codes.ts, and each dialect's
 * document lists exactly the codes its mapping can give. (That every answer of the API suites
 * matches its document is checked by their harnesses: test/support/documented-responses.ts.)
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/index.js';
import { toApiV1ErrorReply } from '../../src/dialects/api-v1/index.js';
import { API_V1_ERROR_CODES } from '../../src/dialects/api-v1/api-v1-error.js';
import { toEnvelopeFailure } from '../../src/dialects/workflow-api/index.js';
import { generateApiV1OpenApiDocument } from '../../src/dialects/api-v1/openapi.js';
import { openApiPaths } from '../../src/dialects/workflow-api/openapi.js';
import { OPERATIONS } from '../../src/dialects/workflow-api/operations.js';
import { ERROR_CODES, WaymarkError, type ErrorCode } from '../../src/errors/index.js';
import { buildApp, installedPlugins } from '../../src/server/index.js';
import { createLogger } from '../../src/logging/index.js';
import { ManualClock } from '../../src/services/index.js';
import { createSqliteStore } from '../../src/store/index.js';

const DOCUMENT_URLS = ['/openapi/workflowapi.json', '/openapi/api-v1.json', '/openapi/admin-api.json'] as const;

/** Routes that are no API, so in no OpenAPI document, each with why. */
const NOT_AN_API: readonly { readonly route: RegExp; readonly why: string }[] = [
  { route: /^\/$/, why: 'redirects to the admin panel' },
  { route: /^\/liveness$/, why: 'the process probe for orchestrators (docs/configuration.md); /readiness is in the admin document' },
  { route: /^\/docs(\/|$)/, why: 'the human documentation pages' },
  { route: /^\/openapi\/[a-z0-9-]+\.json$/, why: 'the documents themselves' },
  { route: /^\/admin(\/|\/\*|\/favicon\.svg)?$/, why: "the admin panel's static files (index.html, assets)" },
];

/**
 * The Workflow API's dispatcher: `/workflowapi[/{operation}[/{id}]]` in any letter case routes to
 * the operation table, which its document lists one path per operation (checked below). Under the
 * base path the methods no operation answers (DELETE, PATCH, PUT, OPTIONS) get the not-found envelope.
 */
const WORKFLOW_API_DISPATCHER = /^\/(workflowapi|:workflowapi\(.*\))(\/|\/:operation|\/:operation\/:id|\/\*)?$/;

interface RouteOfTable {
  readonly method: string;
  readonly path: string;
}

/** Every (method, path) of `fastify.printRoutes()`, HEAD left out (fastify adds one per GET). */
function routeTable(app: FastifyInstance): RouteOfTable[] {
  const stack: string[] = [];
  const routes: RouteOfTable[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const marker = /(├── |└── )/.exec(line);
    if (marker === null) continue;
    const depth = marker.index / 4;
    const rest = line.slice(marker.index + 4);
    const found = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(rest);
    const segment = found?.[1] ?? rest;
    const path = (depth === 0 ? '' : (stack[depth - 1] ?? '')) + segment;
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (found?.[2] ?? '').split(', ').filter((m) => m !== '' && m !== 'HEAD')) {
      routes.push({ method, path: path.replace(/^\/\//, '/') || '/' });
    }
  }
  return routes;
}

async function fullServer(t: TestContext): Promise<FastifyInstance> {
  const store = await createSqliteStore({ filename: ':memory:' });
  const app = await buildApp({
    config: loadConfig({}, {}, '/srv/waymark'),
    store,
    logger: createLogger({ level: 'silent' }),
    clock: new ManualClock(),
    plugins: installedPlugins(),
  });
  t.after(async () => {
    await app.close();
    await store.close();
  });
  return app;
}

type Paths = Record<string, Record<string, unknown>>;

async function documents(app: FastifyInstance): Promise<Record<(typeof DOCUMENT_URLS)[number], { paths: Paths }>> {
  const entries = await Promise.all(DOCUMENT_URLS.map(async (url) => [url, (await app.inject({ method: 'GET', url })).json()] as const));
  return Object.fromEntries(entries) as Record<(typeof DOCUMENT_URLS)[number], { paths: Paths }>;
}

/** `/a/{b}` and `/a/:b` as one key. */
function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}').replace(/:[A-Za-z]+/g, '{}')}`;
}

test('given a full server, then every route is in an OpenAPI document or is listed as no API', async (t) => {
  const app = await fullServer(t);
  const served = await documents(app);
  const documented = new Set(
    Object.values(served).flatMap((document) => Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => routeKey(method, path)))),
  );
  const table = routeTable(app);
  assert.ok(table.length > 50, `the route table was read (${table.length} routes)`);
  const undocumented = table.filter(
    ({ method, path }) =>
      !documented.has(routeKey(method, path)) && !NOT_AN_API.some(({ route }) => route.test(path)) && !WORKFLOW_API_DISPATCHER.test(path),
  );
  assert.deepEqual(undocumented, [], 'routes in no OpenAPI document');
});

test('given the Workflow API document, then its paths are generated from the operation table, one GET and one POST per operation', async (t) => {
  const app = await fullServer(t);
  const { paths } = (await documents(app))['/openapi/workflowapi.json'];
  assert.deepEqual(paths, JSON.parse(JSON.stringify(openApiPaths(OPERATIONS))));
  for (const operation of OPERATIONS) {
    const forms = Object.keys(paths).filter((path) => path === `/workflowapi/${operation.name}` || path.startsWith(`/workflowapi/${operation.name}/`));
    assert.equal(forms.length, 1, operation.name);
    assert.deepEqual(Object.keys(paths[forms[0]!]!).sort(), ['get', 'post'], operation.name);
  }
});

test('given the documents, then every WM_ code they name exists in the code table', async (t) => {
  const app = await fullServer(t);
  for (const [url, document] of Object.entries(await documents(app))) {
    const named = new Set(JSON.stringify(document).match(/\bWM_[A-Z_]+\b/g) ?? []);
    for (const code of named) assert.ok(code in ERROR_CODES, `${url} names ${code}, which src/errors/codes.ts does not have`);
  }
});

test('given each dialect\'s mapping, then its document lists exactly the error codes the mapping can give', async (t) => {
  const app = await fullServer(t);
  const served = await documents(app);
  const limits = { bodyLimit: 1024 };
  const everyCode = Object.keys(ERROR_CODES) as ErrorCode[];

  // /api/v1: the errorCode enum of every error answer.
  const apiV1Given = new Set(everyCode.map((code) => toApiV1ErrorReply(new WaymarkError(code, 'x'), limits).body.errorCode));
  apiV1Given.add(toApiV1ErrorReply(new WaymarkError('WM_INPUT_INVALID', 'x', { rule: 'OnlyTenantIdOrOrganizationIdAllowed' }), limits).body.errorCode);
  assert.deepEqual([...apiV1Given].sort(), [...API_V1_ERROR_CODES].sort(), 'the mapping gives exactly the codes of API_V1_ERROR_CODES');
  const apiV1Enums = new Set(
    Object.values(served['/openapi/api-v1.json'].paths).flatMap((methods) =>
      Object.values(methods).flatMap((operation) =>
        Object.entries((operation as { responses: Record<string, { content?: Record<string, { schema: { properties?: { errorCode?: { enum?: string[] } } } }> }> }).responses)
          .filter(([status]) => status !== '200')
          .map(([, response]) => JSON.stringify(response.content?.['application/json']?.schema.properties?.errorCode?.enum?.slice().sort())),
      ),
    ),
  );
  assert.deepEqual([...apiV1Enums], [JSON.stringify([...API_V1_ERROR_CODES].sort())], 'every /api/v1 error answer lists the codes the mapping gives');

  // The Workflow API: the envelope answers any code of the table, and its document lists them all.
  const envelopeGiven = new Set(everyCode.map((code) => toEnvelopeFailure(new WaymarkError(code, 'x'), limits).body.code));
  const envelopeSchema = JSON.stringify(served['/openapi/workflowapi.json']);
  assert.deepEqual([...envelopeGiven].sort(), [...everyCode].sort());
  for (const code of everyCode) assert.ok(envelopeSchema.includes(`"${code}"`), `the Workflow API document lists ${code}`);
});

test('given the /api/v1 document built without a server (the explorer tests read it so), then it is the one the server serves', async (t) => {
  const app = await fullServer(t);
  const served = (await documents(app))['/openapi/api-v1.json'];
  assert.deepEqual(await generateApiV1OpenApiDocument(), served);
});
