/**
 * The project's scheme fixtures (test/fixtures/schemes/) through import: the checks shared with
 * the vendor's samples, and the Waymark JSON fixtures that have an XML twin.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { importVendorXml, parseSchemeJson } from '../../src/scheme/index.js';
import { projectSchemes } from '../support/scheme-fixtures.js';
import { schemaErrors } from '../support/scheme-json-schema.js';
import { describeSchemeImport } from './fixture-import.js';

describeSchemeImport(projectSchemes);

describe('project fixtures: Waymark JSON schemes', () => {
  const twins = projectSchemes.names('json').filter((name) => projectSchemes.names('xml').includes(name));

  it('VacationRequest is written in both formats', () => {
    assert.ok(twins.includes('VacationRequest'));
  });

  for (const name of twins) {
    it(`${name}.json fits docs/scheme.schema.json and, its omitted fields filled, equals ${name}.xml`, () => {
      const json = projectSchemes.json(name);
      assert.deepEqual(schemaErrors(json), []);
      const everything = { fileActionsSandbox: true, callbackServerConfigured: true };
      assert.deepEqual(parseSchemeJson(json), importVendorXml(projectSchemes.xml(name), everything));
    });
  }
});
