/**
 * The built-in actions and condition actions, run from the arguments the scheme compiled (see
 * `src/scheme/action-arguments.ts`); every other name goes to ExternalCalls.
 *
 * Actions: `SetParameter`, `RemoveParameter`, the loop actions (see `loops.ts`), and `Webhook`,
 * whose message ExternalCalls composes and the step result carries; the runtime's HTTP and file
 * actions go to ExternalCalls with their compiled arguments.
 * Conditions: `CheckParameter`, `LoopIsNotCompletedAndBroken`, `CheckAllSubprocessesCompleted`.
 */
import { WaymarkError } from '../errors/index.js';
import type { CompiledActionCall, CompiledCondition } from '../scheme/model.js';
import { loopIsRunning, startLoopFor, startLoopForeach, type LoopParameters } from './loops.js';
import { isTextTyped } from './parameter-values.js';
import type { StepRun, WorkingInstance } from './step.js';
import type { JsonValue } from './types.js';

function failure(name: string, message: string): WaymarkError<'WM_ACTION_FAILED'> {
  return new WaymarkError('WM_ACTION_FAILED', `${name}: ${message}`, { action: name });
}

/** A parameter that a leniently compiled (stored) scheme let through fails as it always did. */
function invalid(name: string, problem: string): WaymarkError<'WM_ACTION_FAILED'> {
  return new WaymarkError('WM_ACTION_FAILED', problem, { action: name });
}

function loopParametersOf(run: StepRun, working: WorkingInstance): LoopParameters {
  return {
    get: (name) => run.parametersOf(working)[name],
    set: (name, value) => run.setParameter(working, name, value),
    names: () => Object.keys({ ...working.instance.parameters, ...working.temporary }),
  };
}

/** Runs one action of an activity: built in, or through ExternalCalls. */
export async function runAction(run: StepRun, working: WorkingInstance, action: CompiledActionCall): Promise<void> {
  const args = action.arguments;
  switch (args.kind) {
    case 'SetParameter': {
      const target = args.forRootProcess ? run.rootOf(working) : working;
      // A text Value stays text for a parameter declared as text; otherwise it was read as JSON.
      const value: JsonValue =
        args.valueText !== null && isTextTyped(run.schemeOf(target.instance), args.parameterName) ? args.valueText : args.value;
      run.setParameter(target, args.parameterName, value);
      return;
    }
    case 'RemoveParameter':
      run.removeParameter(args.forRootProcess ? run.rootOf(working) : working, args.parameterName);
      return;
    case 'StartLoopFor':
      startLoopFor(args, loopParametersOf(run, working));
      return;
    case 'StartLoopForeach':
      startLoopForeach(action.name, args, loopParametersOf(run, working));
      return;
    case 'Webhook':
      if (run.ctx.external.composeWebhook) {
        run.send(await run.ctx.external.composeWebhook(args.target, run.externalContext(working), run.ctx.now));
        return;
      }
      return runExternally(run, working, action);
    case 'Invalid':
      throw invalid(action.name, args.problem);
    default:
      return runExternally(run, working, action);
  }
}

async function runExternally(run: StepRun, working: WorkingInstance, action: CompiledActionCall): Promise<void> {
  const result = await run.ctx.external.executeAction(action.name, action.parameter, run.externalContext(working), action);
  if (result) for (const [name, value] of Object.entries(result)) run.setParameter(working, name, value);
}

/** Evaluates a condition of type Action (before inversion). */
export async function conditionActionHolds(
  run: StepRun,
  working: WorkingInstance,
  condition: Extract<CompiledCondition, { type: 'Action' }>,
): Promise<boolean> {
  const args = condition.arguments;
  switch (args.kind) {
    case 'CheckParameter': {
      const target = args.forRootProcess ? run.rootOf(working) : working;
      const actual = run.parametersOf(target)[args.parameterName];
      return compareParameter(args.compareType, actual, args.value, args.separator);
    }
    case 'LoopIsNotCompletedAndBroken':
      return loopIsRunning(args.loopName, loopParametersOf(run, working));
    case 'CheckAllSubprocessesCompleted':
      // Every mode waits for the same thing here: no live subprocess below this instance.
      return run.liveDescendants(working.instance.id).length === 0;
    case 'Invalid':
      throw invalid(condition.action, args.problem);
    default:
      return run.ctx.external.executeCondition(condition.action, condition.parameter, run.externalContext(working), condition);
  }
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function compareOrder(actual: unknown, expected: unknown): number {
  const a = asNumber(actual);
  const b = asNumber(expected);
  if (a !== undefined && b !== undefined) return a - b;
  const dateA = typeof actual === 'string' ? Date.parse(actual) : Number.NaN;
  const dateB = typeof expected === 'string' ? Date.parse(expected) : Number.NaN;
  if (!Number.isNaN(dateA) && !Number.isNaN(dateB)) return dateA - dateB;
  return asText(actual).localeCompare(asText(expected));
}

function equalValues(actual: unknown, expected: unknown): boolean {
  const a = asNumber(actual);
  const b = asNumber(expected);
  if (a !== undefined && b !== undefined) return a === b;
  if (typeof actual === 'boolean' || typeof expected === 'boolean') return asText(actual).toLowerCase() === asText(expected).toLowerCase();
  return asText(actual) === asText(expected);
}

/**
 * `CheckParameter`'s comparison. Equal/NotEqual and the order comparisons compare numbers as
 * numbers, then dates, then text; Contains/NotContains test list membership (a list parameter) or
 * a substring; In/NotIn test membership in `expected` split by `separator`; IsNull/IsNotNull and
 * IsEmpty/IsNotEmpty look at the value only.
 */
export function compareParameter(compareType: string, actual: unknown, expected: unknown, separator: string): boolean {
  const present = actual !== null && actual !== undefined;
  switch (compareType) {
    case 'Equal':
      return present && equalValues(actual, expected);
    case 'NotEqual':
      return !present || !equalValues(actual, expected);
    case 'More':
      return present && compareOrder(actual, expected) > 0;
    case 'Less':
      return present && compareOrder(actual, expected) < 0;
    case 'MoreOrEqual':
      return present && compareOrder(actual, expected) >= 0;
    case 'LessOrEqual':
      return present && compareOrder(actual, expected) <= 0;
    case 'Contains':
    case 'NotContains': {
      const contains = Array.isArray(actual)
        ? actual.some((item) => equalValues(item, expected))
        : present && asText(actual).includes(asText(expected));
      return compareType === 'Contains' ? contains : !contains;
    }
    case 'StartsWith':
      return present && asText(actual).startsWith(asText(expected));
    case 'EndsWith':
      return present && asText(actual).endsWith(asText(expected));
    case 'In':
    case 'NotIn': {
      const options = asText(expected).split(separator).map((item) => item.trim());
      const found = present && options.some((option) => equalValues(actual, option));
      return compareType === 'In' ? found : !found;
    }
    case 'IsNull':
      return !present;
    case 'IsNotNull':
      return present;
    case 'IsEmpty':
      return !present || asText(actual) === '' || (Array.isArray(actual) && actual.length === 0);
    case 'IsNotEmpty':
      return present && asText(actual) !== '' && !(Array.isArray(actual) && actual.length === 0);
    default:
      throw failure('CheckParameter', `CompareType ${compareType} is not known`);
  }
}
