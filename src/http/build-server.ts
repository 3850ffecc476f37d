import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from '../config/index.js';
import { WaymarkError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import { systemClock, type Clock, type NodeDirectory } from '../services/index.js';
import { serializeRequestForLog, type AccessControl } from '../access/index.js';
import { checkCallerJson } from './caller-json.js';
import { toErrorReply } from './error-reply.js';
import { registerHealthRoutes, type ReadinessChecks } from './health-routes.js';
import { registerDocsIndex } from './docs-index.js';
import { registerSecurityHeaders } from './security-headers.js';
import type { ServerServices, WaymarkPlugin, WaymarkPluginContext } from './plugins.js';
import { RequestRateCounter } from './request-rate.js';
import { serverVersion } from './server-version.js';

/** What the plugins are given besides the shell's own parts; the composition root builds each once. */
export interface PluginParts {
  readonly services: ServerServices;
  readonly storeKind: WaymarkPluginContext['storeKind'];
  readonly access: AccessControl;
  readonly node: NodeDirectory;
}

/**
 * What the HTTP shell is built from. It builds nothing of the application itself: the services,
 * the access control and the plugins come from the composition root (`src/server/buildApp`).
 */
export interface ServerDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** What `/readiness` asks. */
  readonly readiness: ReadinessChecks;
  /** The API dialects and admin API to mount, each in its own scope. */
  readonly plugins?: readonly WaymarkPlugin[];
  /** Required when `plugins` is not empty. */
  readonly pluginParts?: PluginParts;
  /** This node's id in a cluster, shown by `/readiness`. */
  readonly nodeId?: string;
}

/**
 * Builds the fastify application: body limit from the config, the health probes, the plugins,
 * and default not-found and error handlers that answer JSON and never show a stack trace.
 * The app is ready (`app.ready()` done) but not listening.
 */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { config, logger } = deps;
  const clock = deps.clock ?? systemClock;

  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; naming the base type keeps FastifyInstance's default generics.
    // Request URLs may carry the Workflow API token in the query: the serializer redacts it.
    loggerInstance: logger.child({}, { serializers: { req: serializeRequestForLog } }) as FastifyBaseLogger,
    bodyLimit: config.bodyLimit,
    // Forwarded headers are believed only from the configured proxies (WAYMARK_TRUST_PROXY, off by
    // default): anyone else could choose their client address and so escape the sign-in limits.
    trustProxy: fastifyTrustProxy(config),
  });

  // Before every route and plugin, so each answer (404s and errors too) carries them.
  registerSecurityHeaders(app, { publicUrl: config.publicUrl });

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    return reply.code(404).send(toErrorReply(new WaymarkError('WM_NOT_FOUND', `No route for ${request.method} ${path}`), { bodyLimit: config.bodyLimit }));
  });

  app.setErrorHandler(async (error, request, reply) => {
    const body = toErrorReply(error, { bodyLimit: config.bodyLimit });
    if (body.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.code, message: body.message }, 'request refused');
    return reply.code(body.statusCode).send(body);
  });

  // Every dialect's parsed JSON bodies and query strings: bounded nesting, no prototype keys.
  // A hook's error reaches the error handler of the route's own scope, so each dialect answers it
  // in its wire format.
  app.addHook('preValidation', async (request) => {
    checkCallerJson(request.query, 'the query string');
    checkCallerJson(request.body, 'the request body');
  });

  // Every finished request counts, the probes included (docs/admin.md, "Request rate").
  const requestRate = new RequestRateCounter(clock);
  app.addHook('onResponse', async () => {
    requestRate.record();
  });

  await registerHealthRoutes(app, { readiness: deps.readiness, ...(deps.nodeId === undefined ? {} : { nodeId: deps.nodeId }) });

  const plugins = deps.plugins ?? [];
  if (plugins.length === 0) {
    await app.ready();
    return app;
  }
  const parts = deps.pluginParts;
  if (parts === undefined) throw new Error('buildServer: plugins need their services, access control and node (pluginParts)');
  const context: WaymarkPluginContext = { config, ...parts, logger, clock, requestRate, version: serverVersion() };
  for (const plugin of plugins) {
    await app.register(
      async (scope) => {
        await plugin.register(scope, context);
      },
      plugin.prefix === undefined ? {} : { prefix: plugin.prefix },
    );
    logger.debug({ plugin: plugin.name, prefix: plugin.prefix ?? '/' }, 'HTTP plugin registered');
  }

  registerDocsIndex(app);
  await app.ready();
  return app;
}

/**
 * fastify's `trustProxy` for the configured proxies. fastify 5 no longer honours a bare hop count
 * (it trusts nothing then), so a count becomes the function proxy-addr calls for each hop: the
 * `count` hops nearest the server are trusted, the address before them is the client's.
 */
function fastifyTrustProxy(config: Config): FastifyServerOptions['trustProxy'] {
  const trusted = config.trustProxy;
  if (trusted === false) return false;
  if (typeof trusted === 'number') return (_address: string, hop: number) => hop < trusted;
  return [...trusted];
}
