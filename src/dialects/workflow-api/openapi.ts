/**
 * The Workflow API's OpenAPI 3.1 paths and its docs page, both generated from the operation
 * table so they cannot drift from what the server does.
 */
import { ERROR_CODES } from '../../errors/index.js';
import { OPERATION_SECTIONS, type EditorHint, type Operation, type OperationSection, type ParameterDoc } from './operations.js';

type JsonSchema = Record<string, unknown>;

/** The `parameters` list: `[{name, value, persist}]`, or (the older form) an object of values. */
const PROCESS_PARAMETERS_SCHEMA: JsonSchema = {
  oneOf: [
    {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string' },
          value: { description: 'Any JSON value.' },
          persist: { type: 'boolean', default: false, description: 'Store it as a persistent parameter.' },
        },
      },
    },
    { type: 'object', description: 'Values by name; the persist parameter (a,b) names those to persist.' },
  ],
  'x-waymark-editor': 'process-parameters',
};

function itemSchemaOf(parameter: ParameterDoc): JsonSchema {
  const enumeration = parameter.enum === undefined ? {} : { enum: [...parameter.enum] };
  switch (parameter.items) {
    case 'guid':
      return { type: 'string', format: 'uuid' };
    case 'object':
      return { type: 'object' };
    default:
      return { type: 'string', ...enumeration };
  }
}

function typeSchemaOf(parameter: ParameterDoc): JsonSchema {
  switch (parameter.type) {
    case 'guid':
      return { type: 'string', format: 'uuid' };
    case 'integer':
      return { type: 'integer', minimum: 0 };
    case 'boolean':
      return { type: 'boolean' };
    case 'date':
      return { type: 'string', format: 'date-time' };
    case 'array':
      return { type: 'array', items: itemSchemaOf(parameter) };
    case 'object':
      return { type: 'object' };
    case 'processParameters':
      return PROCESS_PARAMETERS_SCHEMA;
    case 'any':
      return {};
    default:
      return parameter.enum === undefined ? { type: 'string' } : { type: 'string', enum: [...parameter.enum] };
  }
}

/** The `x-waymark-…` extensions that tell the admin panel's API explorer how to fill a field. */
function editorExtensions(hint: EditorHint | undefined): JsonSchema {
  switch (hint?.kind) {
    case 'storedSchemes':
      return { 'x-waymark-choices': 'stored-schemes' };
    case 'generateId':
      return { 'x-waymark-generate': 'uuid' };
    case 'load':
      return { 'x-waymark-load': { operation: hint.operation, with: [...hint.with], value: hint.value, label: hint.label } };
    default:
      return {};
  }
}

function schemaOf(parameter: ParameterDoc): JsonSchema {
  return { ...typeSchemaOf(parameter), ...editorExtensions(parameter.editor) };
}

/** A query parameter carries text: structured values travel there as JSON (or comma-separated) text. */
function querySchemaOf(parameter: ParameterDoc): JsonSchema {
  const structured = parameter.type === 'array' || parameter.type === 'object' || parameter.type === 'any' || parameter.type === 'processParameters';
  return structured ? { type: 'string', ...editorExtensions(parameter.editor) } : schemaOf(parameter);
}

/** The parameter the URL's second segment fills, when the operation takes it. */
function urlIdParameterOf(operation: Operation): ParameterDoc | undefined {
  return operation.parameters.find((p) => p.name === operation.urlId);
}

/**
 * The URLs an operation answers at: `/workflowapi/{op}/{id}`, `/workflowapi/{op}?id=…` and
 * `/workflowapi?operation={op}&id=…` when it takes an id; the first and last without one.
 */
export function urlFormsOf(operation: Operation): string[] {
  const id = urlIdParameterOf(operation)?.name;
  if (id === undefined) return [`/workflowapi/${operation.name}`, `/workflowapi?operation=${operation.name}`];
  return [
    `/workflowapi/${operation.name}/{${id}}`,
    `/workflowapi/${operation.name}?${id}={${id}}`,
    `/workflowapi?operation=${operation.name}&${id}={${id}}`,
  ];
}

const SECTION_DESCRIPTIONS: Record<OperationSection, string> = {
  Instance: 'Create, drive, read and delete process instances.',
  Folders: 'Inbox and outbox: who may act, and who acted, on which process.',
  Logs: 'Write entries to the server log.',
  Server: "This server's runtime (timers and process execution).",
  User: 'Users, their roles and credentials.',
  Other: 'Forms and scheme codes.',
};

/**
 * The document's top level besides its paths: the sections as tags in the vendor's order, and
 * the two ways to call a protected API (the `token` field, or an OpenID Connect bearer token).
 */
export function openApiDocumentParts(): Record<string, unknown> {
  return {
    tags: OPERATION_SECTIONS.map((name) => ({ name, description: SECTION_DESCRIPTIONS[name] })),
    components: {
      securitySchemes: {
        apiToken: {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description: 'The API access token as the token field: in the query, or in the JSON, form or multipart body. Needed when a token is set and OpenID Connect is off.',
        },
        openIdConnect: {
          type: 'openIdConnect',
          openIdConnectUrl: '/.well-known/openid-configuration',
          description: 'When OpenID Connect is on: a bearer token from the client credentials grant (client_id workflowapi, client_secret = the API access token).',
        },
      },
    },
    // Open (as the vendor's is) until a token is set.
    security: [{}, { apiToken: [] }, { openIdConnect: ['WorkflowApi'] }],
  };
}
const ENVELOPE_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['success', 'data', 'error', 'message'],
  properties: {
    success: { type: 'boolean' },
    data: {},
    error: { type: ['string', 'null'], description: 'On failure: the text a client shows (the vendor\'s wording).' },
    message: { type: ['string', 'null'], description: 'On failure: the human detail, or null. On success: the operation\'s message, if any.' },
    code: { type: 'string', enum: Object.keys(ERROR_CODES), description: 'On failure only: Waymark\'s stable error code, e.g. WM_INSTANCE_NOT_FOUND (the envelope answers any code of the table).' },
  },
};

/** The statuses other than 200 an operation answers, each with the failure envelope (envelope.ts). */
const FAILURE_RESPONSES = Object.fromEntries(
  (
    [
      ['401', 'An OpenID Connect bearer token is missing or refused (WM_UNAUTHORIZED)'],
      ['413', 'The body is larger than WAYMARK_BODY_LIMIT (WM_BODY_TOO_LARGE)'],
      ['429', 'Too many wrong tokens from this client; see Retry-After (WM_RATE_LIMITED)'],
      ['500', 'A fault of the server (WM_INTERNAL); the server log has the details'],
    ] as const
  ).map(([status, description]) => [status, { description, content: { 'application/json': { schema: ENVELOPE_SCHEMA } } }]),
);

function urlIdRequired(operation: Operation): boolean {
  return urlIdParameterOf(operation)?.required === true;
}

/**
 * The OpenAPI `paths` object: one GET and one POST per operation, each with its section as tag,
 * its title as summary, and the `x-waymark-…` extensions the admin panel's API explorer reads:
 * `x-waymark-operation` (the name), `x-waymark-url-forms`, `x-waymark-url-id` (the parameter the
 * URL's second segment fills) and, on parameter schemas, the editor hints.
 */
export function openApiPaths(operations: readonly Operation[]): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const operation of operations) {
    const withId = urlIdRequired(operation);
    const path = withId ? `/workflowapi/${operation.name}/{${operation.urlId}}` : `/workflowapi/${operation.name}`;
    const urlIdParameter = urlIdParameterOf(operation);
    const pathParameters =
      withId && urlIdParameter ? [{ name: operation.urlId, in: 'path', required: true, description: urlIdParameter.description, schema: schemaOf(urlIdParameter) }] : [];
    const others = operation.parameters.filter((p) => !(withId && p.name === operation.urlId));
    const responses = {
      '200': {
        description: `Envelope; data: ${operation.data}. Errors also answer 200 with success:false and a code, a refused API token included (401 when an OpenID Connect bearer token is refused, 413 for an oversized body).`,
        content: { 'application/json': { schema: ENVELOPE_SCHEMA } },
      },
      ...FAILURE_RESPONSES,
    };
    const urlForms = urlFormsOf(operation);
    const common = {
      tags: [operation.section],
      summary: operation.title,
      description: `${operation.summary}\n\nURL forms: ${urlForms.map((form) => `\`${form}\``).join(', ')}.`,
      responses,
      'x-waymark-operation': operation.name,
      'x-waymark-url-forms': urlForms,
      ...(urlIdParameter === undefined ? {} : { 'x-waymark-url-id': urlIdParameter.name }),
    };
    const bodySchema: JsonSchema = {
      type: 'object',
      properties: Object.fromEntries(others.map((p) => [p.name, { ...schemaOf(p), description: p.description }])),
      required: others.filter((p) => p.required).map((p) => p.name),
    };
    paths[path] = {
      get: {
        ...common,
        operationId: `${operation.name}Get`,
        parameters: [
          ...pathParameters,
          ...others.map((p) => ({ name: p.name, in: 'query', required: p.required === true, description: p.description, schema: querySchemaOf(p) })),
        ],
      },
      post: {
        ...common,
        operationId: operation.name,
        parameters: pathParameters,
        requestBody: {
          content: {
            'application/json': { schema: bodySchema },
            'application/x-www-form-urlencoded': { schema: bodySchema },
            'multipart/form-data': { schema: bodySchema },
          },
        },
      },
    };
  }
  return paths;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A self-contained HTML page listing every operation (no scripts, no external assets). */
export function docsPage(operations: readonly Operation[], openApiUrl: string): string {
  const sections = OPERATION_SECTIONS.filter((section) => operations.some((o) => o.section === section));
  const body = sections
    .map((section) => {
      const rows = operations
        .filter((o) => o.section === section)
        .map((o) => {
          const params = o.parameters
            .map((p) => `<li><code>${escapeHtml(p.name)}</code> <em>${p.type}${p.required ? ', required' : ''}</em> — ${escapeHtml(p.description)}</li>`)
            .join('');
          const forms = urlFormsOf(o).map((form) => `<code>${escapeHtml(form)}</code>`).join(' · ');
          return `<section id="${o.name}"><h3><code>${o.name}</code> — ${escapeHtml(o.title)}</h3><p>${escapeHtml(o.summary)}</p>`
            + `<p>URL: ${forms} · data: <code>${escapeHtml(o.data)}</code></p>`
            + (params ? `<ul>${params}</ul>` : '<p>No parameters.</p>')
            + '</section>';
        })
        .join('');
      return `<h2>${section}</h2>${rows}`;
    })
    .join('');
  return '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Waymark Workflow API</title>'
    + '<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}'
    + 'code{background:#f3f3f3;padding:0 .2em}section{border-top:1px solid #ddd;padding:.3rem 0}</style></head><body>'
    + '<h1>Waymark Workflow API</h1>'
    + '<p>Every operation answers <code>{success, data, error, message}</code>. Call it as '
    + '<code>/workflowapi/{operation}/{id}</code>, <code>/workflowapi/{operation}?processId=…</code> or '
    + '<code>/workflowapi?operation=…</code>, with GET or POST, parameters in the query or a JSON, form or multipart body. '
    + `Machine-readable: <a href="${escapeHtml(openApiUrl)}">OpenAPI 3.1 document</a>.</p>`
    + body
    + '</body></html>';
}
