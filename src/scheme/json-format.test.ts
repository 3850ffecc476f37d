import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { parseSchemeJson, toSchemeJson } from './json-format.js';
import { importVendorXml } from './xml-import.js';
import { compileScheme } from './compile.js';
import { SchemeInvalidError } from '../errors/index.js';

const FIXTURES = '/work/shared/fixtures/schemes/';
const SCHEMA = JSON.parse(readFileSync(new URL('../../docs/scheme.schema.json', import.meta.url), 'utf8')) as JsonSchema;

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  minLength?: number;
  $defs?: Record<string, JsonSchema>;
}

/** Checks a value against the subset of JSON Schema 2020-12 that docs/scheme.schema.json uses. */
function schemaErrors(value: unknown, schema: JsonSchema, path = '$'): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/$defs/', '');
    const target = SCHEMA.$defs?.[name];
    assert.ok(target, `unknown $ref ${schema.$ref}`);
    return schemaErrors(value, target, path);
  }
  if (schema.oneOf) {
    const matching = schema.oneOf.filter((option) => schemaErrors(value, option, path).length === 0);
    return matching.length === 1 ? [] : [`${path}: matches ${matching.length} of oneOf`];
  }
  const errors: string[] = [];
  if ('const' in schema && value !== schema.const) errors.push(`${path}: not ${String(schema.const)}`);
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: ${String(value)} not in enum`);
  if (schema.type) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
    if (!types.includes(actual) && !(actual === 'integer' && types.includes('number'))) errors.push(`${path}: ${actual} is not ${types.join('|')}`);
  }
  if (typeof value === 'string' && schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${path}: too short`);
  if (Array.isArray(value) && schema.items) value.forEach((item, index) => errors.push(...schemaErrors(item, schema.items!, `${path}[${index}]`)));
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) errors.push(`${path}.${key}: required`);
    for (const [key, item] of Object.entries(object)) {
      const property = schema.properties?.[key];
      if (property) errors.push(...schemaErrors(item, property, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}.${key}: not allowed`);
    }
  }
  return errors;
}

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
  for (const file of readdirSync(FIXTURES).filter((name) => name.endsWith('.xml'))) {
    it(`${file}: the converted definition validates against docs/scheme.schema.json and reads back equal`, () => {
      const definition = importVendorXml(readFileSync(FIXTURES + file, 'utf8'), { fileActionsSandbox: true, callbackServerConfigured: true });
      const json = toSchemeJson(definition);
      assert.deepEqual(schemaErrors(json, SCHEMA), []);
      assert.deepEqual(parseSchemeJson(json), definition);
    });
  }

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
