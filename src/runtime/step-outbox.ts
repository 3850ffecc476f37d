/**
 * Turns steps into outbox messages, so notifications and webhooks are written in the same
 * transaction as the step that caused them and delivered after commit (src/runtime/outbox-dispatcher).
 */
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
 * The StepOutbox the runtime gives the service: a step's messages are those its actions sent
 * (webhooks, carried by the step result), then the notifications the configured callback servers
 * want of its events.
 */
export class RuntimeStepOutbox implements StepOutbox {
  constructor(private readonly wanted: NotificationWanted) {}

  async messagesFor(step: StepResult): Promise<readonly NewOutboxMessage[]> {
    if (step.events.length === 0) return step.messages;
    const wanted = await this.wanted();
    const byId = new Map(step.instances.map((instance) => [instance.id, instance] as const));
    const messages: NewOutboxMessage[] = [...step.messages];
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

/** A copy of the instance for the message (the step's own object must not be shared with the payload). */
function instanceJson(instance: ProcessInstance | undefined): JsonValue {
  return instance ? (structuredClone(instance) as unknown as JsonValue) : null;
}
