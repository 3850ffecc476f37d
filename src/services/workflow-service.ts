/**
 * The service layer: every API dialect calls these methods and nothing below them.
 * A method loads what it needs from the store, compiles schemes (cached by version id),
 * asks the pure engine for a step, and stores that step in one transaction.
 */
import { randomUUID } from 'node:crypto';
import { WaymarkError } from '../errors/index.js';
import {
  createInstance as engineCreateInstance,
  executeCommand as engineExecuteCommand,
  fireTimer as engineFireTimer,
  getAvailableCommands as engineGetAvailableCommands,
  getAvailableStatesToSet as engineGetAvailableStatesToSet,
  readParameter,
  recalculateInbox as engineRecalculateInbox,
  resume as engineResume,
  setState as engineSetState,
  writeParameter,
  type AvailableCommand,
  type ParameterInput,
  type ParameterPolicy,
  type ProcessFamily,
  type StateToSet,
} from '../engine/index.js';
import type {
  Actor,
  ArmedTimer,
  EngineContext,
  ExternalCalls,
  IdentityDirectory,
  InboxItem,
  JsonValue,
  OutboxItem,
  ProcessInstance,
  StepResult,
} from '../engine/types.js';
import { InstanceStatus } from '../engine/types.js';
import { compileScheme, loadScheme } from '../scheme/index.js';
import type { CompiledScheme, SchemeDefinition } from '../scheme/model.js';
import type { InstancePage, InstanceQuery, NewOutboxMessage, Store, StoredFamily, StoredScheme, StoredTransition } from '../store/store.js';
import { systemClock, type Clock } from './clock.js';
import { ExternalParameterBridge, type ExternalParameterProvider } from './external-parameters.js';
import { asksForGeneratedScheme, generatedScheme, type SchemeGenerator } from './scheme-generation.js';
import { noCallbackServer } from './external-calls.js';
import { KeyedMutex } from './keyed-mutex.js';

/** How many instances `recalculateInbox` of all reads at once. */
const RECALCULATION_PAGE = 1000;

/**
 * A message a step sends out (a webhook, a callback notification), queued durably with the step and
 * delivered after commit: the "outgoing messages" queue. Not the vendor's Outbox folder
 * (`OutboxItem`, `getOutbox`). The store keeps its own name for it (`outbox_messages`).
 */
export type NewOutgoingMessage = NewOutboxMessage;

/** What the service needs from outside. */
export interface WorkflowServiceOptions {
  readonly store: Store;
  readonly clock?: Clock;
  /** Callback-server calls; defaults to failing with WM_EXTERNAL_UNAVAILABLE. */
  readonly external?: ExternalCalls;
  readonly newId?: () => string;
  readonly maxAutoSteps?: number;
  /** Whether file actions may run (a sandbox folder is configured). */
  readonly fileActionsSandbox?: boolean;
  /**
   * Whether a callback server is configured (affects what scheme import accepts), or how to ask:
   * servers added while this service runs then count at the next import.
   */
  readonly callbackServerConfigured?: boolean | (() => Promise<boolean>);
  /** Turns steps into outgoing messages stored with them (notifications, webhooks); only the steps' own webhooks without it. */
  readonly stepMessages?: StepMessages;
  /** How many instance ids the family root is remembered of; default {@link ROOT_ID_CACHE_LIMIT}. */
  readonly rootIdCacheLimit?: number;
  /** Parameters kept by the callback servers: read before each step, written after it (none without it). */
  readonly externalParameters?: ExternalParameterProvider;
  /** Generates the scheme of `createInstance` with `schemeParameters` (refused without it). */
  readonly schemeGenerator?: SchemeGenerator;
}

/**
 * Decides which outgoing messages a step writes (src/runtime provides one): the messages its
 * actions sent (`StepResult.messages`, webhooks) and notifications of its events.
 */
export interface StepMessages {
  messagesFor(step: StepResult, facts: StepFacts): Promise<readonly NewOutgoingMessage[]>;
}

/** What a StepMessages knows of a step beyond its result. */
export interface StepFacts {
  /** The family's members before the step (none for a new instance). */
  readonly before: ReadonlyMap<string, ProcessInstance>;
  /** Whether the scheme of `instance` has LogEnabled (its steps go to the callback servers' process log). */
  readonly logEnabled: (instance: ProcessInstance) => boolean;
  /** The step's time (ISO 8601). */
  readonly now: string;
}

/** What became of one timer of a batch: fired, no longer applicable (`fired: false`), or the error that stopped it. */
export type TimerOutcome = { readonly fired: boolean } | { readonly error: unknown };

/** Told after a step committed: the runtime wakes its scheduler and dispatcher with it. */
export type StepAppliedListener = (step: StepResult, messages: readonly NewOutgoingMessage[]) => void;

/** Who calls, and for which tenant. Every instance-level call takes one. */
export interface CallScope {
  readonly tenantId?: string | null;
}

/** A process instance with its history, as `getinstanceinfo` shows it. */
export interface InstanceInfo {
  readonly instance: ProcessInstance;
  readonly scheme: CompiledScheme;
  readonly history: readonly StoredTransition[];
  /** Ids of the live subprocesses this instance started. */
  readonly subprocessIds: readonly string[];
}

/**
 * The execution switch of this node (the Workflow API's start and stop runtime operations): off means
 * no command executes and no timer fires. Not the timer loop (`TimerScheduler`) nor the `runtime/` folder.
 */
export class ExecutionSwitch {
  private running = true;
  private readonly listeners = new Set<(running: boolean) => void>();
  /** True while this node executes processes and fires timers. */
  get isRunning(): boolean {
    return this.running;
  }
  start(): void {
    this.running = true;
    for (const listener of this.listeners) listener(true);
  }
  stop(): void {
    this.running = false;
    for (const listener of this.listeners) listener(false);
  }
  /** Calls `listener` on every start and stop (the scheduler pauses with it); returns the unsubscribe. */
  onChange(listener: (running: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const SCHEME_CACHE_LIMIT = 500;

/**
 * How many instance ids {@link WorkflowService} remembers the family root of: at most about 5–7 MiB
 * (roughly 100–150 bytes an entry). Commands that walk more ids than this in order (a backlog
 * worked through oldest first) find none remembered, so it is sized for such a backlog rather than
 * kept small: a miss costs only the instance read every command made before.
 */
export const ROOT_ID_CACHE_LIMIT = 50_000;

/**
 * The family root of recently used instance ids, the least recently stepped dropped first. An
 * instance's root never changes while it exists, but its id may be deleted and created again
 * (the caller chooses root ids), on this node or another: a remembered root is a guess to be
 * confirmed against what is loaded, never trusted on its own.
 */
class RootIdCache {
  private readonly roots = new Map<string, string>();

  constructor(private readonly limit: number) {}

  get(processId: string): string | undefined {
    return this.roots.get(processId);
  }

  remember(processId: string, rootId: string): void {
    // Re-inserted, so the Map's order is least recently remembered first.
    this.roots.delete(processId);
    // A root's own id as the value, not an equal copy: most entries are roots, and this halves them.
    this.roots.set(processId, rootId === processId ? processId : rootId);
    if (this.roots.size > this.limit) this.roots.delete(this.roots.keys().next().value!);
  }

  forget(processId: string): void {
    this.roots.delete(processId);
  }
}

/** The one service both dialects call. */
export class WorkflowService {
  private readonly store: Store;
  readonly clock: Clock;
  /** Whether this node executes processes and fires timers (the Workflow API's start and stop). */
  readonly execution = new ExecutionSwitch();
  private readonly external: ExternalCalls;
  private readonly newId: () => string;
  private readonly maxAutoSteps: number | undefined;
  private readonly fileActionsSandbox: boolean;
  private readonly callbackServerConfigured: () => Promise<boolean>;
  private readonly compiled = new Map<string, CompiledScheme>();
  private readonly familyLocks = new KeyedMutex();
  private readonly rootIds: RootIdCache;
  private readonly directory: IdentityDirectory;
  private readonly stepMessages: StepMessages | undefined;
  private readonly externalParameters: ExternalParameterBridge;
  private readonly schemeGenerator: SchemeGenerator | undefined;
  private readonly stepListeners = new Set<StepAppliedListener>();

  constructor(options: WorkflowServiceOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.external = options.external ?? noCallbackServer;
    this.newId = options.newId ?? randomUUID;
    this.maxAutoSteps = options.maxAutoSteps;
    this.fileActionsSandbox = options.fileActionsSandbox ?? false;
    const configured = options.callbackServerConfigured ?? false;
    this.callbackServerConfigured = typeof configured === 'function' ? configured : async () => configured;
    this.stepMessages = options.stepMessages;
    this.externalParameters = new ExternalParameterBridge(options.externalParameters);
    this.schemeGenerator = options.schemeGenerator;
    this.rootIds = new RootIdCache(options.rootIdCacheLimit ?? ROOT_ID_CACHE_LIMIT);
    const store = this.store;
    this.directory = {
      isInRole: (identityId, role) => store.isInRole(identityId, role),
      usersInRole: (role) => store.usersInRole(role),
    };
  }

  // ---------------------------------------------------------------- schemes

  /** Imports a scheme (vendor XML or native JSON), compiles it, and stores it as a new version. */
  async saveScheme(input: { xml?: string; json?: unknown; code?: string }): Promise<StoredScheme> {
    const compiled = loadScheme(input, {
      fileActionsSandbox: this.fileActionsSandbox,
      callbackServerConfigured: await this.callbackServerConfigured(),
    });
    const stored = await this.store.saveScheme(compiled.definition, input.xml ?? null, this.clock.now());
    this.rememberCompiled(stored.id, compiled);
    return stored;
  }

  /** The latest (or a given) version of a scheme; WM_SCHEME_NOT_FOUND when there is none. */
  async getScheme(code: string, version?: number): Promise<StoredScheme> {
    const stored = await this.store.getSchemeByCode(code, version);
    if (!stored) {
      const which = version === undefined ? '' : ` version ${version}`;
      throw new WaymarkError('WM_SCHEME_NOT_FOUND', `Scheme '${code}'${which} is not found`, { schemeCode: code, version });
    }
    return stored;
  }

  /** Every scheme's latest version (the admin API's scheme list). */
  async listSchemes(): Promise<readonly StoredScheme[]> {
    return this.store.listSchemes();
  }

  /** Every stored version of a scheme, whatever their number (none when the code is unknown). */
  async listSchemeVersions(code: string): Promise<readonly StoredScheme[]> {
    return this.store.listSchemeVersions(code);
  }

  /** How many instances run any version of a scheme (what deleting it would orphan). */
  async countInstancesOfScheme(code: string): Promise<number> {
    return this.store.countInstancesOfScheme(code);
  }

  /** Deletes every version of a scheme; `force` deletes its instances too (the store's rules). */
  async deleteScheme(code: string, force: boolean): Promise<void> {
    await this.store.deleteScheme(code, force);
  }

  /** Scheme codes, optionally only those carrying one of `tags`. */
  async listSchemeCodes(tags: readonly string[] = []): Promise<string[]> {
    const schemes = await this.store.listSchemes();
    const wanted = tags.map((t) => t.toLowerCase());
    return schemes
      .filter((s) => wanted.length === 0 || s.tags.some((t) => wanted.includes(t.toLowerCase())))
      .map((s) => s.code);
  }

  /** The compiled form of a stored scheme version (compiled once, then cached). */
  async compiledScheme(schemeId: string): Promise<CompiledScheme> {
    const cached = this.compiled.get(schemeId);
    if (cached) return cached;
    const stored = await this.store.getScheme(schemeId);
    if (!stored) throw new WaymarkError('WM_SCHEME_NOT_FOUND', `Scheme version ${schemeId} is not found`, { schemeId });
    // Leniently: a version saved before action parameters were checked at import keeps running,
    // its bad parameters failing their action when it runs, as they always did.
    const compiled = compileScheme(stored.definition as SchemeDefinition, { parameterProblems: 'failWhenRun' });
    this.rememberCompiled(schemeId, compiled);
    return compiled;
  }

  private rememberCompiled(schemeId: string, compiled: CompiledScheme): void {
    if (this.compiled.size >= SCHEME_CACHE_LIMIT) {
      const oldest = this.compiled.keys().next().value;
      if (oldest !== undefined) this.compiled.delete(oldest);
    }
    this.compiled.set(schemeId, compiled);
  }

  // -------------------------------------------------------------- instances

  /**
   * Creates and starts an instance of the latest version of `schemeCode` — or, with non-empty
   * `schemeParameters`, of the scheme a callback server generates from it (see scheme-generation).
   */
  async createInstance(input: {
    processId: string;
    schemeCode: string;
    actor: Actor;
    parameters: readonly ParameterInput[];
    tenantId?: string | null;
    schemeParameters?: JsonValue;
  }): Promise<ProcessInstance> {
    this.requireRunning('createinstance');
    return this.familyLocks.run(input.processId, async () => {
      // Under the lock, so a create of the same id that is still running is seen once it is
      // stored. Only the scheme's id and version: the compiled definition comes from the cache.
      const stored = await this.store.schemeForNewInstance(input.schemeCode, input.processId);
      if (!stored) throw new WaymarkError('WM_SCHEME_NOT_FOUND', `Scheme '${input.schemeCode}' is not found`, { schemeCode: input.schemeCode, version: undefined });
      if (stored.instanceExists) throw alreadyExists(input.processId);
      const schemeId = asksForGeneratedScheme(input.schemeParameters) ? await this.generatedSchemeId(stored.id, input.schemeParameters) : stored.id;
      const scheme = await this.compiledScheme(schemeId);
      const engineStep = await engineCreateInstance(this.engineContext(new Map([[schemeId, scheme]])), scheme, {
        processId: input.processId,
        schemeId,
        schemeVersion: stored.version,
        tenantId: input.tenantId ?? null,
        actor: input.actor,
        parameters: input.parameters,
      });
      const step = await this.externalParameters.settle(null, engineStep);
      const messages = await this.messagesFor(step, new Map());
      await this.store.applyStep({ step, expectedRevisions: new Map(), messages });
      this.rememberRoots(step);
      this.stepApplied(step, messages);
      return storedAfter(step, input.processId) ?? this.requireInstance(input.processId);
    });
  }

  /** The id of the scheme generated from the version `baseSchemeId` with `parameters` (made when new). */
  private async generatedSchemeId(baseSchemeId: string, parameters: { [key: string]: JsonValue }): Promise<string> {
    const base = await this.store.getScheme(baseSchemeId);
    if (!base) throw new WaymarkError('WM_SCHEME_NOT_FOUND', `Scheme version ${baseSchemeId} is not found`, { schemeId: baseSchemeId });
    const generated = await generatedScheme(
      {
        store: this.store,
        generator: this.schemeGenerator,
        now: () => this.clock.now(),
        loadOptions: { fileActionsSandbox: this.fileActionsSandbox, callbackServerConfigured: await this.callbackServerConfigured() },
      },
      base,
      parameters,
    );
    if (generated.compiled) this.rememberCompiled(generated.stored.id, generated.compiled);
    return generated.stored.id;
  }

  /** The instance, checked against the caller's tenant. */
  async getInstance(processId: string, scope: CallScope = {}): Promise<ProcessInstance> {
    const instance = await this.store.getInstance(processId);
    return this.checkScope(processId, instance, scope);
  }

  /** The instance, or null when there is none; no tenant check (the caller scopes it itself). */
  async findInstance(processId: string): Promise<ProcessInstance | null> {
    return this.store.getInstance(processId);
  }

  /** The current inbox items of one instance; no tenant or existence check (see {@link getInbox}). */
  async inboxOf(processId: string): Promise<readonly InboxItem[]> {
    return this.store.getInbox({ processId });
  }

  /** True when the instance exists (in the caller's tenant, when one is given). */
  async instanceExists(processId: string, scope: CallScope = {}): Promise<boolean> {
    const instance = await this.store.getInstance(processId);
    if (!instance) return false;
    return scope.tenantId == null || instance.tenantId === scope.tenantId;
  }

  /** The instance with its scheme and history. */
  async getInstanceInfo(processId: string, scope: CallScope = {}): Promise<InstanceInfo> {
    const instance = await this.getInstance(processId, scope);
    const [scheme, history, family] = await Promise.all([
      this.compiledScheme(instance.schemeId),
      this.store.getHistory(processId),
      this.store.getProcessFamily(instance.rootProcessId),
    ]);
    const subprocessIds = family.filter((member) => member.parentProcessId === processId).map((member) => member.id);
    return { instance, scheme, history, subprocessIds };
  }

  /** A page of instances, with how many match (exact, or a lower bound: see InstancePage). */
  async listInstances(query: InstanceQuery): Promise<InstancePage> {
    return this.store.listInstances(query);
  }

  /**
   * Executes a command for the acting identity. `parameterPolicy` says what the caller may do with
   * the parameters it passes (see {@link ParameterPolicy}); it is the caller's to state, from who
   * its own caller is. Without it, `anyParameter`: the trust of a Workflow API caller.
   */
  async executeCommand(input: {
    processId: string;
    command: string;
    actor: Actor;
    parameters: readonly ParameterInput[];
    parameterPolicy?: ParameterPolicy;
    scope?: CallScope;
  }): Promise<{ wasExecuted: boolean; instance: ProcessInstance }> {
    this.requireRunning('executecommand');
    return this.withFamily(input.processId, input.scope, async (family, ctx) => {
      const { wasExecuted, step } = await engineExecuteCommand(ctx, family, {
        processId: input.processId,
        command: input.command,
        actor: input.actor,
        parameters: input.parameters,
        parameterPolicy: input.parameterPolicy ?? 'anyParameter',
      });
      if (!wasExecuted) return { wasExecuted, instance: requireMember(family, input.processId) };
      const stored = await this.apply(family, step);
      return { wasExecuted, instance: await this.instanceAfter(stored, family, input.processId) };
    });
  }

  /** Commands the identity may execute now. */
  async getAvailableCommands(input: {
    processId: string;
    actor: Actor;
    culture?: string;
    scope?: CallScope;
  }): Promise<AvailableCommand[]> {
    const family = await this.externalParameters.withValues(await this.loadFamily(input.processId, input.scope));
    const ctx = await this.contextFor(family);
    return engineGetAvailableCommands(ctx, family, {
      processId: input.processId,
      actor: input.actor,
      ...(input.culture === undefined ? {} : { culture: input.culture }),
    });
  }

  /** States that `setstate` accepts for this instance. */
  async getAvailableStatesToSet(processId: string, culture?: string, scope?: CallScope): Promise<StateToSet[]> {
    const instance = await this.getInstance(processId, scope);
    const scheme = await this.compiledScheme(instance.schemeId);
    return engineGetAvailableStatesToSet(scheme, culture);
  }

  /** Moves the instance to a set-state activity. */
  async setState(input: {
    processId: string;
    state: string;
    actor: Actor;
    parameters: readonly ParameterInput[];
    runActions?: boolean;
    scope?: CallScope;
  }): Promise<ProcessInstance> {
    this.requireRunning('setstate');
    return this.withFamily(input.processId, input.scope, async (family, ctx) => {
      const step = await engineSetState(ctx, family, {
        processId: input.processId,
        state: input.state,
        actor: input.actor,
        parameters: input.parameters,
        ...(input.runActions === undefined ? {} : { runActions: input.runActions }),
      });
      return this.instanceAfter(await this.apply(family, step), family, input.processId);
    });
  }

  /** Restarts an instance that stopped in Error. */
  async resume(input: {
    processId: string;
    activity?: string;
    actor: Actor;
    parameters: readonly ParameterInput[];
    scope?: CallScope;
  }): Promise<{ wasResumed: boolean; instance: ProcessInstance }> {
    this.requireRunning('resume');
    return this.withFamily(input.processId, input.scope, async (family, ctx) => {
      const { wasResumed, step } = await engineResume(ctx, family, {
        processId: input.processId,
        actor: input.actor,
        parameters: input.parameters,
        ...(input.activity === undefined ? {} : { activity: input.activity }),
      });
      if (!wasResumed) return { wasResumed, instance: requireMember(family, input.processId) };
      const stored = await this.apply(family, step);
      return { wasResumed, instance: await this.instanceAfter(stored, family, input.processId) };
    });
  }

  /**
   * Fires one due timer from a fresh read of its family: true when it fired, false when it no
   * longer applies (the instance left the activity, or — given `dueAt`, the moment it was claimed
   * for — a step re-armed or removed it since). WM_INSTANCE_NOT_FOUND when the instance is gone.
   */
  async fireTimer(processId: string, timerName: string, dueAt?: string): Promise<boolean> {
    return this.withFamily(processId, undefined, (family, ctx) => this.fireTimerIn(family, ctx, { processId, name: timerName, dueAt }));
  }

  /**
   * Fires a batch of claimed timers (the runtime's scheduler). The families of the whole batch
   * are read in a few queries; each timer's engine step then runs under its family's lock, and
   * the steps are handed to the store in the same turn, so they share its group commits. Each
   * step keeps its own revision check: a timer whose family changed since the read (a command
   * on another node, say) fails alone and is fired once more from a fresh read. Outcomes are in
   * the order of `timers`; a failed timer keeps its claim, so it is tried again when that lapses.
   */
  async fireTimers(timers: readonly ArmedTimer[]): Promise<readonly TimerOutcome[]> {
    if (timers.length === 0) return [];
    const families = await this.store.loadFamilies(timers.map((timer) => timer.processId));
    // Each scheme compiled (or read) once here, not once per timer that misses the cache at once;
    // a scheme that fails fails the steps that need it, below.
    const schemeIds = new Set([...families.values()].flatMap((family) => family.instances.map((member) => member.schemeId)));
    await Promise.all([...schemeIds].map((schemeId) => this.compiledScheme(schemeId).catch(() => undefined)));
    const firstOfFamily = new Set<string>();
    return Promise.all(timers.map(async (timer): Promise<TimerOutcome> => {
      const { processId, name, dueAt } = timer;
      const stored = families.get(processId);
      if (!stored) return { error: notFound(processId) };
      const rootId = stored.instances[0]!.id;
      try {
        // A second timer of one family is fired after the first, from what that one stored.
        if (firstOfFamily.has(rootId)) return { fired: await this.fireTimer(processId, name, dueAt) };
        firstOfFamily.add(rootId);
        const fired = await this.familyLocks.run(rootId, async () => {
          const family = await this.externalParameters.withValues(processFamilyOf(stored));
          return this.fireTimerIn(family, await this.contextFor(family), timer);
        });
        return { fired };
      } catch (error) {
        if (!(error instanceof WaymarkError && error.code === 'WM_INSTANCE_CONFLICT')) return { error };
        try {
          return { fired: await this.fireTimer(processId, name, dueAt) };
        } catch (retryError) {
          return { error: retryError };
        }
      }
    }));
  }

  private async fireTimerIn(family: ProcessFamily, ctx: EngineContext, timer: { processId: string; name: string; dueAt: string | undefined }): Promise<boolean> {
    if (timer.dueAt !== undefined && !family.timers?.get(timer.processId)?.some((armed) => armed.name === timer.name && armed.dueAt === timer.dueAt)) {
      // The claimed timer was replaced (re-armed for later, or dropped) by a step since the claim.
      return false;
    }
    const { fired, step } = await engineFireTimer(ctx, family, { processId: timer.processId, timerName: timer.name });
    if (fired) await this.apply(family, step);
    return fired;
  }

  /** Reads a parameter (persistent or system). WM_PARAMETER_NOT_FOUND when it has no value. */
  async getParameter(processId: string, name: string, scope?: CallScope): Promise<JsonValue> {
    const instance = await this.getInstance(processId, scope);
    if (await this.externalParameters.isExternal(instance, name)) {
      const family = await this.store.getProcessFamily(instance.rootProcessId);
      const subprocessIds = family.filter((member) => member.parentProcessId === processId).map((member) => member.id);
      return this.externalParameters.read(name, { instance, subprocessIds });
    }
    const scheme = await this.compiledScheme(instance.schemeId);
    const value = readParameter(scheme, instance, name);
    if (value === undefined) {
      throw new WaymarkError('WM_PARAMETER_NOT_FOUND', `Parameter '${name}' is not found in process ${processId}`, {
        processId,
        parameterName: name,
      });
    }
    return value;
  }

  /** Writes a persistent parameter. */
  async setParameter(processId: string, name: string, value: JsonValue, scope?: CallScope): Promise<void> {
    await this.withFamily(processId, scope, async (family) => {
      const instance = requireMember(family, processId);
      const scheme = await this.compiledScheme(instance.schemeId);
      const changed = writeParameter(scheme, instance, name, value);
      const step: StepResult = {
        instances: [changed],
        removedInstanceIds: [],
        history: [],
        inbox: new Map(),
        outbox: [],
        timers: new Map(),
        events: [],
        messages: [],
      };
      await this.apply(family, step);
    });
  }

  /**
   * Moves an instance (and its subprocesses) to the latest version of its scheme. Refused when
   * an instance's current activity does not exist in that version.
   */
  async updateInstanceScheme(processId: string, scope?: CallScope): Promise<ProcessInstance> {
    return this.withFamily(processId, scope, async (family) => {
      const latestStored = await this.getScheme(family.root.schemeCode);
      const latest = await this.compiledScheme(latestStored.id);
      const moved: ProcessInstance[] = [];
      for (const member of family.instances.values()) {
        if (member.schemeId === latestStored.id) continue;
        if (!latest.activities.has(member.activityName)) {
          throw new WaymarkError(
            'WM_ACTIVITY_NOT_FOUND',
            `Process ${member.id} cannot move to version ${latestStored.version} of scheme '${latestStored.code}': its current activity '${member.activityName}' does not exist there`,
            { processId: member.id, activityName: member.activityName, schemeVersion: latestStored.version },
          );
        }
        moved.push({ ...member, schemeId: latestStored.id, schemeVersion: latestStored.version });
      }
      if (moved.length > 0) {
        await this.apply(family, {
          instances: moved,
          removedInstanceIds: [],
          history: [],
          inbox: new Map(),
          outbox: [],
          timers: new Map(),
          events: [],
          messages: [],
        });
      }
      return this.requireInstance(processId);
    });
  }

  /** Deletes instances with all their rows. Returns the ids that were not found (or not the caller's). */
  async deleteInstances(processIds: readonly string[], scope: CallScope = {}): Promise<{ deleted: string[]; missing: string[] }> {
    const deleted: string[] = [];
    const missing: string[] = [];
    for (const id of processIds) {
      const instance = await this.store.getInstance(id);
      if (!instance || (scope.tenantId != null && instance.tenantId !== scope.tenantId)) {
        missing.push(id);
        continue;
      }
      await this.familyLocks.run(instance.rootProcessId, () => this.store.deleteInstances([id]));
      this.rootIds.forget(id);
      deleted.push(id);
    }
    return { deleted, missing };
  }

  /**
   * Cancels a root instance: it ends as Terminated, its subprocesses are removed, and its inbox
   * and armed timers are cleared, in one stored step that runs no engine rule (a cancel is not a
   * transition of the scheme). WM_INSTANCE_NOT_ACTIVE when it has already ended.
   */
  async cancelInstance(processId: string, scope?: CallScope): Promise<ProcessInstance> {
    this.requireRunning('cancelinstance');
    return this.withFamily(processId, scope, async (family) => {
      const root = family.root;
      if (root.status === InstanceStatus.Finalized || root.status === InstanceStatus.Terminated) {
        throw new WaymarkError('WM_INSTANCE_NOT_ACTIVE', `Process instance ${root.id} has already ended and cannot be cancelled`, {
          processId: root.id,
          instanceStatus: root.status,
        });
      }
      const now = this.clock.now().toISOString();
      const cleared = new Map([...family.instances.keys()].map((id) => [id, [] as const]));
      await this.apply(family, {
        instances: [{ ...root, status: InstanceStatus.Terminated, lastTransitionAt: now }],
        removedInstanceIds: [...family.instances.keys()].filter((id) => id !== root.id),
        history: [],
        inbox: cleared,
        outbox: [],
        timers: cleared,
        events: [{ type: 'statusChanged', processId: root.id, oldStatus: root.status, newStatus: InstanceStatus.Terminated }],
        messages: [],
      });
      return this.requireInstance(root.id);
    });
  }

  /** Inbox items by identity and/or process. */
  async getInbox(filter: { processId?: string; identityId?: string }, scope: CallScope = {}): Promise<readonly InboxItem[]> {
    if (filter.processId) await this.getInstance(filter.processId, scope);
    return this.store.getInbox(scope.tenantId == null ? filter : { ...filter, tenantId: scope.tenantId });
  }

  /** The vendor's Outbox folder: who acted on which process, by identity and/or process. */
  async getOutbox(filter: { processId?: string; identityId?: string }, scope: CallScope = {}): Promise<readonly OutboxItem[]> {
    if (filter.processId) await this.getInstance(filter.processId, scope);
    return this.store.getOutbox(scope.tenantId == null ? filter : { ...filter, tenantId: scope.tenantId });
  }

  /** Recomputes the inbox of the given instances (all root instances when none are given). */
  async recalculateInbox(processIds?: readonly string[]): Promise<number> {
    if (processIds && processIds.length > 0) return this.recalculateInboxOf(processIds);
    // Every root instance, a page at a time (by id, which recalculating does not change): never all in memory.
    let done = 0;
    for (let skip = 0; ; skip += RECALCULATION_PAGE) {
      const { items } = await this.store.listInstances({ take: RECALCULATION_PAGE, skip, sort: { field: 'id', direction: 'asc' } });
      done += await this.recalculateInboxOf(items.map((i) => i.id));
      if (items.length < RECALCULATION_PAGE) return done;
    }
  }

  private async recalculateInboxOf(processIds: readonly string[]): Promise<number> {
    let done = 0;
    for (const id of processIds) {
      const instance = await this.store.getInstance(id);
      if (!instance) continue;
      await this.withFamily(id, undefined, async (family, ctx) => {
        await this.apply(family, await engineRecalculateInbox(ctx, family, id));
      });
      done += 1;
    }
    return done;
  }

  /** Subscribes to committed steps; returns the unsubscribe. */
  onStepApplied(listener: StepAppliedListener): () => void {
    this.stepListeners.add(listener);
    return () => this.stepListeners.delete(listener);
  }

  // ---------------------------------------------------------------- helpers

  private async messagesFor(step: StepResult, before: ReadonlyMap<string, ProcessInstance>): Promise<readonly NewOutgoingMessage[]> {
    if (!this.stepMessages) return step.messages;
    return this.stepMessages.messagesFor(step, {
      before,
      // The step's schemes were compiled for it, so they are in the cache.
      logEnabled: (instance) => this.compiled.get(instance.schemeId)?.definition.logEnabled === true,
      now: this.clock.now().toISOString(),
    });
  }

  private stepApplied(step: StepResult, messages: readonly NewOutgoingMessage[]): void {
    for (const listener of this.stepListeners) listener(step, messages);
  }

  private requireRunning(operation: string): void {
    if (!this.execution.isRunning) {
      throw new WaymarkError(
        'WM_RUNTIME_STOPPED',
        `The runtime of this server is stopped: ${operation} cannot execute processes until it is started again (operation=start)`,
        { operation },
      );
    }
  }

  private checkScope(processId: string, instance: ProcessInstance | null, scope: CallScope): ProcessInstance {
    if (!instance) {
      throw new WaymarkError('WM_INSTANCE_NOT_FOUND', `Process instance ${processId} is not found`, { processId });
    }
    if (scope.tenantId != null && instance.tenantId !== scope.tenantId) {
      throw new WaymarkError('WM_TENANT_MISMATCH', `Process instance ${processId} is not found in tenant ${scope.tenantId}`, {
        processId,
        tenantId: scope.tenantId,
      });
    }
    return instance;
  }

  /**
   * The instance as a stored step left it. A subprocess that the step finalized is removed from
   * the store, so its last state comes from the step itself, marked Finalized.
   */
  private async instanceAfter(step: StepResult, family: ProcessFamily, processId: string): Promise<ProcessInstance> {
    if (step.removedInstanceIds.includes(processId)) {
      const last = step.instances.find((instance) => instance.id === processId) ?? requireMember(family, processId);
      return { ...last, status: InstanceStatus.Finalized };
    }
    return storedAfter(step, processId) ?? requireMember(family, processId);
  }

  private async requireInstance(processId: string): Promise<ProcessInstance> {
    return this.checkScope(processId, await this.store.getInstance(processId), {});
  }

  private async loadFamily(processId: string, scope: CallScope = {}): Promise<ProcessFamily> {
    return this.familyOf(processId, await this.store.loadFamily(processId), scope);
  }

  /** The stored family as the engine takes it; WM_INSTANCE_NOT_FOUND / WM_TENANT_MISMATCH as `checkScope`. */
  private familyOf(processId: string, stored: StoredFamily | null, scope: CallScope): ProcessFamily {
    const instances = new Map((stored?.instances ?? []).map((m) => [m.id, m] as const));
    const instance = this.checkScope(processId, instances.get(processId) ?? null, scope);
    const root = instances.get(instance.rootProcessId) ?? instance;
    // The engine keeps armed due times (NotOverrideIfExists, steps that stay in an activity)
    // only when it is given them.
    const timers = new Map<string, ArmedTimer[]>([...instances.keys()].map((id) => [id, []]));
    for (const timer of stored?.timers ?? []) timers.get(timer.processId)?.push(timer);
    return { root, instances, timers };
  }

  private async contextFor(family: ProcessFamily): Promise<EngineContext> {
    const schemes = new Map<string, CompiledScheme>();
    for (const member of family.instances.values()) {
      if (!schemes.has(member.schemeId)) schemes.set(member.schemeId, await this.compiledScheme(member.schemeId));
    }
    return this.engineContext(schemes);
  }

  private engineContext(schemes: ReadonlyMap<string, CompiledScheme>): EngineContext {
    return {
      now: this.clock.now(),
      directory: this.directory,
      external: this.external,
      newId: this.newId,
      ...(this.maxAutoSteps === undefined ? {} : { maxAutoSteps: this.maxAutoSteps }),
      schemeFor: (instance) => {
        const scheme = schemes.get(instance.schemeId);
        if (!scheme) {
          throw new WaymarkError('WM_SCHEME_NOT_FOUND', `Scheme version ${instance.schemeId} is not loaded`, {
            schemeId: instance.schemeId,
          });
        }
        return scheme;
      },
    };
  }

  /**
   * Loads the family under its lock, runs `work`, and releases. The lock is the root's, so the
   * root id must be known before the family is read: when it is remembered, the remembered root's
   * family is read under its lock (by the root's id: one statement, where a subprocess's id takes
   * a second for its root) and used only if the instance is still a member; otherwise (or when
   * not remembered) the instance is read first to learn it. Either way the scope is checked on
   * the instance as loaded under the lock.
   */
  private async withFamily<T>(
    processId: string,
    scope: CallScope | undefined,
    work: (family: ProcessFamily, ctx: EngineContext) => Promise<T>,
  ): Promise<T> {
    const rememberedRoot = this.rootIds.get(processId);
    if (rememberedRoot !== undefined) {
      const done = await this.familyLocks.run(rememberedRoot, async () => {
        const stored = await this.store.loadFamily(rememberedRoot);
        const loaded = stored?.instances.find((member) => member.id === processId);
        // Gone, or deleted and created again in another family: this is not its lock.
        if (loaded === undefined || loaded.rootProcessId !== rememberedRoot) return null;
        const family = await this.externalParameters.withValues(this.familyOf(processId, stored, scope ?? {}));
        return { result: await work(family, await this.contextFor(family)) };
      });
      if (done !== null) return done.result;
      this.rootIds.forget(processId);
    }
    const instance = this.checkScope(processId, await this.store.getInstance(processId), scope ?? {});
    this.rootIds.remember(processId, instance.rootProcessId);
    return this.familyLocks.run(instance.rootProcessId, async () => {
      const family = await this.externalParameters.withValues(await this.loadFamily(processId, scope));
      return work(family, await this.contextFor(family));
    });
  }

  /** Remembers the roots of the instances a stored step wrote, and forgets the ones it removed. */
  private rememberRoots(step: StepResult): void {
    for (const instance of step.instances) this.rootIds.remember(instance.id, instance.rootProcessId);
    for (const removedId of step.removedInstanceIds) this.rootIds.forget(removedId);
  }

  /**
   * Stores a step of `family` (as the engine saw it: with external parameters read in) and returns
   * the step as stored: external parameters written to their callback server and left out.
   */
  private async apply(engineFamily: ProcessFamily, engineStep: StepResult): Promise<StepResult> {
    const family = this.externalParameters.stored(engineFamily);
    const step = await this.externalParameters.settle(engineFamily, engineStep);
    const expectedRevisions = new Map<string, number>();
    for (const changed of step.instances) {
      const before = family.instances.get(changed.id);
      if (before) expectedRevisions.set(changed.id, before.revision);
    }
    for (const removedId of step.removedInstanceIds) {
      const before = family.instances.get(removedId);
      if (before) expectedRevisions.set(removedId, before.revision);
    }
    const messages = await this.messagesFor(step, family.instances);
    await this.store.applyStep({ step, expectedRevisions, messages, before: family.instances, timersBefore: family.timers });
    this.rememberRoots(step);
    this.stepApplied(step, messages);
    return step;
  }
}

/**
 * The instance `processId` as an applied step stored it (the store advances the revision by
 * one), or undefined when the step did not write it.
 */
function storedAfter(step: StepResult, processId: string): ProcessInstance | undefined {
  const written = step.instances.find((instance) => instance.id === processId);
  return written === undefined ? undefined : { ...written, revision: written.revision + 1 };
}

/** A stored family as the engine takes it (the root first; each member's armed timers). */
function processFamilyOf(stored: StoredFamily): ProcessFamily {
  const root = stored.instances[0]!;
  const instances = new Map(stored.instances.map((member) => [member.id, member] as const));
  // Every member gets an entry, so the engine knows it has no armed timers rather than unknown.
  const timers = new Map<string, ArmedTimer[]>(stored.instances.map((member) => [member.id, []]));
  for (const timer of stored.timers) timers.get(timer.processId)?.push(timer);
  return { root, instances, timers };
}

function notFound(processId: string): WaymarkError<'WM_INSTANCE_NOT_FOUND'> {
  return new WaymarkError('WM_INSTANCE_NOT_FOUND', `Process instance ${processId} is not found`, { processId });
}

function requireMember(family: ProcessFamily, processId: string): ProcessInstance {
  const member = family.instances.get(processId);
  if (!member) throw new WaymarkError('WM_INSTANCE_NOT_FOUND', `Process instance ${processId} is not found`, { processId });
  return member;
}

function alreadyExists(processId: string): WaymarkError {
  return new WaymarkError('WM_INSTANCE_EXISTS', `Process instance ${processId} already exists`, { processId });
}
