import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { importVendorXml } from './xml-import.js';
import { exportVendorXml } from './xml-export.js';
import { assertSchemeRefused as assertRefused } from '../../test/support/scheme-refusals.js';

// The import checks on whole schemes (every fixture accepted or refused, VacationRequest's
// mapping, round trips) are in test/schemes/fixture-import.ts, shared with the vendor's samples.
const nothing = { fileActionsSandbox: false, callbackServerConfigured: false };

describe('importVendorXml: other mappings', () => {
  it('reads specified parameter lists, SubprocessName, PreExecutionImplementation and ConditionInversion', () => {
    const xml = `<Process Name="P" Tags="a, b">
      <Parameters>
        <Parameter Name="Flag" Type="Boolean" Purpose="Persistence" InitialValue="True" />
        <Parameter Name="Price" Type="Decimal" Purpose="Persistence" InitialValue="150.5" />
        <Parameter Name="Data" Type="MyType" Purpose="Persistence" InitialValue='{"a":[1,2]}' />
      </Parameters>
      <Activities>
        <Activity Name="A" IsInitial="TRUE">
          <PreExecutionImplementation><ActionRef Order="2" NameRef="SetParameter"><ActionParameter><![CDATA[{"x":"<y>"}]]></ActionParameter></ActionRef></PreExecutionImplementation>
        </Activity>
        <Activity Name="B" />
      </Activities>
      <Transitions>
        <Transition Name="T" From="A" To="B" IsFork="true" SubprocessInOutDefinition="Start" SubprocessName="Branch"
          SubprocessStartupParameterCopyStrategy="CopySpecified" SubprocessStartupParameterCopyStrategyParameters="Flag, Price"
          SubprocessFinalizeParameterMergeStrategy="OverwriteSpecified" SubprocessFinalizeParameterMergeStrategyParameters="Data">
          <Triggers><Trigger Type="Auto" /></Triggers>
          <Conditions><Condition Type="Expression" ConditionInversion="True"><Expression>@Price &gt; 100</Expression></Condition></Conditions>
        </Transition>
      </Transitions>
    </Process>`;
    const scheme = importVendorXml(xml, nothing);
    assert.deepEqual(scheme.tags, ['a', 'b']);
    assert.deepEqual(scheme.parameters.map((parameter) => parameter.initialValue), [true, 150.5, { a: [1, 2] }]);
    assert.deepEqual(scheme.activities[0]?.preExecutionImplementation, [{ order: 2, name: 'SetParameter', parameter: '{"x":"<y>"}' }]);
    assert.deepEqual(scheme.activities[1]?.state, null);
    const transition = scheme.transitions[0];
    assert.deepEqual(transition?.subprocess, {
      inOut: 'Start',
      name: 'Branch',
      copyStrategy: 'CopySpecified',
      copyParameters: ['Flag', 'Price'],
      mergeStrategy: 'OverwriteSpecified',
      mergeParameters: ['Data'],
    });
    assert.deepEqual(transition?.conditions, [{ type: 'Expression', expression: '@Price > 100', inverted: true }]);
    assert.deepEqual(importVendorXml(exportVendorXml(scheme), nothing), scheme);
  });

  it('refuses malformed XML with WM_SCHEME_PARSE and the line', () => {
    const error = assertRefused(() => importVendorXml('<Process Name="X">\n  <Activities>\n</Process>', nothing), 'WM_SCHEME_PARSE');
    assert.match(error.problems[0]?.where ?? '', /^XML line \d+/);
  });

  it('refuses a document without <Process>', () => {
    assertRefused(() => importVendorXml('<Scheme />', nothing), 'WM_SCHEME_PARSE', 'the document must have exactly one root element <Process>');
  });

  it('refuses values that do not fit their type, unknown elements and bad booleans, all at once', () => {
    const xml = `<Process Name="P"><Foo/>
      <Parameters><Parameter Name="Sum" Type="Int32" InitialValue="12.5" /></Parameters>
      <Activities><Activity Name="A" IsInitial="yes" /></Activities></Process>`;
    assertRefused(
      () => importVendorXml(xml, nothing),
      'WM_SCHEME_INVALID',
      'element <Foo> is not part of the scheme format',
      'InitialValue "12.5" is not an integer (Int32)',
      'attribute IsInitial="yes" must be true or false',
    );
  });

  it('refuses a transition without exactly one trigger', () => {
    const xml = `<Process Name="P"><Activities><Activity Name="A" IsInitial="true" /></Activities>
      <Transitions><Transition Name="T" From="A" To="A"><Conditions><Condition Type="Always"/></Conditions></Transition></Transitions></Process>`;
    assertRefused(() => importVendorXml(xml, nothing), 'WM_SCHEME_INVALID', 'a transition needs exactly one <Trigger>, found 0');
  });

  it('refuses a C# condition used by a transition, naming the condition', () => {
    const xml = `<Process Name="P"><Activities><Activity Name="A" IsInitial="true" /></Activities>
      <Transitions><Transition Name="T" From="A" To="A"><Triggers><Trigger Type="Auto"/></Triggers>
      <Conditions><Condition Type="Action" NameRef="IsBig"/></Conditions></Transition></Transitions>
      <CodeActions><CodeAction Name="IsBig" Type="Condition"><ActionCode><![CDATA[return true;]]></ActionCode></CodeAction></CodeActions></Process>`;
    assertRefused(
      () => importVendorXml(xml, nothing),
      'WM_SCHEME_UNSUPPORTED',
      'CodeActions/CodeAction "IsBig" (Type Condition) is C# code, which Waymark cannot run; it is used by transition "T" (Conditions, Condition 1). Configure a callback server that provides a condition named "IsBig" to import this scheme.',
    );
  });
});
