/** The runtime: the timer scheduler, the outbox of notifications and webhooks, and their wiring. */
export { WorkflowRuntime, type WorkflowRuntimeOptions } from './workflow-runtime.js';
export { TimerScheduler, type TimerSchedulerOptions, type FireTimers } from './timer-scheduler.js';
export {
  OutboxDispatcher,
  DEFAULT_RETRY_POLICY,
  retryDelayMs,
  type OutboxDispatcherOptions,
  type DeliverMessage,
  type RetryPolicy,
} from './outbox-dispatcher.js';
export { RuntimeStepOutbox, OutboxMessageKind, type NotificationWanted } from './step-outbox.js';
export { realSetTimer, type SetTimer } from './wake-loop.js';
export { createRuntimeParts, type RuntimeParts, type RuntimePartsOptions } from './runtime-parts.js';
export { RoutedExternalCalls, type RoutedExternalCallsOptions } from './runtime-external-calls.js';
export { RuntimeSettingsSource, readRuntimeSettings, RUNTIME_SETTING_KEYS, type RuntimeSettings } from './runtime-settings.js';
export { createServerRuntime, type ServerRuntime, type ServerRuntimeOptions, type RuntimeLogger } from './server-runtime.js';
