import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWaymarkError } from '../errors/index.js';
import { checkCallerJson, MAX_CALLER_JSON_DEPTH, parseCallerJson } from './caller-json.js';

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level += 1) value = level % 2 === 0 ? [value] : { a: value };
  return value;
}

function refusedWith(pattern: RegExp): (error: unknown) => boolean {
  return (error) => isWaymarkError(error, 'WM_INPUT_INVALID') && pattern.test(error.message);
}

describe('checkCallerJson: nesting depth', () => {
  it('accepts values nested up to the maximum; refuses one level more, naming where', () => {
    checkCallerJson(nested(MAX_CALLER_JSON_DEPTH), 'the request body');
    assert.throws(
      () => checkCallerJson(nested(MAX_CALLER_JSON_DEPTH + 1), 'the request body'),
      refusedWith(/^The request body is nested more than 64 levels deep$/),
    );
  });

  it('refuses a value nested a million levels deep without overflowing the stack', () => {
    const text = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    assert.throws(() => parseCallerJson(text, "parameter 'parameters'"), refusedWith(/^Parameter 'parameters' is nested more than 64 levels/));
  });

  it('scalars, Buffers and wide values are fine', () => {
    checkCallerJson(undefined, 'x');
    checkCallerJson('text', 'x');
    checkCallerJson(Buffer.from('{"a":'.repeat(100)), 'x');
    checkCallerJson({ list: Array.from({ length: 10_000 }, (_, i) => ({ i })) }, 'x');
  });
});

describe('checkCallerJson: prototype keys', () => {
  it('refuses __proto__, constructor and prototype as keys at any depth, in objects inside arrays too', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const value = JSON.parse(`{"parameters":[{"value":{"${key}":{"polluted":true}}}]}`) as unknown;
      assert.throws(() => checkCallerJson(value, 'the request body'), refusedWith(new RegExp(`has the key "${key}"`)));
    }
  });

  it('accepts those words as values and as parts of longer keys', () => {
    checkCallerJson({ status: 'constructor', name: '__proto__', myConstructor: 1, prototypes: [] }, 'x');
  });
});

describe('parseCallerJson', () => {
  it('parses and checks; malformed text is WM_INPUT_INVALID with its start', () => {
    assert.deepEqual(parseCallerJson('{"a":[1,2]}', 'x'), { a: [1, 2] });
    assert.throws(() => parseCallerJson('{"a":', "parameter 'roles'"), refusedWith(/^Parameter 'roles' holds malformed JSON: \{"a":$/));
    assert.throws(() => parseCallerJson('{"__proto__":{}}', 'x'), refusedWith(/has the key "__proto__"/));
  });
});
