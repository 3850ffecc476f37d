/**
 * Waymark's native JSON scheme format: reads an unknown JSON value into a SchemeDefinition,
 * filling defaults for omitted optional fields and reporting every problem with its path.
 * The same format is described by docs/scheme.schema.json and docs/schemes.md.
 */
import { SchemeInvalidError, type SchemeProblem } from '../errors/index.js';
import type {
  ActionCall,
  ActivityDefinition,
  ActorDefinition,
  Classifier,
  CommandDefinition,
  CommandInputParameter,
  Concatenation,
  ConditionDefinition,
  LocalizationEntry,
  LocalizationType,
  ParameterDefinition,
  ParameterPurpose,
  RestrictionDefinition,
  SchemeDefinition,
  SubprocessCopyStrategy,
  SubprocessDefinition,
  SubprocessMergeStrategy,
  TimerDefinition,
  TimerType,
  TransitionDefinition,
  TriggerType,
} from './model.js';

const PARAMETER_PURPOSES = ['Temporary', 'Persistence', 'System'] as const satisfies readonly ParameterPurpose[];
const TIMER_TYPES = ['Interval', 'Time', 'Date', 'DateAndTime', 'Expression', 'Cron'] as const satisfies readonly TimerType[];
const TRIGGER_TYPES = ['Command', 'Auto', 'Timer'] as const satisfies readonly TriggerType[];
const CONDITION_TYPES = ['Always', 'Otherwise', 'Expression', 'Action'] as const;
const CLASSIFIERS = ['NotSpecified', 'Direct', 'Reverse'] as const satisfies readonly Classifier[];
const CONCATENATIONS = ['And', 'Or'] as const satisfies readonly Concatenation[];
const COPY_STRATEGIES = ['CopyAll', 'IgnoreAll', 'CopySpecified', 'IgnoreSpecified'] as const satisfies readonly SubprocessCopyStrategy[];
const MERGE_STRATEGIES = [
  'OverwriteAllNulls',
  'OverwriteAll',
  'OverwriteSpecified',
  'DontOverwriteSpecified',
] as const satisfies readonly SubprocessMergeStrategy[];
const LOCALIZATION_TYPES = [
  'State',
  'Command',
  'Parameter',
  'Action',
  'Condition',
  'Comment',
  'Scheme',
] as const satisfies readonly LocalizationType[];

type JsonObject = Readonly<Record<string, unknown>>;

/** Reads fields of one JSON object, recording problems under its path. */
class ObjectReader {
  constructor(
    readonly object: JsonObject,
    readonly path: string,
    private readonly problems: SchemeProblem[],
    allowed: readonly string[],
  ) {
    for (const key of Object.keys(object)) {
      if (!allowed.includes(key)) this.fail(key, `unknown field (expected one of: ${allowed.join(', ')})`);
    }
  }

  fail(field: string | undefined, message: string): void {
    this.problems.push({ where: field === undefined ? this.path || '(root)' : this.at(field), message });
  }

  at(field: string): string {
    return this.path === '' ? field : `${this.path}.${field}`;
  }

  string(field: string): string;
  string(field: string, fallback: string | null): string | null;
  string(field: string, fallback?: string | null): string | null {
    const value = this.object[field];
    if (value === undefined || (value === null && fallback === null)) {
      if (fallback === undefined) {
        this.fail(field, 'is required (a string)');
        return '';
      }
      return fallback;
    }
    if (typeof value !== 'string') {
      this.fail(field, `must be a string, not ${describe(value)}`);
      return fallback ?? '';
    }
    if (fallback === undefined && value.trim() === '') this.fail(field, 'must not be empty');
    return value;
  }

  optionalString(field: string): string | undefined {
    const value = this.object[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.fail(field, `must be a string, not ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  boolean(field: string, fallback: boolean): boolean {
    const value = this.object[field];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') {
      this.fail(field, `must be true or false, not ${describe(value)}`);
      return fallback;
    }
    return value;
  }

  integer(field: string): number {
    const value = this.object[field];
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.fail(field, value === undefined ? 'is required (an integer)' : `must be an integer, not ${describe(value)}`);
      return 0;
    }
    return value;
  }

  oneOf<T extends string>(field: string, choices: readonly T[], fallback?: T): T {
    const value = this.object[field];
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
      this.fail(field, `must be one of ${choices.join(', ')}${value === undefined ? '' : `, not ${describe(value)}`}`);
      return fallback ?? choices[0]!;
    }
    return value as T;
  }

  list<T>(field: string, readItem: (reader: ObjectReader) => T, allowed: readonly string[], required = false): T[] {
    return this.array(field, required).flatMap((item, index) => {
      const path = `${this.at(field)}[${index}]`;
      if (!isObject(item)) {
        this.problems.push({ where: path, message: `must be an object, not ${describe(item)}` });
        return [];
      }
      return [readItem(new ObjectReader(item, path, this.problems, allowed))];
    });
  }

  strings(field: string): string[] {
    return this.array(field, false).flatMap((item, index) => {
      if (typeof item !== 'string') {
        this.problems.push({ where: `${this.at(field)}[${index}]`, message: `must be a string, not ${describe(item)}` });
        return [];
      }
      return [item];
    });
  }

  object_(field: string): ObjectReaderInput | undefined {
    const value = this.object[field];
    if (value === undefined) return undefined;
    if (!isObject(value)) {
      this.fail(field, `must be an object, not ${describe(value)}`);
      return undefined;
    }
    return { object: value, path: this.at(field) };
  }

  reader(input: ObjectReaderInput, allowed: readonly string[]): ObjectReader {
    return new ObjectReader(input.object, input.path, this.problems, allowed);
  }

  private array(field: string, required: boolean): unknown[] {
    const value = this.object[field];
    if (value === undefined) {
      if (required) this.fail(field, 'is required (an array)');
      return [];
    }
    if (!Array.isArray(value)) {
      this.fail(field, `must be an array, not ${describe(value)}`);
      return [];
    }
    return value;
  }
}

interface ObjectReaderInput {
  readonly object: JsonObject;
  readonly path: string;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

const ACTION_CALL_FIELDS = ['order', 'name', 'parameter'];
function readActionCall(reader: ObjectReader): ActionCall {
  return { order: reader.integer('order'), name: reader.string('name'), parameter: reader.string('parameter', null) };
}

function readParameter(reader: ObjectReader): ParameterDefinition {
  const parameter: ParameterDefinition = {
    name: reader.string('name'),
    type: reader.string('type'),
    purpose: reader.oneOf('purpose', PARAMETER_PURPOSES, 'Temporary'),
  };
  return 'initialValue' in reader.object ? { ...parameter, initialValue: reader.object['initialValue'] } : parameter;
}

function readActor(reader: ObjectReader): ActorDefinition {
  return { name: reader.string('name'), rule: reader.string('rule'), value: reader.string('value', null) };
}

function readInputParameter(reader: ObjectReader): CommandInputParameter {
  const input: CommandInputParameter = {
    name: reader.string('name'),
    parameterName: reader.string('parameterName'),
    isRequired: reader.boolean('isRequired', false),
  };
  return 'defaultValue' in reader.object ? { ...input, defaultValue: reader.object['defaultValue'] } : input;
}

function readCommand(reader: ObjectReader): CommandDefinition {
  return {
    name: reader.string('name'),
    inputParameters: reader.list('inputParameters', readInputParameter, ['name', 'parameterName', 'isRequired', 'defaultValue']),
  };
}

function readTimer(reader: ObjectReader): TimerDefinition {
  const timer: TimerDefinition = {
    name: reader.string('name'),
    type: reader.oneOf('type', TIMER_TYPES),
    value: reader.string('value'),
    notOverrideIfExists: reader.boolean('notOverrideIfExists', false),
  };
  const timeZone = reader.optionalString('timeZone');
  return timeZone === undefined ? timer : { ...timer, timeZone };
}

function readActivity(reader: ObjectReader): ActivityDefinition {
  return {
    name: reader.string('name'),
    state: reader.string('state', null),
    isInitial: reader.boolean('isInitial', false),
    isFinal: reader.boolean('isFinal', false),
    isForSetState: reader.boolean('isForSetState', false),
    isAutoSchemeUpdate: reader.boolean('isAutoSchemeUpdate', false),
    implementation: reader.list('implementation', readActionCall, ACTION_CALL_FIELDS),
    preExecutionImplementation: reader.list('preExecutionImplementation', readActionCall, ACTION_CALL_FIELDS),
  };
}

const CONDITION_FIELDS = ['type', 'expression', 'action', 'parameter', 'inverted'];
function readCondition(reader: ObjectReader): ConditionDefinition {
  const type = reader.oneOf('type', CONDITION_TYPES);
  const only = (allowed: readonly string[]): void => {
    for (const key of Object.keys(reader.object)) {
      if (CONDITION_FIELDS.includes(key) && !allowed.includes(key)) reader.fail(key, `is not used by ${type} conditions`);
    }
  };
  switch (type) {
    case 'Always':
    case 'Otherwise':
      only(['type']);
      return { type };
    case 'Expression':
      only(['type', 'expression', 'inverted']);
      return { type, expression: reader.string('expression'), inverted: reader.boolean('inverted', false) };
    case 'Action':
      only(['type', 'action', 'parameter', 'inverted']);
      return {
        type,
        action: reader.string('action'),
        parameter: reader.string('parameter', null),
        inverted: reader.boolean('inverted', false),
      };
  }
}

function readSubprocess(reader: ObjectReader): SubprocessDefinition {
  const subprocess: SubprocessDefinition = {
    inOut: reader.oneOf('inOut', ['Start', 'Finalize'] as const),
    copyStrategy: reader.oneOf('copyStrategy', COPY_STRATEGIES, 'CopyAll'),
    copyParameters: reader.strings('copyParameters'),
    mergeStrategy: reader.oneOf('mergeStrategy', MERGE_STRATEGIES, 'OverwriteAllNulls'),
    mergeParameters: reader.strings('mergeParameters'),
  };
  const name = reader.optionalString('name');
  return name === undefined ? subprocess : { ...subprocess, name };
}

function readTransition(reader: ObjectReader): TransitionDefinition {
  const triggerInput = reader.object_('trigger');
  let trigger: TransitionDefinition['trigger'] = { type: 'Auto' };
  if (triggerInput === undefined) {
    reader.fail('trigger', 'is required (an object with type Command, Auto or Timer)');
  } else {
    const triggerReader = reader.reader(triggerInput, ['type', 'name']);
    const type = triggerReader.oneOf('type', TRIGGER_TYPES);
    const name = triggerReader.optionalString('name');
    trigger = name === undefined ? { type } : { type, name };
  }
  const subprocessInput = reader.object_('subprocess');
  const transition: TransitionDefinition = {
    name: reader.string('name'),
    from: reader.string('from'),
    to: reader.string('to'),
    classifier: reader.oneOf('classifier', CLASSIFIERS, 'NotSpecified'),
    trigger,
    conditions: reader.list('conditions', readCondition, CONDITION_FIELDS, true),
    conditionsConcatenation: reader.oneOf('conditionsConcatenation', CONCATENATIONS, 'And'),
    restrictions: reader.list('restrictions', readRestriction, ['type', 'actor']),
    allowConcatenation: reader.oneOf('allowConcatenation', CONCATENATIONS, 'And'),
    restrictConcatenation: reader.oneOf('restrictConcatenation', CONCATENATIONS, 'And'),
    isFork: reader.boolean('isFork', false),
    disableParentStateControl: reader.boolean('disableParentStateControl', false),
  };
  if (subprocessInput === undefined) return transition;
  const subprocessReader = reader.reader(subprocessInput, [
    'inOut',
    'name',
    'copyStrategy',
    'copyParameters',
    'mergeStrategy',
    'mergeParameters',
  ]);
  return { ...transition, subprocess: readSubprocess(subprocessReader) };
}

function readRestriction(reader: ObjectReader): RestrictionDefinition {
  return { type: reader.oneOf('type', ['Allow', 'Restrict'] as const), actor: reader.string('actor') };
}

function readLocalization(reader: ObjectReader): LocalizationEntry {
  return {
    type: reader.oneOf('type', LOCALIZATION_TYPES),
    objectName: reader.string('objectName'),
    culture: reader.string('culture'),
    isDefault: reader.boolean('isDefault', false),
    value: reader.string('value', '') ?? '',
  };
}

/** The top-level fields of the native format, in the order they are written. */
export const SCHEME_FIELDS: readonly string[] = Object.freeze([
  '$schema',
  'code',
  'name',
  'tags',
  'logEnabled',
  'parameters',
  'actors',
  'commands',
  'timers',
  'activities',
  'transitions',
  'localization',
  'externalNeeds',
]);

/**
 * Reads a scheme in Waymark's native JSON format. `code` (when given) overrides the document's
 * code; `name` defaults to the code. Throws `SchemeInvalidError('WM_SCHEME_INVALID')` listing every
 * shape problem with its path (e.g. `transitions[2].trigger.type: must be one of Command, Auto, Timer`).
 * `externalNeeds` in the input is ignored: compilation computes it.
 */
export function parseSchemeJson(input: unknown, options: { code?: string } = {}): SchemeDefinition {
  const problems: SchemeProblem[] = [];
  if (!isObject(input)) {
    throw new SchemeInvalidError('WM_SCHEME_INVALID', [{ where: '(root)', message: `a scheme must be a JSON object, not ${describe(input)}` }], options.code);
  }
  const reader = new ObjectReader(input, '', problems, SCHEME_FIELDS);
  const code = options.code ?? reader.string('code');
  const definition: SchemeDefinition = {
    code,
    name: reader.string('name', null) ?? code,
    tags: reader.strings('tags'),
    logEnabled: reader.boolean('logEnabled', false),
    parameters: reader.list('parameters', readParameter, ['name', 'type', 'purpose', 'initialValue']),
    actors: reader.list('actors', readActor, ['name', 'rule', 'value']),
    commands: reader.list('commands', readCommand, ['name', 'inputParameters']),
    timers: reader.list('timers', readTimer, ['name', 'type', 'value', 'notOverrideIfExists', 'timeZone']),
    activities: reader.list('activities', readActivity, [
      'name',
      'state',
      'isInitial',
      'isFinal',
      'isForSetState',
      'isAutoSchemeUpdate',
      'implementation',
      'preExecutionImplementation',
    ], true),
    transitions: reader.list('transitions', readTransition, [
      'name',
      'from',
      'to',
      'classifier',
      'trigger',
      'conditions',
      'conditionsConcatenation',
      'restrictions',
      'allowConcatenation',
      'restrictConcatenation',
      'isFork',
      'subprocess',
      'disableParentStateControl',
    ]),
    localization: reader.list('localization', readLocalization, ['type', 'objectName', 'culture', 'isDefault', 'value']),
  };
  if (problems.length > 0) throw new SchemeInvalidError('WM_SCHEME_INVALID', problems, code || undefined);
  return definition;
}

/** The native JSON form of a definition (what is stored and what the API returns); drops computed `externalNeeds`. */
export function toSchemeJson(definition: SchemeDefinition): Record<string, unknown> {
  const { externalNeeds: _computed, ...rest } = definition;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
}
