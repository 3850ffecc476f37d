/**
 * The services of one server, built once over one store. Every plugin and the CLI get their
 * services from here, so no dialect builds a service or holds the store.
 */
import type { Logger } from '../logging/index.js';
import {
  ApiTokenService,
  AssigneeDirectory,
  DashboardService,
  ModelService,
  TaskService,
  TenantService,
  UserService,
  type Clock,
  type NodeDirectory,
  type TaskServiceOptions,
  type WorkflowService,
} from '../services/index.js';
import { FormService } from '../services/form-service.js';
import { LogService } from '../services/log-service.js';
import { CallbackServerService } from '../callbacks/index.js';
import type { ServerServices } from '../http/index.js';
import type { Store } from '../store/index.js';

/** The `/api/v1` services: tenants, their tokens, the workflow models and user tasks. */
export type ApiV1Services = Pick<ServerServices, 'tenants' | 'assignees' | 'tokens' | 'models' | 'tasks'>;

/** What {@link buildServices} builds the services from. */
export interface ServiceParts {
  readonly store: Store;
  /** Built before the rest, because the runtime attaches to it (see `startServer`). */
  readonly workflow: WorkflowService;
  readonly clock: Clock;
  readonly logger: Logger;
  /** This node and its cluster, for the Dashboard. */
  readonly node: NodeDirectory;
  /** Where WAYMARK_CALLBACK_URL is read, as the runtime reads it. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** How long a signed task link stays valid (`config.taskLinkLifetimeMs`). */
  readonly taskLinkLifetimeMs?: number;
}

/** Builds every service of one server over `parts.store`; the one place a service is constructed. */
export function buildServices(parts: ServiceParts): ServerServices {
  const { store, workflow, clock } = parts;
  return {
    workflow,
    users: new UserService(store, clock),
    logs: new LogService({ records: store, logger: parts.logger, clock }),
    forms: new FormService(store, workflow),
    dashboard: new DashboardService({ store, clock, node: parts.node }),
    callbackServers: new CallbackServerService({ settings: store, env: parts.env, clock }),
    ...createApiV1Services(workflow, store, parts.taskLinkLifetimeMs === undefined ? {} : { linkLifetimeMs: parts.taskLinkLifetimeMs }),
  };
}

/** The `/api/v1` services alone over one store (the CLI's tenant commands and tests use them). */
export function createApiV1Services(workflow: WorkflowService, store: Store, options: TaskServiceOptions = {}): ApiV1Services {
  const tenants = new TenantService(store, workflow.clock);
  const assignees = new AssigneeDirectory(store);
  const models = new ModelService(workflow, tenants, assignees, store.tenantRecords);
  return {
    tenants,
    assignees,
    tokens: new ApiTokenService(store.tenantRecords, tenants, workflow.clock),
    models,
    tasks: new TaskService(workflow, models, tenants, assignees, store, options),
  };
}
