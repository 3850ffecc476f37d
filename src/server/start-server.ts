/**
 * `waymark serve`: the whole application in one plain order — the store (and the cluster on
 * PostgreSQL), the startup settings, the runtime's parts, the workflow service with the runtime
 * attached, the access control, then `buildApp` (the other services, once, and the HTTP shell with
 * the plugins) — and the shutdown in reverse. See docs/architecture.md, "The composition root".
 */
import type { FastifyInstance } from 'fastify';
import { describeConfig, type Config } from '../config/index.js';
import { WaymarkError } from '../errors/index.js';
import { createLogger, type Logger } from '../logging/index.js';
import { systemClock, WorkflowService, type Clock } from '../services/index.js';
import { createStore } from '../store/index.js';
import { createServerRuntime, type WorkflowRuntime } from '../runtime/index.js';
import { beginStartupSettings, createAccessControl, isLoopbackHostName } from '../access/index.js';
import { clusterRuntimeTimings, joinCluster, nodeTimeoutFromEnvironment } from '../cluster/index.js';
import type { WaymarkPlugin } from '../http/index.js';
import { tuneHeapForServing } from './heap-tuning.js';
import { accessControlAddresses, buildApp } from './build-app.js';
import { installedPlugins } from './installed-plugins.js';

/** A server that is listening. */
export interface RunningServer {
  readonly app: FastifyInstance;
  /** The address it listens on, e.g. `http://127.0.0.1:8077`. */
  readonly url: string;
  /** This node's id (in a cluster on PostgreSQL, the one the others see). */
  readonly nodeId: string;
  /** Stops taking requests, lets running ones finish, then closes the store. Safe to call twice. */
  close(): Promise<void>;
}

/** Optional parts of {@link startServer}; production uses the defaults. */
export interface StartServerOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** The API dialects and admin API to mount (see `WaymarkPlugin`); by default {@link installedPlugins}. */
  readonly plugins?: readonly WaymarkPlugin[];
  /** Close gracefully on SIGINT and SIGTERM (default true). Tests that close by hand turn it off. */
  readonly handleSignals?: boolean;
  /** Where `WAYMARK_API_TOKEN`, `WAYMARK_API_OIDC` and `WAYMARK_ADMIN_PASSWORD` are read (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
}

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Opens the configured store, builds the app, listens on `config.host:config.port` and logs the URL.
 * It first tunes V8's heap growth for serving ({@link tuneHeapForServing}), for the whole process.
 * On SIGINT or SIGTERM it closes the server first (so no request is cut off mid-write), then the store.
 *
 * @throws WaymarkError `WM_CONFIG_INVALID` when the address cannot be bound (port in use, no permission).
 */
export async function startServer(config: Config, options: StartServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  logger.info({ config: describeConfig(config) }, 'Waymark is starting');
  logger.debug({ heap: tuneHeapForServing() }, 'V8 heap growth set for serving');

  const env = options.env ?? process.env;
  const baseStore = await createStore({
    dataDir: config.dataDir,
    sqliteWriterThread: config.sqliteWriterThread,
    ...(config.databaseUrl === null ? {} : { databaseUrl: config.databaseUrl }),
    warn: (message, context) => logger.warn(context, message),
  });
  // On PostgreSQL this node registers itself, heartbeats, takes over lost nodes' work, and hears
  // other nodes' changes (docs/cluster.md); on SQLite it is the only node and this is a no-op.
  let cluster: Awaited<ReturnType<typeof joinCluster>>;
  const nodeTimeoutMs = nodeTimeoutFromEnvironment(env);
  try {
    cluster = await joinCluster({
      databaseUrl: config.databaseUrl,
      clock,
      nodeTimeoutMs,
      onError: (error, what) => logger.warn({ err: error }, `cluster: ${what}`),
    });
  } catch (error) {
    await baseStore.close();
    throw error;
  }
  const store = cluster.announcing(baseStore);
  let app: FastifyInstance;
  let url: string;
  let runtime: WorkflowRuntime;
  // The signing key and admin password still being made; the store closes only after they settled.
  let startupSecrets: Promise<unknown> = Promise.resolve();
  try {
    // Settings from the environment are applied before anything reads them. The slow parts run on
    // the thread pool while the app is built: the admin password's scrypt hash (WAYMARK_ADMIN_PASSWORD,
    // or a generated one on a first start), stored before the server listens, and a first start's
    // RSA signing key, the longest part of it, which is not waited for: the identity server's
    // requests that need the key (JWKS, /connect/token, bearer tokens) wait for it (SigningKeyRing).
    const startup = await beginStartupSettings(env, store, logger);
    const signingKeyLogged = startup.signingKey.then(
      (created) => {
        if (created) logger.info('created the identity server signing key');
      },
      (error: unknown) => logger.error({ err: error }, 'could not create the identity server signing key; the next token request tries again'),
    );
    startupSecrets = Promise.allSettled([signingKeyLogged, startup.adminPassword]);
    const buildAppAndRuntime = async (): Promise<{ app: FastifyInstance; runtime: WorkflowRuntime }> => {
      // Timers, callback servers, the outgoing messages, HTTP/file/webhook actions (docs/runtime.md).
      const runtimeSetup = await createServerRuntime({
        store,
        clock,
        env,
        fileSandbox: config.fileSandbox,
        logger,
        ...(config.databaseUrl === null ? {} : { timings: clusterRuntimeTimings(nodeTimeoutMs) }),
      });
      const workflow = new WorkflowService({
        store,
        clock,
        maxAutoSteps: config.maxAutoSteps,
        ...runtimeSetup.serviceOptions,
      });
      const builtRuntime = runtimeSetup.attach(workflow);
      cluster.bindRuntime(workflow, builtRuntime);
      const plugins = options.plugins ?? installedPlugins();
      // The one access control of the plugins; it waits for neither the key nor the password.
      // It forgets what it read of a setting as soon as another node announces a change of it.
      const access = plugins.length === 0
        ? undefined
        : await createAccessControl({
          store,
          ...accessControlAddresses(config),
          logger,
          clock,
          startupSecretsPending: true,
          changes: cluster.node.notifier,
        });
      const node = { id: cluster.node.id, clustered: config.databaseUrl !== null, listNodes: () => cluster.node.listNodes() };
      // The callback servers read WAYMARK_CALLBACK_URL from the process's environment, as they always did.
      const builtApp = await buildApp({ config, store, workflow, logger, clock, plugins, nodeId: cluster.node.id, node, env: process.env, ...(access === undefined ? {} : { access }) });
      return { app: builtApp, runtime: builtRuntime };
    };
    ({ app, runtime } = await buildAppAndRuntime());
    try {
      await startup.adminPassword;
    } catch (error) {
      await app.close();
      throw error;
    }
    try {
      url = await app.listen({ port: config.port, host: config.host });
    } catch (error) {
      await app.close();
      throw listenError(error, config);
    }
    runtime.start();
  } catch (error) {
    await cluster.node.stop();
    await startupSecrets;
    await baseStore.close();
    throw error;
  }

  let closing: Promise<void> | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'Waymark is shutting down');
    close().catch((error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exitCode = 1;
    });
  };
  const close = (): Promise<void> => {
    closing ??= (async () => {
      for (const signal of SHUTDOWN_SIGNALS) process.off(signal, onSignal);
      try {
        await app.close();
      } finally {
        // After the last request, before the store: a batch in progress finishes its writes.
        await runtime.stop();
        await cluster.node.stop();
        await startupSecrets;
        await baseStore.close();
      }
      logger.info('Waymark stopped');
    })();
    return closing;
  };
  if (options.handleSignals ?? true) {
    for (const signal of SHUTDOWN_SIGNALS) process.once(signal, onSignal);
  }

  logger.info({ url, publicUrl: config.publicUrl, store: store.kind, nodeId: cluster.node.id }, `Waymark is listening on ${url}`);
  const hostWarning = publicUrlWarning(config);
  if (hostWarning !== null) logger.warn({ host: config.host, allowedHosts: config.allowedHosts }, hostWarning);
  return { app, url, nodeId: cluster.node.id, close };
}

/**
 * The warning for a server reachable beyond this machine without a public URL: token issuers, the
 * discovery document and task links are then built from the request's Host header, which only
 * loopback names and WAYMARK_ALLOWED_HOSTS may supply. Null when there is nothing to warn about.
 */
export function publicUrlWarning(config: Pick<Config, 'publicUrl' | 'host' | 'allowedHosts'>): string | null {
  if (config.publicUrl !== null || isLoopbackHostName(config.host)) return null;
  const allowed = config.allowedHosts.length === 0 ? 'none besides loopback names' : config.allowedHosts.join(', ');
  return (
    `no public URL is set and the server listens on ${config.host}, beyond this machine: token issuers and task links ` +
    `are built only for requests whose Host is allowed (WAYMARK_ALLOWED_HOSTS: ${allowed}); others are refused. ` +
    'Set WAYMARK_PUBLIC_URL to the URL callers use'
  );
}

function listenError(error: unknown, config: Config): unknown {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const address = `${config.host}:${config.port}`;
  if (code === 'EADDRINUSE') {
    return new WaymarkError('WM_CONFIG_INVALID', `Cannot listen on ${address}: the port is already in use (choose another with PORT or --port)`, { setting: 'PORT', value: config.port }, { cause: error });
  }
  if (code === 'EACCES') {
    return new WaymarkError('WM_CONFIG_INVALID', `Cannot listen on ${address}: permission denied (ports below 1024 need privileges)`, { setting: 'PORT', value: config.port }, { cause: error });
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new WaymarkError('WM_CONFIG_INVALID', `Cannot listen on ${address}: the host is not an address of this machine (check HOST or --host)`, { setting: 'HOST', value: config.host }, { cause: error });
  }
  return error;
}
