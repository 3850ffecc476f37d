import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseActionArguments, parseConditionArguments, type ParsedArguments } from './action-arguments.js';

function problemOf(result: ParsedArguments<unknown>): string {
  assert.ok('problem' in result, `expected a problem, got ${JSON.stringify(result)}`);
  return result.problem;
}

function argumentsOf<T>(result: ParsedArguments<T>): T {
  assert.ok('arguments' in result, `expected arguments, got ${JSON.stringify(result)}`);
  return result.arguments;
}

describe('parseActionArguments: the built-in actions', () => {
  it('SetParameter: the name (or the older key Parameter), the value read as JSON, the text kept for text parameters', () => {
    assert.deepEqual(argumentsOf(parseActionArguments('SetParameter', '{"ParameterName":"Sum","Value":"25","ForRootProcess":"True"}')), {
      kind: 'SetParameter',
      parameterName: 'Sum',
      forRootProcess: true,
      value: 25,
      valueText: '25',
    });
    assert.deepEqual(argumentsOf(parseActionArguments('SetParameter', '{"Parameter":"Note","Value":"two words"}')), {
      kind: 'SetParameter',
      parameterName: 'Note',
      forRootProcess: false,
      value: 'two words',
      valueText: 'two words',
    });
    assert.deepEqual(argumentsOf(parseActionArguments('SetParameter', '{"ParameterName":"List","Value":[1,2]}')), {
      kind: 'SetParameter',
      parameterName: 'List',
      forRootProcess: false,
      value: [1, 2],
      valueText: null,
    });
  });

  it('RemoveParameter: a JSON object or just the name', () => {
    assert.deepEqual(argumentsOf(parseActionArguments('RemoveParameter', ' Draft ')), { kind: 'RemoveParameter', parameterName: 'Draft', forRootProcess: false });
    assert.deepEqual(argumentsOf(parseActionArguments('RemoveParameter', '{"ParameterName":"Draft","ForRootProcess":true}')), {
      kind: 'RemoveParameter',
      parameterName: 'Draft',
      forRootProcess: true,
    });
  });

  it('StartLoopFor: numbers from text, defaults for the parameter names and the step', () => {
    assert.deepEqual(argumentsOf(parseActionArguments('StartLoopFor', '{"LoopName":"Loop","StartValue":"1","EndValue":10,"StepType":"Decrement","IncludeLastValue":"false"}')), {
      kind: 'StartLoopFor',
      loopName: 'Loop',
      stateParameterName: 'LoopState',
      counterParameterName: 'LoopCounterValue',
      counterType: 'Int',
      startValue: 1,
      endValue: 10,
      step: 1,
      decrement: true,
      includeLastValue: false,
    });
  });

  it('StartLoopForeach: a written list split once, or a parameter read when the loop starts', () => {
    const written = argumentsOf(parseActionArguments('StartLoopForeach', '{"LoopName":"Each","Values":"a; b ;;c","Separator":";"}'));
    assert.ok(written.kind === 'StartLoopForeach');
    assert.deepEqual(written.values, { list: ['a', 'b', 'c'] });
    const fromParameter = argumentsOf(parseActionArguments('StartLoopForeachFromParameter', '{"LoopName":"Each","ParameterName":"Items"}'));
    assert.ok(fromParameter.kind === 'StartLoopForeach');
    assert.deepEqual(fromParameter.values, { parameterName: 'Items' });
  });

  it('HTTPRequest: flags from true or "true", Parameters both as written and as an object', () => {
    assert.deepEqual(argumentsOf(parseActionArguments('HTTPRequest', '{"Url":"http://example.test/{Id}","Post":"true","Parameters":"{\\"a\\":1}","StoreResponse":true,"ParameterName":"Answer"}')), {
      kind: 'HTTPRequest',
      url: 'http://example.test/{Id}',
      contentType: 'Json',
      post: true,
      addProcessInstanceParameters: false,
      parametersText: '{"a":1}',
      parametersObject: { a: 1 },
      parameterName: 'Answer',
      storeResponse: true,
    });
  });

  it('Webhook: a URL with its secret, or the name of a configured webhook in any of three spellings', () => {
    assert.deepEqual(argumentsOf(parseActionArguments('Webhook', '{"Url":"https://hooks.example.test/a","Secret":"s3"}')), {
      kind: 'Webhook',
      target: { url: 'https://hooks.example.test/a', secret: 's3' },
    });
    for (const text of ['{"Name":"crm"}', '"crm"', 'crm']) {
      assert.deepEqual(argumentsOf(parseActionArguments('Webhook', text)), { kind: 'Webhook', target: { name: 'crm' } }, text);
    }
  });

  it('a file action keeps its fields, checked to carry the keys it needs', () => {
    assert.deepEqual(argumentsOf(parseActionArguments('FileRead', '{"Path":"a.txt","ParameterName":"Text","BufferSize":1024}')), {
      kind: 'File',
      fields: { Path: 'a.txt', ParameterName: 'Text', BufferSize: 1024 },
    });
  });

  it('an action that is not built in keeps its text for the callback server', () => {
    assert.deepEqual(argumentsOf(parseActionArguments('JsonBackup', 'StartBackup')), { kind: 'External' });
  });

  it('refuses what no run could accept, in the words the action failed with at run time', () => {
    const cases: [string, string | null, string][] = [
      ['SetParameter', null, 'SetParameter: the action needs a JSON parameter'],
      ['SetParameter', '{"ParameterName":', 'SetParameter: the parameter is not JSON: {"ParameterName":'],
      ['SetParameter', '[1]', 'SetParameter: the parameter must be a JSON object'],
      ['SetParameter', '{"Value":1}', 'SetParameter: ParameterName is required'],
      ['RemoveParameter', '', 'RemoveParameter: ParameterName is required'],
      ['StartLoopFor', '{"StartValue":1,"EndValue":2}', 'StartLoopFor: LoopName is required'],
      ['StartLoopFor', '{"LoopName":"L","StartValue":"one","EndValue":2}', 'StartLoopFor: StartValue must be a number'],
      ['StartLoopFor', '{"LoopName":"L","StartValue":1,"EndValue":2,"Step":0}', 'StartLoopFor: Step must not be zero'],
      ['StartLoopFor', '{"LoopName":"L","StartValue":1,"EndValue":2,"CounterType":"Date"}', 'StartLoopFor: CounterType Date is not supported (Int, Double, Decimal)'],
      ['StartLoopForeach', '{"LoopName":"L","Values":5}', 'StartLoopForeach: Values must be text or a list'],
      ['StartLoopForeachFromParameter', '{"LoopName":"L"}', 'StartLoopForeachFromParameter: ValuesParameterName is required'],
      ['HTTPRequest', 'GET it', 'HTTPRequest: its parameter is not JSON (expected {"Url": …})'],
      ['HTTPRequest', '{"Post":true}', 'HTTPRequest: its parameter has no Url'],
      ['FileWrite', '{"Text":"x"}', 'FileWrite: its parameter has no Path'],
      ['FilesListRead', '{"FilesListRead":"a.txt, b.txt"}', 'FilesListRead: FilesListRead \'a.txt, b.txt\' is not "file, file => ParameterName"'],
      ['DirectoryCompress', '"Test"', 'DirectoryCompress: its parameter is not a JSON object'],
      ['Webhook', '{"Url":"not a url"}', "Webhook: 'not a url' is not a valid URL"],
      ['Webhook', '{"Url":"ftp://files.example.test/"}', "Webhook: only http and https URLs are allowed, not 'ftp:'"],
      ['Webhook', '{"Secret":"s"}', 'Webhook: its parameter needs {"Url": …, "Secret": …} or the name of a configured webhook'],
    ];
    for (const [name, text, problem] of cases) assert.equal(problemOf(parseActionArguments(name, text)), problem, `${name} ${text}`);
  });

  it('refuses prototype keys and deep nesting anywhere in the parameter', () => {
    assert.equal(problemOf(parseActionArguments('SetParameter', '{"ParameterName":"A","Value":{"__proto__":{"x":1}}}')), 'SetParameter: the parameter may not use the key "__proto__"');
    assert.equal(problemOf(parseActionArguments('FileWrite', '{"Path":"a","constructor":1}')), 'FileWrite: the parameter may not use the key "constructor"');
    assert.equal(
      problemOf(parseActionArguments('HTTPRequest', '{"Url":"http://a.test","Parameters":"{\\"prototype\\":1}"}')),
      'HTTPRequest: the parameter may not use the key "prototype"',
    );
    const deep = `{"ParameterName":"A","Value":${'['.repeat(40)}${']'.repeat(40)}}`;
    assert.equal(problemOf(parseActionArguments('SetParameter', deep)), 'SetParameter: the parameter is nested deeper than 32 levels');
  });
});

describe('parseConditionArguments: the built-in condition actions', () => {
  it('CheckParameter: Equal and "," unless written otherwise; an unknown CompareType is refused', () => {
    assert.deepEqual(argumentsOf(parseConditionArguments('CheckParameter', '{"Parameter":"Sum","Value":"25"}')), {
      kind: 'CheckParameter',
      parameterName: 'Sum',
      forRootProcess: false,
      compareType: 'Equal',
      value: '25',
      separator: ',',
    });
    assert.equal(problemOf(parseConditionArguments('CheckParameter', '{"ParameterName":"Sum","CompareType":"Sounds like"}')), 'CheckParameter: CompareType Sounds like is not known');
  });

  it('CheckHTTPRequest: the field path and the expected values; an unknown CompareType is refused', () => {
    const check = argumentsOf(parseConditionArguments('CheckHTTPRequest', '{"Url":"http://a.test","ResultFieldName":"data.state","ResultFieldValue":"ok| fine","Separator":"|","CompareType":"Equal"}'));
    assert.ok(check.kind === 'CheckHTTPRequest');
    assert.deepEqual([check.resultFieldPath, check.expectedValues, check.compareType], [['data', 'state'], ['ok', 'fine'], 'equal']);
    assert.match(problemOf(parseConditionArguments('CheckHTTPRequest', '{"Url":"http://a.test","CompareType":"Near"}')), /^CheckHTTPRequest: CompareType 'Near' is not known \(Equal, /);
  });

  it('LoopIsNotCompletedAndBroken needs LoopName; CheckAllSubprocessesCompleted takes any mode, but JSON must be an object', () => {
    assert.deepEqual(argumentsOf(parseConditionArguments('LoopIsNotCompletedAndBroken', '{"LoopName":"Loop"}')), { kind: 'LoopIsNotCompletedAndBroken', loopName: 'Loop' });
    assert.equal(problemOf(parseConditionArguments('LoopIsNotCompletedAndBroken', '{}')), 'LoopIsNotCompletedAndBroken: LoopName is required');
    assert.deepEqual(argumentsOf(parseConditionArguments('CheckAllSubprocessesCompleted', null)), { kind: 'CheckAllSubprocessesCompleted' });
    assert.deepEqual(argumentsOf(parseConditionArguments('CheckAllSubprocessesCompleted', 'AllSubprocesses')), { kind: 'CheckAllSubprocessesCompleted' });
    assert.equal(problemOf(parseConditionArguments('CheckAllSubprocessesCompleted', '{"Mode":')), 'CheckAllSubprocessesCompleted: the parameter is not JSON: {"Mode":');
  });

  it('a condition that is not built in keeps its text for the callback server', () => {
    assert.deepEqual(argumentsOf(parseConditionArguments('IsWorkingDay', 'Monday')), { kind: 'External' });
  });
});
