import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchemeJson } from './json-format.js';
import { compileScheme } from './compile.js';
import { SchemeInvalidError } from '../errors/index.js';
import { SCHEME_SCHEMA as SCHEMA, schemaErrors } from '../../test/support/scheme-json-schema.js';

// Every fixture's conversion to JSON is checked against the schema in test/schemes/fixture-import.ts.

function problemsOf(input: unknown): string[] {
  try {
    parseSchemeJson(input);
  } catch (error) {
    assert.ok(error instanceof SchemeInvalidError);
    assert.equal(error.code, 'WM_SCHEME_INVALID');
    return error.problems.map((problem) => `${problem.where}: ${problem.message}`);
  }
  assert.fail('expected the JSON to be refused');
}

describe('native JSON format', () => {
  it('the mini validator does catch schema violations', () => {
    assert.deepEqual(schemaErrors({ code: 'X', activities: [{ name: 'A', color: 'red' }] }, SCHEMA), ['$.activities[0].color: not allowed']);
    assert.deepEqual(schemaErrors({ code: 'X', activities: [], transitions: [{ name: 'T', from: 'A', to: 'B', trigger: { type: 'Auto' }, conditions: [{ type: 'Expression' }] }] }, SCHEMA), [
      '$.transitions[0].conditions[0]: matches 0 of oneOf',
    ]);
  });

  it('fills defaults for omitted optional fields', () => {
    const definition = parseSchemeJson({
      code: 'Minimal',
      activities: [{ name: 'Start', isInitial: true }, { name: 'End' }],
      transitions: [{ name: 'Go', from: 'Start', to: 'End', trigger: { type: 'Auto' }, conditions: [{ type: 'Expression', expression: 'true' }] }],
      parameters: [{ name: 'Sum', type: 'Int32' }],
      actors: [{ name: 'Boss', rule: 'InRole' }],
      localization: [{ type: 'State', objectName: 'Start', culture: 'en-US' }],
    });
    assert.deepEqual(definition, {
      code: 'Minimal',
      name: 'Minimal',
      tags: [],
      logEnabled: false,
      parameters: [{ name: 'Sum', type: 'Int32', purpose: 'Temporary' }],
      actors: [{ name: 'Boss', rule: 'InRole', value: null }],
      commands: [],
      timers: [],
      activities: [
        { name: 'Start', state: null, isInitial: true, isFinal: false, isForSetState: false, isAutoSchemeUpdate: false, implementation: [], preExecutionImplementation: [] },
        { name: 'End', state: null, isInitial: false, isFinal: false, isForSetState: false, isAutoSchemeUpdate: false, implementation: [], preExecutionImplementation: [] },
      ],
      transitions: [
        {
          name: 'Go',
          from: 'Start',
          to: 'End',
          classifier: 'NotSpecified',
          trigger: { type: 'Auto' },
          conditions: [{ type: 'Expression', expression: 'true', inverted: false }],
          conditionsConcatenation: 'And',
          restrictions: [],
          allowConcatenation: 'And',
          restrictConcatenation: 'And',
          isFork: false,
          disableParentStateControl: false,
        },
      ],
      localization: [{ type: 'State', objectName: 'Start', culture: 'en-US', isDefault: false, value: '' }],
    });
    assert.equal(compileScheme(definition).initialActivity.name, 'Start');
  });

  it('fills subprocess defaults', () => {
    const definition = parseSchemeJson({
      code: 'Fork',
      activities: [{ name: 'A', isInitial: true }],
      transitions: [{ name: 'F', from: 'A', to: 'A', isFork: true, trigger: { type: 'Auto' }, conditions: [{ type: 'Always' }], subprocess: { inOut: 'Start' } }],
    });
    assert.deepEqual(definition.transitions[0]?.subprocess, {
      inOut: 'Start',
      copyStrategy: 'CopyAll',
      copyParameters: [],
      mergeStrategy: 'OverwriteAllNulls',
      mergeParameters: [],
    });
  });

  it('reports every shape problem with its path', () => {
    assert.deepEqual(
      problemsOf({
        name: 5,
        logEnabled: 'yes',
        colour: 'red',
        activities: [{ name: '', isInitial: 1 }, 'Start'],
        transitions: [
          { name: 'T', from: 'A', to: 'B', trigger: { type: 'Manual' }, conditions: [{ type: 'Always', expression: 'x' }] },
          { name: 'U', from: 'A', to: 'B', conditions: 'Always', classifier: 'Sideways' },
        ],
        timers: [{ name: 'T', type: 'Interval' }],
      }),
      [
        'colour: unknown field (expected one of: $schema, code, name, tags, logEnabled, parameters, actors, commands, timers, activities, transitions, localization, externalNeeds)',
        'code: is required (a string)',
        'name: must be a string, not number 5',
        'logEnabled: must be true or false, not "yes"',
        'timers[0].value: is required (a string)',
        'activities[0].name: must not be empty',
        'activities[0].isInitial: must be true or false, not number 1',
        'activities[1]: must be an object, not "Start"',
        'transitions[0].trigger.type: must be one of Command, Auto, Timer, not "Manual"',
        'transitions[0].conditions[0].expression: is not used by Always conditions',
        'transitions[1].trigger: is required (an object with type Command, Auto or Timer)',
        'transitions[1].classifier: must be one of NotSpecified, Direct, Reverse, not "Sideways"',
        'transitions[1].conditions: must be an array, not "Always"',
      ],
    );
  });

  it('refuses a value that is not an object', () => {
    assert.deepEqual(problemsOf([1]), ['(root): a scheme must be a JSON object, not an array']);
  });

  it('lets the code option override the document', () => {
    assert.equal(parseSchemeJson({ code: 'A', activities: [] }, { code: 'B' }).code, 'B');
  });
});
