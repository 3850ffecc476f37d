/** The runtime: the timer scheduler, the outgoing messages (notifications and webhooks) and their dispatcher, and their wiring. */
export { WorkflowRuntime, type WorkflowRuntimeOptions } from './workflow-runtime.js';
export { TimerScheduler, type TimerSchedulerOptions, type FireTimers } from './timer-scheduler.js';
export {
  OutgoingMessageDispatcher,
  DEFAULT_RETRY_POLICY,
  retryDelayMs,
  type OutgoingMessageDispatcherOptions,
  type DeliverMessage,
  type RetryPolicy,
} from './outgoing-message-dispatcher.js';
export { RuntimeStepMessages, OutgoingMessageKind, type NotificationWanted } from './step-messages.js';
export { realSetTimer, type SetTimer } from './wake-loop.js';
export { createRuntimeParts, type RuntimeParts, type RuntimePartsOptions } from './runtime-parts.js';
export { RoutedExternalCalls, type RoutedExternalCallsOptions } from './runtime-external-calls.js';
export { RuntimeSettingsSource, readRuntimeSettings, RUNTIME_SETTING_KEYS, type RuntimeSettings } from './runtime-settings.js';
export { createServerRuntime, type ServerRuntime, type ServerRuntimeOptions, type RuntimeLogger } from './server-runtime.js';
