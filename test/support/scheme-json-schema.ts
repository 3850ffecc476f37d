/**
 * Checks a value against docs/scheme.schema.json, the JSON Schema of Waymark's native scheme
 * format, with a small validator of the subset of JSON Schema 2020-12 that document uses.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

/** The parts of JSON Schema that docs/scheme.schema.json uses. */
export interface JsonSchema {
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

/** docs/scheme.schema.json, parsed. */
export const SCHEME_SCHEMA = JSON.parse(readFileSync(new URL('../../docs/scheme.schema.json', import.meta.url), 'utf8')) as JsonSchema;

/** Every way `value` breaks `schema` (docs/scheme.schema.json by default), as `path: reason`; empty when it fits. */
export function schemaErrors(value: unknown, schema: JsonSchema = SCHEME_SCHEMA, path = '$'): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/$defs/', '');
    const target = SCHEME_SCHEMA.$defs?.[name];
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
