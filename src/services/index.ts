export { WorkflowService, ExecutionSwitch, type WorkflowServiceOptions, type CallScope, type InstanceInfo, type StepMessages, type NewOutgoingMessage, type StepFacts, type StepAppliedListener, type TimerOutcome } from './workflow-service.js';
export { UserService, toPublicUser, ADMIN_ROLE, USER_API_BLOCKED_SETTING, type PublicUser, type UserInput } from './user-service.js';
export { systemClock, ManualClock, type Clock } from './clock.js';
export { KeyedMutex } from './keyed-mutex.js';
export { MAX_PAGE_SIZE } from './page-size.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { noCallbackServer } from './external-calls.js';
export type { ExternalParameterProvider, ExternalParameterTarget } from './external-parameters.js';
export type { SchemeGenerator } from './scheme-generation.js';
export { TenantService, type TenantInput } from './tenant-service.js';
export { ApiTokenService, API_PERMISSIONS, ALL_PERMISSIONS, callerHas, requirePermission, requireTenantVisible, hashApiToken, type ApiCaller, type ApiTokenInput } from './api-token-service.js';
export { AssigneeDirectory, type AssigneeView } from './assignee-directory.js';
export {
  ModelService,
  PUBLIC_TENANT,
  INITIATOR_VARIABLE,
  INITIATOR_NAME_VARIABLE,
  defaultStartForm,
  checkStartData,
  type PublishModelInput,
  type ModelChanges,
  type WorkflowModelView,
  type WorkflowInstanceView,
  type InstanceStatusFilter,
  type VariableExpansion,
} from './model-service.js';
export {
  TaskService,
  TASK_LINK_KEY_SETTING,
  DEFAULT_TASK_LINK_LIFETIME_MS,
  taskLinkPath,
  type TaskServiceOptions,
  type UserTaskView,
  type UserTaskQuery,
  type TaskStatusFilter,
  type OpenedTask,
} from './task-service.js';
export {
  DashboardService,
  DASHBOARD_STATUSES,
  DASHBOARD_COUNT_BOUND,
  ERROR_WINDOW_MS,
  MAX_LATEST_INSTANCES,
  type DashboardOverview,
  type DashboardNode,
  type DashboardStatus,
  type InstanceSummary,
  type NodeDirectory,
} from './dashboard-service.js';
