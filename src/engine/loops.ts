/**
 * The loop actions (`StartLoopFor`, `StartLoopForeach`, `StartLoopForeachFromParameter`) and the
 * condition `LoopIsNotCompletedAndBroken`.
 *
 * A loop activity runs its Start action each time the process enters it: the first entry
 * starts the loop at its first value, each later entry advances it; after the last value the
 * loop is Completed (and the Auto transition guarded by `LoopIsNotCompletedAndBroken` no longer
 * holds, so the Otherwise transition leaves the loop). Entering a Completed loop again starts it
 * afresh. The loop's state lives in the parameter `LoopStateParameterName` (default
 * `<LoopName>State`); the current value in `LoopCounterValueParameterName` (default
 * `<LoopName>CounterValue`).
 */
import { WaymarkError } from '../errors/index.js';
import type { JsonValue } from './types.js';

/** Parameter access the loop actions need (the running step provides it). */
export interface LoopParameters {
  get(name: string): JsonValue | undefined;
  set(name: string, value: JsonValue): void;
  names(): string[];
}

type LoopStatus = 'Running' | 'Completed' | 'Broken';

interface LoopState {
  readonly loopName: string;
  readonly status: LoopStatus;
  /** Position of the current value (0 = first). */
  readonly index: number;
  /** For a foreach loop: the values it walks through. */
  readonly values?: JsonValue[];
}

function loopFailure(action: string, message: string): WaymarkError<'WM_ACTION_FAILED'> {
  return new WaymarkError('WM_ACTION_FAILED', `${action}: ${message}`, { action });
}

function parseLoopParameter(action: string, text: string | null): Record<string, unknown> {
  if (text === null || text.trim() === '') throw loopFailure(action, 'the action needs a JSON parameter with LoopName');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw loopFailure(action, `the parameter is not JSON: ${text}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw loopFailure(action, 'the parameter must be a JSON object');
  const loopName = (parsed as Record<string, unknown>)['LoopName'];
  if (typeof loopName !== 'string' || loopName === '') throw loopFailure(action, 'LoopName is required');
  return parsed as Record<string, unknown>;
}

function stateNameOf(options: Record<string, unknown>): string {
  const name = options['LoopStateParameterName'];
  return typeof name === 'string' && name !== '' ? name : `${String(options['LoopName'])}State`;
}

function counterNameOf(options: Record<string, unknown>): string {
  const name = options['LoopCounterValueParameterName'];
  return typeof name === 'string' && name !== '' ? name : `${String(options['LoopName'])}CounterValue`;
}

function isLoopState(value: JsonValue | undefined): value is JsonValue & LoopState {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof value['loopName'] === 'string' && typeof value['status'] === 'string';
}

/** The loop state found in the parameter, or undefined when the loop must (re)start. */
function runningState(parameters: LoopParameters, stateName: string): LoopState | undefined {
  const stored = parameters.get(stateName);
  return isLoopState(stored) && stored.status === 'Running' ? stored : undefined;
}

function toNumber(action: string, options: Record<string, unknown>, key: string, fallback?: number): number {
  const raw = options[key];
  if ((raw === undefined || raw === '' || raw === null) && fallback !== undefined) return fallback;
  const number = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : Number.NaN;
  if (!Number.isFinite(number) || (typeof raw === 'string' && raw.trim() === '')) throw loopFailure(action, `${key} must be a number`);
  return number;
}

function save(parameters: LoopParameters, stateName: string, state: LoopState): void {
  const stored: { [key: string]: JsonValue } = { loopName: state.loopName, status: state.status, index: state.index };
  if (state.values) stored['values'] = state.values;
  parameters.set(stateName, stored);
}

/** `StartLoopFor`: counts from StartValue to EndValue by Step (Increment or Decrement). */
export function startLoopFor(parameterText: string | null, parameters: LoopParameters): void {
  const action = 'StartLoopFor';
  const options = parseLoopParameter(action, parameterText);
  const counterType = options['CounterType'] ?? 'Int';
  if (counterType !== 'Int' && counterType !== 'Double' && counterType !== 'Decimal') {
    throw loopFailure(action, `CounterType ${String(counterType)} is not supported (Int, Double, Decimal)`);
  }
  const start = toNumber(action, options, 'StartValue');
  const end = toNumber(action, options, 'EndValue');
  const step = Math.abs(toNumber(action, options, 'Step', 1));
  if (step === 0) throw loopFailure(action, 'Step must not be zero');
  const decrement = options['StepType'] === 'Decrement';
  const includeLast = options['IncludeLastValue'] !== false && options['IncludeLastValue'] !== 'false';
  const stateName = stateNameOf(options);
  const previous = runningState(parameters, stateName);
  const index = previous ? previous.index + 1 : 0;
  const value = decrement ? start - index * step : start + index * step;
  const beyond = decrement ? (includeLast ? value < end : value <= end) : includeLast ? value > end : value >= end;
  const loopName = String(options['LoopName']);
  if (beyond) {
    save(parameters, stateName, { loopName, status: 'Completed', index });
    return;
  }
  save(parameters, stateName, { loopName, status: 'Running', index });
  parameters.set(counterNameOf(options), counterType === 'Int' ? Math.round(value) : value);
}

/** `StartLoopForeach` / `StartLoopForeachFromParameter`: walks through a list of values. */
export function startLoopForeach(action: string, parameterText: string | null, parameters: LoopParameters): void {
  const options = parseLoopParameter(action, parameterText);
  const stateName = stateNameOf(options);
  const loopName = String(options['LoopName']);
  const previous = runningState(parameters, stateName);
  const values = previous?.values ?? foreachValues(action, options, parameters);
  const index = previous ? previous.index + 1 : 0;
  if (index >= values.length) {
    save(parameters, stateName, { loopName, status: 'Completed', index, values });
    return;
  }
  save(parameters, stateName, { loopName, status: 'Running', index, values });
  parameters.set(counterNameOf(options), values[index] ?? null);
}

function foreachValues(action: string, options: Record<string, unknown>, parameters: LoopParameters): JsonValue[] {
  const separator = typeof options['Separator'] === 'string' && options['Separator'] !== '' ? options['Separator'] : ',';
  const fromParameter = action === 'StartLoopForeachFromParameter' || options['ValuesFromParameter'] === true || options['ValuesFromParameter'] === 'true';
  let source: unknown = options['Values'];
  if (fromParameter) {
    const parameterName = options['ValuesParameterName'] ?? options['ParameterName'];
    if (typeof parameterName !== 'string' || parameterName === '') throw loopFailure(action, 'ValuesParameterName is required');
    source = parameters.get(parameterName);
    if (source === undefined || source === null) throw loopFailure(action, `the parameter ${parameterName} has no value to loop over`);
  }
  if (Array.isArray(source)) return source as JsonValue[];
  if (typeof source === 'string') {
    return source
      .split(separator)
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }
  if (source === undefined || source === null) return [];
  throw loopFailure(action, 'Values must be text or a list');
}

/**
 * `LoopIsNotCompletedAndBroken {LoopName}`: true while the named loop runs (it has started and
 * is neither completed nor broken).
 */
export function loopIsRunning(parameterText: string | null, parameters: LoopParameters): boolean {
  const options = parseLoopParameter('LoopIsNotCompletedAndBroken', parameterText);
  const loopName = options['LoopName'];
  for (const name of parameters.names()) {
    const value = parameters.get(name);
    if (isLoopState(value) && value.loopName === loopName) return value.status === 'Running';
  }
  return false;
}
