/**
 * Builds small schemes in the vendor's XML format for scenario tests, so each test says only
 * what its process looks like: activities, commands, timers and transitions.
 */

/** An activity; not initial, not final unless said. */
export interface XmlActivity {
  readonly name: string;
  readonly initial?: boolean;
  readonly final?: boolean;
}

/** A transition fired by a command, a timer or automatically; `attributes` adds raw XML attributes (forks). */
export interface XmlTransition {
  readonly from: string;
  readonly to: string;
  readonly trigger: { readonly command: string } | { readonly timer: string } | 'Auto';
  readonly classifier?: 'Direct' | 'Reverse' | 'NotSpecified';
  readonly attributes?: string;
}

/** A timer of the scheme. */
export interface XmlTimer {
  readonly name: string;
  readonly type: string;
  readonly value: string;
  readonly notOverride?: boolean;
  readonly timeZone?: string;
}

/** A whole process. */
export interface XmlProcess {
  readonly code: string;
  readonly parameters?: readonly { readonly name: string; readonly type: string; readonly purpose: string; readonly initialValue?: string }[];
  readonly commands?: readonly string[];
  readonly timers?: readonly XmlTimer[];
  readonly activities: readonly XmlActivity[];
  readonly transitions: readonly XmlTransition[];
}

const flag = (value: boolean | undefined): string => (value === true ? 'True' : 'False');

function triggerXml(trigger: XmlTransition['trigger']): string {
  if (trigger === 'Auto') return '<Trigger Type="Auto" />';
  return 'command' in trigger ? `<Trigger Type="Command" NameRef="${trigger.command}" />` : `<Trigger Type="Timer" NameRef="${trigger.timer}" />`;
}

/** The process as vendor XML; each transition is named `{from}_{to}`. */
export function processXml(process: XmlProcess): string {
  const parameters = (process.parameters ?? []).map(
    (p) => `    <Parameter Name="${p.name}" Type="${p.type}" Purpose="${p.purpose}"${p.initialValue === undefined ? '' : ` InitialValue="${p.initialValue}"`} />`,
  );
  const timers = (process.timers ?? []).map(
    (t) => `    <Timer Name="${t.name}" Type="${t.type}" Value="${t.value}" NotOverrideIfExists="${t.notOverride === true ? 'true' : 'false'}"${t.timeZone ? ` TimeZone="${t.timeZone}"` : ''} />`,
  );
  const activities = process.activities.map(
    (a) => `    <Activity Name="${a.name}" State="${a.name}" IsInitial="${flag(a.initial)}" IsFinal="${flag(a.final)}" IsForSetState="True" IsAutoSchemeUpdate="True" />`,
  );
  const transitions = process.transitions.map((t) =>
    [
      `    <Transition Name="${t.from}_${t.to}" To="${t.to}" From="${t.from}" Classifier="${t.classifier ?? 'Direct'}"${t.attributes ? ` ${t.attributes}` : ''}>`,
      `      <Triggers>${triggerXml(t.trigger)}</Triggers>`,
      '      <Conditions><Condition Type="Always" /></Conditions>',
      '    </Transition>',
    ].join('\n'),
  );
  const section = (tag: string, lines: readonly string[]): string[] => (lines.length === 0 ? [] : [`  <${tag}>`, ...lines, `  </${tag}>`]);
  return [
    `<Process Name="${process.code}">`,
    ...section('Parameters', parameters),
    ...((process.commands ?? []).length === 0 ? [] : [`  <Commands>${(process.commands ?? []).map((c) => `<Command Name="${c}" />`).join('')}</Commands>`]),
    ...section('Timers', timers),
    ...section('Activities', activities),
    ...section('Transitions', transitions),
    '</Process>',
  ].join('\n');
}
