/**
 * Conversions between stored rows and the domain's types. JSON columns are parsed here and
 * nowhere else.
 */
import type { Selectable } from 'kysely';
import type { SchemeDefinition } from '../scheme/model.js';
import type {
  ArmedTimer,
  InboxItem,
  InstanceStatus,
  JsonValue,
  OutboxItem,
  ProcessInstance,
  TransitionRecord,
} from '../engine/types.js';
import type { StoredCredential, StoredScheme, StoredTransition, StoredUser } from './store.js';
import type {
  HistoryTable,
  InboxTable,
  InstancesTable,
  OutboxTable,
  SchemesTable,
  TimersTable,
  UserCredentialsTable,
  UsersTable,
} from './tables.js';

/** A stored scheme row as a StoredScheme. */
export function schemeFromRow(row: Selectable<SchemesTable>): StoredScheme {
  return {
    id: row.id,
    code: row.code,
    version: row.version,
    definition: JSON.parse(row.definition) as SchemeDefinition,
    sourceXml: row.source_xml,
    tags: JSON.parse(row.tags) as string[],
    createdAt: row.created_at,
  };
}

/** Every column of an instance except its revision, which the store alone advances. */
export function instanceColumns(instance: ProcessInstance): Omit<InstancesTable, 'revision'> {
  return {
    id: instance.id,
    scheme_code: instance.schemeCode,
    scheme_id: instance.schemeId,
    scheme_version: instance.schemeVersion,
    tenant_id: instance.tenantId,
    status: instance.status,
    activity_name: instance.activityName,
    state_name: instance.stateName,
    previous_activity_name: instance.previousActivityName,
    previous_state_name: instance.previousStateName,
    previous_activity_for_direct: instance.previousActivityForDirect,
    previous_state_for_direct: instance.previousStateForDirect,
    previous_activity_for_reverse: instance.previousActivityForReverse,
    previous_state_for_reverse: instance.previousStateForReverse,
    parent_process_id: instance.parentProcessId,
    root_process_id: instance.rootProcessId,
    starting_transition_name: instance.startingTransitionName,
    parameters: JSON.stringify(instance.parameters),
    error_message: instance.errorMessage,
    created_at: instance.createdAt,
    last_transition_at: instance.lastTransitionAt,
  };
}

/** A stored instance row as a ProcessInstance. */
export function instanceFromRow(row: Selectable<InstancesTable>): ProcessInstance {
  return {
    id: row.id,
    schemeCode: row.scheme_code,
    schemeId: row.scheme_id,
    schemeVersion: row.scheme_version,
    tenantId: row.tenant_id,
    status: row.status as InstanceStatus,
    activityName: row.activity_name,
    stateName: row.state_name,
    previousActivityName: row.previous_activity_name,
    previousStateName: row.previous_state_name,
    previousActivityForDirect: row.previous_activity_for_direct,
    previousStateForDirect: row.previous_state_for_direct,
    previousActivityForReverse: row.previous_activity_for_reverse,
    previousStateForReverse: row.previous_state_for_reverse,
    parentProcessId: row.parent_process_id,
    rootProcessId: row.root_process_id,
    startingTransitionName: row.starting_transition_name,
    parameters: JSON.parse(row.parameters) as Record<string, JsonValue>,
    errorMessage: row.error_message,
    createdAt: row.created_at,
    lastTransitionAt: row.last_transition_at,
    revision: row.revision,
  };
}

/** The history row of one transition, at its position `order` in its process's history. */
export function historyColumns(record: TransitionRecord, order: number): Omit<HistoryTable, 'id'> {
  return {
    process_id: record.processId,
    order,
    from_activity_name: record.fromActivityName,
    from_state_name: record.fromStateName,
    to_activity_name: record.toActivityName,
    to_state_name: record.toStateName,
    trigger_type: record.triggerType,
    trigger_name: record.triggerName,
    transition_name: record.transitionName,
    classifier: record.classifier,
    identity_id: record.identityId,
    impersonated_identity_id: record.impersonatedIdentityId,
    is_finalised: record.isFinalised ? 1 : 0,
    transition_time: record.transitionTime,
  };
}

/** A stored history row as a StoredTransition. */
export function historyFromRow(row: Selectable<HistoryTable>): StoredTransition {
  return {
    id: row.id,
    order: row.order,
    processId: row.process_id,
    fromActivityName: row.from_activity_name,
    fromStateName: row.from_state_name,
    toActivityName: row.to_activity_name,
    toStateName: row.to_state_name,
    triggerType: row.trigger_type as TransitionRecord['triggerType'],
    triggerName: row.trigger_name,
    transitionName: row.transition_name,
    classifier: row.classifier as TransitionRecord['classifier'],
    identityId: row.identity_id,
    impersonatedIdentityId: row.impersonated_identity_id,
    isFinalised: row.is_finalised === 1,
    transitionTime: row.transition_time,
  };
}

/** A stored inbox row as an InboxItem. */
export function inboxFromRow(row: Selectable<InboxTable>): InboxItem {
  return {
    processId: row.process_id,
    identityId: row.identity_id,
    availableCommands: JSON.parse(row.commands) as string[],
    addedAt: row.added_at,
  };
}

/** A stored outbox row as an OutboxItem. */
export function outboxFromRow(row: Selectable<OutboxTable>): OutboxItem {
  return {
    processId: row.process_id,
    identityId: row.identity_id,
    commandName: row.command_name,
    activityName: row.activity_name,
    stateName: row.state_name,
    executedAt: row.executed_at,
  };
}

/** A stored timer row as an ArmedTimer. */
export function timerFromRow(row: Selectable<TimersTable>): ArmedTimer {
  return { processId: row.process_id, name: row.name, dueAt: row.due_at };
}

/** Every column of a user except the lock and creation time, which the store owns. */
export function userColumns(user: Omit<StoredUser, 'lock' | 'createdAt'>): Omit<UsersTable, 'lock' | 'created_at'> {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    phone: user.phone,
    login: user.login,
    domain_login: user.domainLogin,
    is_locked: user.isLocked ? 1 : 0,
    tenant_id: user.tenantId,
    extensions: JSON.stringify(user.extensions),
  };
}

/** A user's credential as its row. */
export function credentialColumns(userId: string, position: number, credential: StoredCredential): UserCredentialsTable {
  return {
    id: credential.id,
    user_id: userId,
    position,
    kind: credential.kind,
    password_hash: credential.passwordHash,
    provider: credential.provider,
    login: credential.login,
    details: JSON.stringify(credential.details),
    created_at: credential.createdAt,
  };
}

/** A stored credential row as a StoredCredential. */
export function credentialFromRow(row: Selectable<UserCredentialsTable>): StoredCredential {
  return {
    id: row.id,
    kind: row.kind === 'password' ? 'password' : 'external',
    passwordHash: row.password_hash,
    provider: row.provider,
    login: row.login,
    details: JSON.parse(row.details) as Record<string, JsonValue>,
    createdAt: row.created_at,
  };
}

/** A stored user row, with its roles and credentials, as a StoredUser. */
export function userFromRow(row: Selectable<UsersTable>, roles: readonly string[], credentials: readonly StoredCredential[]): StoredUser {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    login: row.login,
    domainLogin: row.domain_login,
    isLocked: row.is_locked === 1,
    tenantId: row.tenant_id,
    extensions: JSON.parse(row.extensions) as Record<string, JsonValue>,
    credentials,
    roles,
    lock: row.lock,
    createdAt: row.created_at,
  };
}
