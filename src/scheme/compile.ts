/**
 * Scheme compilation: validates a SchemeDefinition (collecting every problem), pre-parses its
 * expressions, timer values and the parameters of built-in actions, and builds the immutable,
 * indexed CompiledScheme the engine runs. Nothing downstream parses scheme text again.
 */
import { SchemeInvalidError, isWaymarkError, type SchemeProblem } from '../errors/index.js';
import { parseActionArguments, parseConditionArguments, type ParsedArguments } from './action-arguments.js';
import { BUILT_IN_ACTIONS, BUILT_IN_CONDITIONS, BUILT_IN_RULES, FILE_ACTIONS, FILE_ACTIONS_ARE_OFF } from './built-in-names.js';
import { compileExpression } from './expressions.js';
import { isPrototypeKey } from './reserved-names.js';
import { timerSchedule } from './timer-schedule.js';
import type {
  ActionCall,
  ActivityDefinition,
  CompiledActionCall,
  CompiledActivity,
  CompiledCondition,
  CompiledScheme,
  CompiledTimer,
  CompiledTransition,
  ExternalNeeds,
  SchemeDefinition,
} from './model.js';

export { BUILT_IN_ACTIONS, BUILT_IN_CONDITIONS, BUILT_IN_RULES, FILE_ACTIONS } from './built-in-names.js';

/** Built-in, read-only parameters every process has; a scheme may not declare parameters with these names. */
export const SYSTEM_PARAMETER_NAMES: readonly string[] = Object.freeze([
  'ProcessId',
  'SchemeCode',
  'SchemeId',
  'CurrentState',
  'CurrentActivity',
  'IdentityId',
  'ImpersonatedIdentityId',
  'IdentityIds',
  'ImpersonatedIdentityIds',
  'CurrentCommand',
  'ExecutedTimer',
  'ExecutedActivity',
  'ExecutedActivityState',
  'PreviousState',
  'PreviousActivity',
  'PreviousStateForDirect',
  'PreviousStateForReverse',
  'PreviousActivityForDirect',
  'PreviousActivityForReverse',
  'ParentProcessId',
  'RootProcessId',
  'IsPreExecution',
  'StartTransitionalProcessActivity',
  'IsSubprocess',
  'TenantId',
  'CreationDate',
]);

/** Most activities, and separately most transitions, one scheme may have. */
export const MAX_SCHEME_ELEMENTS = 5000;

/** What compilation may accept. */
export interface CompileOptions {
  /** Names Waymark provides itself (their parameters are parsed); the rest become the scheme's external needs. */
  readonly builtInActions: ReadonlySet<string>;
  readonly builtInConditions: ReadonlySet<string>;
  readonly builtInRules: ReadonlySet<string>;
  /**
   * False refuses every file action (`WM_SCHEME_UNSUPPORTED`): the server has no sandbox folder.
   * Default true, as for a stored scheme, whose file actions then fail when they run.
   */
  readonly fileActionsAllowed: boolean;
  /**
   * What becomes of a built-in action's parameter that no run can accept: `refuse` (the default,
   * a problem) or `failWhenRun` (the action fails when it runs, with the same message). A stored
   * scheme version is compiled with `failWhenRun`, so one saved before parameters were checked
   * keeps running as it did.
   */
  readonly parameterProblems: 'refuse' | 'failWhenRun';
}

const DEFAULT_OPTIONS: CompileOptions = {
  builtInActions: BUILT_IN_ACTIONS,
  builtInConditions: BUILT_IN_CONDITIONS,
  builtInRules: BUILT_IN_RULES,
  fileActionsAllowed: true,
  parameterProblems: 'refuse',
};

/** The prototypes of the data a compiled scheme is made of; other objects (a library's croner schedule) keep their own state. */
const DATA_PROTOTYPES: ReadonlySet<unknown> = new Set([Object.prototype, Array.prototype, Map.prototype, null]);

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if (!DATA_PROTOTYPES.has(Object.getPrototypeOf(value))) return value;
  if (value instanceof Map) {
    for (const [key, item] of value) {
      deepFreeze(key);
      deepFreeze(item);
    }
    // A frozen Map can still be changed through set/delete: make them throw.
    const refuse = (): never => {
      throw new TypeError('A compiled scheme is read-only');
    };
    Object.defineProperties(value, { set: { value: refuse }, delete: { value: refuse }, clear: { value: refuse } });
  }
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}

function quoted(name: string): string {
  return `"${name}"`;
}

/**
 * Reports names that occur more than once in a list, once per duplicate.
 */
function checkUnique(
  items: readonly { readonly name: string }[],
  kind: string,
  collection: string,
  problems: SchemeProblem[],
): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.name)) {
      problems.push({ where: `${collection}[${index}] ${quoted(item.name)}`, message: `${kind} name ${quoted(item.name)} is used more than once` });
    }
    seen.add(item.name);
  });
}

function addNeed(needs: Set<string>, name: string, builtIn: ReadonlySet<string>): void {
  if (!builtIn.has(name)) needs.add(name);
}

/** The arguments, a problem (`refuse`), or arguments that fail when run (`failWhenRun`). */
function argumentsOrProblem<T>(
  result: ParsedArguments<T>,
  where: string,
  options: CompileOptions,
  problems: SchemeProblem[],
): T | { readonly kind: 'Invalid'; readonly problem: string } {
  if ('arguments' in result) return result.arguments;
  if (options.parameterProblems === 'refuse') problems.push({ where, message: result.problem });
  return { kind: 'Invalid', problem: result.problem };
}

/** The activity with its Implementation sorted by order and each action's parameter parsed. */
function compileActivity(activity: ActivityDefinition, index: number, options: CompileOptions, problems: SchemeProblem[]): CompiledActivity {
  const sorted = [...activity.implementation].map((call, position) => ({ call, position })).sort((a, b) => a.call.order - b.call.order);
  const implementation = sorted.map(({ call, position }): CompiledActionCall => {
    const where = `activities[${index}] ${quoted(activity.name)}.implementation[${position}] ${quoted(call.name)}`;
    const parsed = options.builtInActions.has(call.name) ? parseActionArguments(call.name, call.parameter) : { arguments: { kind: 'External' } as const };
    return { ...call, arguments: argumentsOrProblem(parsed, where, options, problems) };
  });
  return { ...activity, implementation };
}

/** File actions where none may run: each use, with where it is. */
function refuseFileActions(definition: SchemeDefinition): SchemeProblem[] {
  const problems: SchemeProblem[] = [];
  definition.activities.forEach((activity, index) => {
    for (const group of ['implementation', 'preExecutionImplementation'] as const) {
      activity[group].forEach((call: ActionCall, position) => {
        if (!FILE_ACTIONS.has(call.name)) return;
        problems.push({
          where: `activities[${index}] ${quoted(activity.name)}.${group}[${position}]`,
          message: `file action ${quoted(call.name)} is used by activity ${quoted(activity.name)} (${group}, order ${call.order}); ${FILE_ACTIONS_ARE_OFF}`,
        });
      });
    }
  });
  return problems;
}

/**
 * Validates and compiles a scheme. Collects every problem and throws
 * `SchemeInvalidError('WM_SCHEME_INVALID', problems, code)` when there is any, or
 * `SchemeInvalidError('WM_SCHEME_UNSUPPORTED', …)` when the only problems are actions this server
 * does not run (file actions without a sandbox folder).
 * The result is deeply frozen; `externalNeeds` lists what must come from a callback server.
 */
export function compileScheme(definition: SchemeDefinition, given: Partial<CompileOptions> = {}): CompiledScheme {
  const options: CompileOptions = { ...DEFAULT_OPTIONS, ...given };
  const problems: SchemeProblem[] = [];
  const problem = (where: string, message: string): void => {
    problems.push({ where, message });
  };

  if (definition.activities.length > MAX_SCHEME_ELEMENTS) {
    problem('activities', `the scheme has ${definition.activities.length} activities; at most ${MAX_SCHEME_ELEMENTS} are accepted`);
  }
  if (definition.transitions.length > MAX_SCHEME_ELEMENTS) {
    problem('transitions', `the scheme has ${definition.transitions.length} transitions; at most ${MAX_SCHEME_ELEMENTS} are accepted`);
  }
  if (problems.length > 0) throw new SchemeInvalidError('WM_SCHEME_INVALID', problems, definition.code);

  checkUnique(definition.activities, 'activity', 'activities', problems);
  checkUnique(definition.transitions, 'transition', 'transitions', problems);
  checkUnique(definition.commands, 'command', 'commands', problems);
  checkUnique(definition.actors, 'actor', 'actors', problems);
  checkUnique(definition.parameters, 'parameter', 'parameters', problems);
  checkUnique(definition.timers, 'timer', 'timers', problems);

  const systemNames = new Set(SYSTEM_PARAMETER_NAMES);
  const parameterTypes = new Map<string, string>();
  definition.parameters.forEach((parameter, index) => {
    if (isPrototypeKey(parameter.name)) {
      problem(`parameters[${index}] ${quoted(parameter.name)}`, `parameter name ${quoted(parameter.name)} is not accepted (it names a member of every JavaScript object)`);
    }
    if (systemNames.has(parameter.name) || parameter.purpose === 'System') {
      problem(
        `parameters[${index}] ${quoted(parameter.name)}`,
        systemNames.has(parameter.name)
          ? `parameter name ${quoted(parameter.name)} is a system parameter and cannot be declared`
          : `parameter ${quoted(parameter.name)} cannot have purpose System: system parameters are built in`,
      );
    }
    parameterTypes.set(parameter.name, parameter.type);
  });

  const activityNames = new Set(definition.activities.map((activity) => activity.name));
  const commandNames = new Set(definition.commands.map((command) => command.name));
  const actorNames = new Set(definition.actors.map((actor) => actor.name));
  const timerNames = new Set(definition.timers.map((timer) => timer.name));

  const initials = definition.activities.filter((activity) => activity.isInitial);
  if (initials.length === 0) problem('activities', 'no activity is marked initial; exactly one must be');
  if (initials.length > 1) {
    problem('activities', `${initials.length} activities are marked initial (${initials.map((a) => quoted(a.name)).join(', ')}); exactly one must be`);
  }

  const actionNeeds = new Set<string>();
  const conditionNeeds = new Set<string>();
  const ruleNeeds = new Set<string>();

  definition.actors.forEach((actor, index) => {
    const where = `actors[${index}] ${quoted(actor.name)}`;
    addNeed(ruleNeeds, actor.rule, options.builtInRules);
    if (actor.value?.startsWith('@')) {
      const parameterName = actor.value.slice(1);
      if (!parameterTypes.has(parameterName) && !systemNames.has(parameterName)) {
        problem(where, `actor value ${quoted(actor.value)} refers to parameter ${quoted(parameterName)}, which is not declared`);
      }
    }
  });

  definition.commands.forEach((command, index) => {
    command.inputParameters.forEach((input, inputIndex) => {
      if (!parameterTypes.has(input.parameterName)) {
        problem(
          `commands[${index}] ${quoted(command.name)}.inputParameters[${inputIndex}] ${quoted(input.name)}`,
          `input parameter refers to parameter ${quoted(input.parameterName)} (NameRef), which is not declared`,
        );
      }
    });
  });

  const timers = new Map<string, CompiledTimer>();
  definition.timers.forEach((timer, index) => {
    const where = `timers[${index}] ${quoted(timer.name)}`;
    const result = timerSchedule(timer, parameterTypes);
    if ('problems' in result) {
      for (const timerProblem of result.problems) problem(`${where}.${timerProblem.field}`, timerProblem.message);
      return;
    }
    timers.set(timer.name, { ...timer, schedule: result.schedule });
  });

  const recordActionNeeds = (calls: readonly ActionCall[]): void => {
    for (const call of calls) addNeed(actionNeeds, call.name, options.builtInActions);
  };
  for (const activity of definition.activities) {
    recordActionNeeds(activity.implementation);
    recordActionNeeds(activity.preExecutionImplementation);
  }
  const activities = definition.activities.map((activity, index) => compileActivity(activity, index, options, problems));

  const transitionsFrom = new Map<string, CompiledTransition[]>();
  definition.transitions.forEach((transition, index) => {
    const where = `transitions[${index}] ${quoted(transition.name)}`;
    if (!activityNames.has(transition.from)) problem(where, `from activity ${quoted(transition.from)} does not exist`);
    if (!activityNames.has(transition.to)) problem(where, `to activity ${quoted(transition.to)} does not exist`);

    const trigger = transition.trigger;
    if (trigger.type === 'Auto' && trigger.name !== undefined) {
      problem(`${where}.trigger`, `an Auto trigger has no name, but ${quoted(trigger.name)} is given`);
    }
    if (trigger.type === 'Command') {
      if (!trigger.name) problem(`${where}.trigger`, 'a Command trigger needs the name of a command');
      else if (!commandNames.has(trigger.name)) problem(`${where}.trigger`, `command ${quoted(trigger.name)} is not declared`);
    }
    if (trigger.type === 'Timer') {
      if (!trigger.name) problem(`${where}.trigger`, 'a Timer trigger needs the name of a timer');
      else if (!timerNames.has(trigger.name)) problem(`${where}.trigger`, `timer ${quoted(trigger.name)} is not declared`);
    }

    transition.restrictions.forEach((restriction, restrictionIndex) => {
      if (!actorNames.has(restriction.actor)) {
        problem(`${where}.restrictions[${restrictionIndex}]`, `actor ${quoted(restriction.actor)} is not declared`);
      }
    });

    if (transition.conditions.length === 0) {
      problem(`${where}.conditions`, 'a transition needs at least one condition (use Always)');
    }
    const conditions: CompiledCondition[] = [];
    transition.conditions.forEach((condition, conditionIndex) => {
      const conditionWhere = `${where}.conditions[${conditionIndex}]`;
      if ((condition.type === 'Always' || condition.type === 'Otherwise') && transition.conditions.length > 1) {
        problem(conditionWhere, `an ${condition.type} condition must stand alone on its transition`);
      }
      if (condition.type === 'Expression') {
        try {
          conditions.push({ type: 'Expression', expression: compileExpression(condition.expression, parameterTypes), inverted: condition.inverted });
        } catch (error) {
          problem(conditionWhere, isWaymarkError(error) ? error.message : String(error));
        }
        return;
      }
      if (condition.type === 'Action') {
        if (condition.action.trim() === '') problem(conditionWhere, 'an Action condition needs the name of a condition action');
        else addNeed(conditionNeeds, condition.action, options.builtInConditions);
        const parsed = options.builtInConditions.has(condition.action)
          ? parseConditionArguments(condition.action, condition.parameter)
          : { arguments: { kind: 'External' } as const };
        conditions.push({ ...condition, arguments: argumentsOrProblem(parsed, conditionWhere, options, problems) });
        return;
      }
      conditions.push(condition);
    });

    if (transition.subprocess && !transition.isFork) {
      problem(`${where}.subprocess`, 'a subprocess definition needs isFork true');
    }

    const compiled: CompiledTransition = { ...transition, conditions, index };
    const list = transitionsFrom.get(transition.from) ?? [];
    list.push(compiled);
    transitionsFrom.set(transition.from, list);
  });

  const unsupported = options.fileActionsAllowed ? [] : refuseFileActions(definition);
  if (problems.length > 0) throw new SchemeInvalidError('WM_SCHEME_INVALID', [...problems, ...unsupported], definition.code);
  if (unsupported.length > 0) throw new SchemeInvalidError('WM_SCHEME_UNSUPPORTED', unsupported, definition.code);

  const externalNeeds: ExternalNeeds = {
    actions: [...actionNeeds].sort(),
    conditions: [...conditionNeeds].sort(),
    rules: [...ruleNeeds].sort(),
  };
  const compiled: CompiledScheme = {
    definition: { ...definition, externalNeeds },
    code: definition.code,
    initialActivity: activities[definition.activities.indexOf(initials[0]!)]!,
    activities: new Map(activities.map((activity) => [activity.name, activity])),
    commands: new Map(definition.commands.map((command) => [command.name, command])),
    actors: new Map(definition.actors.map((actor) => [actor.name, actor])),
    parameters: new Map(definition.parameters.map((parameter) => [parameter.name, parameter])),
    timers,
    transitionsFrom,
    externalNeeds,
  };
  return deepFreeze(compiled);
}
