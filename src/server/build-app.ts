/**
 * The application without the listening socket: the workflow service, the access control, every
 * other service (built once) and the HTTP shell with the plugins mounted. `startServer` calls it
 * with the parts it built for a real start; tests call it with a store alone.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/index.js';
import type { Logger } from '../logging/index.js';
import { systemClock, WorkflowService, type Clock, type NodeDirectory } from '../services/index.js';
import type { Store } from '../store/index.js';
import { createAccessControl, type AccessControl } from '../access/index.js';
import { buildServer, type WaymarkPlugin } from '../http/index.js';
import { buildServices } from './build-services.js';

/** What the application is built from; everything but the config, store and logger has a default. */
export interface AppDeps {
  readonly config: Config;
  readonly store: Store;
  /** The workflow service; built over `store` with the config's limits when not given. */
  readonly workflow?: WorkflowService;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** The API dialects and admin API to mount, each in its own scope (see `installedPlugins`). */
  readonly plugins?: readonly WaymarkPlugin[];
  /** The access control; built over `store` when not given. */
  readonly access?: AccessControl;
  /** This node's id in a cluster, shown by `/readiness`. */
  readonly nodeId?: string;
  /** This node and its cluster, for the Dashboard; a single node with `nodeId` (or a new id) when not given. */
  readonly node?: NodeDirectory;
  /** Where the callback servers' WAYMARK_CALLBACK_URL is read (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** What the access control needs of the config: the addresses it answers to and issues tokens for. */
export function accessControlAddresses(config: Config): { publicUrl: Config['publicUrl']; allowedHosts: Config['allowedHosts']; bindHost: string } {
  return { publicUrl: config.publicUrl, allowedHosts: config.allowedHosts, bindHost: config.host };
}

/**
 * Builds the fastify application, ready but not listening, in this order: the workflow service,
 * then (only when there are plugins) the access control, the node, the other services, and the
 * shell with the plugins. A bare shell (health probes only) touches no settings and no keys.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, store, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const workflow = deps.workflow ?? new WorkflowService({
    store,
    clock,
    maxAutoSteps: config.maxAutoSteps,
    fileActionsSandbox: config.fileSandbox !== null,
  });
  const shell = {
    config,
    logger,
    clock,
    readiness: { pingStore: () => store.ping(), isExecuting: () => workflow.execution.isRunning },
    ...(deps.nodeId === undefined ? {} : { nodeId: deps.nodeId }),
  };
  const plugins = deps.plugins ?? [];
  if (plugins.length === 0) return buildServer(shell);

  const access = deps.access ?? await createAccessControl({ store, ...accessControlAddresses(config), logger, clock });
  const node: NodeDirectory = deps.node ?? { id: deps.nodeId ?? randomUUID(), clustered: false, listNodes: async () => [] };
  const services = buildServices({
    store,
    workflow,
    clock,
    logger,
    node,
    env: deps.env ?? process.env,
    taskLinkLifetimeMs: config.taskLinkLifetimeMs,
  });
  return buildServer({ ...shell, plugins, pluginParts: { services, storeKind: store.kind, access, node } });
}
