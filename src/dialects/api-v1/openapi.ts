/**
 * The `/api/v1` dialect's OpenAPI 3.1 document and its docs page. @fastify/swagger generates the
 * paths from the route schemas (route-schemas.ts); this adds the parts no route carries (title,
 * tags in order, the bearer scheme) and renders the docs page from the generated paths.
 */
import swagger, { type FastifyDynamicSwaggerOptions, type SwaggerTransformObject } from '@fastify/swagger';
import Fastify from 'fastify';
import { API_V1_ROUTE_SCHEMAS, API_V1_ROUTE_URLS, API_V1_TAGS, type ApiV1OperationId } from './route-schemas.js';
import { escapeHtml } from './task-page.js';

/** The @fastify/swagger options of the dialect's scope. */
export function apiV1SwaggerOptions(): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Waymark /api/v1 (OnTask-compatible)',
        version: '1.0.0',
        description: 'Workflow models, instances, variables and user tasks per tenant. Errors answer {errorCode, message} with HTTP 480, 401 or 404.',
      },
      tags: API_V1_TAGS.map((tag) => ({ ...tag })),
      components: {
        securitySchemes: { apiToken: { type: 'http', scheme: 'bearer', description: 'An /api/v1 API token (waymark token create); the raw token is accepted too.' } },
      },
    },
    // The document and the docs page carry no tag: they are not part of the API they describe.
    hideUntagged: true,
    transformObject: (document) => {
      const openapi = ('openapiObject' in document ? document.openapiObject : {}) as { components?: Record<string, unknown> };
      // Route schemas are inlined where they are used; swagger's generated `def-N` names would add nothing.
      const { schemas: _schemas, ...components } = (openapi.components ?? {}) as Record<string, unknown>;
      return { ...openapi, components } as ReturnType<SwaggerTransformObject>;
    },
  };
}

/**
 * The document as the server serves it, built without one: the same swagger options over the same
 * route schemas and URLs (a test checks both give the same document).
 */
export async function generateApiV1OpenApiDocument(): Promise<Record<string, unknown>> {
  const app = Fastify({ logger: false });
  await app.register(swagger, apiV1SwaggerOptions());
  for (const operationId of Object.keys(API_V1_ROUTE_URLS) as ApiV1OperationId[]) {
    const [method, url] = API_V1_ROUTE_URLS[operationId];
    app.route({ method, url, schema: API_V1_ROUTE_SCHEMAS[operationId], handler: async () => null });
  }
  await app.ready();
  const document = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  return JSON.parse(JSON.stringify(document)) as Record<string, unknown>;
}

/** A self-contained page describing the dialect from its generated paths, linking its OpenAPI document. */
export function apiV1DocsPage(openApiUrl: string, paths: Readonly<Record<string, unknown>>): string {
  const rows = Object.entries(paths)
    .flatMap(([url, methods]) =>
      Object.entries(methods as Record<string, { summary?: string }>).map(
        ([method, operation]) => `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escapeHtml(url)}</code></td><td>${escapeHtml(operation.summary ?? '')}</td></tr>`,
      ),
    )
    .join('');
  return '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Waymark /api/v1</title>'
    + '<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}td{padding:.2rem .5rem;border-top:1px solid #ddd}</style></head><body>'
    + '<h1>Waymark /api/v1 (OnTask-compatible)</h1>'
    + '<p>Send an API token as <code>Authorization: Bearer &lt;token&gt;</code>. Errors answer <code>{errorCode, message}</code> with HTTP 480, 401 or 404. '
    + `Machine-readable: <a href="${escapeHtml(openApiUrl)}">OpenAPI 3.1 document</a>.</p>`
    + `<table>${rows}</table></body></html>`;
}
