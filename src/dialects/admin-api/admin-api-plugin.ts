/**
 * The scheme management API for tools and the admin panel (`/admin/api`): schemes (native JSON
 * or vendor XML), their versions and forms, one instance with its history, the process logs, and
 * the callback servers (callback-server-routes.ts).
 * Every route sits behind the access module's admin guard, added as an `onRequest` hook of this
 * scope, so a route added here later cannot skip it.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { AccessControl } from '../../access/index.js';
import { WaymarkError } from '../../errors/index.js';
import type { FormRecord, FormService } from '../../services/form-service.js';
import type { LogService } from '../../services/log-service.js';
import type { WorkflowService } from '../../services/index.js';
import { exportVendorXml, toSchemeJson } from '../../scheme/index.js';
import type { StoredScheme } from '../../store/store.js';
import type { CallbackServerService } from '../../callbacks/index.js';
import { sendAsDownload } from '../../http/security-headers.js';
import { toAdminErrorReply } from './admin-error.js';
import { callbackServerRoutes } from './callback-server-routes.js';
import { accessRoutes, type AccessRouteOptions } from './routes/access-routes.js';
import { dashboardRoutes, type DashboardRouteOptions } from './routes/dashboard-routes.js';
import { serverRoutes, type ServerRouteOptions } from './routes/server-routes.js';
import { SCHEME_ROUTE_SCHEMAS as SCHEMAS } from './routes/scheme-route-schemas.js';
import { DESCRIBE_ONLY } from './routes/schemas.js';
import {
  boundedCount,
  flag,
  logLevel,
  optionalText,
  positiveInteger,
  schemeFormat,
  type QueryValues,
} from './request-values.js';

/** Where the shell mounts this plugin. */
export const ADMIN_API_PREFIX = '/admin/api';

/** What the admin API is built from (each route file names what it needs). */
export interface AdminApiOptions extends DashboardRouteOptions, ServerRouteOptions {
  readonly workflow: WorkflowService;
  readonly forms: FormService;
  readonly logs: LogService;
  /** The admin guard: HTTP Basic admin credentials, or a session cookie (+ CSRF header for changes). */
  readonly access: Pick<AccessControl, 'adminGuard'> & AccessRouteOptions['access'];
  /** Largest request body, in bytes (the server's `WAYMARK_BODY_LIMIT`), also for XML bodies. */
  readonly bodyLimit: number;
  /** Configures callback servers (`/callback-servers`). */
  readonly callbackServers: CallbackServerService;
}

/** One row of `GET /admin/api/schemes`. */
export interface SchemeSummary {
  readonly code: string;
  readonly name: string;
  readonly version: number;
  readonly tags: readonly string[];
  readonly createdAt: string;
  readonly instanceCount: number;
  readonly externalNeeds: { readonly actions: readonly string[]; readonly conditions: readonly string[]; readonly rules: readonly string[] };
}

const XML_CONTENT_TYPES = ['application/xml', 'text/xml'];
const MAX_LOG_LIMIT = 1000;
const DEFAULT_LOG_LIMIT = 100;

/** An XML request body, kept apart from JSON bodies (a JSON string must not pass for XML). */
class XmlBody {
  constructor(readonly text: string) {}
}

interface CodeParams {
  readonly code: string;
}
interface FormParams extends CodeParams {
  readonly name: string;
}

/** The admin API as a fastify plugin; register it with `{ prefix: ADMIN_API_PREFIX, ...options }`. */
export const adminApiPlugin: FastifyPluginAsync<AdminApiOptions> = async (app, options) => {
  const { workflow, forms, logs, access, bodyLimit } = options;

  // onRequest, not preHandler: credentials are checked before a body is read or parsed.
  app.addHook('onRequest', async function guardAdminRoute(request, reply) {
    return access.adminGuard.call(this, request, reply);
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store');
    return payload;
  });

  // Bodies are JSON or XML only: plain text would otherwise reach the routes as a string.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(XML_CONTENT_TYPES, { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    done(null, new XmlBody(typeof body === 'string' ? body : body.toString('utf8')));
  });

  app.setErrorHandler(async (error, request, reply) => {
    const { status, body } = toAdminErrorReply(error, { bodyLimit });
    if (status >= 500) request.log.error({ err: error }, 'admin API request failed');
    else request.log.info({ code: body.error, message: body.message }, 'admin API request refused');
    return reply.code(status).send(body);
  });

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const { status, body } = toAdminErrorReply(new WaymarkError('WM_NOT_FOUND', `No admin API route for ${request.method} ${path}`), { bodyLimit });
    return reply.code(status).send(body);
  });

  await app.register(callbackServerRoutes, { callbackServers: options.callbackServers });
  // Routes kept in files of their own (routes/), one line each; they inherit the guard and errors.
  await app.register(accessRoutes, { access });
  await app.register(dashboardRoutes, { dashboard: options.dashboard, requestRate: options.requestRate, nodeId: options.nodeId });
  await app.register(serverRoutes, { server: options.server });

  // ------------------------------------------------------------------ schemes

  app.get('/schemes', { schema: SCHEMAS.listSchemes, ...DESCRIBE_ONLY }, async (): Promise<SchemeSummary[]> => {
    const schemes = await workflow.listSchemes();
    return Promise.all(schemes.map((stored) => summarize(workflow, stored)));
  });

  app.post('/schemes', { schema: SCHEMAS.saveScheme, ...DESCRIBE_ONLY }, async (request, reply) => {
    const query = request.query as QueryValues;
    const code = optionalText(query, 'code');
    const codeOverride = code === undefined ? {} : { code };
    const body = request.body;
    if (body === undefined || body === null) {
      throw new WaymarkError(
        'WM_INPUT_MISSING',
        'Send the scheme as the request body: native JSON (Content-Type: application/json) or vendor XML (Content-Type: application/xml)',
      );
    }
    const stored =
      body instanceof XmlBody
        ? await workflow.saveScheme({ xml: body.text, ...codeOverride })
        : await workflow.saveScheme({ json: body, ...codeOverride });
    const compiled = await workflow.compiledScheme(stored.id);
    reply.header('location', `${ADMIN_API_PREFIX}/schemes/${encodeURIComponent(stored.code)}?version=${stored.version}`);
    return reply.code(201).send({ code: stored.code, version: stored.version, id: stored.id, externalNeeds: compiled.externalNeeds });
  });

  app.get<{ Params: CodeParams }>('/schemes/:code', { schema: SCHEMAS.getScheme, ...DESCRIBE_ONLY }, async (request, reply) => {
    const query = request.query as QueryValues;
    const format = schemeFormat(query, request.headers.accept);
    const stored = await workflow.getScheme(request.params.code, positiveInteger(query, 'version'));
    if (format === 'xml') {
      // Stored XML is the importer's text: served from the admin origin it must never render (an
      // XHTML <script> in it would run in an admin's browser), so it is a sandboxed download.
      return sendAsDownload(reply, `${stored.code}.v${stored.version}.xml`)
        .type('application/xml; charset=utf-8')
        .send(stored.sourceXml ?? exportVendorXml(stored.definition));
    }
    return { code: stored.code, version: stored.version, id: stored.id, createdAt: stored.createdAt, definition: toSchemeJson(stored.definition) };
  });

  app.get<{ Params: CodeParams }>('/schemes/:code/versions', { schema: SCHEMAS.listSchemeVersions, ...DESCRIBE_ONLY }, async (request) => {
    const versions = await workflow.listSchemeVersions(request.params.code);
    if (versions.length === 0) throw schemeNotFound(request.params.code);
    return versions.map((stored) => ({
      version: stored.version,
      id: stored.id,
      name: stored.definition.name,
      tags: stored.tags,
      createdAt: stored.createdAt,
      importedFromXml: stored.sourceXml !== null,
    }));
  });

  app.delete<{ Params: CodeParams }>('/schemes/:code', { schema: SCHEMAS.deleteScheme, ...DESCRIBE_ONLY }, async (request) => {
    const { code } = request.params;
    const force = flag(request.query as QueryValues, 'force');
    const versions = await workflow.listSchemeVersions(code);
    if (versions.length === 0) throw schemeNotFound(code);
    const instanceCount = await workflow.countInstancesOfScheme(code);
    if (instanceCount > 0 && !force) {
      throw new WaymarkError(
        'WM_SCHEME_IN_USE',
        `Scheme '${code}' is used by ${instanceCount} process instance(s); delete with ?force=true to delete those instances too`,
        { schemeCode: code, instanceCount },
      );
    }
    await workflow.deleteScheme(code, force);
    return { code, deletedVersions: versions.length, deletedInstances: instanceCount };
  });

  // -------------------------------------------------------------------- forms

  app.get<{ Params: CodeParams }>('/schemes/:code/forms', { schema: SCHEMAS.listForms, ...DESCRIBE_ONLY }, async (request) => {
    await workflow.getScheme(request.params.code);
    return forms.list(request.params.code);
  });

  app.get<{ Params: FormParams }>('/schemes/:code/forms/:name', { schema: SCHEMAS.getForm, ...DESCRIBE_ONLY }, async (request) => {
    const { code, name } = request.params;
    const state = optionalText(request.query as QueryValues, 'state') ?? null;
    await workflow.getScheme(code);
    const form = (await forms.list(code)).find((candidate) => candidate.name === name && candidate.state === state);
    if (form === undefined) throw formNotFound(code, name, state);
    return form;
  });

  app.put<{ Params: FormParams }>('/schemes/:code/forms/:name', { schema: SCHEMAS.saveForm, ...DESCRIBE_ONLY }, async (request): Promise<FormRecord> => {
    const { code, name } = request.params;
    const state = optionalText(request.query as QueryValues, 'state') ?? null;
    const body = request.body;
    if (body === null || typeof body !== 'object' || body instanceof XmlBody || Array.isArray(body)) {
      throw new WaymarkError('WM_INPUT_MISSING', 'Send the form as JSON {"source": "…"} (Content-Type: application/json)', { field: 'source' });
    }
    await workflow.getScheme(code);
    return forms.save({ schemeCode: code, name, state, source: (body as { source?: unknown }).source });
  });

  app.delete<{ Params: FormParams }>('/schemes/:code/forms/:name', { schema: SCHEMAS.deleteForm, ...DESCRIBE_ONLY }, async (request) => {
    const { code, name } = request.params;
    const state = optionalText(request.query as QueryValues, 'state') ?? null;
    await forms.delete(code, name, state);
    return { schemeCode: code, name, state, deleted: true };
  });

  // ---------------------------------------------------------- instances, logs

  app.get<{ Params: { id: string } }>('/instances/:id', { schema: SCHEMAS.getInstance, ...DESCRIBE_ONLY }, async (request) => {
    const { instance, scheme, history } = await workflow.getInstanceInfo(request.params.id);
    return { instance, scheme: { code: instance.schemeCode, version: instance.schemeVersion, name: scheme.definition.name }, history };
  });

  app.get('/logs', { schema: SCHEMAS.queryLogs, ...DESCRIBE_ONLY }, async (request) => {
    const query = request.query as QueryValues;
    const level = logLevel(query);
    const search = optionalText(query, 'search');
    return logs.query({
      ...(level === undefined ? {} : { level }),
      ...(search === undefined ? {} : { search }),
      skip: boundedCount(query, 'skip', Number.MAX_SAFE_INTEGER) ?? 0,
      // A page is never unbounded: limit=0 is refused, not read as "all" as the log service's take=0 would.
      take: boundedCount(query, 'limit', MAX_LOG_LIMIT, 1) ?? DEFAULT_LOG_LIMIT,
    });
  });
};

async function summarize(workflow: WorkflowService, stored: StoredScheme): Promise<SchemeSummary> {
  const [instanceCount, compiled] = await Promise.all([
    workflow.countInstancesOfScheme(stored.code),
    workflow.compiledScheme(stored.id),
  ]);
  return {
    code: stored.code,
    name: stored.definition.name,
    version: stored.version,
    tags: stored.tags,
    createdAt: stored.createdAt,
    instanceCount,
    externalNeeds: compiled.externalNeeds,
  };
}

function schemeNotFound(code: string): WaymarkError {
  return new WaymarkError('WM_SCHEME_NOT_FOUND', `Scheme '${code}' is not found`, { schemeCode: code });
}

function formNotFound(code: string, name: string, state: string | null): WaymarkError {
  const where = state === null ? '' : ` (state '${state}')`;
  return new WaymarkError('WM_NOT_FOUND', `Form '${name}' of scheme '${code}'${where} is not found`, { schemeCode: code, name, state });
}

