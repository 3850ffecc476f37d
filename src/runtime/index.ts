/** The runtime: the timer scheduler, the outbox of notifications and webhooks, and their wiring. */
export { WorkflowRuntime, type WorkflowRuntimeOptions } from './workflow-runtime.js';
export { TimerScheduler, type TimerSchedulerOptions, type FireTimer } from './timer-scheduler.js';
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
