/**
 * The import checks every folder of vendor-format schemes must pass: the project's fixtures
 * (`fixture-import.test.ts`) and the vendor's own samples (`npm run test:vendor-schemes`).
 * Each scheme is accepted with nothing configured, or refused naming exactly what it needs;
 * it converts to Waymark JSON that fits docs/scheme.schema.json; it exports and imports back
 * equal; and VacationRequest, the fork, the timer and the C# code action map as documented.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exportVendorXml, importVendorXml, loadScheme, parseSchemeJson, toSchemeJson } from '../../src/scheme/index.js';
import { assertSchemeRefused } from '../support/scheme-refusals.js';
import { schemaErrors } from '../support/scheme-json-schema.js';
import type { SchemeFolder } from '../support/scheme-fixtures.js';

const everything = { fileActionsSandbox: true, callbackServerConfigured: true };
const nothing = { fileActionsSandbox: false, callbackServerConfigured: false };

/** The schemes that import with nothing configured. */
const ACCEPTED = [
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
/** The schemes that need a callback server or a file sandbox. */
const REFUSED_WITHOUT_CONFIGURATION = ['ParametersAndExpressions', 'FileWriteRead', 'DirectoryCompress'];

/** Registers the import checks for the vendor-format schemes in `schemes`. */
export function describeSchemeImport(schemes: SchemeFolder): void {
  describe(`${schemes.label}: importVendorXml on every scheme`, () => {
    for (const name of ACCEPTED) {
      it(`${name} imports and compiles with nothing configured`, () => {
        const scheme = loadScheme({ xml: schemes.xml(name) }, nothing);
        // LoopForeach's Process Name is "SimpleWF": the code defaults to the Process Name, not the file name.
        assert.equal(scheme.code, name === 'LoopForeach' ? 'SimpleWF' : name);
      });
    }

    it('covers every scheme file', () => {
      assert.deepEqual(schemes.names('xml'), [...ACCEPTED, ...REFUSED_WITHOUT_CONFIGURATION].sort());
    });

    it('ParametersAndExpressions is refused without a callback server, naming the C# code action and its use', () => {
      const error = assertSchemeRefused(
        () => importVendorXml(schemes.xml('ParametersAndExpressions'), nothing),
        'WM_SCHEME_UNSUPPORTED',
        'CodeActions/CodeAction "AddNumberToParameter" (Type Action) is C# code, which Waymark cannot run; it is used by activity "AddNumberToParameter" (Implementation, ActionRef Order 1). Configure a callback server that provides an action named "AddNumberToParameter" to import this scheme.',
      );
      assert.equal(error.problems.length, 1);
      assert.match(error.message, /^Scheme 'SimpleWF': /);
    });

    it('ParametersAndExpressions imports with a callback server; the code action becomes an external need', () => {
      const scheme = loadScheme({ xml: schemes.xml('ParametersAndExpressions') }, { fileActionsSandbox: false, callbackServerConfigured: true });
      assert.equal(scheme.code, 'SimpleWF');
      assert.deepEqual(scheme.externalNeeds, { actions: ['AddNumberToParameter'], conditions: [], rules: [] });
      assert.deepEqual(scheme.definition.externalNeeds, scheme.externalNeeds);
    });

    it('FileWriteRead is refused without a sandbox, naming each file action, activity and order', () => {
      const error = assertSchemeRefused(
        () => importVendorXml(schemes.xml('FileWriteRead'), nothing),
        'WM_SCHEME_UNSUPPORTED',
        'file action "FileWrite" is used by activity "FileWrite" (Implementation, ActionRef Order 1); file actions touch the server\'s disk and are off by default: configure a sandbox folder (environment variable WAYMARK_FILE_SANDBOX) to allow them inside it.',
      );
      assert.deepEqual(
        error.problems.map((problem) => problem.where),
        ['Activities/Activity "FileWrite"', 'Activities/Activity "FileRead"', 'Activities/Activity "FileAndParameterDelete"'],
      );
    });

    it('DirectoryCompress is refused without a sandbox and accepted with one', () => {
      const error = assertSchemeRefused(() => importVendorXml(schemes.xml('DirectoryCompress'), nothing), 'WM_SCHEME_UNSUPPORTED');
      assert.ok(error.problems.some((problem) => problem.message.startsWith('file action "DirectoryCompress" is used by activity "DirectoryCompress" (Implementation, ActionRef Order 1)')));
      assert.equal(loadScheme({ xml: schemes.xml('DirectoryCompress') }, { fileActionsSandbox: true, callbackServerConfigured: false }).code, 'DirectoryCompress');
      assert.equal(loadScheme({ xml: schemes.xml('FileWriteRead') }, { fileActionsSandbox: true, callbackServerConfigured: false }).code, 'FileWriteRead');
    });

    for (const name of schemes.names('xml')) {
      it(`${name}.xml round-trips: import → export → import gives an equal definition`, () => {
        const first = importVendorXml(schemes.xml(name), everything);
        const again = importVendorXml(exportVendorXml(first), everything);
        assert.deepEqual(again, first);
      });

      it(`${name}.xml: the converted definition validates against docs/scheme.schema.json and reads back equal`, () => {
        const definition = importVendorXml(schemes.xml(name), everything);
        const json = toSchemeJson(definition);
        assert.deepEqual(schemaErrors(json), []);
        assert.deepEqual(parseSchemeJson(json), definition);
      });
    }
  });

  describe(`${schemes.label}: how VacationRequest maps`, () => {
    const scheme = importVendorXml(schemes.xml('VacationRequest'), nothing);

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

  describe(`${schemes.label}: other mappings`, () => {
    it('reads fork transitions with subprocess strategies (ParallelProcessesWithWaiting)', () => {
      const scheme = importVendorXml(schemes.xml('ParallelProcessesWithWaiting'), nothing);
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

    it('reads Timer.xml\'s Time "1m" as an Interval timer', () => {
      const scheme = importVendorXml(schemes.xml('Timer'), nothing);
      assert.deepEqual(scheme.timers, [{ name: 'Minute', type: 'Interval', value: '1m', notOverrideIfExists: false }]);
    });

    it('uses the code option over the Process Name', () => {
      assert.equal(importVendorXml(schemes.xml('AutoTransitions'), { ...nothing, code: 'Other' }).code, 'Other');
    });
  });
}
