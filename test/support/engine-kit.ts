/**
 * Test-only helpers for engine scenarios: small schemes written in a few lines, a fake identity
 * directory and callback server, an injected clock, and a family that follows the steps.
 */
import { compileScheme, type CompileOptions } from '../../src/scheme/index.js';
import type {
  ActionCall,
  ActivityDefinition,
  ActorDefinition,
  CommandDefinition,
  CompiledScheme,
  ConditionDefinition,
  ParameterDefinition,
  RestrictionDefinition,
  SchemeDefinition,
  SubprocessDefinition,
  TimerDefinition,
  TransitionDefinition,
  TriggerDefinition,
} from '../../src/scheme/model.js';
import { WaymarkError } from '../../src/errors/index.js';
import type {
  Actor,
  ArmedTimer,
  EngineContext,
  ExternalCallContext,
  ExternalCalls,
  IdentityDirectory,
  JsonValue,
  ProcessFamily,
  ProcessInstance,
  StepResult,
} from '../../src/engine/types.js';

/** An activity with defaults: not initial, not final, settable, no actions. */
export function activity(name: string, options: Partial<Omit<ActivityDefinition, 'name'>> = {}): ActivityDefinition {
  return {
    name,
    state: name,
    isInitial: false,
    isFinal: false,
    isForSetState: true,
    isAutoSchemeUpdate: true,
    implementation: [],
    preExecutionImplementation: [],
    ...options,
  };
}

/** An action call for an activity's Implementation. */
export function action(name: string, parameter: unknown = null, order = 1): ActionCall {
  return { order, name, parameter: parameter === null ? null : typeof parameter === 'string' ? parameter : JSON.stringify(parameter) };
}

/** Condition shorthands. */
export const when = {
  always: (): ConditionDefinition => ({ type: 'Always' }),
  otherwise: (): ConditionDefinition => ({ type: 'Otherwise' }),
  expression: (expression: string, inverted = false): ConditionDefinition => ({ type: 'Expression', expression, inverted }),
  action: (name: string, parameter: unknown = null, inverted = false): ConditionDefinition => ({
    type: 'Action',
    action: name,
    parameter: parameter === null ? null : typeof parameter === 'string' ? parameter : JSON.stringify(parameter),
    inverted,
  }),
};

/** Trigger shorthands. */
export const on = {
  auto: (): TriggerDefinition => ({ type: 'Auto' }),
  command: (name: string): TriggerDefinition => ({ type: 'Command', name }),
  timer: (name: string): TriggerDefinition => ({ type: 'Timer', name }),
};

export const allow = (actor: string): RestrictionDefinition => ({ type: 'Allow', actor });
export const restrict = (actor: string): RestrictionDefinition => ({ type: 'Restrict', actor });

/** A transition `from → to`, by default Auto with Always. */
export function transition(
  from: string,
  to: string,
  options: Partial<Omit<TransitionDefinition, 'from' | 'to'>> & { subprocess?: SubprocessDefinition } = {},
): TransitionDefinition {
  return {
    name: `${from}_${to}`,
    from,
    to,
    classifier: 'NotSpecified',
    trigger: on.auto(),
    conditions: [when.always()],
    conditionsConcatenation: 'And',
    restrictions: [],
    allowConcatenation: 'And',
    restrictConcatenation: 'And',
    isFork: options.subprocess !== undefined,
    disableParentStateControl: false,
    ...options,
  };
}

/** A subprocess definition with defaults (CopyAll, OverwriteAllNulls). */
export function subprocess(inOut: 'Start' | 'Finalize', options: Partial<Omit<SubprocessDefinition, 'inOut'>> = {}): SubprocessDefinition {
  return { inOut, copyStrategy: 'CopyAll', copyParameters: [], mergeStrategy: 'OverwriteAllNulls', mergeParameters: [], ...options };
}

export const parameter = (
  name: string,
  type: string,
  purpose: ParameterDefinition['purpose'] = 'Persistence',
  initialValue?: unknown,
): ParameterDefinition => (initialValue === undefined ? { name, type, purpose } : { name, type, purpose, initialValue });

export const actor = (name: string, rule: string, value: string | null): ActorDefinition => ({ name, rule, value });

export const command = (name: string, inputParameters: CommandDefinition['inputParameters'] = []): CommandDefinition => ({
  name,
  inputParameters,
});

export const timer = (name: string, type: TimerDefinition['type'], value: string, options: Partial<TimerDefinition> = {}): TimerDefinition => ({
  name,
  type,
  value,
  notOverrideIfExists: false,
  ...options,
});

/** Compiles a small scheme (with `options`, e.g. leniently). The first activity is initial unless one says otherwise. */
export function scheme(parts: Partial<SchemeDefinition> & { activities: readonly ActivityDefinition[] }, options: Partial<CompileOptions> = {}): CompiledScheme {
  const activities = parts.activities.some((a) => a.isInitial)
    ? parts.activities
    : parts.activities.map((a, index) => (index === 0 ? { ...a, isInitial: true } : a));
  const commandNames = new Set((parts.transitions ?? []).flatMap((t) => (t.trigger.type === 'Command' && t.trigger.name ? [t.trigger.name] : [])));
  const commands = parts.commands ?? [...commandNames].map((name) => command(name));
  return compileScheme({
    code: 'Test',
    name: 'Test',
    tags: [],
    logEnabled: false,
    parameters: [],
    actors: [],
    timers: [],
    transitions: [],
    localization: [],
    ...parts,
    commands,
    activities,
  }, options);
}

/** A fake callback server: the named actions/conditions/rules, anything else unavailable. */
export interface FakeExternal {
  actions?: Record<string, (parameter: string | null, context: ExternalCallContext) => Record<string, JsonValue> | void>;
  conditions?: Record<string, (parameter: string | null, context: ExternalCallContext) => boolean>;
  rules?: Record<string, { check: (value: string | null, identityId: string) => boolean; identities: (value: string | null) => string[] }>;
}

function unavailable(kind: string, name: string): WaymarkError {
  return new WaymarkError('WM_EXTERNAL_UNAVAILABLE', `No callback server provides the ${kind} ${name}`, { name });
}

export function fakeExternal(fake: FakeExternal = {}): ExternalCalls & { calls: { name: string; parameter: string | null; parameters: Record<string, JsonValue> }[] } {
  const calls: { name: string; parameter: string | null; parameters: Record<string, JsonValue> }[] = [];
  return {
    calls,
    async executeAction(name, parameter, context) {
      const run = fake.actions?.[name];
      if (!run) throw unavailable('action', name);
      calls.push({ name, parameter, parameters: { ...context.parameters } });
      return run(parameter, context);
    },
    async executeCondition(name, parameter, context) {
      const run = fake.conditions?.[name];
      if (!run) throw unavailable('condition', name);
      return run(parameter, context);
    },
    async checkRule(rule, value, identityId) {
      const found = fake.rules?.[rule];
      if (!found) throw unavailable('rule', rule);
      return found.check(value, identityId);
    },
    async getIdentities(rule, value) {
      const found = fake.rules?.[rule];
      if (!found) throw unavailable('rule', rule);
      return found.identities(value);
    },
  };
}

/** A directory from role → users. */
export function fakeDirectory(roles: Record<string, readonly string[]> = {}): IdentityDirectory {
  return {
    async isInRole(identityId, role) {
      return roles[role]?.includes(identityId) ?? false;
    },
    async usersInRole(role) {
      return roles[role] ?? [];
    },
  };
}

/** An engine context with an injected clock and sequential subprocess ids (`sub-1`, `sub-2`, …). */
export function context(
  compiled: CompiledScheme,
  options: { now?: Date; roles?: Record<string, readonly string[]>; external?: ExternalCalls; maxAutoSteps?: number } = {},
): EngineContext {
  let next = 0;
  return {
    now: options.now ?? new Date('2026-03-02T09:00:00.000Z'),
    directory: fakeDirectory(options.roles),
    external: options.external ?? fakeExternal(),
    schemeFor: () => compiled,
    newId: () => `sub-${++next}`,
    ...(options.maxAutoSteps === undefined ? {} : { maxAutoSteps: options.maxAutoSteps }),
  };
}

/** The same context at another time. */
export function at(ctx: EngineContext, now: Date): EngineContext {
  return { ...ctx, now };
}

export const user = (identityId: string | null, impersonatedIdentityId: string | null = null): Actor => ({ identityId, impersonatedIdentityId });
export const nobody: Actor = user(null);

/** The family after applying `step` to `before` (the store's job, done in memory). */
export function applyStep(before: ProcessFamily | null, step: StepResult): ProcessFamily {
  const instances = new Map<string, ProcessInstance>(before ? before.instances : []);
  const timers = new Map<string, readonly ArmedTimer[]>(before?.timers ?? []);
  for (const changed of step.instances) instances.set(changed.id, { ...changed, revision: changed.revision + 1 });
  for (const removed of step.removedInstanceIds) {
    instances.delete(removed);
    timers.delete(removed);
  }
  for (const [id, armed] of step.timers) if (instances.has(id)) timers.set(id, armed);
  const rootId = before?.root.id ?? step.instances.find((i) => i.parentProcessId === null)!.id;
  return { root: instances.get(rootId)!, instances, timers };
}

/** The member `id` of a family. */
export function member(family: ProcessFamily, id: string): ProcessInstance {
  const found = family.instances.get(id);
  if (!found) throw new Error(`no instance ${id} in the family`);
  return found;
}

/** The inbox of a step as `identity → commands` for one instance. */
export function inboxOf(step: StepResult, processId: string): Record<string, readonly string[]> {
  const items = step.inbox.get(processId);
  if (!items) throw new Error(`the step has no inbox entry for ${processId}`);
  return Object.fromEntries(items.map((item) => [item.identityId, item.availableCommands]));
}

/** `from → to` of each history record, for compact assertions. */
export function route(step: StepResult, processId?: string): string[] {
  return step.history.filter((r) => processId === undefined || r.processId === processId).map((r) => `${r.fromActivityName} → ${r.toActivityName}`);
}
