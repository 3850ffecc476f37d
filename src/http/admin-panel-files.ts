/**
 * Serves the admin panel (the React app built from `admin-panel/` into `admin-panel/dist/`) at
 * `/admin`, and sends `/` there:
 *
 * - `GET /` and `GET /admin` redirect to `/admin/`;
 * - `GET /admin/assets/…` and the app's public files (the icon) are the built files, cached for a
 *   year (their names carry a content hash);
 * - any other `GET` under `/admin/` answers the app's `index.html`, so a deep link such as
 *   `/admin/explorer/createinstance?processId=…` opens that page — except the server's own
 *   routes (`/admin/api/…`, `/admin/login`, `/admin/session`, `/admin/logout`), which keep their
 *   JSON 404s, and paths that name a file (an asset that does not exist is a 404, not the app);
 * - without a build, those pages answer 503 with a page that says to run `npm run build`.
 *
 * The HTML carries the panel's Content-Security-Policy: the app loads nothing but its own files.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WaymarkPlugin } from './plugins.js';
import { ADMIN_PANEL_CONTENT_SECURITY_POLICY, ADMIN_PANEL_PATH } from './security-headers.js';

/** The built panel of this checkout: `admin-panel/dist/`, two folders above this module (src/http/ or dist/chunks/). */
export function defaultAdminPanelDirectory(): string {
  return fileURLToPath(new URL('../../admin-panel/dist/', import.meta.url));
}

/** Options of {@link adminPanelFiles}. */
export interface AdminPanelFilesOptions {
  /** The folder Vite built the panel into; {@link defaultAdminPanelDirectory} by default. */
  readonly directory?: string;
}

/** Paths under /admin that belong to the server, not the app. */
const SERVER_PATHS = [/^\/admin\/api(\/|$)/, /^\/admin\/(login|session|logout)\/?$/];
/** Files of the app's `public/` folder, copied to the top of the build. */
const PUBLIC_FILES = ['favicon.svg'];
const ONE_YEAR_MS = 365 * 24 * 60 * 60_000;
const ONE_DAY_MS = 24 * 60 * 60_000;

/** The panel's files as a plugin of the HTTP shell. */
export function adminPanelFiles(options: AdminPanelFilesOptions = {}): WaymarkPlugin {
  const directory = options.directory ?? defaultAdminPanelDirectory();
  return {
    name: 'admin-panel',
    async register(app) {
      await app.register(fastifyStatic, { root: directory, serve: false });

      app.get('/', async (_request, reply) => reply.redirect(`${ADMIN_PANEL_PATH}/`));
      app.get(ADMIN_PANEL_PATH, async (_request, reply) => reply.redirect(`${ADMIN_PANEL_PATH}/`));
      app.get(`${ADMIN_PANEL_PATH}/`, async (_request, reply) => sendApp(reply, directory));
      app.get(`${ADMIN_PANEL_PATH}/assets/*`, async (request, reply) => {
        const file = (request.params as { '*': string })['*'];
        return reply.sendFile(file, join(directory, 'assets'), { maxAge: ONE_YEAR_MS, immutable: true });
      });
      for (const file of PUBLIC_FILES) {
        app.get(`${ADMIN_PANEL_PATH}/${file}`, async (_request, reply) => {
          return reply.sendFile(file, { maxAge: ONE_DAY_MS });
        });
      }
      // Deep links: a not-found handler of the /admin prefix, so the admin API's more specific
      // handler (under /admin/api) still answers its own unknown paths.
      await app.register(
        async (scope: FastifyInstance) => {
          scope.setNotFoundHandler(async (request, reply) => {
            if (isAppPage(request)) return sendApp(reply, directory);
            return notFound(request, reply);
          });
        },
        { prefix: ADMIN_PANEL_PATH },
      );
    },
  };
}

/** True for a GET of a page of the app (not a server route, not a file). */
function isAppPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0] ?? request.url;
  if (!path.startsWith(`${ADMIN_PANEL_PATH}/`)) return false;
  if (SERVER_PATHS.some((pattern) => pattern.test(path))) return false;
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);
  return !path.startsWith(`${ADMIN_PANEL_PATH}/assets/`) && !/\.[A-Za-z0-9]{1,8}$/.test(lastSegment);
}

async function sendApp(reply: FastifyReply, directory: string): Promise<FastifyReply> {
  reply.header('content-security-policy', ADMIN_PANEL_CONTENT_SECURITY_POLICY);
  reply.header('x-content-type-options', 'nosniff');
  // The HTML names the current build's hashed files: never cache it, so a new build is picked up.
  reply.header('cache-control', 'no-cache');
  const indexFile = join(directory, 'index.html');
  if (!existsSync(indexFile)) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
  return reply.type('text/html; charset=utf-8').send(await readFile(indexFile));
}

function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0] ?? request.url;
  return reply.code(404).send({ statusCode: 404, code: 'WM_NOT_FOUND', error: 'Not found', message: `No route for ${request.method} ${path}` });
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Waymark admin panel: not built</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}code{background:#eef;padding:0 .25em}</style></head>
<body><h1>The admin panel is not built</h1>
<p>This server found no build of the admin panel (<code>admin-panel/dist/</code>).
Run <code>npm run build</code> in the Waymark folder (or start the server with <code>npm start</code>,
which builds it when its source is newer), then reload this page.</p>
<p>The APIs work without it: see <a href="/docs">/docs</a>.</p>
</body></html>`;
