/**
 * One engine step: the working copy of a process family while a call runs, and what turns it
 * into a StepResult. Internal to the engine; the operations in `operations.ts` drive it.
 *
 * Inside a step the working copy is mutable; the instances passed in are never changed.
 */
import { newInstance } from './new-instance.js';
import { WaymarkError, isWaymarkError } from '../errors/index.js';
import type {
  ActionCall,
  CompiledActivity,
  Classifier,
  CompiledCondition,
  CompiledScheme,
  CompiledTransition,
} from '../scheme/model.js';
import { identitiesAllowedFor, type ActorCheckContext } from './actors.js';
import { runAction, conditionActionHolds } from './built-ins.js';
import { convertToDeclaredType, isSystemParameter, refusePrototypeKey, systemParameters, type CallFacts } from './parameter-values.js';
import { armTimersFor } from './timers.js';
import {
  InstanceStatus,
  type Actor,
  type ArmedTimer,
  type EngineContext,
  type EngineEvent,
  type ExternalCallContext,
  type InboxItem,
  type JsonValue,
  type OutboxItem,
  type ParameterInput,
  type ProcessFamily,
  type ProcessInstance,
  type StepMessage,
  type StepResult,
  type TransitionRecord,
} from './types.js';

/** A family member while a step runs. */
export interface WorkingInstance {
  instance: ProcessInstance;
  /** Temporary parameters: they live for this step only. */
  temporary: Record<string, JsonValue>;
  /** Whether the instance (re-)entered an activity in this step (its timers are re-armed). */
  entered: boolean;
  touched: boolean;
  /** A timer that fired in this step. */
  firedTimer?: string;
  /** Activities reached by Auto transitions in this step, for the loop-guard message. */
  autoTrail: string[];
}

/** The history trigger of a move. */
export type MoveTrigger = TransitionRecord['triggerType'];

/** Default upper bound on Auto transitions in one step. */
export const DEFAULT_MAX_AUTO_STEPS = 1000;

const ACTIVE_STATUSES: readonly InstanceStatus[] = [InstanceStatus.Initialized, InstanceStatus.Running, InstanceStatus.Idled];

/** The transitions a trigger fires: every fork that starts a subprocess, and at most one move. */
export interface Selection {
  readonly forks: readonly CompiledTransition[];
  readonly next: CompiledTransition | undefined;
}

/** The working copy of a family during one call. */
export class StepRun {
  private readonly members = new Map<string, WorkingInstance>();
  private readonly storedIds: ReadonlySet<string>;
  private readonly removed = new Set<string>();
  private readonly history: TransitionRecord[] = [];
  private readonly outbox: OutboxItem[] = [];
  private readonly events: EngineEvent[] = [];
  private readonly messages: StepMessage[] = [];
  private readonly queue: string[] = [];
  private autoSteps = 0;
  readonly nowText: string;

  constructor(
    readonly ctx: EngineContext,
    private readonly family: ProcessFamily | null,
    readonly actor: Actor,
    readonly call: CallFacts,
    private readonly knownSchemes: ReadonlyMap<string, CompiledScheme> = new Map(),
  ) {
    this.nowText = ctx.now.toISOString();
    const ids = new Set<string>(family ? family.instances.keys() : []);
    if (family) ids.add(family.root.id);
    this.storedIds = ids;
  }

  // ------------------------------------------------------------------ members

  /** The working copy of a member; WM_INSTANCE_NOT_FOUND when it is not in the family. */
  member(processId: string): WorkingInstance {
    const existing = this.members.get(processId);
    if (existing) return existing;
    const stored = this.family?.instances.get(processId) ?? (this.family?.root.id === processId ? this.family.root : undefined);
    if (!stored || this.removed.has(processId)) {
      throw new WaymarkError('WM_INSTANCE_NOT_FOUND', `Process instance ${processId} is not found`, { processId });
    }
    const working: WorkingInstance = { instance: stored, temporary: {}, entered: false, touched: false, autoTrail: [] };
    this.members.set(processId, working);
    return working;
  }

  /** Adds an instance created in this step. */
  addCreated(instance: ProcessInstance): WorkingInstance {
    const working: WorkingInstance = { instance, temporary: {}, entered: true, touched: true, autoTrail: [] };
    this.members.set(instance.id, working);
    return working;
  }

  /** Every live member id of the family (stored or created in this step). */
  private liveIds(): string[] {
    const ids = new Set<string>([...this.storedIds, ...this.members.keys()]);
    return [...ids].filter((id) => !this.removed.has(id));
  }

  /** Live subprocesses (all generations) of `processId`. */
  liveDescendants(processId: string): WorkingInstance[] {
    const found: WorkingInstance[] = [];
    const parents = [processId];
    while (parents.length > 0) {
      const parentId = parents.pop()!;
      for (const id of this.liveIds()) {
        const member = this.member(id);
        if (member.instance.parentProcessId === parentId) {
          found.push(member);
          parents.push(id);
        }
      }
    }
    return found;
  }

  schemeOf(instance: ProcessInstance): CompiledScheme {
    return this.knownSchemes.get(instance.schemeId) ?? this.ctx.schemeFor(instance);
  }

  activityOf(scheme: CompiledScheme, name: string): CompiledActivity {
    const activity = scheme.activities.get(name);
    if (!activity) {
      throw new WaymarkError('WM_ACTIVITY_NOT_FOUND', `Activity ${name} is not found in scheme ${scheme.code}`, {
        schemeCode: scheme.code,
        activityName: name,
      });
    }
    return activity;
  }

  isActive(working: WorkingInstance): boolean {
    return !this.removed.has(working.instance.id) && ACTIVE_STATUSES.includes(working.instance.status);
  }

  private update(working: WorkingInstance, changes: Partial<ProcessInstance>): void {
    working.instance = { ...working.instance, ...changes };
    working.touched = true;
  }

  setStatus(working: WorkingInstance, status: InstanceStatus): void {
    const oldStatus = working.instance.status;
    working.touched = true;
    if (oldStatus === status) return;
    this.update(working, { status });
    this.events.push({ type: 'statusChanged', processId: working.instance.id, oldStatus, newStatus: status });
  }

  /** Puts the instance in Error with `message`; the step goes on for the other members. */
  fail(working: WorkingInstance, message: string): void {
    this.update(working, { errorMessage: message });
    this.setStatus(working, InstanceStatus.Error);
  }

  /** Marks the instance Running for this step and clears a recorded error. */
  begin(working: WorkingInstance): void {
    if (working.instance.errorMessage !== null) this.update(working, { errorMessage: null });
    this.setStatus(working, InstanceStatus.Running);
  }

  // --------------------------------------------------------------- parameters

  /** Everything an expression or action sees: declared defaults, stored, temporary, System. */
  parametersOf(working: WorkingInstance, includeTemporary = true): Record<string, JsonValue> {
    const scheme = this.schemeOf(working.instance);
    // Without a prototype: actions look names up here (`CheckParameter`, loops), and no name may
    // find an Object.prototype member.
    const all: Record<string, JsonValue> = Object.create(null) as Record<string, JsonValue>;
    for (const declared of scheme.parameters.values()) {
      if (declared.purpose === 'System') continue;
      all[declared.name] = declared.initialValue === undefined ? null : (declared.initialValue as JsonValue);
    }
    Object.assign(all, working.instance.parameters);
    if (includeTemporary) Object.assign(all, working.temporary);
    Object.assign(all, systemParameters(working.instance, this.call));
    return all;
  }

  /**
   * Sets a parameter from inside the process (an action): declared Temporary parameters, and
   * undeclared ones that are only temporary now, stay temporary; everything else is stored.
   */
  setParameter(working: WorkingInstance, name: string, value: JsonValue): void {
    this.refuseReservedName(name);
    const scheme = this.schemeOf(working.instance);
    const converted = convertToDeclaredType(scheme, name, value);
    const purpose = scheme.parameters.get(name)?.purpose;
    const temporary =
      purpose === 'Temporary' ||
      (purpose === undefined && Object.hasOwn(working.temporary, name) && !Object.hasOwn(working.instance.parameters, name));
    if (temporary) {
      working.temporary[name] = converted;
      working.touched = true;
      return;
    }
    delete working.temporary[name];
    this.update(working, { parameters: { ...working.instance.parameters, [name]: converted } });
  }

  removeParameter(working: WorkingInstance, name: string): void {
    this.refuseReservedName(name);
    delete working.temporary[name];
    if (Object.hasOwn(working.instance.parameters, name)) {
      const { [name]: _removed, ...rest } = working.instance.parameters;
      this.update(working, { parameters: rest });
    }
  }

  /**
   * Applies the parameters a caller passed: `persist` or a declared Persistence parameter is
   * stored, unless `mayStore` is false (a caller that may only pass values for the step).
   */
  applyInputs(working: WorkingInstance, inputs: readonly ParameterInput[], options: { readonly mayStore: boolean } = { mayStore: true }): void {
    const scheme = this.schemeOf(working.instance);
    for (const input of inputs) {
      if (typeof input.name !== 'string' || input.name.trim() === '') {
        throw new WaymarkError('WM_INPUT_INVALID', 'Every parameter needs a name', {});
      }
      this.refuseReservedName(input.name);
      const value = convertToDeclaredType(scheme, input.name, input.value);
      if (options.mayStore && (input.persist === true || scheme.parameters.get(input.name)?.purpose === 'Persistence')) {
        delete working.temporary[input.name];
        this.update(working, { parameters: { ...working.instance.parameters, [input.name]: value } });
      } else {
        working.temporary[input.name] = value;
      }
    }
  }

  private refuseReservedName(name: string): void {
    refusePrototypeKey(name);
    if (isSystemParameter(name)) {
      throw new WaymarkError('WM_PARAMETER_READ_ONLY', `The parameter ${name} is a System parameter and cannot be set`, {
        parameterName: name,
      });
    }
  }

  rootOf(working: WorkingInstance): WorkingInstance {
    return working.instance.rootProcessId === working.instance.id ? working : this.member(working.instance.rootProcessId);
  }

  externalContext(working: WorkingInstance, includeTemporary = true): ExternalCallContext {
    const liveIds = () => this.liveIds();
    const member = (id: string) => this.member(id);
    return {
      instance: working.instance,
      parameters: this.parametersOf(working, includeTemporary),
      identityId: this.actor.identityId,
      // Worked out only when read (a callback body): every actor check builds a context.
      get subprocessIds() {
        return liveIds().filter((id) => member(id).instance.parentProcessId === working.instance.id);
      },
    };
  }

  actorCheck(working: WorkingInstance, includeTemporary = true): ActorCheckContext {
    return { ctx: this.ctx, scheme: this.schemeOf(working.instance), call: this.externalContext(working, includeTemporary) };
  }

  // --------------------------------------------------------------- conditions

  private async conditionHolds(working: WorkingInstance, condition: CompiledCondition): Promise<boolean> {
    switch (condition.type) {
      case 'Always':
        return true;
      case 'Otherwise':
        return false;
      case 'Expression': {
        const result = condition.expression.evaluate(this.parametersOf(working));
        if (typeof result !== 'boolean') {
          throw new WaymarkError(
            'WM_EXPRESSION_FAILED',
            `The condition ${condition.expression.source} gave ${JSON.stringify(result)}, not true or false`,
            { expression: condition.expression.source },
          );
        }
        return result !== condition.inverted;
      }
      case 'Action': {
        const result = await conditionActionHolds(this, working, condition);
        return result !== condition.inverted;
      }
    }
  }

  /** Whether the transition's conditions hold (combined by its And/Or), in scheme order. */
  async conditionsHold(working: WorkingInstance, transition: CompiledTransition): Promise<boolean> {
    const conditions = transition.conditions.filter((condition) => condition.type !== 'Otherwise');
    if (conditions.length === 0) return false;
    for (const condition of conditions) {
      const holds = await this.conditionHolds(working, condition);
      if (transition.conditionsConcatenation === 'Or' && holds) return true;
      if (transition.conditionsConcatenation === 'And' && !holds) return false;
    }
    return transition.conditionsConcatenation === 'And';
  }

  /**
   * Chooses among candidate transitions of one trigger: every subprocess-starting fork whose
   * conditions hold (and whose subprocess is not running already), and the first other
   * transition whose conditions hold, or else the first Otherwise transition.
   */
  async select(working: WorkingInstance, candidates: readonly CompiledTransition[]): Promise<Selection> {
    const forks: CompiledTransition[] = [];
    let next: CompiledTransition | undefined;
    let otherwise: CompiledTransition | undefined;
    for (const transition of candidates) {
      const startsSubprocess = transition.isFork && transition.subprocess?.inOut === 'Start';
      if (startsSubprocess) {
        if (this.hasLiveSubprocessFrom(working, transition.name)) continue;
        if (await this.conditionsHold(working, transition)) forks.push(transition);
        continue;
      }
      if (next) continue;
      if (transition.conditions.some((condition) => condition.type === 'Otherwise')) {
        otherwise ??= transition;
        continue;
      }
      if (await this.conditionsHold(working, transition)) next = transition;
    }
    return { forks, next: next ?? otherwise };
  }

  private hasLiveSubprocessFrom(working: WorkingInstance, transitionName: string): boolean {
    return this.liveDescendants(working.instance.id).some(
      (child) => child.instance.parentProcessId === working.instance.id && child.instance.startingTransitionName === transitionName,
    );
  }

  // ------------------------------------------------------------------ actions

  /** Runs the activity's Implementation actions in order; a failure puts the instance in Error. */
  async runActions(working: WorkingInstance, activity: CompiledActivity): Promise<boolean> {
    // Sorted by order when the scheme was compiled.
    for (const action of activity.implementation) {
      try {
        await runAction(this, working, action);
      } catch (error) {
        this.fail(working, actionFailure(action, error));
        return false;
      }
    }
    return true;
  }

  /** Adds a message (a webhook) that the step sends once it is committed. */
  send(message: StepMessage): void {
    this.messages.push(message);
  }

  // ------------------------------------------------------------------- moving

  /** Moves the instance to `activity` and records the move (history, previous names, event). */
  moveTo(
    working: WorkingInstance,
    activity: CompiledActivity,
    trigger: { type: MoveTrigger; name: string | null; transition: CompiledTransition | null; classifier: Classifier },
  ): void {
    const from = working.instance;
    // Built by assignment, not as `{ ...previous, activityName: … }`: V8 (Node 20) gives an object
    // spread followed by new properties a hidden class of its own, garbage in the old generation.
    const changes: { -readonly [K in keyof ProcessInstance]?: ProcessInstance[K] } = {
      previousActivityName: from.activityName,
      previousStateName: from.stateName,
      activityName: activity.name,
      stateName: activity.state,
      lastTransitionAt: this.nowText,
    };
    if (trigger.classifier === 'Direct') {
      changes.previousActivityForDirect = from.activityName;
      changes.previousStateForDirect = from.stateName;
    }
    if (trigger.classifier === 'Reverse') {
      changes.previousActivityForReverse = from.activityName;
      changes.previousStateForReverse = from.stateName;
    }
    this.history.push(this.record(working, activity, trigger));
    this.update(working, changes);
    working.entered = true;
    this.events.push({
      type: 'activityChanged',
      processId: from.id,
      previousActivityName: from.activityName,
      currentActivityName: activity.name,
    });
  }

  private record(
    working: WorkingInstance,
    to: CompiledActivity,
    trigger: { type: MoveTrigger; name: string | null; transition: CompiledTransition | null; classifier: Classifier },
  ): TransitionRecord {
    return {
      processId: working.instance.id,
      fromActivityName: working.instance.activityName,
      fromStateName: working.instance.stateName,
      toActivityName: to.name,
      toStateName: to.state,
      triggerType: trigger.type,
      triggerName: trigger.name,
      transitionName: trigger.transition?.name ?? null,
      classifier: trigger.classifier,
      identityId: this.actor.identityId,
      impersonatedIdentityId: this.actor.impersonatedIdentityId,
      isFinalised: to.isFinal,
      transitionTime: this.nowText,
    };
  }

  /**
   * Takes a transition: a subprocess's Finalize fork ends the subprocess and merges it back;
   * any other transition moves the instance and runs the destination's actions.
   */
  async take(working: WorkingInstance, transition: CompiledTransition, type: MoveTrigger): Promise<void> {
    const scheme = this.schemeOf(working.instance);
    const destination = this.activityOf(scheme, transition.to);
    const trigger = { type, name: type === 'Auto' ? transition.name : (transition.trigger.name ?? null), transition, classifier: transition.classifier };
    if (transition.isFork && transition.subprocess?.inOut === 'Finalize' && working.instance.parentProcessId !== null) {
      this.history.push(this.record(working, destination, trigger));
      this.finalizeSubprocess(working, transition);
      return;
    }
    this.moveTo(working, destination, trigger);
    await this.runActions(working, destination);
  }

  /** Starts the subprocess of a fork transition: a new member at the transition's destination. */
  async startSubprocess(parent: WorkingInstance, transition: CompiledTransition, type: MoveTrigger): Promise<void> {
    const scheme = this.schemeOf(parent.instance);
    const destination = this.activityOf(scheme, transition.to);
    const copy = transition.subprocess!;
    const parentParameters = { ...parent.instance.parameters };
    const parentTemporary = { ...parent.temporary };
    const keep = (name: string): boolean => {
      switch (copy.copyStrategy) {
        case 'CopyAll':
          return true;
        case 'IgnoreAll':
          return false;
        case 'CopySpecified':
          return copy.copyParameters.includes(name);
        case 'IgnoreSpecified':
          return !copy.copyParameters.includes(name);
      }
    };
    const stored: Record<string, JsonValue> = initialPersistentParameters(scheme);
    for (const [name, value] of Object.entries(parentParameters)) if (keep(name)) stored[name] = value;
    const parentInstance = parent.instance;
    const child = this.addCreated(newInstance({
      id: this.ctx.newId(),
      schemeCode: parentInstance.schemeCode,
      schemeId: parentInstance.schemeId,
      schemeVersion: parentInstance.schemeVersion,
      tenantId: parentInstance.tenantId,
      status: InstanceStatus.Running,
      activityName: transition.from,
      stateName: parentInstance.stateName,
      parentProcessId: parentInstance.id,
      rootProcessId: parentInstance.rootProcessId,
      startingTransitionName: transition.name,
      parameters: stored,
      createdAt: this.nowText,
    }));
    for (const [name, value] of Object.entries(parentTemporary)) if (keep(name)) child.temporary[name] = value;
    this.events.push({ type: 'statusChanged', processId: child.instance.id, oldStatus: InstanceStatus.Initialized, newStatus: InstanceStatus.Running });
    this.moveTo(child, destination, { type: 'Subprocess', name: type === 'Auto' ? transition.name : (transition.trigger.name ?? null), transition, classifier: transition.classifier });
    if (await this.runActions(child, destination)) this.enqueue(child);
  }

  /** Ends a subprocess (and its own subprocesses), merging its parameters into its parent. */
  private finalizeSubprocess(working: WorkingInstance, transition: CompiledTransition): void {
    const parentId = working.instance.parentProcessId!;
    const parent = this.removed.has(parentId) ? this.rootOf(working) : this.member(parentId);
    const merge = transition.subprocess!;
    const merged: Record<string, JsonValue> = { ...parent.instance.parameters };
    for (const [name, value] of Object.entries(working.instance.parameters)) {
      const present = Object.hasOwn(merged, name) && merged[name] !== null;
      const write =
        merge.mergeStrategy === 'OverwriteAll' ||
        (merge.mergeStrategy === 'OverwriteAllNulls' && !present) ||
        (merge.mergeStrategy === 'OverwriteSpecified' && merge.mergeParameters.includes(name)) ||
        (merge.mergeStrategy === 'DontOverwriteSpecified' && !merge.mergeParameters.includes(name));
      if (write) merged[name] = value;
    }
    this.update(parent, { parameters: merged });
    for (const ended of [working, ...this.liveDescendants(working.instance.id)]) {
      this.removed.add(ended.instance.id);
      ended.touched = true;
    }
    this.setStatus(working, InstanceStatus.Finalized);
    this.enqueue(parent);
  }

  // ------------------------------------------------------------- coming to rest

  enqueue(working: WorkingInstance): void {
    if (!this.queue.includes(working.instance.id)) this.queue.push(working.instance.id);
  }

  /** Follows Auto transitions of every queued member until each rests, ends or fails. */
  async settle(): Promise<void> {
    while (this.queue.length > 0) {
      const id = this.queue.shift()!;
      if (this.removed.has(id)) continue;
      const working = this.member(id);
      if (!this.isActive(working)) continue;
      try {
        await this.settleOne(working);
      } catch (error) {
        this.fail(working, errorText(error));
      }
    }
  }

  private async settleOne(working: WorkingInstance): Promise<void> {
    const limit = this.ctx.maxAutoSteps ?? DEFAULT_MAX_AUTO_STEPS;
    for (;;) {
      if (this.removed.has(working.instance.id) || !this.isActive(working)) return;
      const scheme = this.schemeOf(working.instance);
      const activity = this.activityOf(scheme, working.instance.activityName);
      if (activity.isFinal) {
        this.setStatus(working, InstanceStatus.Finalized);
        return;
      }
      const autos = (scheme.transitionsFrom.get(activity.name) ?? []).filter((t) => t.trigger.type === 'Auto');
      const { forks, next } = autos.length > 0 ? await this.select(working, autos) : { forks: [], next: undefined };
      for (const fork of forks) await this.startSubprocess(working, fork, 'Auto');
      if (!next) {
        this.setStatus(working, InstanceStatus.Idled);
        return;
      }
      if (this.autoSteps >= limit) {
        this.fail(working, loopGuardMessage(limit, working.autoTrail.length > 0 ? working.autoTrail : [working.instance.activityName]));
        return;
      }
      this.autoSteps += 1;
      if (working.autoTrail.length === 0) working.autoTrail.push(working.instance.activityName);
      working.autoTrail.push(next.to);
      await this.take(working, next, 'Auto');
    }
  }

  // -------------------------------------------------------------- the result

  /** Records that the actor executed `command` on the instance (its outbox). */
  addOutbox(working: WorkingInstance, command: string): void {
    if (this.actor.identityId === null) return;
    this.outbox.push({
      processId: working.instance.id,
      identityId: this.actor.identityId,
      commandName: command,
      activityName: working.instance.activityName,
      stateName: working.instance.stateName,
      executedAt: this.nowText,
    });
  }

  /** Builds the StepResult: touched members with timers and inbox recomputed. */
  async finish(): Promise<StepResult> {
    const instances: ProcessInstance[] = [];
    const inbox = new Map<string, readonly InboxItem[]>();
    const timers = new Map<string, readonly ArmedTimer[]>();
    // Subprocesses that started and ended within this step are listed too: the store then drops
    // whatever rows the step wrote about them (their history), as for any removed subprocess.
    const removedInstanceIds = [...this.removed];
    for (const id of this.removed) {
      inbox.set(id, []);
      timers.set(id, []);
    }
    for (const working of this.members.values()) {
      if (!working.touched || this.removed.has(working.instance.id)) continue;
      if (working.instance.status === InstanceStatus.Running) this.setStatus(working, InstanceStatus.Idled);
      timers.set(working.instance.id, this.timersOf(working));
      inbox.set(working.instance.id, await this.inboxOf(working));
      instances.push(working.instance);
    }
    return { instances, removedInstanceIds, history: this.history, inbox, outbox: this.outbox, timers, events: this.events, messages: this.messages };
  }

  private timersOf(working: WorkingInstance): ArmedTimer[] {
    if (working.instance.status !== InstanceStatus.Idled) return [];
    const existing = this.family?.timers?.get(working.instance.id) ?? [];
    try {
      return armTimersFor(
        this.schemeOf(working.instance),
        working.instance,
        this.ctx.now,
        this.parametersOf(working),
        existing,
        working.entered,
        working.firedTimer,
      );
    } catch (error) {
      this.fail(working, `Timers could not be armed: ${errorText(error)}`);
      return [];
    }
  }

  /** The instance's complete inbox: who may execute which command of its current activity. */
  async inboxOf(working: WorkingInstance): Promise<InboxItem[]> {
    if (!this.isActive(working)) return [];
    const scheme = this.schemeOf(working.instance);
    const commandsByIdentity = new Map<string, string[]>();
    const check = this.actorCheck(working, false);
    for (const transition of scheme.transitionsFrom.get(working.instance.activityName) ?? []) {
      if (transition.trigger.type !== 'Command' || transition.trigger.name === undefined) continue;
      let identities: string[];
      try {
        identities = await identitiesAllowedFor(transition, check);
      } catch (error) {
        // A rule nobody can answer now (no callback server) names nobody; the step still stands.
        if (isWaymarkError(error)) continue;
        throw error;
      }
      for (const identity of identities) {
        const commands = commandsByIdentity.get(identity) ?? [];
        if (!commands.includes(transition.trigger.name)) commands.push(transition.trigger.name);
        commandsByIdentity.set(identity, commands);
      }
    }
    return [...commandsByIdentity].map(([identityId, availableCommands]) => ({
      processId: working.instance.id,
      identityId,
      availableCommands,
      addedAt: this.nowText,
    }));
  }
}

/** The declared Persistence parameters that have an initial value. */
export function initialPersistentParameters(scheme: CompiledScheme): Record<string, JsonValue> {
  const values: Record<string, JsonValue> = {};
  for (const declared of scheme.parameters.values()) {
    if (declared.purpose === 'Persistence' && declared.initialValue !== undefined) values[declared.name] = declared.initialValue as JsonValue;
  }
  return values;
}

/** The StepResult of a call that changed nothing. */
export function emptyStep(): StepResult {
  return { instances: [], removedInstanceIds: [], history: [], inbox: new Map(), outbox: [], timers: new Map(), events: [], messages: [] };
}

function errorText(error: unknown): string {
  if (error instanceof Error) return isWaymarkError(error) ? `${error.code}: ${error.message}` : error.message;
  return String(error);
}

function actionFailure(action: ActionCall, error: unknown): string {
  return `Action ${action.name} failed: ${errorText(error)}`;
}

/**
 * The Error message of the Auto loop guard, naming the cycle: the activities from the last
 * activity's previous visit up to it (`A → B → A`), or the whole trail when nothing repeats.
 */
export function loopGuardMessage(limit: number, trail: readonly string[]): string {
  const last = trail[trail.length - 1];
  const earlier = last === undefined ? -1 : trail.lastIndexOf(last, trail.length - 2);
  const cycle = earlier >= 0 ? trail.slice(earlier) : trail.slice(-10);
  return `Automatic transitions did not come to rest after ${limit} steps; cycle: ${cycle.join(' → ')}`;
}
