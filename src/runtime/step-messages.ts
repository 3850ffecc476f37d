/**
 * Turns steps into outgoing messages, so notifications and webhooks are written in the same
 * transaction as the step that caused them and delivered after commit (src/runtime/outgoing-message-dispatcher).
 */
import { InstanceStatus, type EngineEvent, type JsonValue, type ProcessInstance, type StepResult } from '../engine/types.js';
import type { StepFacts, StepMessages } from '../services/workflow-service.js';
import type { NewOutboxMessage } from '../store/store.js';
import { callbackProcessInstanceShape, instanceStatusName } from '../vendor/index.js';
import { processLogEntries } from './process-log.js';

/** Message kinds the dispatcher delivers. */
export const OutgoingMessageKind = {
  ProcessStatusChanged: 'processStatusChanged',
  ProcessActivityChanged: 'processActivityChanged',
  ProcessLog: 'processLog',
  Webhook: 'webhook',
} as const;

/** Which notifications the configured callback servers want (asked once per step). */
export type NotificationWanted = () => Promise<{ readonly statusChanged: boolean; readonly activityChanged: boolean; readonly processLog: boolean }>;

/**
 * The StepMessages the runtime gives the service: a step's messages are those its actions sent
 * (webhooks, carried by the step result), then the notifications the configured callback servers
 * want of its events. They carry the bodies of the vendor's Callback API (the token is added per
 * server when they are sent): `processstatuschanged` with the statuses by name and never for a
 * subprocess, `processactivitychanged` with `transitionalProcessWasCompleted` (true on the last
 * activity change of an instance in the step: the command or timer finished executing there),
 * and one `processlog` batch per step of the instances whose scheme has LogEnabled.
 */
export class RuntimeStepMessages implements StepMessages {
  constructor(private readonly wanted: NotificationWanted) {}

  async messagesFor(step: StepResult, facts: StepFacts): Promise<readonly NewOutboxMessage[]> {
    if (step.events.length === 0) return step.messages;
    const wanted = await this.wanted();
    if (!wanted.statusChanged && !wanted.activityChanged && !wanted.processLog) return step.messages;
    const family = new FamilyAfterStep(step, facts.before);
    const messages: NewOutboxMessage[] = [...step.messages];
    const lastActivityChange = new Map<string, EngineEvent>();
    for (const event of step.events) if (event.type === 'activityChanged') lastActivityChange.set(event.processId, event);
    for (const event of step.events) {
      const instance = family.instance(event.processId);
      if (event.type === 'statusChanged') {
        if (!wanted.statusChanged || instance === undefined || instance.parentProcessId !== null) continue;
        if (event.newStatus !== InstanceStatus.Idled && event.newStatus !== InstanceStatus.Finalized) continue;
        messages.push({
          processId: event.processId,
          kind: OutgoingMessageKind.ProcessStatusChanged,
          payload: {
            processId: event.processId,
            schemeCode: instance.schemeCode,
            processInstance: family.processInstance(instance),
            oldStatus: instanceStatusName(event.oldStatus),
            newStatus: instanceStatusName(event.newStatus),
          },
        });
      } else {
        if (!wanted.activityChanged || instance === undefined) continue;
        messages.push({
          processId: event.processId,
          kind: OutgoingMessageKind.ProcessActivityChanged,
          payload: {
            processId: event.processId,
            schemeCode: instance.schemeCode,
            processInstance: family.processInstance(instance),
            previousActivityName: event.previousActivityName,
            currentActivityName: event.currentActivityName,
            transitionalProcessWasCompleted: lastActivityChange.get(event.processId) === event,
          },
        });
      }
    }
    if (wanted.processLog) {
      const entries = processLogEntries(step, (id) => family.instance(id), facts.logEnabled, facts.now);
      if (entries.length > 0) {
        // One batch for the family, filed under its root (the process every entry belongs under).
        const rootId = step.instances[0]?.rootProcessId ?? step.events[0]!.processId;
        messages.push({ processId: rootId, kind: OutgoingMessageKind.ProcessLog, payload: { processLogs: entries } });
      }
    }
    return messages;
  }
}

/** The members of a family as a step left them, for the notification bodies. */
class FamilyAfterStep {
  private readonly members = new Map<string, ProcessInstance>();
  private readonly removed: ReadonlySet<string>;

  constructor(step: StepResult, before: ReadonlyMap<string, ProcessInstance>) {
    for (const [id, instance] of before) this.members.set(id, instance);
    for (const instance of step.instances) this.members.set(instance.id, instance);
    this.removed = new Set(step.removedInstanceIds);
  }

  /** The instance as the step left it (a removed subprocess: as it was last). */
  instance(processId: string): ProcessInstance | undefined {
    return this.members.get(processId);
  }

  processInstance(instance: ProcessInstance): JsonValue {
    const subProcessIds = [...this.members.values()].filter((member) => member.parentProcessId === instance.id && !this.removed.has(member.id)).map((member) => member.id);
    return callbackProcessInstanceShape(instance, { parameters: instance.parameters, subProcessIds });
  }
}
