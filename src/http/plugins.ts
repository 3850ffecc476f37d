import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Config } from '../config/index.js';
import type { Logger } from '../logging/index.js';
import type {
  ApiTokenService,
  AssigneeDirectory,
  Clock,
  DashboardService,
  ModelService,
  NodeDirectory,
  TaskService,
  TenantService,
  UserService,
  WorkflowService,
} from '../services/index.js';
import type { FormService } from '../services/form-service.js';
import type { LogService } from '../services/log-service.js';
import type { CallbackServerService } from '../callbacks/index.js';
import type { AccessControl } from '../access/index.js';
import type { RequestRateCounter } from './request-rate.js';

/**
 * Every service of one server, built once by the composition root (`src/server/`) over one store:
 * each plugin picks the ones it calls, so two plugins share one instance (one scheme cache, one
 * task-link key) and no plugin needs the store itself.
 */
export interface ServerServices {
  /** Schemes, instances, commands, timers: the engine's one entry. */
  readonly workflow: WorkflowService;
  readonly users: UserService;
  readonly logs: LogService;
  readonly forms: FormService;
  readonly dashboard: DashboardService;
  readonly callbackServers: CallbackServerService;
  readonly tenants: TenantService;
  readonly assignees: AssigneeDirectory;
  readonly tokens: ApiTokenService;
  readonly models: ModelService;
  readonly tasks: TaskService;
}

/** What every HTTP plugin (an API dialect, the admin API) is given. */
export interface WaymarkPluginContext {
  readonly config: Config;
  /** The services of this server, built once; plugins call these and never the store. */
  readonly services: ServerServices;
  /** Which database the store runs on, as the admin API's server facts show it. */
  readonly storeKind: 'sqlite' | 'postgres';
  readonly logger: Logger;
  readonly clock: Clock;
  /** The one access control of this server: settings, sessions and rate limits are shared by every plugin. */
  readonly access: AccessControl;
  /** This node and its cluster (the Dashboard lists the nodes). */
  readonly node: NodeDirectory;
  /** Requests this node finished, per second (the Dashboard's request rate). */
  readonly requestRate: RequestRateCounter;
  /** The server's version (package.json). */
  readonly version: string;
}

/**
 * A part of the HTTP surface: one API dialect or the admin API. It is registered in its own
 * encapsulated fastify scope, so it may set its own error handler to answer in its wire format.
 */
export interface WaymarkPlugin {
  /** Shown in logs, e.g. `workflow-api`. */
  readonly name: string;
  /** URL prefix of every route it adds, e.g. `/api/v1`; none by default. */
  readonly prefix?: string;
  register(app: FastifyInstance, context: WaymarkPluginContext): Promise<void>;
}

/**
 * Wraps a plain fastify plugin that takes its own options (as the dialects do) into a
 * {@link WaymarkPlugin}: `options` builds those options from the shared context.
 */
export function mountFastifyPlugin<Options extends Record<string, unknown>>(
  name: string,
  plugin: FastifyPluginAsync<Options>,
  options: (context: WaymarkPluginContext) => Options,
  prefix?: string,
): WaymarkPlugin {
  return {
    name,
    ...(prefix === undefined ? {} : { prefix }),
    async register(app, context) {
      await app.register(plugin, options(context));
    },
  };
}
