/** Storage: the Store port, its seams and its adapters. */
export type {
  BoundedCount,
  FormStore,
  InstanceStore,
  LogStore,
  OutboxQueue,
  SchemeStore,
  SettingsStore,
  StoreOverview,
  TimerQueue,
  UserStore,
  FolderFilter,
  InstancePage,
  InstanceQuery,
  NewGeneratedScheme,
  OutboxMessageFilter,
  SchemeForNewInstance,
  StoredFamily,
  UserFilter,
  UserWrite,
  NewOutboxMessage,
  OutboxMessage,
  StepWrite,
  Store,
  CredentialKind,
  StoredCredential,
  StoreDashboardCounts,
  StoredScheme,
  StoredTransition,
  StoredUser,
} from './store.js';
export { createStore, type StoreConfig } from './create-store.js';
export { externalCredential, givenCredentialId, passwordCredential } from './user-credentials.js';
export { createSqliteStore, SQLITE_DEFAULT_FILENAME, type SqliteStoreOptions } from './sqlite-store.js';
export { PRIVATE_FILE_MODE, PRIVATE_FOLDER_MODE, type PrivateFileWarning } from './private-files.js';
export type { LogLevel, LogEntry, StoredLogEntry, LogQuery, LogRecords, FormRecord, FormRecords } from './records.js';
export type { NodeRecord, NodeRecords, NodeRuntimeState } from './node-records.js';
export type {
  ApiTokenRecord,
  AssigneeUser,
  InstanceModelRecord,
  ModelInstanceCounts,
  ModelInstancePageQuery,
  ModelInstanceRow,
  UserTaskPageQuery,
  UserTaskRow,
  ModelPermission,
  StartFormField,
  StartFormFieldType,
  TenantRecord,
  TenantRecords,
  TenantRole,
  TenantType,
  WorkflowModelRecord,
  WorkflowModelState,
} from './tenant-records.js';
