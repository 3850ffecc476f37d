/**
 * The ActionParameter text of the built-in actions and condition actions, parsed and checked
 * once, when a scheme is compiled: the engine and the runtime receive typed arguments and never
 * parse scheme text. A parameter that no run could accept (not JSON, a missing key, a key of the
 * wrong type, an unknown CompareType) is a compile problem. Actions and conditions that are not
 * built in get their text as written: it is the callback server's to read.
 *
 * The messages keep the wording the actions used when they failed at run time, prefixed with
 * the action's name (`StartLoopFor: LoopName is required`).
 */
import { FILE_ACTIONS } from './built-in-names.js';
import type { JsonValue } from './model.js';

/** `SetParameter {ParameterName, Value, ForRootProcess}`. */
export interface SetParameterArguments {
  readonly kind: 'SetParameter';
  readonly parameterName: string;
  readonly forRootProcess: boolean;
  /** The value: a text Value read as JSON when it is JSON (`"25"` → 25), else the text. */
  readonly value: JsonValue;
  /** A text Value as written, for a parameter declared as text (String, DateTime, Guid); else null. */
  readonly valueText: string | null;
}

/** `RemoveParameter {ParameterName, ForRootProcess}` or just the name. */
export interface RemoveParameterArguments {
  readonly kind: 'RemoveParameter';
  readonly parameterName: string;
  readonly forRootProcess: boolean;
}

/** Where a loop keeps its state and its current value. */
export interface LoopParameterNames {
  readonly loopName: string;
  /** `LoopStateParameterName`, default `<LoopName>State`. */
  readonly stateParameterName: string;
  /** `LoopCounterValueParameterName`, default `<LoopName>CounterValue`. */
  readonly counterParameterName: string;
}

/** `StartLoopFor`: counts from StartValue to EndValue by Step. */
export interface LoopForArguments extends LoopParameterNames {
  readonly kind: 'StartLoopFor';
  readonly counterType: 'Int' | 'Double' | 'Decimal';
  readonly startValue: number;
  readonly endValue: number;
  /** Always positive; `decrement` gives the direction. */
  readonly step: number;
  readonly decrement: boolean;
  readonly includeLastValue: boolean;
}

/** `StartLoopForeach` / `StartLoopForeachFromParameter`: walks a list written in the scheme or held by a parameter. */
export interface LoopForeachArguments extends LoopParameterNames {
  readonly kind: 'StartLoopForeach';
  readonly values: { readonly list: readonly JsonValue[] } | { readonly parameterName: string };
  /** Splits a parameter's text value into the list. */
  readonly separator: string;
}

/** The request of `HTTPRequest` and `CheckHTTPRequest`: `{Url, ContentType, Post, AddProcessInstanceParameters, Parameters, …}`. */
export interface HttpRequestOptions {
  /** May hold `{Name}` placeholders, filled from the process parameters when the request is sent. */
  readonly url: string;
  readonly contentType: string;
  readonly post: boolean;
  readonly addProcessInstanceParameters: boolean;
  /** `Parameters` as written: the body of a POST that does not add the process parameters. */
  readonly parametersText: string | null;
  /** `Parameters` when it is a JSON object: merged into the process parameters a POST sends. */
  readonly parametersObject: Readonly<Record<string, JsonValue>> | null;
}

/** `HTTPRequest`: sends the request; stores the answer under `ParameterName` when `StoreResponse`. */
export interface HttpRequestArguments extends HttpRequestOptions {
  readonly kind: 'HTTPRequest';
  readonly parameterName: string | null;
  readonly storeResponse: boolean;
}

/** The comparisons `CheckHTTPRequest` knows (lower case). */
export const HTTP_COMPARE_TYPES: readonly string[] = ['equal', 'notequal', 'contains', 'notcontains', 'more', 'moreorequal', 'less', 'lessorequal', 'isnull', 'isnotnull'];

/** `CheckHTTPRequest`: sends the request and compares the answer's `ResultFieldName` with `ResultFieldValue`. */
export interface HttpCheckArguments extends HttpRequestOptions {
  readonly kind: 'CheckHTTPRequest';
  /** A dotted path into the JSON answer; empty for the whole answer. */
  readonly resultFieldPath: readonly string[];
  /** The values to compare with (`ResultFieldValue` split by `Separator` when there is one). */
  readonly expectedValues: readonly string[];
  /** One of {@link HTTP_COMPARE_TYPES}. */
  readonly compareType: string;
}

/**
 * A file action: its parameter object, checked to carry the keys the action needs as text
 * (`Path`, `ParameterName`, `DirectoryPath`, `ArchivePath`, `FilesListRead`). The action
 * resolves the paths inside the sandbox folder when it runs.
 */
export interface FileActionArguments {
  readonly kind: 'File';
  readonly fields: Readonly<Record<string, JsonValue>>;
}

/** `Webhook`: a URL (with an optional signing secret) or the name of a configured webhook. */
export interface WebhookArguments {
  readonly kind: 'Webhook';
  readonly target: { readonly url: string; readonly secret: string | null } | { readonly name: string };
}

/** An action or condition that is not built in: the callback server gets the text as written. */
export interface ExternalArguments {
  readonly kind: 'External';
}

/**
 * A parameter no run can accept, in a scheme compiled leniently (a stored scheme version saved
 * before its parameters were checked): the action fails with `problem` when it runs, as it did.
 */
export interface InvalidArguments {
  readonly kind: 'Invalid';
  readonly problem: string;
}

/** `CheckParameter {ParameterName, CompareType, Value, Separator, ForRootProcess}`. */
export interface CheckParameterArguments {
  readonly kind: 'CheckParameter';
  readonly parameterName: string;
  readonly forRootProcess: boolean;
  /** One of {@link PARAMETER_COMPARE_TYPES}. */
  readonly compareType: string;
  readonly value: JsonValue;
  readonly separator: string;
}

/** The comparisons `CheckParameter` knows. */
export const PARAMETER_COMPARE_TYPES: readonly string[] = [
  'Equal', 'NotEqual', 'More', 'Less', 'MoreOrEqual', 'LessOrEqual', 'Contains', 'NotContains',
  'StartsWith', 'EndsWith', 'In', 'NotIn', 'IsNull', 'IsNotNull', 'IsEmpty', 'IsNotEmpty',
];

/** `LoopIsNotCompletedAndBroken {LoopName}`. */
export interface LoopRunningArguments {
  readonly kind: 'LoopIsNotCompletedAndBroken';
  readonly loopName: string;
}

/** `CheckAllSubprocessesCompleted {Mode}`: every mode waits for the same thing here. */
export interface SubprocessesCompletedArguments {
  readonly kind: 'CheckAllSubprocessesCompleted';
}

/** What an action's ActionParameter compiles to. */
export type ActionArguments =
  | SetParameterArguments
  | RemoveParameterArguments
  | LoopForArguments
  | LoopForeachArguments
  | HttpRequestArguments
  | FileActionArguments
  | WebhookArguments
  | ExternalArguments
  | InvalidArguments;

/** What a condition action's ActionParameter compiles to. */
export type ConditionArguments =
  | CheckParameterArguments
  | LoopRunningArguments
  | SubprocessesCompletedArguments
  | HttpCheckArguments
  | ExternalArguments
  | InvalidArguments;

/** The arguments, or why the text cannot be them. */
export type ParsedArguments<T> = { readonly arguments: T } | { readonly problem: string };

/** Deepest nesting accepted inside an ActionParameter's JSON. */
const MAX_PARAMETER_DEPTH = 32;
/** Keys that reach JavaScript's object machinery when copied into an object. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Thrown inside this module and turned into a problem by {@link parsed}. */
class ArgumentProblem extends Error {}

function parsed<T>(name: string, read: () => T): ParsedArguments<T> {
  try {
    return { arguments: read() };
  } catch (error) {
    if (error instanceof ArgumentProblem) return { problem: `${name}: ${error.message}` };
    throw error;
  }
}

function refuse(reason: string): never {
  throw new ArgumentProblem(reason);
}

/** A JSON value of bounded depth without prototype keys, or a problem saying which key. */
function checkShape(value: unknown, depth = 0): void {
  if (depth > MAX_PARAMETER_DEPTH) refuse(`the parameter is nested deeper than ${MAX_PARAMETER_DEPTH} levels`);
  if (Array.isArray(value)) {
    for (const item of value) checkShape(item, depth + 1);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (PROTOTYPE_KEYS.has(key)) refuse(`the parameter may not use the key "${key}"`);
      checkShape(item, depth + 1);
    }
  }
}

/** JSON text, or `undefined` when it is not JSON. */
function jsonOf(text: string): { readonly value: JsonValue } | undefined {
  try {
    return { value: JSON.parse(text) as JsonValue };
  } catch {
    return undefined;
  }
}

/** The parameter as a JSON object; `wording` holds each action family's messages. */
function objectOf(
  text: string | null,
  wording: { readonly empty: string; readonly notJson: (text: string) => string; readonly notObject: string },
): Readonly<Record<string, JsonValue>> {
  if (text === null || text.trim() === '') refuse(wording.empty);
  const json = jsonOf(text);
  if (json === undefined) refuse(wording.notJson(text));
  if (json.value === null || typeof json.value !== 'object' || Array.isArray(json.value)) refuse(wording.notObject);
  checkShape(json.value);
  return json.value;
}

const builtInWording = {
  empty: 'the action needs a JSON parameter',
  notJson: (text: string) => `the parameter is not JSON: ${text}`,
  notObject: 'the parameter must be a JSON object',
};
const loopWording = { ...builtInWording, empty: 'the action needs a JSON parameter with LoopName' };
const fileWording = { empty: 'its parameter is not JSON', notJson: () => 'its parameter is not JSON', notObject: 'its parameter is not a JSON object' };
const httpWording = {
  empty: 'its parameter is not JSON (expected {"Url": …})',
  notJson: () => 'its parameter is not JSON (expected {"Url": …})',
  notObject: 'its parameter is not a JSON object',
};

/** `true`, or the text `true`/`True` (vendor schemes write both). */
function isTrue(value: JsonValue | undefined): boolean {
  return value === true || value === 'true' || value === 'True';
}

/** The parameter name, spelled `ParameterName` or, in older vendor schemes, `Parameter` (FileWriteRead.xml). */
function parameterNameOf(options: Readonly<Record<string, JsonValue>>): string {
  const name = options['ParameterName'] ?? options['Parameter'];
  if (typeof name !== 'string' || name.trim() === '') refuse('ParameterName is required');
  return name;
}

function loopNamesOf(options: Readonly<Record<string, JsonValue>>): LoopParameterNames {
  const loopName = options['LoopName'];
  if (typeof loopName !== 'string' || loopName === '') refuse('LoopName is required');
  const named = (key: string, fallback: string): string => {
    const value = options[key];
    return typeof value === 'string' && value !== '' ? value : fallback;
  };
  return {
    loopName,
    stateParameterName: named('LoopStateParameterName', `${loopName}State`),
    counterParameterName: named('LoopCounterValueParameterName', `${loopName}CounterValue`),
  };
}

function numberOf(options: Readonly<Record<string, JsonValue>>, key: string, fallback?: number): number {
  const raw = options[key];
  if ((raw === undefined || raw === '' || raw === null) && fallback !== undefined) return fallback;
  const number = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : Number.NaN;
  if (!Number.isFinite(number)) refuse(`${key} must be a number`);
  return number;
}

function loopFor(text: string | null): LoopForArguments {
  const options = objectOf(text, loopWording);
  const names = loopNamesOf(options);
  const counterType = options['CounterType'] ?? 'Int';
  if (counterType !== 'Int' && counterType !== 'Double' && counterType !== 'Decimal') {
    refuse(`CounterType ${String(counterType)} is not supported (Int, Double, Decimal)`);
  }
  const startValue = numberOf(options, 'StartValue');
  const endValue = numberOf(options, 'EndValue');
  const step = Math.abs(numberOf(options, 'Step', 1));
  if (step === 0) refuse('Step must not be zero');
  return {
    kind: 'StartLoopFor',
    ...names,
    counterType,
    startValue,
    endValue,
    step,
    decrement: options['StepType'] === 'Decrement',
    includeLastValue: options['IncludeLastValue'] !== false && options['IncludeLastValue'] !== 'false',
  };
}

function loopForeach(name: string, text: string | null): LoopForeachArguments {
  const options = objectOf(text, loopWording);
  const names = loopNamesOf(options);
  const separator = typeof options['Separator'] === 'string' && options['Separator'] !== '' ? options['Separator'] : ',';
  const fromParameter = name === 'StartLoopForeachFromParameter' || options['ValuesFromParameter'] === true || options['ValuesFromParameter'] === 'true';
  if (fromParameter) {
    const parameterName = options['ValuesParameterName'] ?? options['ParameterName'];
    if (typeof parameterName !== 'string' || parameterName === '') refuse('ValuesParameterName is required');
    return { kind: 'StartLoopForeach', ...names, values: { parameterName }, separator };
  }
  const written = options['Values'];
  let list: readonly JsonValue[];
  if (Array.isArray(written)) list = written;
  else if (typeof written === 'string') list = splitValues(written, separator);
  else if (written === undefined || written === null) list = [];
  else refuse('Values must be text or a list');
  return { kind: 'StartLoopForeach', ...names, values: { list }, separator };
}

/** Splits a foreach loop's text of values: trimmed, empty items dropped. */
export function splitValues(text: string, separator: string): string[] {
  return text
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function setParameter(text: string | null): SetParameterArguments {
  const options = objectOf(text, builtInWording);
  const parameterName = parameterNameOf(options);
  const raw = options['Value'];
  const valueText = typeof raw === 'string' ? raw : null;
  // A text Value is JSON when it reads as JSON (`"25"` is the number 25); a parameter declared
  // as text keeps `valueText` instead, chosen when the action runs against its scheme.
  const value = valueText === null ? (raw ?? null) : (jsonOf(valueText)?.value ?? valueText);
  return { kind: 'SetParameter', parameterName, forRootProcess: isTrue(options['ForRootProcess']), value, valueText };
}

function removeParameter(text: string | null): RemoveParameterArguments {
  const trimmed = text?.trim() ?? '';
  const options = trimmed.startsWith('{') ? objectOf(trimmed, builtInWording) : { ParameterName: trimmed };
  return { kind: 'RemoveParameter', parameterName: parameterNameOf(options), forRootProcess: isTrue(options['ForRootProcess']) };
}

function httpOptions(text: string | null): { readonly options: Readonly<Record<string, JsonValue>>; readonly request: HttpRequestOptions; readonly textOf: (key: string) => string | null } {
  const options = objectOf(text, httpWording);
  const textOf = (key: string): string | null => {
    const value = options[key];
    if (value === undefined || value === null || value === '') return null;
    return typeof value === 'string' ? value : JSON.stringify(value);
  };
  const url = textOf('Url');
  if (!url) refuse('its parameter has no Url');
  const parametersText = textOf('Parameters');
  const extra = parametersText === null ? undefined : jsonOf(parametersText);
  const parametersObject = extra !== undefined && extra.value !== null && typeof extra.value === 'object' && !Array.isArray(extra.value) ? extra.value : null;
  if (parametersObject) checkShape(parametersObject);
  const flag = (key: string): boolean => options[key] === true || options[key] === 'true';
  return {
    options,
    textOf,
    request: {
      url,
      contentType: textOf('ContentType') ?? 'Json',
      post: flag('Post'),
      addProcessInstanceParameters: flag('AddProcessInstanceParameters'),
      parametersText,
      parametersObject,
    },
  };
}

function httpRequest(text: string | null): HttpRequestArguments {
  const { options, request, textOf } = httpOptions(text);
  return { kind: 'HTTPRequest', ...request, parameterName: textOf('ParameterName'), storeResponse: options['StoreResponse'] === true || options['StoreResponse'] === 'true' };
}

function httpCheck(text: string | null): HttpCheckArguments {
  const { request, textOf } = httpOptions(text);
  const compareType = textOf('CompareType') ?? 'Equal';
  if (!HTTP_COMPARE_TYPES.includes(compareType.toLowerCase())) {
    refuse(`CompareType '${compareType}' is not known (Equal, NotEqual, Contains, NotContains, More, MoreOrEqual, Less, LessOrEqual, IsNull, IsNotNull)`);
  }
  const expected = textOf('ResultFieldValue') ?? '';
  const separator = textOf('Separator');
  return {
    kind: 'CheckHTTPRequest',
    ...request,
    resultFieldPath: (textOf('ResultFieldName') ?? '').split('.').filter((key) => key.length > 0),
    expectedValues: separator ? expected.split(separator).map((value) => value.trim()) : [expected],
    compareType: compareType.toLowerCase(),
  };
}

/** The keys each file action needs as text. */
const FILE_ACTION_KEYS: Readonly<Record<string, readonly string[]>> = {
  FileWrite: ['Path'],
  FileRead: ['Path', 'ParameterName'],
  FilesListRead: ['FilesListRead'],
  FileDelete: ['Path'],
  DirectoryCreate: ['Path'],
  DirectoryDelete: ['Path'],
  DirectoryCompress: ['DirectoryPath', 'ArchivePath'],
  FileUncompress: ['ArchivePath', 'DirectoryPath'],
};

function fileAction(name: string, text: string | null): FileActionArguments {
  const fields = objectOf(text, fileWording);
  for (const key of FILE_ACTION_KEYS[name] ?? []) {
    const value = fields[key];
    if (typeof value !== 'string' || value.trim() === '') refuse(`its parameter has no ${key}`);
  }
  if (name === 'FilesListRead') {
    const spec = String(fields['FilesListRead']).trim();
    const [list, target] = spec.split('=>').map((part) => part.trim());
    if (!list || !target) refuse(`FilesListRead '${spec}' is not "file, file => ParameterName"`);
  }
  return { kind: 'File', fields };
}

function webhook(text: string | null): WebhookArguments {
  const trimmed = (text ?? '').trim();
  const json = jsonOf(trimmed);
  const record = json !== undefined && json.value !== null && typeof json.value === 'object' && !Array.isArray(json.value) ? json.value : null;
  if (record) checkShape(record);
  if (record && typeof record['Url'] === 'string') {
    let url: URL;
    try {
      url = new URL(record['Url']);
    } catch {
      refuse(`'${record['Url']}' is not a valid URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') refuse(`only http and https URLs are allowed, not '${url.protocol}'`);
    const secret = record['Secret'];
    return { kind: 'Webhook', target: { url: url.href, secret: typeof secret === 'string' && secret !== '' ? secret : null } };
  }
  // A configured webhook's name: {"Name": …}, a JSON string, or the bare text.
  const name = record ? (typeof record['Name'] === 'string' ? record['Name'] : null) : typeof json?.value === 'string' ? json.value : trimmed;
  if (!name) refuse('its parameter needs {"Url": …, "Secret": …} or the name of a configured webhook');
  return { kind: 'Webhook', target: { name } };
}

function checkParameter(text: string | null): CheckParameterArguments {
  const options = objectOf(text, builtInWording);
  const parameterName = parameterNameOf(options);
  const compareType = typeof options['CompareType'] === 'string' ? options['CompareType'] : 'Equal';
  if (!PARAMETER_COMPARE_TYPES.includes(compareType)) refuse(`CompareType ${compareType} is not known`);
  const separator = typeof options['Separator'] === 'string' && options['Separator'] !== '' ? options['Separator'] : ',';
  return { kind: 'CheckParameter', parameterName, forRootProcess: isTrue(options['ForRootProcess']), compareType, value: options['Value'] ?? null, separator };
}

function subprocessesCompleted(text: string | null): SubprocessesCompletedArguments {
  // The mode is optional; when one is written as JSON it must be an object.
  if (text !== null && text.trim().startsWith('{')) objectOf(text, builtInWording);
  return { kind: 'CheckAllSubprocessesCompleted' };
}

/** The name of the built-in action, as the Webhook action is called in schemes. */
const WEBHOOK = 'Webhook';

/** Parses the ActionParameter of action `name`; `External` for an action that is not built in. */
export function parseActionArguments(name: string, text: string | null): ParsedArguments<ActionArguments> {
  switch (name) {
    case 'SetParameter':
      return parsed(name, () => setParameter(text));
    case 'RemoveParameter':
      return parsed(name, () => removeParameter(text));
    case 'StartLoopFor':
      return parsed(name, () => loopFor(text));
    case 'StartLoopForeach':
    case 'StartLoopForeachFromParameter':
      return parsed(name, () => loopForeach(name, text));
    case 'HTTPRequest':
      return parsed(name, () => httpRequest(text));
    case WEBHOOK:
      return parsed(name, () => webhook(text));
    default:
      if (FILE_ACTIONS.has(name)) return parsed(name, () => fileAction(name, text));
      return { arguments: { kind: 'External' } };
  }
}

/** Parses the ActionParameter of condition action `name`; `External` for one that is not built in. */
export function parseConditionArguments(name: string, text: string | null): ParsedArguments<ConditionArguments> {
  switch (name) {
    case 'CheckParameter':
      return parsed(name, () => checkParameter(text));
    case 'LoopIsNotCompletedAndBroken':
      return parsed(name, () => ({ kind: 'LoopIsNotCompletedAndBroken', loopName: loopNamesOf(objectOf(text, loopWording)).loopName }) as const);
    case 'CheckAllSubprocessesCompleted':
      return parsed(name, () => subprocessesCompleted(text));
    case 'CheckHTTPRequest':
      return parsed(name, () => httpCheck(text));
    default:
      return { arguments: { kind: 'External' } };
  }
}
