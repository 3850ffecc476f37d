export { WorkflowService, RuntimeSwitch, type WorkflowServiceOptions, type CallScope, type InstanceInfo, type StepOutbox, type StepAppliedListener } from './workflow-service.js';
export { UserService, toPublicUser, ADMIN_ROLE, USER_API_BLOCKED_SETTING, type PublicUser, type UserInput } from './user-service.js';
export { systemClock, ManualClock, type Clock } from './clock.js';
export { KeyedMutex } from './keyed-mutex.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { noCallbackServer } from './external-calls.js';
