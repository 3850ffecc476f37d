/** Builds the services the `/api/v1` dialect, its management routes and the CLI share. */
import {
  ApiTokenService,
  AssigneeDirectory,
  ModelService,
  TaskService,
  TenantService,
  type TaskServiceOptions,
  type WorkflowService,
} from '../../services/index.js';

/** The `/api/v1` services over one WorkflowService. */
export interface ApiV1Services {
  readonly tenants: TenantService;
  readonly tokens: ApiTokenService;
  readonly models: ModelService;
  readonly tasks: TaskService;
}

/** Builds them over the workflow service's store and clock; `options` tune the task links. */
export function createApiV1Services(workflow: WorkflowService, options: TaskServiceOptions = {}): ApiV1Services {
  const tenants = new TenantService(workflow.store, workflow.clock);
  const assignees = new AssigneeDirectory(workflow.store);
  const models = new ModelService(workflow, tenants, assignees);
  return {
    tenants,
    tokens: new ApiTokenService(workflow.store.tenantRecords, tenants, workflow.clock),
    models,
    tasks: new TaskService(workflow, models, tenants, assignees, options),
  };
}
