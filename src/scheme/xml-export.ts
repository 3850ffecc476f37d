/**
 * The vendor's XML scheme format, written: a SchemeDefinition exported back to the XML the vendor
 * reads (the admin API's download, a callback server's scheme generation). `xml-import.ts` reads it.
 */
import type {
  ActionCall,
  ConditionDefinition,
  SchemeDefinition,
  TransitionDefinition,
} from './model.js';
import { formatTypedValue } from './xml-typed-values.js';

function escapeAttribute(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

function element(name: string, attributes: Readonly<Record<string, string | boolean | number | undefined | null>>, body?: string): string {
  const text = Object.entries(attributes)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => ` ${key}="${escapeAttribute(String(value))}"`)
    .join('');
  return body === undefined ? `<${name}${text} />` : `<${name}${text}>${body}</${name}>`;
}

function indent(lines: readonly string[], depth: number): string {
  return lines.map((line) => '  '.repeat(depth) + line).join('\n');
}

function exportActionCalls(group: string, calls: readonly ActionCall[]): string[] {
  if (calls.length === 0) return [];
  return [
    `<${group}>`,
    ...calls.map(
      (call) =>
        '  ' +
        element('ActionRef', { Order: call.order, NameRef: call.name }, call.parameter === null ? '' : element('ActionParameter', {}, cdata(call.parameter))),
    ),
    `</${group}>`,
  ];
}

function exportCondition(condition: ConditionDefinition): string {
  switch (condition.type) {
    case 'Always':
    case 'Otherwise':
      return element('Condition', { Type: condition.type });
    case 'Expression':
      return element('Condition', { Type: 'Expression', ConditionInversion: condition.inverted }, element('Expression', {}, cdata(condition.expression)));
    case 'Action':
      return element(
        'Condition',
        { Type: 'Action', NameRef: condition.action, ConditionInversion: condition.inverted },
        condition.parameter === null ? '' : element('ActionParameter', {}, cdata(condition.parameter)),
      );
  }
}

function exportTransition(transition: TransitionDefinition): string[] {
  const subprocess = transition.subprocess;
  const attributes = {
    Name: transition.name,
    To: transition.to,
    From: transition.from,
    Classifier: transition.classifier,
    AllowConcatenationType: transition.allowConcatenation,
    RestrictConcatenationType: transition.restrictConcatenation,
    ConditionsConcatenationType: transition.conditionsConcatenation,
    DisableParentStateControl: transition.disableParentStateControl,
    IsFork: transition.isFork,
    SubprocessInOutDefinition: subprocess?.inOut,
    SubprocessName: subprocess?.name,
    SubprocessStartupParameterCopyStrategy: subprocess?.copyStrategy,
    SubprocessStartupParameterCopyStrategyParameters:
      subprocess && subprocess.copyParameters.length > 0 ? subprocess.copyParameters.join(',') : undefined,
    SubprocessFinalizeParameterMergeStrategy: subprocess?.mergeStrategy,
    SubprocessFinalizeParameterMergeStrategyParameters:
      subprocess && subprocess.mergeParameters.length > 0 ? subprocess.mergeParameters.join(',') : undefined,
  };
  const body: string[] = [];
  if (transition.restrictions.length > 0) {
    body.push('<Restrictions>', ...transition.restrictions.map((r) => '  ' + element('Restriction', { Type: r.type, NameRef: r.actor })), '</Restrictions>');
  }
  body.push('<Triggers>', '  ' + element('Trigger', { Type: transition.trigger.type, NameRef: transition.trigger.name }), '</Triggers>');
  body.push('<Conditions>', ...transition.conditions.map((c) => '  ' + exportCondition(c)), '</Conditions>');
  return [element('Transition', attributes, '').replace(/<\/Transition>$/, ''), indent(body, 1), '</Transition>'];
}

function block(name: string, items: readonly string[]): string[] {
  return items.length === 0 ? [] : [`<${name}>`, indent(items, 1), `</${name}>`];
}

/**
 * Writes a definition in the vendor's XML format (for downloading a scheme). Importing the
 * result gives an equal definition (computed `externalNeeds` aside).
 */
export function exportVendorXml(definition: SchemeDefinition): string {
  const typeOf = new Map(definition.parameters.map((parameter) => [parameter.name, parameter.type]));
  const lines: string[] = [
    ...block(
      'Actors',
      definition.actors.map((actor) => element('Actor', { Name: actor.name, Rule: actor.rule, Value: actor.value })),
    ),
    ...block(
      'Parameters',
      definition.parameters.map((parameter) =>
        element('Parameter', {
          Name: parameter.name,
          Type: parameter.type,
          Purpose: parameter.purpose,
          InitialValue: parameter.initialValue === undefined ? undefined : formatTypedValue(parameter.initialValue, parameter.type),
        }),
      ),
    ),
    ...block(
      'Commands',
      definition.commands.map((command) =>
        command.inputParameters.length === 0
          ? element('Command', { Name: command.name })
          : [
              `<Command Name="${escapeAttribute(command.name)}">`,
              '  <InputParameters>',
              ...command.inputParameters.map(
                (input) =>
                  '    ' +
                  element('ParameterRef', {
                    Name: input.name,
                    IsRequired: input.isRequired,
                    DefaultValue:
                      input.defaultValue === undefined ? undefined : formatTypedValue(input.defaultValue, typeOf.get(input.parameterName) ?? 'String'),
                    NameRef: input.parameterName,
                  }),
              ),
              '  </InputParameters>',
              '</Command>',
            ].join('\n  '),
      ),
    ),
    ...block(
      'Timers',
      definition.timers.map((timer) =>
        element('Timer', {
          Name: timer.name,
          Type: timer.type,
          Value: timer.value,
          NotOverrideIfExists: timer.notOverrideIfExists,
          TimeZone: timer.timeZone,
        }),
      ),
    ),
    ...block(
      'Activities',
      definition.activities.map((activity) => {
        const attributes = {
          Name: activity.name,
          State: activity.state,
          IsInitial: activity.isInitial,
          IsFinal: activity.isFinal,
          IsForSetState: activity.isForSetState,
          IsAutoSchemeUpdate: activity.isAutoSchemeUpdate,
        };
        const body = [
          ...exportActionCalls('Implementation', activity.implementation),
          ...exportActionCalls('PreExecutionImplementation', activity.preExecutionImplementation),
        ];
        if (body.length === 0) return element('Activity', attributes);
        return [element('Activity', attributes, '').replace(/<\/Activity>$/, ''), indent(body, 1), '</Activity>'].join('\n  ');
      }),
    ),
    ...block('Transitions', definition.transitions.map((transition) => exportTransition(transition).join('\n  '))),
    ...block(
      'Localization',
      definition.localization.map((entry) =>
        element('Localize', {
          Type: entry.type,
          IsDefault: entry.isDefault,
          Culture: entry.culture,
          ObjectName: entry.objectName,
          Value: entry.value,
        }),
      ),
    ),
  ];
  const processAttributes = {
    Name: definition.name,
    Tags: definition.tags.join(','),
    LogEnabled: definition.logEnabled,
  };
  return `${element('Process', processAttributes, '').replace(/<\/Process>$/, '')}\n${indent(lines, 1)}\n</Process>\n`;
}
