/**
 * The vendor's ProcessInstance, built in one place for every wire format that shows it: the
 * Workflow API's answers (`getinstances`, `executecommand`, `getinstanceinfo`) and the bodies the
 * Callback API sends to a callback server. Only renames: nothing internal (the revision, row ids,
 * the subprocess's starting transition) is copied.
 */
import type { JsonValue, ProcessInstance } from '../engine/types.js';

/** ProcessInstance as the vendor names its fields (what the Workflow API answers). */
export function processInstanceShape(instance: ProcessInstance) {
  return {
    Id: instance.id,
    StateName: instance.stateName,
    ActivityName: instance.activityName,
    SchemeId: instance.schemeId,
    SchemeCode: instance.schemeCode,
    SchemeVersion: instance.schemeVersion,
    PreviousState: instance.previousStateName,
    PreviousStateForDirect: instance.previousStateForDirect,
    PreviousStateForReverse: instance.previousStateForReverse,
    PreviousActivity: instance.previousActivityName,
    PreviousActivityForDirect: instance.previousActivityForDirect,
    PreviousActivityForReverse: instance.previousActivityForReverse,
    ParentProcessId: instance.parentProcessId,
    RootProcessId: instance.rootProcessId,
    ProcessParameters: instance.parameters,
    InstanceStatus: instance.status,
    IsSubProcess: instance.parentProcessId !== null,
    TenantId: instance.tenantId,
    CreationDate: instance.createdAt,
    LastTransitionDate: instance.lastTransitionAt,
    ErrorMessage: instance.errorMessage,
  };
}

/** The ProcessInstance of the Workflow API. */
export type ProcessInstanceShape = ReturnType<typeof processInstanceShape>;

/** What a callback body adds to the stored instance. */
export interface CallbackInstanceFacts {
  /**
   * Every parameter the process sees at that moment, by name: stored, temporary (during a
   * step) and System ones (`ProcessId`, `IdentityId`, `CurrentCommand`, …), as the vendor's
   * ProcessParameters holds them.
   */
  readonly parameters: Readonly<Record<string, JsonValue>>;
  /** Ids of the live subprocesses this instance started. */
  readonly subProcessIds: readonly string[];
}

/**
 * The `processInstance` of a Callback API body: the Workflow API's ProcessInstance with the
 * parameters the process sees, its subprocess ids and `IsDeterminingParametersChanged` (always
 * false: Waymark keeps no "determining parameters", the vendor's trigger for a scheme update).
 */
export function callbackProcessInstanceShape(instance: ProcessInstance, facts: CallbackInstanceFacts) {
  return {
    ...processInstanceShape(instance),
    ProcessParameters: facts.parameters,
    SubProcessIds: [...facts.subProcessIds],
    IsDeterminingParametersChanged: false,
  };
}

/** The `processInstance` a callback server receives. */
export type CallbackProcessInstance = ReturnType<typeof callbackProcessInstanceShape>;
