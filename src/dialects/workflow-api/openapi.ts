/**
 * The Workflow API's OpenAPI 3.1 paths and its docs page, both generated from the operation
 * table so they cannot drift from what the server does.
 */
import type { Operation, ParameterDoc } from './operations.js';

type JsonSchema = Record<string, unknown>;

function schemaOf(parameter: ParameterDoc): JsonSchema {
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
      return { type: 'array', items: { type: 'string' } };
    case 'object':
      return { type: 'object' };
    case 'any':
      return {};
    default:
      return { type: 'string' };
  }
}

const ENVELOPE_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['success', 'data', 'error', 'message'],
  properties: {
    success: { type: 'boolean' },
    data: {},
    error: { type: ['string', 'null'], description: 'On failure: the text a client shows (the vendor\'s wording).' },
    message: { type: ['string', 'null'], description: 'On failure: the human detail, or null. On success: the operation\'s message, if any.' },
    code: { type: 'string', pattern: '^WM_[A-Z_]+$', description: 'On failure only: Waymark\'s stable error code, e.g. WM_INSTANCE_NOT_FOUND.' },
  },
};

function urlIdRequired(operation: Operation): boolean {
  return operation.parameters.some((p) => p.name === operation.urlId && p.required === true);
}

/** The OpenAPI `paths` object: one GET and one POST per operation. */
export function openApiPaths(operations: readonly Operation[]): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const operation of operations) {
    const withId = urlIdRequired(operation);
    const path = withId ? `/workflowapi/${operation.name}/{${operation.urlId}}` : `/workflowapi/${operation.name}`;
    const pathParameters = withId
      ? [{ name: operation.urlId, in: 'path', required: true, schema: schemaOf(operation.parameters.find((p) => p.name === operation.urlId)!) }]
      : [];
    const others = operation.parameters.filter((p) => !(withId && p.name === operation.urlId));
    const responses = {
      '200': {
        description: `Envelope; data: ${operation.data}. Errors also answer 200 with success:false and a code, a refused API token included (401 when an OpenID Connect bearer token is refused, 413 for an oversized body).`,
        content: { 'application/json': { schema: ENVELOPE_SCHEMA } },
      },
    };
    const common = { tags: [operation.section], summary: operation.summary, responses };
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
          ...others.map((p) => ({
            name: p.name,
            in: 'query',
            required: p.required === true,
            description: p.description,
            schema: p.type === 'array' || p.type === 'object' || p.type === 'any' ? { type: 'string' } : schemaOf(p),
          })),
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
  const sections = [...new Set(operations.map((o) => o.section))];
  const body = sections
    .map((section) => {
      const rows = operations
        .filter((o) => o.section === section)
        .map((o) => {
          const params = o.parameters
            .map((p) => `<li><code>${escapeHtml(p.name)}</code> <em>${p.type}${p.required ? ', required' : ''}</em> — ${escapeHtml(p.description)}</li>`)
            .join('');
          return `<section id="${o.name}"><h3><code>${o.name}</code></h3><p>${escapeHtml(o.summary)}</p>`
            + `<p>URL: <code>/workflowapi/${o.name}/{${o.urlId}}</code> · data: <code>${escapeHtml(o.data)}</code></p>`
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
