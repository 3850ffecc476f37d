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
import { splitValues, type LoopForArguments, type LoopForeachArguments } from '../scheme/index.js';
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
  readonly values?: readonly JsonValue[];
}

function isLoopState(value: JsonValue | undefined): value is JsonValue & LoopState {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof value['loopName'] === 'string' && typeof value['status'] === 'string';
}

/** The loop state found in the parameter, or undefined when the loop must (re)start. */
function runningState(parameters: LoopParameters, stateName: string): LoopState | undefined {
  const stored = parameters.get(stateName);
  return isLoopState(stored) && stored.status === 'Running' ? stored : undefined;
}

function save(parameters: LoopParameters, stateName: string, state: LoopState): void {
  const stored: { [key: string]: JsonValue } = { loopName: state.loopName, status: state.status, index: state.index };
  if (state.values) stored['values'] = [...state.values];
  parameters.set(stateName, stored);
}

/** `StartLoopFor`: counts from StartValue to EndValue by Step (Increment or Decrement). */
export function startLoopFor(loop: LoopForArguments, parameters: LoopParameters): void {
  const previous = runningState(parameters, loop.stateParameterName);
  const index = previous ? previous.index + 1 : 0;
  const value = loop.decrement ? loop.startValue - index * loop.step : loop.startValue + index * loop.step;
  const end = loop.endValue;
  const beyond = loop.decrement ? (loop.includeLastValue ? value < end : value <= end) : loop.includeLastValue ? value > end : value >= end;
  if (beyond) {
    save(parameters, loop.stateParameterName, { loopName: loop.loopName, status: 'Completed', index });
    return;
  }
  save(parameters, loop.stateParameterName, { loopName: loop.loopName, status: 'Running', index });
  parameters.set(loop.counterParameterName, loop.counterType === 'Int' ? Math.round(value) : value);
}

/** `StartLoopForeach` / `StartLoopForeachFromParameter`: walks through a list of values. */
export function startLoopForeach(action: string, loop: LoopForeachArguments, parameters: LoopParameters): void {
  const previous = runningState(parameters, loop.stateParameterName);
  const values = previous?.values ?? foreachValues(action, loop, parameters);
  const index = previous ? previous.index + 1 : 0;
  if (index >= values.length) {
    save(parameters, loop.stateParameterName, { loopName: loop.loopName, status: 'Completed', index, values });
    return;
  }
  save(parameters, loop.stateParameterName, { loopName: loop.loopName, status: 'Running', index, values });
  parameters.set(loop.counterParameterName, values[index] ?? null);
}

function foreachValues(action: string, loop: LoopForeachArguments, parameters: LoopParameters): readonly JsonValue[] {
  if ('list' in loop.values) return loop.values.list;
  const source = parameters.get(loop.values.parameterName);
  if (source === undefined || source === null) {
    throw new WaymarkError('WM_ACTION_FAILED', `${action}: the parameter ${loop.values.parameterName} has no value to loop over`, { action });
  }
  if (Array.isArray(source)) return source;
  if (typeof source === 'string') return splitValues(source, loop.separator);
  throw new WaymarkError('WM_ACTION_FAILED', `${action}: Values must be text or a list`, { action });
}

/**
 * `LoopIsNotCompletedAndBroken {LoopName}`: true while the named loop runs (it has started and
 * is neither completed nor broken).
 */
export function loopIsRunning(loopName: string, parameters: LoopParameters): boolean {
  for (const name of parameters.names()) {
    const value = parameters.get(name);
    if (isLoopState(value) && value.loopName === loopName) return value.status === 'Running';
  }
  return false;
}
