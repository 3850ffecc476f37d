/**
 * Process parameters: the built-in System parameters, conversion of values to a declared
 * .NET type, and reading/writing a parameter of a stored instance.
 */
import { WaymarkError } from '../errors/index.js';
import { isPrototypeKey, SYSTEM_PARAMETER_NAMES, type CompiledScheme } from '../scheme/index.js';
import type { JsonValue, ProcessInstance } from './types.js';

const SYSTEM_PARAMETERS = new Set(SYSTEM_PARAMETER_NAMES);

/** True for a built-in, read-only parameter name. */
export function isSystemParameter(name: string): boolean {
  return SYSTEM_PARAMETERS.has(name);
}

/** WM_INPUT_INVALID for a parameter name that is a prototype key. */
export function refusePrototypeKey(name: string): void {
  if (isPrototypeKey(name)) {
    throw new WaymarkError('WM_INPUT_INVALID', `The parameter name ${name} is not accepted`, { parameterName: name });
  }
}

/** What a step knows about the call that started it, for the call-scoped System parameters. */
export interface CallFacts {
  readonly identityId: string | null;
  readonly impersonatedIdentityId: string | null;
  readonly currentCommand: string | null;
  readonly executedTimer: string | null;
}

const NO_CALL: CallFacts = { identityId: null, impersonatedIdentityId: null, currentCommand: null, executedTimer: null };

/**
 * The System parameters of an instance (the scheme module's SYSTEM_PARAMETER_NAMES), by name.
 * The call-scoped ones (`IdentityId`, `CurrentCommand`, `ExecutedTimer`, …) only have values
 * while a step runs.
 */
export function systemParameters(instance: ProcessInstance, call: CallFacts = NO_CALL): Record<string, JsonValue> {
  return {
    ProcessId: instance.id,
    SchemeId: instance.schemeId,
    SchemeCode: instance.schemeCode,
    TenantId: instance.tenantId,
    CurrentState: instance.stateName,
    CurrentActivity: instance.activityName,
    PreviousState: instance.previousStateName,
    PreviousActivity: instance.previousActivityName,
    PreviousStateForDirect: instance.previousStateForDirect,
    PreviousActivityForDirect: instance.previousActivityForDirect,
    PreviousStateForReverse: instance.previousStateForReverse,
    PreviousActivityForReverse: instance.previousActivityForReverse,
    ParentProcessId: instance.parentProcessId,
    RootProcessId: instance.rootProcessId,
    IsSubprocess: instance.parentProcessId !== null,
    IdentityId: call.identityId,
    ImpersonatedIdentityId: call.impersonatedIdentityId,
    IdentityIds: call.identityId === null ? [] : [call.identityId],
    ImpersonatedIdentityIds: call.impersonatedIdentityId === null ? [] : [call.impersonatedIdentityId],
    CurrentCommand: call.currentCommand,
    ExecutedTimer: call.executedTimer,
    ExecutedActivity: instance.activityName,
    ExecutedActivityState: instance.stateName,
    IsPreExecution: false,
    StartTransitionalProcessActivity: null,
    CreationDate: instance.createdAt,
  };
}

/**
 * Reads a parameter of a stored instance: a System parameter, a stored one, or a declared
 * parameter's initial value. Undefined when the instance has no such parameter.
 */
export function readParameter(scheme: CompiledScheme, instance: ProcessInstance, name: string): JsonValue | undefined {
  if (isSystemParameter(name)) return systemParameters(instance)[name];
  if (isPrototypeKey(name)) return undefined;
  if (Object.hasOwn(instance.parameters, name)) return instance.parameters[name];
  const declared = scheme.parameters.get(name);
  if (declared?.initialValue !== undefined) return declared.initialValue as JsonValue;
  return undefined;
}

/**
 * Writes a parameter of a stored instance and returns the changed instance (the input is not
 * changed). System parameters are read-only (WM_PARAMETER_READ_ONLY); the value is converted
 * to the declared type or refused (WM_PARAMETER_TYPE). The value is stored, whatever the
 * declared purpose: a parameter set from outside the process must survive the call.
 */
export function writeParameter(
  scheme: CompiledScheme,
  instance: ProcessInstance,
  name: string,
  value: JsonValue,
): ProcessInstance {
  if (name.trim() === '') throw new WaymarkError('WM_INPUT_MISSING', 'A parameter name is required', {});
  refusePrototypeKey(name);
  if (isSystemParameter(name)) {
    throw new WaymarkError('WM_PARAMETER_READ_ONLY', `The parameter ${name} is a System parameter and cannot be set`, {
      parameterName: name,
      processId: instance.id,
    });
  }
  const converted = convertToDeclaredType(scheme, name, value);
  return { ...instance, parameters: { ...instance.parameters, [name]: converted } };
}

// A Map: a declared type named `constructor` must not find Object.prototype's.
const INTEGER_TYPES: ReadonlyMap<string, readonly [number, number]> = new Map([
  ['Byte', [0, 255]],
  ['SByte', [-128, 127]],
  ['Int16', [-32768, 32767]],
  ['UInt16', [0, 65535]],
  ['Int32', [-2147483648, 2147483647]],
  ['UInt32', [0, 4294967295]],
  ['Int64', [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]],
  ['UInt64', [0, Number.MAX_SAFE_INTEGER]],
]);
const FLOAT_TYPES = new Set(['Decimal', 'Double', 'Single']);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The .NET type name without namespace or nullable mark: `System.Int32?` → `Int32`. */
function baseTypeName(type: string): string {
  const withoutNullable = type.trim().replace(/\?$/, '').replace(/^Nullable<(.+)>$/, '$1');
  return withoutNullable.replace(/^System\./, '');
}

/**
 * Converts `value` to the declared type of parameter `name` (unchanged when undeclared or of a
 * custom type). Throws WM_PARAMETER_TYPE when it cannot be converted.
 */
export function convertToDeclaredType(scheme: CompiledScheme, name: string, value: JsonValue): JsonValue {
  const declared = scheme.parameters.get(name);
  if (!declared || value === null) return value;
  const type = baseTypeName(declared.type);
  const refuse = (): never => {
    throw new WaymarkError(
      'WM_PARAMETER_TYPE',
      `The value ${JSON.stringify(value)} cannot be used for parameter ${name} of type ${declared.type}`,
      { parameterName: name, type: declared.type },
    );
  };
  const range = INTEGER_TYPES.get(type);
  if (range) {
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < range[0] || number > range[1]) return refuse();
    return number;
  }
  if (FLOAT_TYPES.has(type)) {
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isFinite(number)) return refuse();
    return number;
  }
  switch (type) {
    case 'String':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      return refuse();
    case 'Boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
      return refuse();
    case 'DateTime':
    case 'DateTimeOffset': {
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return refuse();
      return new Date(Date.parse(value)).toISOString();
    }
    case 'Guid':
      if (typeof value !== 'string' || !GUID.test(value.trim())) return refuse();
      return value.trim();
    default:
      return value;
  }
}

/**
 * True when parameter `name` is declared with a text type (String, DateTime, DateTimeOffset,
 * Guid): a `SetParameter` Value for it stays the text as written, not the JSON it may read as.
 */
export function isTextTyped(scheme: CompiledScheme, name: string): boolean {
  const declared = scheme.parameters.get(name);
  if (!declared) return false;
  const type = baseTypeName(declared.type);
  return type === 'String' || type === 'DateTime' || type === 'Guid' || type === 'DateTimeOffset';
}
