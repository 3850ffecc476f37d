/**
 * The engine's data: a process instance's state, what a step produces, and the ports the
 * engine calls (identity directory, external actions). The engine is pure: no HTTP, no SQL,
 * no clock of its own — `now` arrives with every call.
 */
import type { Classifier, CompiledActionCall, CompiledCondition, CompiledScheme, JsonValue, WebhookArguments } from '../scheme/index.js';

/** The vendor's numeric instance statuses. */
export const InstanceStatus = {
  Initialized: 0,
  Running: 1,
  Idled: 2,
  Finalized: 3,
  Terminated: 4,
  Error: 5,
} as const;
export type InstanceStatus = (typeof InstanceStatus)[keyof typeof InstanceStatus];

export type { JsonValue };

/** The persistent state of one process instance (a root process or a subprocess). */
export interface ProcessInstance {
  readonly id: string;
  readonly schemeCode: string;
  /** The stored scheme version's id (instances stay on the version they started with). */
  readonly schemeId: string;
  readonly schemeVersion: number;
  readonly tenantId: string | null;
  readonly status: InstanceStatus;
  readonly activityName: string;
  readonly stateName: string | null;
  readonly previousActivityName: string | null;
  readonly previousStateName: string | null;
  readonly previousActivityForDirect: string | null;
  readonly previousStateForDirect: string | null;
  readonly previousActivityForReverse: string | null;
  readonly previousStateForReverse: string | null;
  readonly parentProcessId: string | null;
  readonly rootProcessId: string;
  /** For a subprocess: the fork transition that started it. */
  readonly startingTransitionName: string | null;
  /** Persistence parameters (and loop/other action state), by name. */
  readonly parameters: Readonly<Record<string, JsonValue>>;
  /** Why the instance is in Error, when it is. */
  readonly errorMessage: string | null;
  readonly createdAt: string;
  readonly lastTransitionAt: string | null;
  /** Optimistic-concurrency counter: bumped by every stored step. */
  readonly revision: number;
}

/** One executed transition, as history records it. */
export interface TransitionRecord {
  readonly processId: string;
  readonly fromActivityName: string;
  readonly fromStateName: string | null;
  readonly toActivityName: string;
  readonly toStateName: string | null;
  readonly triggerType: 'Command' | 'Auto' | 'Timer' | 'SetState' | 'Resume' | 'Subprocess';
  /** The command or timer name; the transition name for Auto. */
  readonly triggerName: string | null;
  readonly transitionName: string | null;
  readonly classifier: Classifier;
  readonly identityId: string | null;
  readonly impersonatedIdentityId: string | null;
  readonly isFinalised: boolean;
  readonly transitionTime: string;
}

/** Who may act on an instance now, and with which commands. */
export interface InboxItem {
  readonly processId: string;
  readonly identityId: string;
  readonly availableCommands: readonly string[];
  readonly addedAt: string;
}

/** Who acted on an instance. */
export interface OutboxItem {
  readonly processId: string;
  readonly identityId: string;
  readonly commandName: string | null;
  readonly activityName: string;
  readonly stateName: string | null;
  readonly executedAt: string;
}

/** A timer armed for an instance. */
export interface ArmedTimer {
  readonly processId: string;
  readonly name: string;
  readonly dueAt: string;
}

/** A notification for the outside world, delivered after commit (a later issue delivers them). */
export type EngineEvent =
  | { readonly type: 'statusChanged'; readonly processId: string; readonly oldStatus: InstanceStatus; readonly newStatus: InstanceStatus }
  | { readonly type: 'activityChanged'; readonly processId: string; readonly previousActivityName: string; readonly currentActivityName: string };

/** Everything one engine step changed; the service stores it in one transaction. */
export interface StepResult {
  /** Instances created or changed, in their new state (revision not yet bumped). */
  readonly instances: readonly ProcessInstance[];
  /** Subprocesses that ended and are removed. */
  readonly removedInstanceIds: readonly string[];
  readonly history: readonly TransitionRecord[];
  /** For each instance touched: its complete new inbox (replaces the old one). */
  readonly inbox: ReadonlyMap<string, readonly InboxItem[]>;
  readonly outbox: readonly OutboxItem[];
  /** For each instance touched: its complete set of armed timers (replaces the old set). */
  readonly timers: ReadonlyMap<string, readonly ArmedTimer[]>;
  readonly events: readonly EngineEvent[];
  /** Messages the step's actions send once it is committed (webhooks), stored with the step. */
  readonly messages: readonly StepMessage[];
}

/** A message a step sends after it is committed, delivered from the store's message outbox. */
export interface StepMessage {
  readonly processId: string;
  /** What to deliver, e.g. `webhook`. */
  readonly kind: string;
  readonly payload: JsonValue;
}

/** Users and roles, as data. Async: it is backed by the store. */
export interface IdentityDirectory {
  isInRole(identityId: string, role: string): Promise<boolean>;
  usersInRole(role: string): Promise<readonly string[]>;
}

/** The process an external action or condition sees. */
export interface ExternalCallContext {
  readonly instance: ProcessInstance;
  readonly parameters: Readonly<Record<string, JsonValue>>;
  readonly identityId: string | null;
  /** Ids of the live subprocesses this instance started (the engine always sets it; the Callback API sends it). */
  readonly subprocessIds?: readonly string[];
}

/**
 * Actions, conditions and actor rules that are not built in: a callback server provides them
 * (a later issue). Without one, calls fail with WM_EXTERNAL_UNAVAILABLE.
 */
export interface ExternalCalls {
  /**
   * Runs an action; returns parameters to set (by name) or nothing. A callback server gets
   * `parameter` as written; the server's own actions (HTTP, files) read `call.arguments`, the
   * parameter as the scheme compiled it.
   */
  executeAction(name: string, parameter: string | null, context: ExternalCallContext, call?: CompiledActionCall): Promise<Record<string, JsonValue> | void>;
  /** Evaluates a condition action; `condition.arguments` as for `executeAction`. */
  executeCondition(name: string, parameter: string | null, context: ExternalCallContext, condition?: Extract<CompiledCondition, { type: 'Action' }>): Promise<boolean>;
  checkRule(rule: string, value: string | null, identityId: string, context: ExternalCallContext): Promise<boolean>;
  getIdentities(rule: string, value: string | null, context: ExternalCallContext): Promise<readonly string[]>;
  /**
   * The message a `Webhook` action sends once its step is committed (the runtime composes it
   * from the configured webhooks and the outbound allowlist, and refuses a target they do not
   * allow). Where it is absent, `Webhook` runs through `executeAction` like any other name.
   */
  composeWebhook?(target: WebhookArguments['target'], context: ExternalCallContext, now: Date): Promise<StepMessage>;
}

/** What every engine call gets from outside. */
export interface EngineContext {
  /** The injected clock's current time. */
  readonly now: Date;
  readonly directory: IdentityDirectory;
  readonly external: ExternalCalls;
  /** Loads a compiled scheme version by id (subprocesses share their root's scheme). */
  readonly schemeFor: (instance: ProcessInstance) => CompiledScheme;
  /** Upper bound on Auto transitions in one step before WM_AUTO_LOOP_LIMIT. Default 1000. */
  readonly maxAutoSteps?: number;
  /** Creates ids for subprocesses (injected so tests are deterministic). */
  readonly newId: () => string;
}

/** The acting identity of a call. */
export interface Actor {
  readonly identityId: string | null;
  readonly impersonatedIdentityId: string | null;
}

/** A root process and all its subprocesses: the unit one engine step works on. */
export interface ProcessFamily {
  readonly root: ProcessInstance;
  /** Every member by id (the root included). */
  readonly instances: ReadonlyMap<string, ProcessInstance>;
  /**
   * The members' armed timers, when the caller has them: `NotOverrideIfExists` keeps an armed
   * due time, and a step that does not re-enter an activity keeps its timers. Without it, timers
   * of every touched instance are computed afresh.
   */
  readonly timers?: ReadonlyMap<string, readonly ArmedTimer[]>;
}

/** A parameter passed with a call. */
export interface ParameterInput {
  readonly name: string;
  readonly value: JsonValue;
  /** Store it with the instance even when it is not a declared Persistence parameter. */
  readonly persist?: boolean;
}

/**
 * What the caller of a command may do with the parameters it passes, decided by who the caller
 * is (docs/security.md, "Who may set what"):
 *
 * - `anyParameter`: any parameter by name; it is stored when `persist` is set or it is a declared
 *   Persistence parameter, else it lives for the step. The vendor's semantics, for a Workflow API
 *   caller that holds the API's access.
 * - `commandInputsOnly`: only the command's declared input parameters (by their own name or the
 *   process parameter they fill), and only for this step: nothing passed is stored. Any other name
 *   is refused with WM_INPUT_INVALID before anything runs. For bearers of an `/api/v1` task link,
 *   which is a forwardable URL and not a credential of the API.
 */
export type ParameterPolicy = 'anyParameter' | 'commandInputsOnly';
