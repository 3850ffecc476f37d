/**
 * The engine's operations: each takes a process family and an input and returns the step to
 * store. Pure: time comes from `ctx.now`, ids from `ctx.newId`, and nothing passed in is changed.
 */
import { newInstance } from './new-instance.js';
import { WaymarkError } from '../errors/index.js';
import type { Classifier, CommandInputParameter, CompiledScheme, CompiledTransition } from '../scheme/model.js';
import { actorMayTrigger, identitiesAllowedFor } from './actors.js';
import { localize } from './localization.js';
import { emptyStep, initialPersistentParameters, StepRun, type WorkingInstance } from './step.js';
import {
  InstanceStatus,
  type Actor,
  type EngineContext,
  type JsonValue,
  type ParameterInput,
  type ParameterPolicy,
  type ProcessFamily,
  type StepResult,
} from './types.js';

/** A command someone may execute now (`getavailablecommands`). */
export interface AvailableCommand {
  name: string;
  localizedName: string;
  classifier: Classifier;
  /** True when the command belongs to a subprocess of the asked instance (or the instance is one). */
  isForSubprocess: boolean;
  validForStateName: string | null;
  validForActivityName: string;
  /** The instance the command runs on. */
  processId: string;
  /** Everyone who may execute it (for the inbox). */
  identities: string[];
  parameters: { parameterName: string; localizedName: string; typeName: string; isRequired: boolean; defaultValue: JsonValue | null }[];
}

const NO_CALL_ACTOR: Actor = { identityId: null, impersonatedIdentityId: null };

function callFacts(actor: Actor, command: string | null = null, timer: string | null = null) {
  return { identityId: actor.identityId, impersonatedIdentityId: actor.impersonatedIdentityId, currentCommand: command, executedTimer: timer };
}

function notActive(working: WorkingInstance): WaymarkError<'WM_INSTANCE_NOT_ACTIVE'> {
  const status = Object.entries(InstanceStatus).find(([, value]) => value === working.instance.status)?.[0] ?? String(working.instance.status);
  return new WaymarkError('WM_INSTANCE_NOT_ACTIVE', `Process instance ${working.instance.id} is ${status} and cannot run commands`, {
    processId: working.instance.id,
    instanceStatus: working.instance.status,
  });
}

/**
 * Creates a process instance in the scheme's initial activity: declared Persistence parameters
 * get their initial values, the given parameters are applied (stored when `persist` or declared
 * Persistence, else temporary for this step), the initial activity's actions run, then Auto
 * transitions until the process rests (Idled) or ends (Finalized). An action failure leaves the
 * new instance in Error.
 */
export async function createInstance(
  ctx: EngineContext,
  scheme: CompiledScheme,
  input: { processId: string; schemeId: string; schemeVersion: number; tenantId: string | null; actor: Actor; parameters: readonly ParameterInput[] },
): Promise<StepResult> {
  if (typeof input.processId !== 'string' || input.processId.trim() === '') {
    throw new WaymarkError('WM_INPUT_MISSING', 'A process id is required', {});
  }
  const run = new StepRun(ctx, null, input.actor, callFacts(input.actor), new Map([[input.schemeId, scheme]]));
  const initial = scheme.initialActivity;
  const working = run.addCreated(newInstance({
    id: input.processId,
    schemeCode: scheme.code,
    schemeId: input.schemeId,
    schemeVersion: input.schemeVersion,
    tenantId: input.tenantId,
    status: InstanceStatus.Initialized,
    activityName: initial.name,
    stateName: initial.state,
    parentProcessId: null,
    rootProcessId: input.processId,
    startingTransitionName: null,
    parameters: initialPersistentParameters(scheme),
    createdAt: run.nowText,
  }));
  run.applyInputs(working, input.parameters);
  run.begin(working);
  if (await run.runActions(working, initial)) run.enqueue(working);
  await run.settle();
  return run.finish();
}

/** The Command transitions of the instance's current activity triggered by `command`. */
function commandTransitions(scheme: CompiledScheme, activityName: string, command: string): CompiledTransition[] {
  return (scheme.transitionsFrom.get(activityName) ?? []).filter((t) => t.trigger.type === 'Command' && t.trigger.name === command);
}

function commandIsKnown(scheme: CompiledScheme, command: string): boolean {
  if (scheme.commands.has(command)) return true;
  return scheme.definition.transitions.some((t) => t.trigger.type === 'Command' && t.trigger.name === command);
}

/**
 * Executes a command on an instance. Checks, in order: the instance can run
 * (WM_INSTANCE_NOT_ACTIVE for Finalized, Terminated, Error), the command exists
 * (WM_COMMAND_NOT_FOUND, `The command {name} is not found!`), the current activity has it
 * (WM_COMMAND_NOT_AVAILABLE), the actor may trigger one of its transitions, as itself or as the
 * identity it impersonates (WM_COMMAND_NOT_ALLOWED), the required command parameters are given
 * (WM_COMMAND_PARAMETER_MISSING), and, under the `commandInputsOnly` parameter policy, no other
 * parameter is given (WM_INPUT_INVALID). Then the conditions of the allowed transitions are evaluated in
 * scheme order (Otherwise last); when none holds nothing changes and `wasExecuted` is false.
 * Errors while evaluating these first conditions are thrown (nothing has changed yet); failures
 * after the transition (actions, later Auto transitions) put the instance in Error instead.
 */
export async function executeCommand(
  ctx: EngineContext,
  family: ProcessFamily,
  input: { processId: string; command: string; actor: Actor; parameters: readonly ParameterInput[]; parameterPolicy?: ParameterPolicy },
): Promise<{ wasExecuted: boolean; step: StepResult }> {
  const policy = input.parameterPolicy ?? 'anyParameter';
  const run = new StepRun(ctx, family, input.actor, callFacts(input.actor, input.command));
  const working = run.member(input.processId);
  if (!run.isActive(working)) throw notActive(working);
  const scheme = run.schemeOf(working.instance);
  if (typeof input.command !== 'string' || !commandIsKnown(scheme, input.command)) {
    throw new WaymarkError('WM_COMMAND_NOT_FOUND', `The command ${String(input.command)} is not found!`, {
      command: input.command,
      schemeCode: scheme.code,
    });
  }
  const candidates = commandTransitions(scheme, working.instance.activityName, input.command);
  if (candidates.length === 0) {
    throw new WaymarkError(
      'WM_COMMAND_NOT_AVAILABLE',
      `The command ${input.command} is not available in activity ${working.instance.activityName}`,
      { command: input.command, processId: working.instance.id, activityName: working.instance.activityName },
    );
  }
  const check = run.actorCheck(working, false);
  const allowed: CompiledTransition[] = [];
  for (const transition of candidates) if (await actorMayTrigger(transition, input.actor, check)) allowed.push(transition);
  if (allowed.length === 0) {
    throw new WaymarkError(
      'WM_COMMAND_NOT_ALLOWED',
      `The command ${input.command} is not allowed for identity ${input.actor.identityId ?? '(none)'}`,
      { command: input.command, processId: working.instance.id, identityId: input.actor.identityId, impersonatedIdentityId: input.actor.impersonatedIdentityId },
    );
  }
  run.applyInputs(working, withCommandParameters(scheme, input.command, input.parameters, policy), { mayStore: policy === 'anyParameter' });
  const { forks, next } = await run.select(working, allowed);
  if (forks.length === 0 && !next) return { wasExecuted: false, step: emptyStep() };

  run.begin(working);
  run.addOutbox(working, input.command);
  try {
    for (const fork of forks) await run.startSubprocess(working, fork, 'Command');
    if (next) await run.take(working, next, 'Command');
    if (run.isActive(working)) run.enqueue(working);
  } catch (error) {
    run.fail(working, error instanceof Error ? error.message : String(error));
  }
  await run.settle();
  return { wasExecuted: true, step: await run.finish() };
}

/**
 * Maps the caller's parameters onto the command's input parameters: a command parameter given
 * by its name fills the process parameter it refers to; a missing one takes its default, or is
 * refused with WM_COMMAND_PARAMETER_MISSING when required. Other given parameters pass through
 * under the `anyParameter` policy and are refused with WM_INPUT_INVALID under `commandInputsOnly`.
 */
function withCommandParameters(scheme: CompiledScheme, command: string, given: readonly ParameterInput[], policy: ParameterPolicy): ParameterInput[] {
  const inputParameters = scheme.commands.get(command)?.inputParameters ?? [];
  if (policy === 'commandInputsOnly') refuseUndeclared(command, inputParameters, given);
  if (!scheme.commands.has(command)) return [...given];
  const result: ParameterInput[] = [];
  const consumed = new Set<string>();
  for (const inputParameter of inputParameters) {
    const supplied = given.find((p) => p.name === inputParameter.name) ?? given.find((p) => p.name === inputParameter.parameterName);
    if (supplied) {
      consumed.add(supplied.name);
      result.push({ ...supplied, name: inputParameter.parameterName });
      continue;
    }
    if (inputParameter.isRequired) {
      throw new WaymarkError('WM_COMMAND_PARAMETER_MISSING', `The command ${command} needs the parameter ${inputParameter.name}`, {
        command,
        parameterName: inputParameter.name,
      });
    }
    if (inputParameter.defaultValue !== undefined) {
      result.push({ name: inputParameter.parameterName, value: inputParameter.defaultValue as JsonValue });
    }
  }
  for (const parameter of given) if (!consumed.has(parameter.name)) result.push(parameter);
  return result;
}

/**
 * Refuses every given parameter that is not one of the command's declared inputs, each input
 * given at most once (by its own name or by the process parameter it fills).
 */
function refuseUndeclared(command: string, inputParameters: readonly CommandInputParameter[], given: readonly ParameterInput[]): void {
  const filled = new Set<CommandInputParameter>();
  for (const parameter of given) {
    const input = inputParameters.find((p) => p.name === parameter.name) ?? inputParameters.find((p) => p.parameterName === parameter.name);
    if (input && !filled.has(input)) {
      filled.add(input);
      continue;
    }
    const inputs = inputParameters.map((p) => p.name).join(', ') || 'none';
    throw new WaymarkError(
      'WM_INPUT_INVALID',
      input
        ? `The parameter ${input.name} of command ${command} is given twice`
        : `The parameter ${String(parameter.name)} is not an input of command ${command} (its inputs: ${inputs})`,
      { field: 'parameters', command, parameterName: parameter.name },
    );
  }
}

/**
 * The commands the actor may execute now on the instance and its live subprocesses: Command
 * transitions of each one's current activity whose restrictions let the actor (or the identity it
 * impersonates) through. Conditions are not evaluated (they decide the route, not the offer).
 * Instances that cannot run commands offer none.
 */
export async function getAvailableCommands(
  ctx: EngineContext,
  family: ProcessFamily,
  input: { processId: string; actor: Actor; culture?: string },
): Promise<AvailableCommand[]> {
  const run = new StepRun(ctx, family, input.actor, callFacts(input.actor));
  const asked = run.member(input.processId);
  const commands: AvailableCommand[] = [];
  for (const working of [asked, ...run.liveDescendants(asked.instance.id)]) {
    if (!run.isActive(working)) continue;
    const scheme = run.schemeOf(working.instance);
    const check = run.actorCheck(working, false);
    const byName = new Map<string, AvailableCommand>();
    for (const transition of scheme.transitionsFrom.get(working.instance.activityName) ?? []) {
      const name = transition.trigger.name;
      if (transition.trigger.type !== 'Command' || name === undefined) continue;
      if (!(await actorMayTrigger(transition, input.actor, check))) continue;
      const identities = await identitiesAllowedFor(transition, check).catch(() => [] as string[]);
      const known = byName.get(name);
      if (known) {
        for (const identity of identities) if (!known.identities.includes(identity)) known.identities.push(identity);
        continue;
      }
      const definition = scheme.commands.get(name);
      byName.set(name, {
        name,
        localizedName: localize(scheme, 'Command', name, input.culture),
        classifier: transition.classifier,
        isForSubprocess: working.instance.parentProcessId !== null,
        validForStateName: working.instance.stateName,
        validForActivityName: working.instance.activityName,
        processId: working.instance.id,
        identities: [...identities],
        parameters: (definition?.inputParameters ?? []).map((p) => ({
          parameterName: p.name,
          localizedName: localize(scheme, 'Parameter', p.name, input.culture),
          typeName: scheme.parameters.get(p.parameterName)?.type ?? 'String',
          isRequired: p.isRequired,
          defaultValue: p.defaultValue === undefined ? null : (p.defaultValue as JsonValue),
        })),
      });
    }
    commands.push(...byName.values());
  }
  return commands;
}

/**
 * Sets the instance to a state: `state` is a state name or an activity name of an IsForSetState
 * activity (WM_STATE_NOT_FOUND when neither exists, WM_STATE_NOT_SETTABLE when it is not
 * IsForSetState). Works whatever the instance's status (it is how an administrator revives one).
 * Runs the activity's actions unless `runActions` is false, then Auto transitions.
 */
export async function setState(
  ctx: EngineContext,
  family: ProcessFamily,
  input: { processId: string; state: string; actor: Actor; parameters: readonly ParameterInput[]; runActions?: boolean },
): Promise<StepResult> {
  const run = new StepRun(ctx, family, input.actor, callFacts(input.actor));
  const working = run.member(input.processId);
  const scheme = run.schemeOf(working.instance);
  const activities = [...scheme.activities.values()];
  const matching = activities.filter((a) => a.state === input.state || a.name === input.state);
  if (matching.length === 0) {
    throw new WaymarkError('WM_STATE_NOT_FOUND', `The state ${input.state} is not found in scheme ${scheme.code}`, {
      state: input.state,
      schemeCode: scheme.code,
    });
  }
  const target =
    matching.find((a) => a.isForSetState && a.state === input.state) ?? matching.find((a) => a.isForSetState && a.name === input.state);
  if (!target) {
    throw new WaymarkError('WM_STATE_NOT_SETTABLE', `The state ${input.state} cannot be set (it is not marked IsForSetState)`, {
      state: input.state,
      schemeCode: scheme.code,
    });
  }
  run.applyInputs(working, input.parameters);
  run.begin(working);
  run.moveTo(working, target, { type: 'SetState', name: input.state, transition: null, classifier: 'NotSpecified' });
  const actionsSucceeded = input.runActions === false || (await run.runActions(working, target));
  if (actionsSucceeded) run.enqueue(working);
  await run.settle();
  return run.finish();
}

/**
 * Resumes an instance in Error: from its current activity, or from `activity` when given
 * (WM_ACTIVITY_NOT_FOUND when the scheme has none of that name). Re-runs the activity's actions
 * and then Auto transitions. An instance not in Error is not resumed (`wasResumed` false).
 */
export async function resume(
  ctx: EngineContext,
  family: ProcessFamily,
  input: { processId: string; activity?: string; actor: Actor; parameters: readonly ParameterInput[] },
): Promise<{ wasResumed: boolean; step: StepResult }> {
  const run = new StepRun(ctx, family, input.actor, callFacts(input.actor));
  const working = run.member(input.processId);
  const scheme = run.schemeOf(working.instance);
  const target = run.activityOf(scheme, input.activity ?? working.instance.activityName);
  if (working.instance.status !== InstanceStatus.Error) return { wasResumed: false, step: emptyStep() };
  run.applyInputs(working, input.parameters);
  run.begin(working);
  run.moveTo(working, target, { type: 'Resume', name: null, transition: null, classifier: 'NotSpecified' });
  if (await run.runActions(working, target)) run.enqueue(working);
  await run.settle();
  return { wasResumed: true, step: await run.finish() };
}

/**
 * Fires a timer that fell due: when the instance is still active and its current activity has
 * Timer transitions of that name, the first whose conditions hold is taken (then Auto
 * transitions). `fired` is false, and nothing changes, when the instance has moved on. When the
 * timer fires but no condition holds, the step only drops the fired timer.
 */
export async function fireTimer(
  ctx: EngineContext,
  family: ProcessFamily,
  input: { processId: string; timerName: string },
): Promise<{ fired: boolean; step: StepResult }> {
  const run = new StepRun(ctx, family, NO_CALL_ACTOR, callFacts(NO_CALL_ACTOR, null, input.timerName));
  const working = run.member(input.processId);
  if (!run.isActive(working)) return { fired: false, step: emptyStep() };
  const scheme = run.schemeOf(working.instance);
  const candidates = (scheme.transitionsFrom.get(working.instance.activityName) ?? []).filter(
    (t) => t.trigger.type === 'Timer' && t.trigger.name === input.timerName,
  );
  if (candidates.length === 0) return { fired: false, step: emptyStep() };
  working.firedTimer = input.timerName;
  working.touched = true;
  try {
    const { forks, next } = await run.select(working, candidates);
    if (forks.length > 0 || next) run.begin(working);
    for (const fork of forks) await run.startSubprocess(working, fork, 'Timer');
    if (next) await run.take(working, next, 'Timer');
    if (run.isActive(working)) run.enqueue(working);
  } catch (error) {
    run.fail(working, error instanceof Error ? error.message : String(error));
  }
  await run.settle();
  return { fired: true, step: await run.finish() };
}

/** Recomputes the inbox of one instance (nothing else changes: `instances` is empty). */
export async function recalculateInbox(ctx: EngineContext, family: ProcessFamily, processId: string): Promise<StepResult> {
  const run = new StepRun(ctx, family, NO_CALL_ACTOR, callFacts(NO_CALL_ACTOR));
  const working = run.member(processId);
  const inbox = await run.inboxOf(working);
  return { ...emptyStep(), inbox: new Map([[processId, inbox]]) };
}
