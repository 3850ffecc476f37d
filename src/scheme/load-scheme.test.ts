import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SchemeInvalidError } from '../errors/index.js';
import { FILE_ACTIONS_ARE_OFF } from './built-in-names.js';
import { loadScheme } from './load-scheme.js';

/** A Waymark JSON scheme that writes a file, then deletes it. */
const fileScheme = {
  code: 'Files',
  activities: [
    { name: 'Write', isInitial: true, implementation: [{ order: 1, name: 'FileWrite', parameter: '{"Path":"a.txt","Text":"x"}' }] },
    { name: 'Clean', isFinal: true, implementation: [{ order: 1, name: 'FileDelete', parameter: '{"Path":"a.txt"}' }] },
  ],
  transitions: [{ name: 'Next', from: 'Write', to: 'Clean', trigger: { type: 'Auto' }, conditions: [{ type: 'Always' }] }],
};

function refusal(run: () => unknown): SchemeInvalidError {
  let caught: unknown;
  assert.throws(run, (error: unknown) => (caught = error) instanceof SchemeInvalidError);
  return caught as SchemeInvalidError;
}

describe('loadScheme: refusals whatever the format', () => {
  it('a JSON scheme with file actions is refused without a sandbox folder, naming every use', () => {
    const error = refusal(() => loadScheme({ json: fileScheme }, { fileActionsSandbox: false, callbackServerConfigured: false }));
    assert.equal(error.code, 'WM_SCHEME_UNSUPPORTED');
    assert.deepEqual(
      error.problems.map((problem) => `${problem.where}: ${problem.message}`),
      [
        `activities[0] "Write".implementation[0]: file action "FileWrite" is used by activity "Write" (implementation, order 1); ${FILE_ACTIONS_ARE_OFF}`,
        `activities[1] "Clean".implementation[0]: file action "FileDelete" is used by activity "Clean" (implementation, order 1); ${FILE_ACTIONS_ARE_OFF}`,
      ],
    );
    assert.match(error.message, /^Scheme 'Files': /);
  });

  it('the same scheme imports with a sandbox folder', () => {
    const scheme = loadScheme({ json: fileScheme }, { fileActionsSandbox: true, callbackServerConfigured: false });
    assert.deepEqual(scheme.initialActivity.implementation[0]?.arguments, { kind: 'File', fields: { Path: 'a.txt', Text: 'x' } });
  });

  it('a bad action parameter is refused at import, in JSON as in XML', () => {
    const badLoop = {
      code: 'Loop',
      activities: [{ name: 'Start', isInitial: true, implementation: [{ order: 1, name: 'StartLoopFor', parameter: '{"LoopName":"L","EndValue":3}' }] }],
    };
    const fromJson = refusal(() => loadScheme({ json: badLoop }, { fileActionsSandbox: false, callbackServerConfigured: false }));
    assert.equal(fromJson.code, 'WM_SCHEME_INVALID');
    assert.deepEqual(fromJson.problems, [{ where: 'activities[0] "Start".implementation[0] "StartLoopFor"', message: 'StartLoopFor: StartValue must be a number' }]);

    const xml = `<Process Name="Loop"><Activities><Activity Name="Start" IsInitial="true"><Implementation>
      <ActionRef Order="1" NameRef="StartLoopFor"><ActionParameter><![CDATA[{"LoopName":"L","EndValue":3}]]></ActionParameter></ActionRef>
      </Implementation></Activity></Activities></Process>`;
    const fromXml = refusal(() => loadScheme({ xml }, { fileActionsSandbox: false, callbackServerConfigured: false }));
    assert.deepEqual(fromXml.problems, fromJson.problems);
  });
});
