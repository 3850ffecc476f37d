import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { exportVendorXml, importVendorXml } from './xml-import.js';
import { loadScheme } from './load-scheme.js';
import { SchemeInvalidError } from '../errors/index.js';

const FIXTURES = '/work/shared/fixtures/schemes/';
const fixture = (name: string): string => readFileSync(`${FIXTURES}${name}.xml`, 'utf8');
const everything = { fileActionsSandbox: true, callbackServerConfigured: true };
const nothing = { fileActionsSandbox: false, callbackServerConfigured: false };

function assertRefused(run: () => unknown, code: string, ...messages: string[]): SchemeInvalidError {
  let caught: unknown;
  assert.throws(run, (error: unknown) => {
    caught = error;
    return error instanceof SchemeInvalidError && error.code === code;
  });
  const error = caught as SchemeInvalidError;
  const problemMessages = error.problems.map((problem) => problem.message);
  for (const message of messages) assert.ok(problemMessages.includes(message), `missing problem: ${message}\n got: ${problemMessages.join('\n')}`);
  return error;
}

describe('importVendorXml: every fixture', () => {
  const accepted = [
    'AutoTransitions',
    'DirectTransitionsWithApproval',
    'ExpressionConditionOtherwise',
    'HTTPRequest',
    'LoopForInt',
    'LoopForeach',
    'ParallelProcessesWithWaiting',
    'ParameterExpressionOtherwise',
    'Timer',
    'VacationRequest',
  ];
  for (const name of accepted) {
    it(`${name} imports and compiles with nothing configured`, () => {
      const scheme = loadScheme({ xml: fixture(name) }, nothing);
      // LoopForeach.xml's Process Name is "SimpleWF": the code defaults to the Process Name, not the file name.
      assert.equal(scheme.code, name === 'LoopForeach' ? 'SimpleWF' : name);
    });
  }

  it('covers every fixture file', () => {
    const files = readdirSync(FIXTURES).filter((file) => file.endsWith('.xml')).map((file) => file.replace(/\.xml$/, ''));
    const tested = [...accepted, 'ParametersAndExpressions', 'FileWriteRead', 'DirectoryCompress'];
    assert.deepEqual([...files].sort(), [...tested].sort());
  });

  it('ParametersAndExpressions is refused without a callback server, naming the C# code action and its use', () => {
    const error = assertRefused(
      () => importVendorXml(fixture('ParametersAndExpressions'), nothing),
      'WM_SCHEME_UNSUPPORTED',
      'CodeActions/CodeAction "AddNumberToParameter" (Type Action) is C# code, which Waymark cannot run; it is used by activity "AddNumberToParameter" (Implementation, ActionRef Order 1). Configure a callback server that provides an action named "AddNumberToParameter" to import this scheme.',
    );
    assert.equal(error.problems.length, 1);
    assert.match(error.message, /^Scheme 'SimpleWF': /);
  });

  it('ParametersAndExpressions imports with a callback server; the code action becomes an external need', () => {
    const scheme = loadScheme({ xml: fixture('ParametersAndExpressions') }, { fileActionsSandbox: false, callbackServerConfigured: true });
    assert.equal(scheme.code, 'SimpleWF');
    assert.deepEqual(scheme.externalNeeds, { actions: ['AddNumberToParameter'], conditions: [], rules: [] });
    assert.deepEqual(scheme.definition.externalNeeds, scheme.externalNeeds);
  });

  it('FileWriteRead is refused without a sandbox, naming each file action, activity and order', () => {
    const error = assertRefused(
      () => importVendorXml(fixture('FileWriteRead'), nothing),
      'WM_SCHEME_UNSUPPORTED',
      'file action "FileWrite" is used by activity "FileWrite" (Implementation, ActionRef Order 1); file actions touch the server\'s disk and are off by default: configure a sandbox folder (environment variable WAYMARK_FILE_SANDBOX) to allow them inside it.',
    );
    assert.deepEqual(
      error.problems.map((problem) => problem.where),
      ['Activities/Activity "FileWrite"', 'Activities/Activity "FileRead"', 'Activities/Activity "FileAndParameterDelete"'],
    );
  });

  it('DirectoryCompress is refused without a sandbox and accepted with one', () => {
    const error = assertRefused(() => importVendorXml(fixture('DirectoryCompress'), nothing), 'WM_SCHEME_UNSUPPORTED');
    assert.ok(error.problems.some((problem) => problem.message.startsWith('file action "DirectoryCompress" is used by activity "DirectoryCompress" (Implementation, ActionRef Order 1)')));
    assert.equal(loadScheme({ xml: fixture('DirectoryCompress') }, { fileActionsSandbox: true, callbackServerConfigured: false }).code, 'DirectoryCompress');
    assert.equal(loadScheme({ xml: fixture('FileWriteRead') }, { fileActionsSandbox: true, callbackServerConfigured: false }).code, 'FileWriteRead');
  });

  for (const file of readdirSync(FIXTURES).filter((name) => name.endsWith('.xml'))) {
    it(`${file} round-trips: import → export → import gives an equal definition`, () => {
      const first = importVendorXml(readFileSync(FIXTURES + file, 'utf8'), everything);
      const again = importVendorXml(exportVendorXml(first), everything);
      assert.deepEqual(again, first);
    });
  }
});

describe('importVendorXml: mapping VacationRequest', () => {
  const scheme = importVendorXml(fixture('VacationRequest'), nothing);

  it('reads the process, parameters with typed initial values, and actors', () => {
    assert.equal(scheme.code, 'VacationRequest');
    assert.equal(scheme.name, 'VacationRequest');
    assert.equal(scheme.logEnabled, true);
    assert.deepEqual(scheme.tags, []);
    assert.deepEqual(scheme.parameters, [
      { name: 'Comment', type: 'String', purpose: 'Temporary' },
      { name: 'Author', type: 'String', purpose: 'Persistence', initialValue: 'John' },
      { name: 'Manager', type: 'String', purpose: 'Persistence', initialValue: 'Margo' },
      { name: 'Sum', type: 'Int32', purpose: 'Persistence', initialValue: 100 },
    ]);
    assert.deepEqual(scheme.actors[0], { name: 'Manager', rule: 'isUser', value: '@Manager' });
    assert.deepEqual(scheme.actors[2], { name: 'BigBoss', rule: 'InRole', value: 'Big Boss' });
  });

  it('reads commands with input parameters, timers, activities with actions', () => {
    assert.deepEqual(scheme.commands[0], {
      name: 'StartSigning',
      inputParameters: [{ name: 'Comment', parameterName: 'Comment', isRequired: false, defaultValue: '' }],
    });
    assert.deepEqual(scheme.timers, [{ name: 'SendToBigBoss', type: 'Interval', value: '10minutes', notOverrideIfExists: false }]);
    assert.deepEqual(scheme.activities[0], {
      name: 'VacationRequestCreated',
      state: 'VacationRequestCreated',
      isInitial: true,
      isFinal: false,
      isForSetState: true,
      isAutoSchemeUpdate: true,
      implementation: [{ order: 1, name: 'JsonBackup', parameter: 'StartBackup' }],
      preExecutionImplementation: [],
    });
  });

  it('reads transitions with restrictions, triggers, conditions and classifier', () => {
    const toBigBoss = scheme.transitions.find((transition) => transition.name === 'ManagerSigning_BigBossSigning_1');
    assert.deepEqual(toBigBoss, {
      name: 'ManagerSigning_BigBossSigning_1',
      from: 'ManagerSigning',
      to: 'BigBossSigning',
      classifier: 'Direct',
      trigger: { type: 'Command', name: 'Approve' },
      conditions: [{ type: 'Expression', expression: '@Sum > 100', inverted: false }],
      conditionsConcatenation: 'And',
      restrictions: [{ type: 'Allow', actor: 'Manager' }],
      allowConcatenation: 'And',
      restrictConcatenation: 'And',
      isFork: false,
      disableParentStateControl: false,
    });
    const timer = scheme.transitions.find((transition) => transition.name === 'ManagerSigning_BigBossSigning_2');
    assert.deepEqual(timer?.trigger, { type: 'Timer', name: 'SendToBigBoss' });
  });

  it('reads localization with case-insensitive booleans ("True")', () => {
    assert.deepEqual(scheme.localization[0], {
      type: 'State',
      objectName: 'ManagerSigning',
      culture: 'en-US',
      isDefault: true,
      value: 'Manager signing',
    });
  });
});

describe('importVendorXml: other mappings', () => {
  it('reads fork transitions with subprocess strategies (ParallelProcessesWithWaiting)', () => {
    const scheme = importVendorXml(fixture('ParallelProcessesWithWaiting'), nothing);
    const start = scheme.transitions.find((transition) => transition.name === 'State1_Activity_1');
    assert.equal(start?.isFork, true);
    assert.deepEqual(start?.subprocess, {
      inOut: 'Start',
      copyStrategy: 'CopyAll',
      copyParameters: [],
      mergeStrategy: 'OverwriteAllNulls',
      mergeParameters: [],
    });
    const finalize = scheme.transitions.find((transition) => transition.name === 'SubprocessWork_RootProcessFinal_1');
    assert.equal(finalize?.subprocess?.inOut, 'Finalize');
    const wait = scheme.transitions.find((transition) => transition.name === 'WaitingForMerge_Activity_1');
    assert.deepEqual(wait?.conditions, [
      { type: 'Action', action: 'CheckAllSubprocessesCompleted', parameter: '{"Mode":"AllSubprocessesAndParent"}', inverted: false },
    ]);
  });

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

  it('reads Timer.xml\'s Time "1m" as an Interval timer', () => {
    const scheme = importVendorXml(fixture('Timer'), nothing);
    assert.deepEqual(scheme.timers, [{ name: 'Minute', type: 'Interval', value: '1m', notOverrideIfExists: false }]);
  });

  it('uses the code option over the Process Name', () => {
    assert.equal(importVendorXml(fixture('AutoTransitions'), { ...nothing, code: 'Other' }).code, 'Other');
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
