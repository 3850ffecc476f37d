/**
 * Turns steps into outbox messages, so notifications and webhooks are written in the same
 * transaction as the step that caused them and delivered after commit (src/runtime/outbox-dispatcher).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { WaymarkError } from '../errors/index.js';
import { InstanceStatus, type JsonValue, type ProcessInstance, type StepResult } from '../engine/types.js';
import type { StepOutbox } from '../services/workflow-service.js';
import type { NewOutboxMessage } from '../store/store.js';

/** Message kinds the dispatcher delivers. */
export const OutboxMessageKind = {
  ProcessStatusChanged: 'processStatusChanged',
  ProcessActivityChanged: 'processActivityChanged',
  Webhook: 'webhook',
} as const;

/** Which notifications the configured callback servers want (asked once per step). */
export type NotificationWanted = () => Promise<{ readonly statusChanged: boolean; readonly activityChanged: boolean }>;

/**
 * The StepOutbox the runtime gives the service. Webhook actions call `enqueue` while a service
 * call runs; the messages join that call's step (each call has its own queue, kept in an
 * AsyncLocalStorage so concurrent calls never see each other's messages).
 */
export class RuntimeStepOutbox implements StepOutbox {
  private readonly queues = new AsyncLocalStorage<NewOutboxMessage[]>();

  constructor(private readonly wanted: NotificationWanted) {}

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.queues.run([], work);
  }

  /** Queues a message for the step of the running service call. */
  enqueue(message: NewOutboxMessage): void {
    const queue = this.queues.getStore();
    if (!queue) {
      throw new WaymarkError('WM_INTERNAL', `Outbox message '${message.kind}' for process ${message.processId} was queued outside a workflow step`, {
        processId: message.processId,
      });
    }
    queue.push(message);
  }

  async messagesFor(step: StepResult): Promise<readonly NewOutboxMessage[]> {
    // Taken (not copied): a call that stores two steps sends each message once.
    const queued = this.queues.getStore()?.splice(0) ?? [];
    if (step.events.length === 0) return queued;
    const wanted = await this.wanted();
    const byId = new Map(step.instances.map((instance) => [instance.id, instance] as const));
    const messages: NewOutboxMessage[] = [...queued];
    for (const event of step.events) {
      const instance = byId.get(event.processId);
      if (event.type === 'statusChanged') {
        if (!wanted.statusChanged) continue;
        if (event.newStatus !== InstanceStatus.Idled && event.newStatus !== InstanceStatus.Finalized) continue;
        messages.push({
          processId: event.processId,
          kind: OutboxMessageKind.ProcessStatusChanged,
          payload: {
            processId: event.processId,
            schemeCode: instance?.schemeCode ?? null,
            processInstance: instanceJson(instance),
            oldStatus: event.oldStatus,
            newStatus: event.newStatus,
          },
        });
      } else {
        if (!wanted.activityChanged) continue;
        messages.push({
          processId: event.processId,
          kind: OutboxMessageKind.ProcessActivityChanged,
          payload: {
            processId: event.processId,
            schemeCode: instance?.schemeCode ?? null,
            processInstance: instanceJson(instance),
            previousActivityName: event.previousActivityName,
            currentActivityName: event.currentActivityName,
          },
        });
      }
    }
    return messages;
  }
}

function instanceJson(instance: ProcessInstance | undefined): JsonValue {
  return instance ? (JSON.parse(JSON.stringify(instance)) as JsonValue) : null;
}
