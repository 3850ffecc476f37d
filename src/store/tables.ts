/**
 * The stored tables as kysely sees them. Column types are the portable subset shared by
 * SQLite and PostgreSQL: TEXT (JSON is stored as TEXT), INTEGER (booleans are 0/1), and
 * ISO-8601 timestamps as TEXT so ordering by text is ordering by time.
 */
import type { Generated } from 'kysely';

/** One version of a scheme; unique (code, version). */
export interface SchemesTable {
  id: string;
  code: string;
  version: number;
  /** SchemeDefinition as JSON. */
  definition: string;
  source_xml: string | null;
  /** JSON array of strings. */
  tags: string;
  created_at: string;
}

export type { GeneratedSchemesTable } from './sql-generated-schemes.js';
import type { GeneratedSchemesTable } from './sql-generated-schemes.js';

/** One process instance (root or subprocess). */
export interface InstancesTable {
  id: string;
  scheme_code: string;
  scheme_id: string;
  scheme_version: number;
  tenant_id: string | null;
  status: number;
  activity_name: string;
  state_name: string | null;
  previous_activity_name: string | null;
  previous_state_name: string | null;
  previous_activity_for_direct: string | null;
  previous_state_for_direct: string | null;
  previous_activity_for_reverse: string | null;
  previous_state_for_reverse: string | null;
  parent_process_id: string | null;
  root_process_id: string;
  starting_transition_name: string | null;
  /** JSON object. */
  parameters: string;
  error_message: string | null;
  created_at: string;
  last_transition_at: string | null;
  revision: number;
}

/** One executed transition; `order` numbers a process's transitions from 1. */
export interface HistoryTable {
  id: Generated<number>;
  process_id: string;
  order: number;
  from_activity_name: string;
  from_state_name: string | null;
  to_activity_name: string;
  to_state_name: string | null;
  trigger_type: string;
  trigger_name: string | null;
  transition_name: string | null;
  classifier: string;
  identity_id: string | null;
  impersonated_identity_id: string | null;
  is_finalised: number;
  transition_time: string;
}

/** Who may act on an instance now; one row per (process, identity). */
export interface InboxTable {
  process_id: string;
  identity_id: string;
  /** JSON array of command names. */
  commands: string;
  added_at: string;
}

/** Who acted on an instance. */
export interface OutboxTable {
  id: Generated<number>;
  process_id: string;
  identity_id: string;
  command_name: string | null;
  activity_name: string;
  state_name: string | null;
  executed_at: string;
}

/** A timer armed for an instance; one per (process, name). */
export interface TimersTable {
  process_id: string;
  name: string;
  due_at: string;
  /** While a scheduler fires the timer: the end of its lease (ISO); null when unclaimed. */
  claimed_until: Generated<string | null>;
}

/** A message to deliver after commit (transactional outbox), in id order per process. */
export interface OutboxMessagesTable {
  id: Generated<number>;
  process_id: string;
  /** What to deliver: `processStatusChanged`, `processActivityChanged`, `webhook`. */
  kind: string;
  /** JSON. */
  payload: string;
  created_at: string;
  attempts: number;
  next_attempt_at: string;
  claimed_until: string | null;
  last_error: string | null;
  /** Set when delivery was given up; such a message no longer holds back later ones. */
  failed_at: string | null;
}

/** A user of the built-in identity directory. */
export interface UsersTable {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  login: string | null;
  domain_login: string | null;
  is_locked: number;
  tenant_id: string | null;
  /** JSON object. */
  extensions: string;
  lock: number;
  created_at: string;
}

/** One credential of one user: the password, or an external account. */
export interface UserCredentialsTable {
  id: string;
  user_id: string;
  /** The credential's place in its user's list (the password first, then accounts as given). */
  position: number;
  /** `password` or `external`. */
  kind: string;
  password_hash: string | null;
  provider: string | null;
  login: string | null;
  /** JSON object. */
  details: string;
  created_at: string;
}

/** One role of one user. */
export interface UserRolesTable {
  user_id: string;
  role: string;
}

/** A server setting by key. */
export interface SettingsTable {
  key: string;
  /** JSON value. */
  value: string;
}

/** A log entry kept in the database (written by a later issue). */
export interface LogsTable {
  id: Generated<number>;
  level: string;
  message: string;
  /** JSON object. */
  properties: string;
  created_at: string;
}

/** A form source for a scheme and state (used by a later issue). */
export interface FormsTable {
  id: Generated<number>;
  scheme_code: string;
  name: string;
  state: string | null;
  source: string;
}

/** Every table of the Waymark database. */
export interface WaymarkDatabase {
  schemes: SchemesTable;
  instances: InstancesTable;
  history: HistoryTable;
  inbox: InboxTable;
  outbox: OutboxTable;
  timers: TimersTable;
  outbox_messages: OutboxMessagesTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  user_credentials: UserCredentialsTable;
  settings: SettingsTable;
  logs: LogsTable;
  forms: FormsTable;
  generated_schemes: GeneratedSchemesTable;
}
