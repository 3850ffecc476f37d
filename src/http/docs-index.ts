import type { FastifyInstance } from 'fastify';

/** The API documents a dialect may serve: its HTML page and its OpenAPI document. */
const API_DOCUMENTS: readonly { title: string; page?: string; openapi: string }[] = [
  { title: 'Workflow API (/workflowapi)', page: '/docs/workflowapi', openapi: '/openapi/workflowapi.json' },
  { title: 'Workflows REST API (/api/v1)', page: '/docs/api-v1', openapi: '/openapi/api-v1.json' },
  // No page of its own: the admin panel (/admin) is its user interface.
  { title: 'Admin API (/admin/api)', openapi: '/openapi/admin-api.json' },
];

/**
 * `GET /docs`: an index of the API documents of the dialects this server mounts (a dialect that
 * is not installed is not listed). Plain HTML with no scripts or outside assets.
 */
export function registerDocsIndex(app: FastifyInstance): void {
  app.get('/docs', { logLevel: 'warn' }, async (_request, reply) => {
    const mounted = API_DOCUMENTS.filter((doc) => app.hasRoute({ method: 'GET', url: doc.page ?? doc.openapi }));
    const items = mounted
      .map((doc) =>
        doc.page === undefined
          ? `<li>${doc.title} — <a href="${doc.openapi}">OpenAPI 3.1 document</a></li>`
          : `<li><a href="${doc.page}">${doc.title}</a> — <a href="${doc.openapi}">OpenAPI 3.1 document</a></li>`,
      )
      .join('\n');
    const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Waymark API documentation</title>
<style>body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;line-height:1.5}</style></head>
<body><h1>Waymark API documentation</h1>
${mounted.length === 0 ? '<p>No API dialect is mounted on this server.</p>' : `<ul>\n${items}\n</ul>`}
</body></html>`;
    return reply.type('text/html; charset=utf-8').send(body);
  });
}
