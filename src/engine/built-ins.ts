/**
 * The built-in actions and condition actions; every other name goes to ExternalCalls.
 *
 * Actions: `SetParameter {ParameterName, Value, ForRootProcess}`, `RemoveParameter
 * {ParameterName, ForRootProcess}` (or just the name), the loop actions (see `loops.ts`).
 * Conditions: `CheckParameter {ParameterName, CompareType, Value, Separator, ForRootProcess}`,
 * `LoopIsNotCompletedAndBroken {LoopName}`, `CheckAllSubprocessesCompleted {Mode}`.
 */
import { WaymarkError } from '../errors/index.js';
import type { ActionCall } from '../scheme/model.js';
import { loopIsRunning, startLoopFor, startLoopForeach, type LoopParameters } from './loops.js';
import { valueFromText } from './parameter-values.js';
import type { StepRun, WorkingInstance } from './step.js';
import type { JsonValue } from './types.js';

function failure(name: string, message: string): WaymarkError<'WM_ACTION_FAILED'> {
  return new WaymarkError('WM_ACTION_FAILED', `${name}: ${message}`, { action: name });
}

function jsonObject(name: string, text: string | null): Record<string, unknown> {
  if (text === null || text.trim() === '') throw failure(name, 'the action needs a JSON parameter');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw failure(name, `the parameter is not JSON: ${text}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw failure(name, 'the parameter must be a JSON object');
  return parsed as Record<string, unknown>;
}

function requiredName(name: string, options: Record<string, unknown>): string {
  // Vendor schemes spell the key `ParameterName`, and some older ones `Parameter` (FileWriteRead.xml).
  const parameterName = options['ParameterName'] ?? options['Parameter'];
  if (typeof parameterName !== 'string' || parameterName.trim() === '') throw failure(name, 'ParameterName is required');
  return parameterName;
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true' || value === 'True';
}

function loopParametersOf(run: StepRun, working: WorkingInstance): LoopParameters {
  return {
    get: (name) => run.parametersOf(working)[name],
    set: (name, value) => run.setParameter(working, name, value),
    names: () => Object.keys({ ...working.instance.parameters, ...working.temporary }),
  };
}

/** Runs one action of an activity: built in, or through ExternalCalls. */
export async function runAction(run: StepRun, working: WorkingInstance, action: ActionCall): Promise<void> {
  switch (action.name) {
    case 'SetParameter': {
      const options = jsonObject(action.name, action.parameter);
      const parameterName = requiredName(action.name, options);
      const target = isTrue(options['ForRootProcess']) ? run.rootOf(working) : working;
      const raw = options['Value'];
      const value: JsonValue =
        typeof raw === 'string' ? valueFromText(run.schemeOf(target.instance), parameterName, raw) : ((raw ?? null) as JsonValue);
      run.setParameter(target, parameterName, value);
      return;
    }
    case 'RemoveParameter': {
      const text = action.parameter?.trim() ?? '';
      const options = text.startsWith('{') ? jsonObject(action.name, text) : { ParameterName: text };
      const target = isTrue(options['ForRootProcess']) ? run.rootOf(working) : working;
      run.removeParameter(target, requiredName(action.name, options));
      return;
    }
    case 'StartLoopFor':
      startLoopFor(action.parameter, loopParametersOf(run, working));
      return;
    case 'StartLoopForeach':
    case 'StartLoopForeachFromParameter':
      startLoopForeach(action.name, action.parameter, loopParametersOf(run, working));
      return;
    default: {
      const result = await run.ctx.external.executeAction(action.name, action.parameter, run.externalContext(working));
      if (result) for (const [name, value] of Object.entries(result)) run.setParameter(working, name, value);
    }
  }
}

/** Evaluates a condition of type Action (before inversion). */
export async function conditionActionHolds(
  run: StepRun,
  working: WorkingInstance,
  name: string,
  parameter: string | null,
): Promise<boolean> {
  switch (name) {
    case 'CheckParameter': {
      const options = jsonObject(name, parameter);
      const parameterName = requiredName(name, options);
      const target = isTrue(options['ForRootProcess']) ? run.rootOf(working) : working;
      const actual = run.parametersOf(target)[parameterName];
      const separator = typeof options['Separator'] === 'string' && options['Separator'] !== '' ? options['Separator'] : ',';
      const compareType = typeof options['CompareType'] === 'string' ? options['CompareType'] : 'Equal';
      return compareParameter(compareType, actual, options['Value'] ?? null, separator);
    }
    case 'LoopIsNotCompletedAndBroken':
      return loopIsRunning(parameter, loopParametersOf(run, working));
    case 'CheckAllSubprocessesCompleted': {
      // Every mode waits for the same thing here: no live subprocess below this instance.
      if (parameter !== null && parameter.trim().startsWith('{')) jsonObject(name, parameter);
      return run.liveDescendants(working.instance.id).length === 0;
    }
    default:
      return run.ctx.external.executeCondition(name, parameter, run.externalContext(working));
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
