/**
 * The `/workflowapi` dialect as a fastify plugin: transport (three URL forms, GET and POST,
 * query / JSON / form / multipart parameters), access check, dispatch to the operation table,
 * and the envelope on every answer. Its error handler, body parsers and OpenAPI document are
 * scoped to it.
 */
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import swagger, { type SwaggerTransformObject } from '@fastify/swagger';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { WaymarkError } from '../../errors/index.js';
import type { FormService } from '../../services/form-service.js';
import type { LogService } from '../../services/log-service.js';
import type { UserService, WorkflowService } from '../../services/index.js';
import { successEnvelope, toEnvelopeFailure } from './envelope.js';
import { docsPage, openApiDocumentParts, openApiPaths } from './openapi.js';
import { MULTIPART_PART_LIMITS, readMultipartBody } from './multipart-body.js';
import { OPERATIONS, OPERATIONS_BY_NAME, type OperationServices } from './operations.js';
import { ErrorTexts, RequestParameters } from './request-parameters.js';

/** Checks the credentials of one call (the access control's Workflow API part). */
export interface WorkflowApiAccess {
  /** Throws WaymarkError WM_UNAUTHORIZED (or WM_RATE_LIMITED) when the call is refused. */
  checkWorkflowApi(request: {
    token?: string | undefined;
    authorization?: string | undefined;
    origin?: string | undefined;
    client?: string | undefined;
  }): Promise<void>;
  /** True when every call must carry the `token` field (token mode). */
  tokenFieldRequired(): Promise<boolean>;
}

/** What the Workflow API plugin is built from. */
export interface WorkflowApiOptions {
  readonly workflow: WorkflowService;
  readonly users: UserService;
  readonly logs: LogService;
  readonly forms: FormService;
  /** Token / OpenID Connect check; without it the API is open (as the vendor's is by default). */
  readonly access?: WorkflowApiAccess;
  /** Largest accepted body in bytes (JSON, form, and a whole multipart body). Default 1 MiB. */
  readonly bodyLimit?: number;
}

/** Where the dialect's OpenAPI document and docs page are served. */
export const WORKFLOW_API_OPENAPI_PATH = '/openapi/workflowapi.json';
export const WORKFLOW_API_DOCS_PATH = '/docs/workflowapi';

const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Registers the Workflow API. Register it at the root (no prefix): it mounts the operations
 * under `/workflowapi`, the OpenAPI document at {@link WORKFLOW_API_OPENAPI_PATH} and the docs
 * page at {@link WORKFLOW_API_DOCS_PATH}.
 */
export const workflowApiPlugin: FastifyPluginAsync<WorkflowApiOptions> = async (app, options) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Waymark Workflow API',
        version: '1.0.0',
        description:
          'The vendor-compatible /workflowapi dialect (the base path in any letter case). Every answer is {success, data, error, message}; a failure adds code (WM_…). Errors answer HTTP 200 with success:false, a refused API token included, except 401 (OpenID Connect bearer token refused), 404 (no Workflow API URL), 413 (body too large) and 429 (too many wrong tokens, with Retry-After).',
      },
    },
    hideUntagged: true,
    transformObject: (document) =>
      ({
        ...('openapiObject' in document ? document.openapiObject : {}),
        ...openApiDocumentParts(),
        paths: openApiPaths(OPERATIONS),
      }) as ReturnType<SwaggerTransformObject>,
  });

  app.get(WORKFLOW_API_OPENAPI_PATH, async () => app.swagger());
  app.get(WORKFLOW_API_DOCS_PATH, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(docsPage(OPERATIONS, WORKFLOW_API_OPENAPI_PATH)),
  );

  await app.register(operationRoutes, options);
};

/** The base path; the vendor's routing matches it (and operation names) in any letter case. */
const BASE_PATH = 'workflowapi';

/**
 * The base path in any letter case, as a route parameter with a pattern: `/workflowapi` itself is
 * a static route (the router finds those first), every other spelling (`/WorkflowApi`) this one.
 */
const ANY_CASE_BASE = `/:${BASE_PATH}(^${[...BASE_PATH].map((letter) => `[${letter}${letter.toUpperCase()}]`).join('')}$)`;

/** The three URL forms: `/workflowapi`, `/workflowapi/{operation}`, `/workflowapi/{operation}/{id}`. */
const OPERATION_URLS = ['', '/', '/:operation', '/:operation/:id'];

/** Methods no operation answers: under the base path they get the not-found envelope. */
const OTHER_METHODS = ['DELETE', 'PATCH', 'PUT', 'OPTIONS'] as const;

const operationRoutes: FastifyPluginAsync<WorkflowApiOptions> = async (app, options) => {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  await app.register(formbody, { bodyLimit });
  // Parts are read by the handler (readMultipartBody), after the access check and within the body
  // limit: the plugin's attachFieldsToBody hook would read them before either.
  await app.register(multipart, { limits: { ...MULTIPART_PART_LIMITS, fileSize: bodyLimit, fieldSize: bodyLimit } });
  // fastify accepts text/plain by default; the vendor accepts only the three body types.
  app.removeContentTypeParser('text/plain');

  const pending = new Set<Promise<unknown>>();
  const services: OperationServices = {
    workflow: options.workflow,
    users: options.users,
    logs: options.logs,
    forms: options.forms,
    background: (name, work) => {
      const task = work()
        .catch((error: unknown) => app.log.error({ err: error, operation: name }, 'background operation failed'))
        .finally(() => pending.delete(task));
      pending.add(task);
    },
  };
  app.addHook('onClose', async () => {
    await Promise.allSettled([...pending]);
  });

  app.setErrorHandler(async (error, request, reply) => {
    const failure = toEnvelopeFailure(error, { bodyLimit });
    if (failure.status >= 500) request.log.error({ err: error }, 'workflow api request failed');
    if (failure.retryAfterSeconds !== undefined) reply.header('retry-after', String(failure.retryAfterSeconds));
    return reply.code(failure.status).send(failure.body);
  });
  // Calls whose token can only be in their body (token mode, none in the URL): checked once it is read.
  const checkAfterBody = new WeakSet<FastifyRequest>();
  const access = options.access;
  if (access) {
    // onRequest, before any body is read: credentials in the URL or the headers are checked first,
    // so a caller without access cannot make the server read (and hold) a body.
    app.addHook('onRequest', async (request) => {
      const queryToken = new RequestParameters(request.query as Record<string, unknown>).string('token');
      if (queryToken === undefined && request.method === 'POST' && (await access.tokenFieldRequired())) {
        checkAfterBody.add(request);
        return;
      }
      await access.checkWorkflowApi(credentialsOf(request, queryToken));
    });
  }

  /** The call's parameters once its body is read (within the limit), its deferred access check passed. */
  const acceptedParameters = async (request: FastifyRequest, reply: FastifyReply): Promise<RequestParameters> => {
    const body = request.isMultipart() ? await readMultipartBody(request, reply, bodyLimit) : bodyFields(request.body);
    const params = requestParameters(request, body);
    if (access && checkAfterBody.has(request)) await access.checkWorkflowApi(credentialsOf(request, params.string('token')));
    return params;
  };
  const handler = async (request: FastifyRequest, reply: FastifyReply) =>
    runOperation(request, reply, await acceptedParameters(request, reply), services);
  // Any other URL or method under the base path is answered in the envelope too (after the access
  // check, so callers without access learn nothing about the API).
  const notFound = async (request: FastifyRequest, reply: FastifyReply): Promise<never> => {
    await acceptedParameters(request, reply);
    throw new WaymarkError(
      'WM_NOT_FOUND',
      `${request.method} ${request.url.split('?')[0]} is not a Workflow API URL. ${ErrorTexts.operationRequired}`,
      { routeNotFound: true },
    );
  };
  for (const base of [`/${BASE_PATH}`, ANY_CASE_BASE]) {
    for (const url of OPERATION_URLS.map((suffix) => base + suffix)) {
      app.route({ method: ['GET', 'POST'], url, bodyLimit, handler });
      app.route({ method: [...OTHER_METHODS], url, bodyLimit, handler: notFound });
    }
    app.route({ method: ['GET', 'POST', ...OTHER_METHODS], url: `${base}/*`, bodyLimit, handler: notFound });
  }
};

function credentialsOf(request: FastifyRequest, token: string | undefined) {
  return { token, authorization: request.headers.authorization, origin: `${request.protocol}://${request.host}`, client: request.ip };
}

/** The call's parameters from its query, body and path. */
function requestParameters(request: FastifyRequest, body: Record<string, unknown> | undefined): RequestParameters {
  const path = request.params as { operation?: string; id?: string };
  const query = request.query as Record<string, unknown>;
  // The path's id fills the parameter its operation names, so the operation is looked up first.
  const pathOperation = path.operation === undefined ? undefined : OPERATIONS_BY_NAME.get(path.operation.toLowerCase());
  return pathOperation === undefined || path.id === undefined
    ? new RequestParameters(query, body)
    : new RequestParameters(query, body, { [pathOperation.urlId]: path.id });
}

/** Runs the named operation of an accepted call; an unknown operation is refused only after the access check. */
async function runOperation(request: FastifyRequest, reply: FastifyReply, params: RequestParameters, services: OperationServices): Promise<FastifyReply> {
  const path = request.params as { operation?: string };
  const operationName = path.operation ?? params.string('operation');
  if (!operationName) throw new WaymarkError('WM_INPUT_MISSING', ErrorTexts.operationRequired, { field: 'operation' });
  const operation = OPERATIONS_BY_NAME.get(operationName.toLowerCase());
  if (!operation) {
    throw new WaymarkError('WM_NOT_FOUND', ErrorTexts.operationNotSupported(operationName), { operation: operationName });
  }
  const result = await operation.run(params, services);
  return reply.send(successEnvelope(result.data ?? null, result.message ?? null));
}

function bodyFields(body: unknown): Record<string, unknown> | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'object' && !Array.isArray(body) && !Buffer.isBuffer(body)) return body as Record<string, unknown>;
  if (Array.isArray(body)) {
    throw new WaymarkError('WM_INPUT_INVALID', 'The JSON body must be an object of named parameters, not an array', {});
  }
  throw new WaymarkError('WM_UNSUPPORTED_MEDIA_TYPE', ErrorTexts.invalidBodyType);
}

