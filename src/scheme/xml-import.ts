/**
 * The vendor's XML scheme format, read: import into a SchemeDefinition (the way back is
 * `xml-export.ts`).
 *
 * Import refuses, with a message that names the element and where it is used, what Waymark
 * cannot run: C# `<CodeActions>` (unless a callback server provides them) and file actions
 * (unless a sandbox folder is configured). See docs/schemes.md, "Importing vendor XML".
 */
import { createRequire } from 'node:module';
import type { X2jOptions, XMLParser } from 'fast-xml-parser';
import { SchemeInvalidError, type SchemeProblem } from '../errors/index.js';
import { FILE_ACTIONS, FILE_ACTIONS_ARE_OFF } from './built-in-names.js';
import { celTypeOf } from './expressions.js';
import { isInterval, parseTimeOfDay } from './timer-values.js';
import { isTextType } from './xml-typed-values.js';
import type {
  ActionCall,
  ActivityDefinition,
  ActorDefinition,
  CommandDefinition,
  CommandInputParameter,
  ConditionDefinition,
  LocalizationEntry,
  ParameterDefinition,
  SchemeDefinition,
  SubprocessDefinition,
  TimerDefinition,
  TransitionDefinition,
} from './model.js';

/** What the importing server can run, which decides what is refused. */
export interface VendorXmlImportOptions {
  /** The scheme code; defaults to the Process `Name`. */
  readonly code?: string;
  /** True when a sandbox folder for file actions is configured (`WAYMARK_FILE_SANDBOX`). */
  readonly fileActionsSandbox: boolean;
  /** True when a callback server is configured (it may provide actions named like C# code actions). */
  readonly callbackServerConfigured: boolean;
}

type XmlNode = Record<string, unknown>;

const LIST_ELEMENTS = new Set([
  'Process',
  'Actors',
  'Actor',
  'Parameters',
  'Parameter',
  'Commands',
  'Command',
  'InputParameters',
  'ParameterRef',
  'Timers',
  'Timer',
  'Activities',
  'Activity',
  'Implementation',
  'PreExecutionImplementation',
  'ActionRef',
  'ActionParameter',
  'Transitions',
  'Transition',
  'Triggers',
  'Trigger',
  'Conditions',
  'Condition',
  'Expression',
  'Restrictions',
  'Restriction',
  'Localization',
  'Localize',
  'CodeActions',
  'CodeAction',
]);

const PROCESS_CHILDREN = new Set([
  'Designer',
  'Actors',
  'Parameters',
  'Commands',
  'Timers',
  'Activities',
  'Transitions',
  'Localization',
  'CodeActions',
]);

// fast-xml-parser is loaded with the first XML import, not when the server starts
// (docs/performance.md, "Start-up"); its CommonJS build is one file, loaded synchronously.
const requireModule = createRequire(import.meta.url);
type FastXmlParser = typeof import('fast-xml-parser');
let xmlParser: { readonly parser: XMLParser; readonly validator: FastXmlParser['XMLValidator'] } | null = null;

function xmlParsing(): { readonly parser: XMLParser; readonly validator: FastXmlParser['XMLValidator'] } {
  if (xmlParser === null) {
    const { XMLParser: Parser, XMLValidator } = requireModule('fast-xml-parser') as FastXmlParser;
    xmlParser = { parser: new Parser(PARSER_OPTIONS), validator: XMLValidator };
  }
  return xmlParser;
}

const PARSER_OPTIONS: X2jOptions = {
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (tagName, _path, _isLeaf, isAttribute) => !isAttribute && LIST_ELEMENTS.has(tagName),
};

/** Largest XML document accepted, in characters. */
export const MAX_XML_LENGTH = 5 * 1024 * 1024;

function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  if (!Array.isArray(value)) return [];
  return value.map((item) => (typeof item === 'object' && item !== null ? (item as XmlNode) : { '#text': String(item) }));
}

/** The items of a `<Group><Item/>…</Group>` list. */
function listOf(node: XmlNode, group: string, item: string): XmlNode[] {
  return children(node, group).flatMap((groupNode) => children(groupNode, item));
}

function attribute(node: XmlNode, name: string): string | undefined {
  const value = node[`@_${name}`];
  return value === undefined ? undefined : String(value);
}

function textOf(node: XmlNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  const text = node['#text'];
  return text === undefined ? '' : String(text);
}

/** Collects problems while reading, with the XML path of each. */
class XmlReader {
  readonly problems: SchemeProblem[] = [];

  required(node: XmlNode, name: string, where: string): string {
    const value = attribute(node, name);
    if (value === undefined || value.trim() === '') {
      this.problems.push({ where, message: `attribute ${name} is required` });
      return '';
    }
    return value;
  }

  boolean(node: XmlNode, name: string, where: string, fallback = false): boolean {
    const value = attribute(node, name);
    if (value === undefined || value.trim() === '') return fallback;
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    this.problems.push({ where, message: `attribute ${name}="${value}" must be true or false` });
    return fallback;
  }

  oneOf<T extends string>(node: XmlNode, name: string, choices: readonly T[], fallback: T, where: string): T {
    const value = attribute(node, name);
    if (value === undefined || value === '') return fallback;
    const match = choices.find((choice) => choice.toLowerCase() === value.toLowerCase());
    if (match === undefined) {
      this.problems.push({ where, message: `attribute ${name}="${value}" must be one of ${choices.join(', ')}` });
      return fallback;
    }
    return match;
  }
}

/**
 * Parses an XML value text (InitialValue, DefaultValue) to a JSON value of the declared type.
 * Returns `{ error }` when the text does not fit the type.
 */
function parseTypedValue(text: string, type: string): { value: unknown } | { error: string } {
  const celType = celTypeOf(type);
  if (isTextType(type)) return { value: text };
  if (celType === 'int') {
    if (!/^\s*[+-]?\d+\s*$/.test(text)) return { error: `"${text}" is not an integer (${type})` };
    return { value: Number(text) };
  }
  if (celType === 'double') {
    const number = Number(text.trim().replace(',', '.'));
    if (text.trim() === '' || !Number.isFinite(number)) return { error: `"${text}" is not a number (${type})` };
    return { value: number };
  }
  if (celType === 'bool') {
    const lower = text.trim().toLowerCase();
    if (lower !== 'true' && lower !== 'false') return { error: `"${text}" is not true or false (${type})` };
    return { value: lower === 'true' };
  }
  // Custom types carry JSON; a text that is not JSON is kept as written.
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { value: text };
  }
}

function splitNames(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(/[,;]/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

function readActionCalls(reader: XmlReader, activity: XmlNode, group: string, where: string): ActionCall[] {
  return listOf(activity, group, 'ActionRef').map((ref, index) => {
    const refWhere = `${where}/${group}/ActionRef[${index + 1}]`;
    const orderText = attribute(ref, 'Order') ?? String(index + 1);
    const order = Number(orderText);
    if (!Number.isInteger(order)) reader.problems.push({ where: refWhere, message: `attribute Order="${orderText}" must be an integer` });
    const parameterNode = children(ref, 'ActionParameter')[0];
    return {
      order: Number.isInteger(order) ? order : index + 1,
      name: reader.required(ref, 'NameRef', refWhere),
      parameter: parameterNode === undefined ? null : textOf(parameterNode) ?? null,
    };
  });
}

function readCondition(reader: XmlReader, node: XmlNode, where: string): ConditionDefinition | undefined {
  const type = reader.oneOf(node, 'Type', ['Always', 'Otherwise', 'Expression', 'Action'] as const, 'Always', where);
  if (attribute(node, 'Type') === undefined) {
    reader.problems.push({ where, message: 'attribute Type is required (Always, Otherwise, Expression or Action)' });
    return undefined;
  }
  const inverted = reader.boolean(node, 'ConditionInversion', where);
  if (type === 'Always' || type === 'Otherwise') return { type };
  if (type === 'Expression') {
    const expression = textOf(children(node, 'Expression')[0]) ?? attribute(node, 'Expression');
    if (expression === undefined || expression.trim() === '') {
      reader.problems.push({ where, message: 'an Expression condition needs an <Expression> text' });
      return undefined;
    }
    return { type, expression, inverted };
  }
  const parameterNode = children(node, 'ActionParameter')[0];
  return {
    type,
    action: reader.required(node, 'NameRef', where),
    parameter: parameterNode === undefined ? null : textOf(parameterNode) ?? null,
    inverted,
  };
}

function readSubprocess(reader: XmlReader, node: XmlNode, name: string, where: string): SubprocessDefinition | undefined {
  const inOut = attribute(node, 'SubprocessInOutDefinition');
  if (inOut === undefined || inOut === '' || inOut.toLowerCase() === 'none') return undefined;
  const subprocessName = attribute(node, 'SubprocessName');
  const subprocess: SubprocessDefinition = {
    inOut: reader.oneOf(node, 'SubprocessInOutDefinition', ['Start', 'Finalize'] as const, 'Start', where),
    copyStrategy: reader.oneOf(
      node,
      'SubprocessStartupParameterCopyStrategy',
      ['CopyAll', 'IgnoreAll', 'CopySpecified', 'IgnoreSpecified'] as const,
      'CopyAll',
      where,
    ),
    copyParameters: splitNames(attribute(node, 'SubprocessStartupParameterCopyStrategyParameters')),
    mergeStrategy: reader.oneOf(
      node,
      'SubprocessFinalizeParameterMergeStrategy',
      ['OverwriteAllNulls', 'OverwriteAll', 'OverwriteSpecified', 'DontOverwriteSpecified'] as const,
      'OverwriteAllNulls',
      where,
    ),
    mergeParameters: splitNames(attribute(node, 'SubprocessFinalizeParameterMergeStrategyParameters')),
  };
  return subprocessName !== undefined && subprocessName !== '' && subprocessName !== name
    ? { ...subprocess, name: subprocessName }
    : subprocess;
}

function readTransition(reader: XmlReader, node: XmlNode, index: number): TransitionDefinition {
  const name = attribute(node, 'Name') ?? '';
  const where = `Transitions/Transition[${index + 1}]${name ? ` "${name}"` : ''}`;
  reader.required(node, 'Name', where);
  const concatenation = (attributeName: string): 'And' | 'Or' =>
    reader.oneOf(node, attributeName, ['And', 'Or'] as const, 'And', where);

  const triggers = listOf(node, 'Triggers', 'Trigger');
  let trigger: TransitionDefinition['trigger'] = { type: 'Auto' };
  if (triggers.length !== 1) {
    reader.problems.push({ where, message: `a transition needs exactly one <Trigger>, found ${triggers.length}` });
  }
  const triggerNode = triggers[0];
  if (triggerNode !== undefined) {
    const type = reader.oneOf(triggerNode, 'Type', ['Command', 'Auto', 'Timer'] as const, 'Auto', `${where}/Triggers/Trigger`);
    const triggerName = attribute(triggerNode, 'NameRef');
    trigger = type === 'Auto' || triggerName === undefined ? { type } : { type, name: triggerName };
  }

  const conditions = listOf(node, 'Conditions', 'Condition').flatMap((conditionNode, conditionIndex) => {
    const condition = readCondition(reader, conditionNode, `${where}/Conditions/Condition[${conditionIndex + 1}]`);
    return condition ? [condition] : [];
  });
  const restrictions = listOf(node, 'Restrictions', 'Restriction').map((restriction, restrictionIndex) => {
    const restrictionWhere = `${where}/Restrictions/Restriction[${restrictionIndex + 1}]`;
    return {
      type: reader.oneOf(restriction, 'Type', ['Allow', 'Restrict'] as const, 'Allow', restrictionWhere),
      actor: reader.required(restriction, 'NameRef', restrictionWhere),
    };
  });

  const transition: TransitionDefinition = {
    name,
    from: reader.required(node, 'From', where),
    to: reader.required(node, 'To', where),
    classifier: reader.oneOf(node, 'Classifier', ['NotSpecified', 'Direct', 'Reverse'] as const, 'NotSpecified', where),
    trigger,
    conditions,
    conditionsConcatenation: concatenation('ConditionsConcatenationType'),
    restrictions,
    allowConcatenation: concatenation('AllowConcatenationType'),
    restrictConcatenation: concatenation('RestrictConcatenationType'),
    isFork: reader.boolean(node, 'IsFork', where),
    disableParentStateControl: reader.boolean(node, 'DisableParentStateControl', where),
  };
  const subprocess = readSubprocess(reader, node, name, where);
  return subprocess ? { ...transition, subprocess } : transition;
}

function readTimer(reader: XmlReader, node: XmlNode, index: number): TimerDefinition {
  const name = attribute(node, 'Name') ?? '';
  const where = `Timers/Timer[${index + 1}]${name ? ` "${name}"` : ''}`;
  reader.required(node, 'Name', where);
  let type = reader.oneOf(
    node,
    'Type',
    ['Interval', 'Time', 'Date', 'DateAndTime', 'Expression', 'Cron'] as const,
    'Interval',
    where,
  );
  const value = reader.required(node, 'Value', where);
  // The vendor's samples write a period into a Time timer (`Type="Time" Value="1m"`): read it as an interval.
  if (type === 'Time' && parseTimeOfDay(value) === undefined && isInterval(value)) type = 'Interval';
  const timer: TimerDefinition = {
    name,
    type,
    value,
    notOverrideIfExists: reader.boolean(node, 'NotOverrideIfExists', where),
  };
  const timeZone = attribute(node, 'TimeZone');
  return timeZone ? { ...timer, timeZone } : timer;
}

function readParameters(reader: XmlReader, process: XmlNode): ParameterDefinition[] {
  return listOf(process, 'Parameters', 'Parameter').map((node, index) => {
    const name = attribute(node, 'Name') ?? '';
    const where = `Parameters/Parameter[${index + 1}]${name ? ` "${name}"` : ''}`;
    reader.required(node, 'Name', where);
    const type = attribute(node, 'Type') ?? 'String';
    const parameter: ParameterDefinition = {
      name,
      type,
      purpose: reader.oneOf(node, 'Purpose', ['Temporary', 'Persistence', 'System'] as const, 'Temporary', where),
    };
    const initialText = attribute(node, 'InitialValue');
    if (initialText === undefined) return parameter;
    const parsed = parseTypedValue(initialText, type);
    if ('error' in parsed) {
      reader.problems.push({ where, message: `InitialValue ${parsed.error}` });
      return parameter;
    }
    return { ...parameter, initialValue: parsed.value };
  });
}

function readCommands(reader: XmlReader, process: XmlNode, parameters: readonly ParameterDefinition[]): CommandDefinition[] {
  const typeOf = new Map(parameters.map((parameter) => [parameter.name, parameter.type]));
  return listOf(process, 'Commands', 'Command').map((node, index) => {
    const name = attribute(node, 'Name') ?? '';
    const where = `Commands/Command[${index + 1}]${name ? ` "${name}"` : ''}`;
    reader.required(node, 'Name', where);
    const inputParameters = listOf(node, 'InputParameters', 'ParameterRef').map((ref, refIndex): CommandInputParameter => {
      const refWhere = `${where}/InputParameters/ParameterRef[${refIndex + 1}]`;
      const parameterName = reader.required(ref, 'NameRef', refWhere);
      const input: CommandInputParameter = {
        name: attribute(ref, 'Name') || parameterName,
        parameterName,
        isRequired: reader.boolean(ref, 'IsRequired', refWhere),
      };
      const defaultText = attribute(ref, 'DefaultValue');
      const type = typeOf.get(parameterName) ?? 'String';
      // An empty DefaultValue means "no default" unless the parameter holds text.
      if (defaultText === undefined || (defaultText === '' && !isTextType(type))) return input;
      const parsed = parseTypedValue(defaultText, type);
      if ('error' in parsed) {
        reader.problems.push({ where: refWhere, message: `DefaultValue ${parsed.error}` });
        return input;
      }
      return { ...input, defaultValue: parsed.value };
    });
    return { name, inputParameters };
  });
}

function readActivities(reader: XmlReader, process: XmlNode): ActivityDefinition[] {
  return listOf(process, 'Activities', 'Activity').map((node, index) => {
    const name = attribute(node, 'Name') ?? '';
    const where = `Activities/Activity[${index + 1}]${name ? ` "${name}"` : ''}`;
    reader.required(node, 'Name', where);
    const state = attribute(node, 'State');
    return {
      name,
      state: state === undefined || state === '' ? null : state,
      isInitial: reader.boolean(node, 'IsInitial', where),
      isFinal: reader.boolean(node, 'IsFinal', where),
      isForSetState: reader.boolean(node, 'IsForSetState', where),
      isAutoSchemeUpdate: reader.boolean(node, 'IsAutoSchemeUpdate', where),
      implementation: readActionCalls(reader, node, 'Implementation', where),
      preExecutionImplementation: readActionCalls(reader, node, 'PreExecutionImplementation', where),
    };
  });
}

const LOCALIZATION_TYPES = ['State', 'Command', 'Parameter', 'Action', 'Condition', 'Comment', 'Scheme'] as const;

function readLocalization(reader: XmlReader, process: XmlNode): LocalizationEntry[] {
  return listOf(process, 'Localization', 'Localize').map((node, index) => {
    const where = `Localization/Localize[${index + 1}]`;
    return {
      type: reader.oneOf(node, 'Type', LOCALIZATION_TYPES, 'State', where),
      objectName: reader.required(node, 'ObjectName', where),
      culture: reader.required(node, 'Culture', where),
      isDefault: reader.boolean(node, 'IsDefault', where),
      value: attribute(node, 'Value') ?? '',
    };
  });
}

function readActors(reader: XmlReader, process: XmlNode): ActorDefinition[] {
  return listOf(process, 'Actors', 'Actor').map((node, index) => {
    const name = attribute(node, 'Name') ?? '';
    const where = `Actors/Actor[${index + 1}]${name ? ` "${name}"` : ''}`;
    reader.required(node, 'Name', where);
    return { name, rule: reader.required(node, 'Rule', where), value: attribute(node, 'Value') ?? null };
  });
}

function describeActionUses(definition: SchemeDefinition, actionName: string): string[] {
  const uses: string[] = [];
  for (const activity of definition.activities) {
    for (const group of ['implementation', 'preExecutionImplementation'] as const) {
      for (const call of activity[group]) {
        if (call.name === actionName) {
          const label = group === 'implementation' ? 'Implementation' : 'PreExecutionImplementation';
          uses.push(`activity "${activity.name}" (${label}, ActionRef Order ${call.order})`);
        }
      }
    }
  }
  return uses;
}

function describeConditionUses(definition: SchemeDefinition, conditionName: string): string[] {
  const uses: string[] = [];
  for (const transition of definition.transitions) {
    transition.conditions.forEach((condition, index) => {
      if (condition.type === 'Action' && condition.action === conditionName) {
        uses.push(`transition "${transition.name}" (Conditions, Condition ${index + 1})`);
      }
    });
  }
  return uses;
}

function describeRuleUses(definition: SchemeDefinition, ruleName: string): string[] {
  return definition.actors.filter((actor) => actor.rule === ruleName).map((actor) => `actor "${actor.name}" (Rule)`);
}

function joinUses(uses: readonly string[]): string {
  if (uses.length <= 1) return uses.join('');
  return `${uses.slice(0, -1).join(', ')} and ${uses[uses.length - 1]}`;
}

/** C# code actions that the scheme uses, as problems; unused ones are dropped (they would never run). */
function refuseCodeActions(process: XmlNode, definition: SchemeDefinition): SchemeProblem[] {
  return listOf(process, 'CodeActions', 'CodeAction').flatMap((node) => {
    const name = attribute(node, 'Name') ?? '';
    const type = attribute(node, 'Type') ?? 'Action';
    const lower = type.toLowerCase();
    const kind = lower === 'condition' ? 'condition' : lower.startsWith('rule') ? 'rule' : 'action';
    const uses =
      kind === 'condition'
        ? describeConditionUses(definition, name)
        : kind === 'rule'
          ? describeRuleUses(definition, name)
          : describeActionUses(definition, name);
    if (uses.length === 0) return [];
    const article = kind === 'action' ? 'an' : 'a';
    return [
      {
        where: 'CodeActions',
        message:
          `CodeActions/CodeAction "${name}" (Type ${type}) is C# code, which Waymark cannot run; it is used by ${joinUses(uses)}. ` +
          `Configure a callback server that provides ${article} ${kind} named "${name}" to import this scheme.`,
      },
    ];
  });
}

function refuseFileActions(definition: SchemeDefinition): SchemeProblem[] {
  const problems: SchemeProblem[] = [];
  for (const activity of definition.activities) {
    for (const group of ['implementation', 'preExecutionImplementation'] as const) {
      for (const call of activity[group]) {
        if (!FILE_ACTIONS.has(call.name)) continue;
        const label = group === 'implementation' ? 'Implementation' : 'PreExecutionImplementation';
        problems.push({
          where: `Activities/Activity "${activity.name}"`,
          message:
            `file action "${call.name}" is used by activity "${activity.name}" (${label}, ActionRef Order ${call.order}); ${FILE_ACTIONS_ARE_OFF}`,
        });
      }
    }
  }
  return problems;
}

function parseError(message: string, line?: number, column?: number): SchemeInvalidError {
  const where = line === undefined ? 'XML' : `XML line ${line}${column === undefined ? '' : `, column ${column}`}`;
  return new SchemeInvalidError('WM_SCHEME_PARSE', [{ where, message }]);
}

/**
 * Imports a scheme in the vendor's XML format.
 *
 * Throws `SchemeInvalidError` with code `WM_SCHEME_PARSE` for malformed XML (with line and
 * column), `WM_SCHEME_INVALID` for values that do not fit (a non-integer Int32 InitialValue, a
 * missing Name), and `WM_SCHEME_UNSUPPORTED` for C# code actions without a callback server or file
 * actions without a sandbox. Structural rules (references, one initial activity) are checked
 * later by `compileScheme`.
 */
export function importVendorXml(xml: string, options: VendorXmlImportOptions): SchemeDefinition {
  if (xml.length > MAX_XML_LENGTH) throw parseError(`the document is ${xml.length} characters long; at most ${MAX_XML_LENGTH} are accepted`);
  const { parser, validator } = xmlParsing();
  const validation = validator.validate(xml, { allowBooleanAttributes: true });
  if (validation !== true) throw parseError(validation.err.msg, validation.err.line, validation.err.col);
  let document: XmlNode;
  try {
    document = parser.parse(xml) as XmlNode;
  } catch (error) {
    throw parseError(error instanceof Error ? error.message : String(error));
  }
  const processes = children(document, 'Process');
  const process = processes[0];
  if (process === undefined || processes.length > 1) {
    throw parseError('the document must have exactly one root element <Process>');
  }

  const reader = new XmlReader();
  for (const key of Object.keys(process)) {
    if (key.startsWith('@_') || key === '#text' || PROCESS_CHILDREN.has(key)) continue;
    reader.problems.push({ where: `Process/${key}`, message: `element <${key}> is not part of the scheme format` });
  }
  const processName = reader.required(process, 'Name', 'Process');
  const parameters = readParameters(reader, process);
  const definition: SchemeDefinition = {
    code: options.code ?? processName,
    name: processName,
    tags: splitNames(attribute(process, 'Tags')),
    logEnabled: reader.boolean(process, 'LogEnabled', 'Process'),
    parameters,
    actors: readActors(reader, process),
    commands: readCommands(reader, process, parameters),
    timers: listOf(process, 'Timers', 'Timer').map((node, index) => readTimer(reader, node, index)),
    activities: readActivities(reader, process),
    transitions: listOf(process, 'Transitions', 'Transition').map((node, index) => readTransition(reader, node, index)),
    localization: readLocalization(reader, process),
  };
  if (reader.problems.length > 0) {
    throw new SchemeInvalidError('WM_SCHEME_INVALID', reader.problems, definition.code || undefined);
  }

  const unsupported = [
    ...(options.callbackServerConfigured ? [] : refuseCodeActions(process, definition)),
    ...(options.fileActionsSandbox ? [] : refuseFileActions(definition)),
  ];
  if (unsupported.length > 0) throw new SchemeInvalidError('WM_SCHEME_UNSUPPORTED', unsupported, definition.code);
  return definition;
}
