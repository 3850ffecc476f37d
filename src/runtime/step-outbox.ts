/**
 * Turns steps into outbox messages, so notifications and webhooks are written in the same
 * transaction as the step that caused them and delivered after commit (src/runtime/outbox-dispatcher).
 */
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
 * call runs; the messages join that call's step. The service runs at most one call per process
 * family at a time (under the family's lock), so a queue per family keeps concurrent calls
 * apart. (An AsyncLocalStorage would too, but on Node 20 it puts a hook on every promise of the
 * process: about 10 % of a createinstance's CPU.)
 */
export class RuntimeStepOutbox implements StepOutbox {
  private readonly queues = new Map<string, NewOutboxMessage[]>();

  constructor(private readonly wanted: NotificationWanted) {}

  async run<T>(familyId: string, work: () => Promise<T>): Promise<T> {
    if (this.queues.has(familyId)) {
      throw new WaymarkError('WM_INTERNAL', `Two workflow calls ran at once for the process family ${familyId}`, { processId: familyId });
    }
    this.queues.set(familyId, []);
    try {
      return await work();
    } finally {
      this.queues.delete(familyId);
    }
  }

  /** Queues a message for the step of the call running for the family `familyId`. */
  enqueue(familyId: string, message: NewOutboxMessage): void {
    const queue = this.queues.get(familyId);
    if (!queue) {
      throw new WaymarkError('WM_INTERNAL', `Outbox message '${message.kind}' for process ${message.processId} was queued outside a workflow step`, {
        processId: message.processId,
      });
    }
    queue.push(message);
  }

  async messagesFor(familyId: string, step: StepResult): Promise<readonly NewOutboxMessage[]> {
    // Taken (not copied): a call that stores two steps sends each message once.
    const queued = this.queues.get(familyId)?.splice(0) ?? [];
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
