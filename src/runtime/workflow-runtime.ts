/**
 * The runtime of one server: the timer scheduler and the outgoing message dispatcher, wired to the
 * workflow service so a step that arms an earlier timer or writes messages wakes them, and
 * the service's runtime switch (Workflow API start/stop) pauses and resumes the scheduler.
 */
import type { Clock } from '../services/clock.js';
import type { WorkflowService } from '../services/workflow-service.js';
import type { Store } from '../store/store.js';
import { OutgoingMessageDispatcher, type DeliverMessage, type OutgoingMessageDispatcherOptions } from './outgoing-message-dispatcher.js';
import { TimerScheduler, type TimerSchedulerOptions } from './timer-scheduler.js';
import type { SetTimer } from './wake-loop.js';

/** What the runtime needs. */
export interface WorkflowRuntimeOptions {
  readonly service: WorkflowService;
  /** The store the service steps on: the loops claim due timers and messages from it directly. */
  readonly store: TimerSchedulerOptions['timers'] & OutgoingMessageDispatcherOptions['queue'];
  /** Sends outgoing messages (callback notifications, webhooks). */
  readonly deliver: DeliverMessage;
  /** Defaults to the service's clock. */
  readonly clock?: Clock;
  readonly setTimer?: SetTimer;
  readonly scheduler?: Partial<Pick<TimerSchedulerOptions, 'maxSleepMs' | 'batchSize' | 'leaseMs'>>;
  readonly dispatcher?: Partial<Pick<OutgoingMessageDispatcherOptions, 'maxSleepMs' | 'batchSize' | 'concurrency' | 'leaseMs' | 'retry'>>;
  /** Told of timer and delivery failures (the server logs them). */
  readonly onError?: (error: unknown, what: string) => void;
}

/** The timer loop and the outgoing message dispatcher of one server. */
export class WorkflowRuntime {
  readonly scheduler: TimerScheduler;
  readonly dispatcher: OutgoingMessageDispatcher;
  private unsubscribe: (() => void)[] = [];
  private started = false;

  constructor(private readonly options: WorkflowRuntimeOptions) {
    const { service } = options;
    const clock = options.clock ?? service.clock;
    const setTimer = options.setTimer === undefined ? {} : { setTimer: options.setTimer };
    this.scheduler = new TimerScheduler({
      timers: options.store,
      clock,
      ...setTimer,
      ...options.scheduler,
      fire: (timers) => service.fireTimers(timers),
      onError: (error, timer) => options.onError?.(error, timer ? `timer ${timer.name} of process ${timer.processId}` : 'timer scheduler'),
    });
    this.dispatcher = new OutgoingMessageDispatcher({
      queue: options.store,
      clock,
      ...setTimer,
      ...options.dispatcher,
      deliver: options.deliver,
      onError: (error, message) => options.onError?.(error, message ? `outbox message ${message.id} (${message.kind}) of process ${message.processId}` : 'outbox dispatcher'),
    });
  }

  /** Starts both loops (the scheduler only while the service's runtime switch is on). */
  start(): void {
    if (this.started) return;
    this.started = true;
    const { service } = this.options;
    this.unsubscribe.push(
      service.onStepApplied((step, messages) => {
        let earliest: number | null = null;
        for (const timers of step.timers.values()) {
          for (const timer of timers) {
            const due = Date.parse(timer.dueAt);
            if (earliest === null || due < earliest) earliest = due;
          }
        }
        if (earliest !== null) this.scheduler.timerArmed(new Date(earliest));
        if (messages.length > 0) this.dispatcher.messagesWritten();
      }),
      service.execution.onChange((running) => {
        if (running) this.scheduler.start();
        else void this.scheduler.stop();
      }),
    );
    if (service.execution.isRunning) this.scheduler.start();
    this.dispatcher.start();
  }

  /** Stops both loops; resolves when their batches in progress are done. */
  async stop(): Promise<void> {
    this.started = false;
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    await Promise.all([this.scheduler.stop(), this.dispatcher.stop()]);
  }

  /** Resolves when neither loop is running a batch (tests). */
  async whenIdle(): Promise<void> {
    await Promise.all([this.scheduler.whenIdle(), this.dispatcher.whenIdle()]);
  }
}
