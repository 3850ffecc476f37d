/**
 * The Workflow API's response shapes: the services' values renamed to the vendor's PascalCase
 * fields. Dates are ISO 8601 text. Nothing here decides anything; it only renames.
 */
import type { AvailableCommand, StateToSet } from '../../engine/index.js';
import type { InboxItem, OutboxItem } from '../../engine/types.js';
import type { InstanceInfo, PublicUser } from '../../services/index.js';
import type { FormRecord } from '../../services/form-service.js';
import type { StoredTransition } from '../../store/store.js';
import { processInstanceShape } from '../../vendor/index.js';
import { historyEntryGuid, userLockGuid } from './vendor-guids.js';

// Built in one place with the Callback API's processInstance (src/vendor).
export { processInstanceShape };

/** One executed transition (ProcessInfo.Transitions). */
export function transitionShape(record: StoredTransition) {
  return {
    ProcessId: record.processId,
    // The vendor's actor is who acted; the executor is on whose behalf (the impersonated user, if any).
    ActorIdentityId: record.identityId,
    ExecutorIdentityId: record.impersonatedIdentityId ?? record.identityId,
    FromActivityName: record.fromActivityName,
    FromStateName: record.fromStateName,
    IsFinalised: record.isFinalised,
    ToActivityName: record.toActivityName,
    ToStateName: record.toStateName,
    TransitionClassifier: record.classifier,
    TransitionTime: record.transitionTime,
    TriggerName: record.triggerName,
    TriggerType: record.triggerType,
  };
}

/** One document-history row (ProcessInfo.History). */
export function historyShape(record: StoredTransition) {
  return {
    Id: historyEntryGuid(record),
    ProcessId: record.processId,
    IdentityId: record.identityId,
    AllowedToEmployeeNames: '',
    TransitionTime: record.transitionTime,
    Order: record.order,
    InitialState: record.fromStateName ?? record.fromActivityName,
    DestinationState: record.toStateName ?? record.toActivityName,
    Command: record.triggerName,
  };
}

/** ProcessInfo = ProcessInstance + Transitions + History. */
export function processInfoShape(info: InstanceInfo) {
  return {
    ...processInstanceShape(info.instance),
    SubProcessIds: info.subprocessIds,
    Transitions: info.history.map(transitionShape),
    History: info.history.map(historyShape),
  };
}

/** A command the identity may execute. */
export function commandShape(command: AvailableCommand) {
  return {
    CommandName: command.name,
    LocalizedName: command.localizedName,
    Classifier: command.classifier,
    IsForSubprocess: command.isForSubprocess,
    ValidForStateName: command.validForStateName,
    ValidForActivityName: command.validForActivityName,
    ProcessId: command.processId,
    Identities: command.identities,
    Parameters: command.parameters.map((p) => ({
      ParameterName: p.parameterName,
      LocalizedName: p.localizedName,
      TypeName: p.typeName,
      IsRequired: p.isRequired,
      DefaultValue: p.defaultValue,
    })),
  };
}

/** A state `setstate` accepts. */
export function stateToSetShape(state: StateToSet) {
  return { Name: state.name, VisibleName: state.visibleName, SchemeCode: state.schemeCode };
}

/** An inbox row. */
export function inboxShape(item: InboxItem) {
  return { ProcessId: item.processId, IdentityId: item.identityId, AddingDate: item.addedAt, AvailableCommands: item.availableCommands };
}

/** An outbox row. */
export function outboxShape(item: OutboxItem) {
  return {
    ProcessId: item.processId,
    ExecutorIdentityId: item.identityId,
    CommandName: item.commandName,
    ActivityName: item.activityName,
    StateName: item.stateName,
    ExecutionDate: item.executedAt,
  };
}

/** A user, never with a password hash. */
export function userShape(user: PublicUser) {
  return {
    Id: user.id,
    Name: user.name,
    Email: user.email,
    Phone: user.phone,
    Login: user.login,
    DomainLogin: user.domainLogin,
    IsLocked: user.isLocked,
    TenantId: user.tenantId,
    Roles: user.roles,
    Extensions: user.extensions,
    ExternalLogins: user.externalLogins,
    Credentials: user.credentials.map((credential) => ({
      Id: credential.id,
      Login: credential.login,
      AuthType: credential.kind === 'password' ? 'Password' : 'External',
      ExternalProviderName: credential.provider,
    })),
    HasPassword: user.hasPassword,
    Lock: userLockGuid(user.id, user.lock),
    CreationDate: user.createdAt,
  };
}

/** A form. */
export function formShape(form: FormRecord) {
  return { Name: form.name, Source: form.source };
}
