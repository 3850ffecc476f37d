/**
 * Process log entries: what a step of a scheme with `LogEnabled` tells the callback servers'
 * `processlog` method. The vendor documents only the batch (`{processLogs: [...]}`), not the
 * entries, so each entry is Waymark's own, in the vendor's PascalCase: one per executed
 * transition, and one per instance the step put in Error.
 */
import { InstanceStatus, type JsonValue, type ProcessInstance, type StepResult, type TransitionRecord } from '../engine/types.js';

/** One entry of a `processlog` batch. */
// A type, not an interface, so an entry is assignable to JsonValue.
export type ProcessLogEntry = {
  readonly ProcessId: string;
  readonly RootProcessId: string;
  readonly SchemeCode: string;
  /** When it happened (ISO 8601). */
  readonly CreatedOn: string;
  readonly Level: 'Information' | 'Error';
  readonly Message: string;
  /** The transition's details (Information), or the error (Error). */
  readonly Properties: { readonly [name: string]: JsonValue };
};

/**
 * The entries of one step for the instances `logged` accepts (those whose scheme has
 * LogEnabled): its transitions in the order they ran, then the instances it put in Error.
 */
export function processLogEntries(step: StepResult, instanceOf: (processId: string) => ProcessInstance | undefined, logged: (instance: ProcessInstance) => boolean, now: string): ProcessLogEntry[] {
  const entries: ProcessLogEntry[] = [];
  for (const record of step.history) {
    const instance = instanceOf(record.processId);
    if (instance === undefined || !logged(instance)) continue;
    entries.push({
      ProcessId: record.processId,
      RootProcessId: instance.rootProcessId,
      SchemeCode: instance.schemeCode,
      CreatedOn: record.transitionTime,
      Level: 'Information',
      Message: transitionMessage(record),
      Properties: {
        FromActivityName: record.fromActivityName,
        FromStateName: record.fromStateName,
        ToActivityName: record.toActivityName,
        ToStateName: record.toStateName,
        TriggerType: record.triggerType,
        TriggerName: record.triggerName,
        TransitionName: record.transitionName,
        TransitionClassifier: record.classifier,
        IdentityId: record.identityId,
        ImpersonatedIdentityId: record.impersonatedIdentityId,
        IsFinalised: record.isFinalised,
      },
    });
  }
  for (const event of step.events) {
    if (event.type !== 'statusChanged' || event.newStatus !== InstanceStatus.Error) continue;
    const instance = instanceOf(event.processId);
    if (instance === undefined || !logged(instance)) continue;
    entries.push({
      ProcessId: instance.id,
      RootProcessId: instance.rootProcessId,
      SchemeCode: instance.schemeCode,
      CreatedOn: now,
      Level: 'Error',
      Message: instance.errorMessage ?? `Process ${instance.id} stopped in Error`,
      Properties: { ActivityName: instance.activityName, StateName: instance.stateName },
    });
  }
  return entries;
}

function transitionMessage(record: TransitionRecord): string {
  const trigger = record.triggerName === null ? record.triggerType : `${record.triggerType} '${record.triggerName}'`;
  return `${record.fromActivityName} → ${record.toActivityName} (${trigger})`;
}
