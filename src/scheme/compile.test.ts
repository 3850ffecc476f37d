import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Cron } from 'croner';
import { compileScheme, SYSTEM_PARAMETER_NAMES, BUILT_IN_ACTIONS } from './compile.js';
import { FILE_ACTIONS_ARE_OFF } from './built-in-names.js';
import { SchemeInvalidError } from '../errors/index.js';
import type { ActivityDefinition, SchemeDefinition, TransitionDefinition } from './model.js';

function activity(name: string, extra: Partial<ActivityDefinition> = {}): ActivityDefinition {
  return {
    name,
    state: name,
    isInitial: false,
    isFinal: false,
    isForSetState: false,
    isAutoSchemeUpdate: false,
    implementation: [],
    preExecutionImplementation: [],
    ...extra,
  };
}

function transition(name: string, from: string, to: string, extra: Partial<TransitionDefinition> = {}): TransitionDefinition {
  return {
    name,
    from,
    to,
    classifier: 'NotSpecified',
    trigger: { type: 'Auto' },
    conditions: [{ type: 'Always' }],
    conditionsConcatenation: 'And',
    restrictions: [],
    allowConcatenation: 'And',
    restrictConcatenation: 'And',
    isFork: false,
    disableParentStateControl: false,
    ...extra,
  };
}

function scheme(extra: Partial<SchemeDefinition> = {}): SchemeDefinition {
  return {
    code: 'Test',
    name: 'Test',
    tags: [],
    logEnabled: false,
    parameters: [{ name: 'Sum', type: 'Int32', purpose: 'Persistence', initialValue: 0 }],
    actors: [{ name: 'Boss', rule: 'InRole', value: 'Boss' }],
    commands: [{ name: 'Approve', inputParameters: [] }],
    timers: [{ name: 'Soon', type: 'Interval', value: '10minutes', notOverrideIfExists: false }],
    activities: [activity('Start', { isInitial: true }), activity('End', { isFinal: true })],
    transitions: [transition('Go', 'Start', 'End', { trigger: { type: 'Command', name: 'Approve' } })],
    localization: [],
    ...extra,
  };
}

function problemsOf(definition: SchemeDefinition): string[] {
  try {
    compileScheme(definition);
  } catch (error) {
    assert.ok(error instanceof SchemeInvalidError, String(error));
    assert.equal(error.code, 'WM_SCHEME_INVALID');
    return error.problems.map((problem) => `${problem.where}: ${problem.message}`);
  }
  assert.fail('expected the scheme to be refused');
}

describe('compileScheme: a valid scheme', () => {
  it('indexes activities, commands, timers and outgoing transitions in order', () => {
    const compiled = compileScheme(
      scheme({
        transitions: [
          transition('Big', 'Start', 'End', {
            trigger: { type: 'Command', name: 'Approve' },
            conditions: [{ type: 'Expression', expression: '@Sum > 100', inverted: false }],
          }),
          transition('Small', 'Start', 'End', { trigger: { type: 'Command', name: 'Approve' }, conditions: [{ type: 'Otherwise' }] }),
        ],
      }),
    );
    assert.equal(compiled.initialActivity.name, 'Start');
    assert.deepEqual(compiled.transitionsFrom.get('Start')?.map((t) => [t.name, t.index]), [['Big', 0], ['Small', 1]]);
    const condition = compiled.transitionsFrom.get('Start')?.[0]?.conditions[0];
    assert.ok(condition?.type === 'Expression');
    assert.equal(condition.expression.evaluate({ Sum: 150 }), true);
    assert.equal(compiled.commands.get('Approve')?.name, 'Approve');
    assert.equal(compiled.timers.get('Soon')?.value, '10minutes');
  });

  it('is deeply frozen', () => {
    const compiled = compileScheme(scheme());
    assert.ok(Object.isFrozen(compiled));
    assert.ok(Object.isFrozen(compiled.initialActivity));
    assert.ok(Object.isFrozen(compiled.definition.activities));
    assert.throws(() => (compiled.activities as unknown as Map<string, ActivityDefinition>).set('X', activity('X')), /read-only/);
  });

  it('computes external needs: actions, condition actions and rules that are not built in', () => {
    const compiled = compileScheme(
      scheme({
        actors: [
          { name: 'Boss', rule: 'InRole', value: 'Boss' },
          { name: 'Approver', rule: 'IsApprover', value: null },
        ],
        activities: [
          activity('Start', { isInitial: true, implementation: [{ order: 1, name: 'JsonBackup', parameter: null }, { order: 2, name: 'SetParameter', parameter: '{"ParameterName":"Sum","Value":"1"}' }] }),
          activity('End', { preExecutionImplementation: [{ order: 1, name: 'FillApproversUsers', parameter: null }] }),
        ],
        transitions: [
          transition('Go', 'Start', 'End', { conditions: [{ type: 'Action', action: 'IsApproveComplete', parameter: null, inverted: false }] }),
          transition('Check', 'Start', 'End', { conditions: [{ type: 'Action', action: 'CheckParameter', parameter: '{"ParameterName":"Sum"}', inverted: true }] }),
        ],
      }),
    );
    assert.deepEqual(compiled.externalNeeds, {
      actions: ['FillApproversUsers', 'JsonBackup'],
      conditions: ['IsApproveComplete'],
      rules: ['IsApprover'],
    });
  });

  it('honours the built-in sets given as options', () => {
    const compiled = compileScheme(
      scheme({ activities: [activity('Start', { isInitial: true, implementation: [{ order: 1, name: 'SetParameter', parameter: null }] }), activity('End')] }),
      { builtInActions: new Set(), builtInConditions: new Set(), builtInRules: new Set(['InRole']) },
    );
    assert.deepEqual(compiled.externalNeeds.actions, ['SetParameter']);
    assert.ok(BUILT_IN_ACTIONS.has('SetParameter'));
  });

  it('compiles Expression timers and accepts Time, Date, DateAndTime and Cron values', () => {
    const compiled = compileScheme(
      scheme({
        timers: [
          { name: 'Computed', type: 'Expression', value: '@Sum * 1000', notOverrideIfExists: false },
          { name: 'Daily', type: 'Time', value: '08:30', notOverrideIfExists: false, timeZone: 'Europe/Berlin' },
          { name: 'Once', type: 'Date', value: '12/31/2026', notOverrideIfExists: false },
          { name: 'OnceAt', type: 'DateAndTime', value: '12/31/2026 23:59:00', notOverrideIfExists: false },
          { name: 'Hourly', type: 'Cron', value: '0 * * * *', notOverrideIfExists: true },
        ],
      }),
    );
    const computed = compiled.timers.get('Computed')?.schedule;
    assert.equal(computed?.kind === 'Expression' ? computed.expression.evaluate({ Sum: 2 }) : undefined, 2000);
  });

  it('carries each timer value parsed into its schedule: the cron pattern built once, the zone checked', () => {
    const compiled = compileScheme(
      scheme({
        timers: [
          { name: 'Soon', type: 'Interval', value: '1d 2h', notOverrideIfExists: false },
          { name: 'Daily', type: 'Time', value: '08:30', notOverrideIfExists: false, timeZone: 'Europe/Berlin' },
          { name: 'Minute', type: 'Time', value: '1m', notOverrideIfExists: false },
          { name: 'OnceAt', type: 'DateAndTime', value: '12/31/2026 23:59:00', notOverrideIfExists: false },
          { name: 'Hourly', type: 'Cron', value: '0 * * * *', notOverrideIfExists: true, timeZone: 'Asia/Tokyo' },
        ],
      }),
    );
    const schedule = (name: string) => compiled.timers.get(name)?.schedule;
    assert.deepEqual(schedule('Soon'), { kind: 'Interval', milliseconds: 26 * 3_600_000 });
    assert.deepEqual(schedule('Daily'), { kind: 'TimeOfDay', time: { hours: 8, minutes: 30, seconds: 0 }, timeZone: 'Europe/Berlin' });
    assert.deepEqual(schedule('Minute'), { kind: 'Interval', milliseconds: 60_000 }, 'a Time that is a duration runs as an interval');
    assert.deepEqual(schedule('OnceAt'), { kind: 'Date', date: { year: 2026, month: 12, day: 31, time: { hours: 23, minutes: 59, seconds: 0 } }, timeZone: 'UTC' });
    const hourly = schedule('Hourly');
    assert.ok(hourly?.kind === 'Cron' && hourly.cron instanceof Cron, 'the croner schedule itself');
    assert.equal(hourly.cron.nextRun(new Date('2026-01-15T09:30:00.000Z'))?.toISOString(), '2026-01-15T10:00:00.000Z');
    assert.equal(compiled.timers.get('Hourly')?.schedule, hourly, 'one schedule, shared by every arm');
  });

  it('parses the parameters of built-in actions and condition actions, and sorts each Implementation by order', () => {
    const compiled = compileScheme(
      scheme({
        activities: [
          activity('Start', {
            isInitial: true,
            implementation: [
              { order: 2, name: 'JsonBackup', parameter: 'Second' },
              { order: 1, name: 'SetParameter', parameter: '{"ParameterName":"Sum","Value":"5"}' },
            ],
          }),
          activity('End', { isFinal: true }),
        ],
        transitions: [transition('Go', 'Start', 'End', { conditions: [{ type: 'Action', action: 'CheckParameter', parameter: '{"ParameterName":"Sum","CompareType":"More","Value":"1"}', inverted: false }] })],
      }),
    );
    const start = compiled.activities.get('Start');
    assert.deepEqual(start?.implementation.map((call) => [call.order, call.name, call.arguments.kind]), [[1, 'SetParameter', 'SetParameter'], [2, 'JsonBackup', 'External']]);
    assert.deepEqual(start?.implementation[0]?.arguments, { kind: 'SetParameter', parameterName: 'Sum', forRootProcess: false, value: 5, valueText: '5' });
    assert.equal(compiled.initialActivity, start);
    const condition = compiled.transitionsFrom.get('Start')?.[0]?.conditions[0];
    assert.ok(condition?.type === 'Action');
    assert.deepEqual(condition.arguments, { kind: 'CheckParameter', parameterName: 'Sum', forRootProcess: false, compareType: 'More', value: '1', separator: ',' });
    assert.deepEqual(compiled.definition.activities[0]?.implementation.map((call) => call.order), [2, 1], 'the definition keeps what was written');
  });
});

describe('compileScheme: every rule, every problem at once', () => {
  it('exactly one initial activity', () => {
    assert.deepEqual(problemsOf(scheme({ activities: [activity('Start'), activity('End')] })), [
      'activities: no activity is marked initial; exactly one must be',
    ]);
    assert.deepEqual(problemsOf(scheme({ activities: [activity('Start', { isInitial: true }), activity('End', { isInitial: true })] })), [
      'activities: 2 activities are marked initial ("Start", "End"); exactly one must be',
    ]);
  });

  it('unique names', () => {
    assert.deepEqual(
      problemsOf(
        scheme({
          activities: [activity('Start', { isInitial: true }), activity('End'), activity('End')],
          transitions: [transition('Go', 'Start', 'End'), transition('Go', 'Start', 'End')],
          commands: [{ name: 'Approve', inputParameters: [] }, { name: 'Approve', inputParameters: [] }],
          actors: [{ name: 'Boss', rule: 'InRole', value: 'Boss' }, { name: 'Boss', rule: 'InRole', value: 'Boss' }],
          parameters: [{ name: 'Sum', type: 'Int32', purpose: 'Persistence' }, { name: 'Sum', type: 'Int32', purpose: 'Persistence' }],
          timers: [
            { name: 'Soon', type: 'Interval', value: '1s', notOverrideIfExists: false },
            { name: 'Soon', type: 'Interval', value: '1s', notOverrideIfExists: false },
          ],
        }),
      ),
      [
        'activities[2] "End": activity name "End" is used more than once',
        'transitions[1] "Go": transition name "Go" is used more than once',
        'commands[1] "Approve": command name "Approve" is used more than once',
        'actors[1] "Boss": actor name "Boss" is used more than once',
        'parameters[1] "Sum": parameter name "Sum" is used more than once',
        'timers[1] "Soon": timer name "Soon" is used more than once',
      ],
    );
  });

  it('references resolve: activities, commands, timers, actors, parameters', () => {
    assert.deepEqual(
      problemsOf(
        scheme({
          actors: [{ name: 'Manager', rule: 'isUser', value: '@Manager' }],
          commands: [{ name: 'Approve', inputParameters: [{ name: 'Note', parameterName: 'Comment', isRequired: false }] }],
          transitions: [
            transition('Go', 'Nowhere', 'Elsewhere', { trigger: { type: 'Command', name: 'Reject' }, restrictions: [{ type: 'Allow', actor: 'Boss' }] }),
            transition('Wait', 'Start', 'End', { trigger: { type: 'Timer', name: 'Later' } }),
          ],
        }),
      ),
      [
        'actors[0] "Manager": actor value "@Manager" refers to parameter "Manager", which is not declared',
        'commands[0] "Approve".inputParameters[0] "Note": input parameter refers to parameter "Comment" (NameRef), which is not declared',
        'transitions[0] "Go": from activity "Nowhere" does not exist',
        'transitions[0] "Go": to activity "Elsewhere" does not exist',
        'transitions[0] "Go".trigger: command "Reject" is not declared',
        'transitions[0] "Go".restrictions[0]: actor "Boss" is not declared',
        'transitions[1] "Wait".trigger: timer "Later" is not declared',
      ],
    );
  });

  it('an actor may refer to a system parameter', () => {
    assert.doesNotThrow(() => compileScheme(scheme({ actors: [{ name: 'Self', rule: 'isUser', value: '@IdentityId' }] })));
  });

  it('triggers: Command and Timer need a name, Auto has none', () => {
    assert.deepEqual(
      problemsOf(
        scheme({
          transitions: [
            transition('A', 'Start', 'End', { trigger: { type: 'Command' } }),
            transition('B', 'Start', 'End', { trigger: { type: 'Auto', name: 'Approve' } }),
            transition('C', 'Start', 'End', { trigger: { type: 'Timer' } }),
          ],
        }),
      ),
      [
        'transitions[0] "A".trigger: a Command trigger needs the name of a command',
        'transitions[1] "B".trigger: an Auto trigger has no name, but "Approve" is given',
        'transitions[2] "C".trigger: a Timer trigger needs the name of a timer',
      ],
    );
  });

  it('conditions: Always and Otherwise stand alone; at least one; expressions compile', () => {
    assert.deepEqual(
      problemsOf(
        scheme({
          transitions: [
            transition('A', 'Start', 'End', { conditions: [{ type: 'Always' }, { type: 'Expression', expression: '@Sum > 1', inverted: false }] }),
            transition('B', 'Start', 'End', { conditions: [{ type: 'Otherwise' }, { type: 'Always' }] }),
            transition('C', 'Start', 'End', { conditions: [] }),
            transition('D', 'Start', 'End', { conditions: [{ type: 'Expression', expression: '@Sum > "x"', inverted: false }] }),
            transition('E', 'Start', 'End', { conditions: [{ type: 'Action', action: ' ', parameter: null, inverted: false }] }),
          ],
        }),
      ),
      [
        'transitions[0] "A".conditions[0]: an Always condition must stand alone on its transition',
        'transitions[1] "B".conditions[0]: an Otherwise condition must stand alone on its transition',
        'transitions[1] "B".conditions[1]: an Always condition must stand alone on its transition',
        'transitions[2] "C".conditions: a transition needs at least one condition (use Always)',
        'transitions[3] "D".conditions[0]: Expression "@Sum > "x"" is not valid: no such overload: int > string (at column 1)',
        'transitions[4] "E".conditions[0]: an Action condition needs the name of a condition action',
      ],
    );
  });

  it('an expression over the evaluation budget whatever the parameters is a problem of the scheme, found on import', () => {
    const list = `[${Array.from({ length: 216 }, (_, index) => index).join(',')}]`;
    const hostile = `${list}.map(x, ${list}.map(y, ${list}.map(z, 1))).size() > 0`;
    const problems = problemsOf(
      scheme({ transitions: [transition('Hostile', 'Start', 'End', { conditions: [{ type: 'Expression', expression: hostile, inverted: false }] })] }),
    );
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^transitions\[0\] "Hostile"\.conditions\[0\]: Expression ".*" is not valid: its estimated work is [\d,]+ steps even with the smallest parameter values, more than the budget of 100,000$/);
  });

  it('prototype keys cannot be parameter names', () => {
    assert.deepEqual(
      problemsOf(scheme({ parameters: ['__proto__', 'constructor', 'prototype'].map((name) => ({ name, type: 'String', purpose: 'Persistence' as const })) })),
      ['__proto__', 'constructor', 'prototype'].map(
        (name, index) => `parameters[${index}] "${name}": parameter name "${name}" is not accepted (it names a member of every JavaScript object)`,
      ),
    );
  });

  it('system parameter names cannot be declared', () => {
    assert.ok(SYSTEM_PARAMETER_NAMES.includes('CurrentState'));
    assert.deepEqual(
      problemsOf(
        scheme({
          parameters: [
            { name: 'CurrentState', type: 'String', purpose: 'Persistence' },
            { name: 'Mine', type: 'String', purpose: 'System' },
          ],
        }),
      ),
      [
        'parameters[0] "CurrentState": parameter name "CurrentState" is a system parameter and cannot be declared',
        'parameters[1] "Mine": parameter "Mine" cannot have purpose System: system parameters are built in',
      ],
    );
  });

  it('timer values parse', () => {
    assert.deepEqual(
      problemsOf(
        scheme({
          timers: [
            { name: 'Soon', type: 'Interval', value: '10 fortnights', notOverrideIfExists: false },
            { name: 'Daily', type: 'Time', value: '25:00', notOverrideIfExists: false },
            { name: 'Once', type: 'Date', value: '02/30/2026', notOverrideIfExists: false },
            { name: 'OnceAt', type: 'DateAndTime', value: 'tomorrow', notOverrideIfExists: false },
            { name: 'Computed', type: 'Expression', value: '@Sum >', notOverrideIfExists: false },
            { name: 'Hourly', type: 'Cron', value: 'every hour', notOverrideIfExists: false },
            { name: 'Zoned', type: 'Time', value: '08:00', notOverrideIfExists: false, timeZone: 'Mars/Olympus' },
          ],
        }),
      ).map((problem) => problem.replace(/(Cron pattern "every hour" is not valid: ).*/, '$1…').replace(/(is not valid: ).*(\(at column \d+\))$/, '$1… $2')),
      [
        'timers[0] "Soon".value: Interval "10 fortnights" is not valid: "fortnights" is not a unit (ms, s, min, h, d, w)',
        'timers[1] "Daily".value: Time "25:00" is not a time of day (HH:mm or HH:mm:ss)',
        'timers[2] "Once".value: Date "02/30/2026" is not a date (MM/DD/YYYY)',
        'timers[3] "OnceAt".value: DateAndTime "tomorrow" is not a date and time (MM/DD/YYYY HH:mm:ss)',
        'timers[4] "Computed".value: Expression "@Sum >" is not valid: … (at column 7)',
        'timers[5] "Hourly".value: Cron pattern "every hour" is not valid: …',
        'timers[6] "Zoned".timeZone: time zone "Mars/Olympus" is not an IANA time zone',
      ],
    );
  });

  it('the parameters of built-in actions and condition actions: every one no run could accept, with where it is', () => {
    assert.deepEqual(
      problemsOf(
        scheme({
          activities: [
            activity('Start', {
              isInitial: true,
              implementation: [
                { order: 1, name: 'SetParameter', parameter: '{"Value":1}' },
                { order: 2, name: 'StartLoopFor', parameter: '{"LoopName":"L","StartValue":"one","EndValue":3}' },
                { order: 3, name: 'HTTPRequest', parameter: '{"Post":true}' },
                { order: 4, name: 'JsonBackup', parameter: 'anything: a callback server reads it' },
              ],
            }),
            activity('End', { isFinal: true, implementation: [{ order: 1, name: 'Webhook', parameter: '{"Url":"ftp://files.example.test/"}' }] }),
          ],
          transitions: [
            transition('Go', 'Start', 'End', {
              conditions: [
                { type: 'Action', action: 'CheckParameter', parameter: '{"ParameterName":"Sum","CompareType":"Roughly"}', inverted: false },
                { type: 'Action', action: 'IsWeekday', parameter: '{not json', inverted: false },
              ],
            }),
          ],
        }),
      ),
      [
        'activities[0] "Start".implementation[0] "SetParameter": SetParameter: ParameterName is required',
        'activities[0] "Start".implementation[1] "StartLoopFor": StartLoopFor: StartValue must be a number',
        'activities[0] "Start".implementation[2] "HTTPRequest": HTTPRequest: its parameter has no Url',
        "activities[1] \"End\".implementation[0] \"Webhook\": Webhook: only http and https URLs are allowed, not 'ftp:'",
        'transitions[0] "Go".conditions[0]: CheckParameter: CompareType Roughly is not known',
      ],
    );
  });

  it('compiled leniently (a stored version), a bad parameter becomes an action that fails with the same message', () => {
    const compiled = compileScheme(
      scheme({ activities: [activity('Start', { isInitial: true, implementation: [{ order: 1, name: 'SetParameter', parameter: '{"Value":1}' }] }), activity('End')] }),
      { parameterProblems: 'failWhenRun' },
    );
    assert.deepEqual(compiled.initialActivity.implementation[0]?.arguments, { kind: 'Invalid', problem: 'SetParameter: ParameterName is required' });
  });

  it('file actions are refused where none may run, whatever the format: every use, and every other problem with them', () => {
    const withFiles = scheme({
      activities: [
        activity('Start', {
          isInitial: true,
          implementation: [{ order: 1, name: 'FileWrite', parameter: '{"Path":"a.txt","Text":"x"}' }],
          preExecutionImplementation: [{ order: 1, name: 'FileRead', parameter: '{"Path":"a.txt","ParameterName":"Text"}' }],
        }),
        activity('End', { implementation: [{ order: 3, name: 'DirectoryDelete', parameter: '{"Path":"out"}' }] }),
      ],
    });
    const off = { fileActionsAllowed: false };
    let caught: unknown;
    assert.throws(() => compileScheme(withFiles, off), (error: unknown) => (caught = error) instanceof SchemeInvalidError);
    const refused = caught as SchemeInvalidError;
    assert.equal(refused.code, 'WM_SCHEME_UNSUPPORTED');
    assert.deepEqual(
      refused.problems.map((problem) => `${problem.where}: ${problem.message}`),
      [
        `activities[0] "Start".implementation[0]: file action "FileWrite" is used by activity "Start" (implementation, order 1); ${FILE_ACTIONS_ARE_OFF}`,
        `activities[0] "Start".preExecutionImplementation[0]: file action "FileRead" is used by activity "Start" (preExecutionImplementation, order 1); ${FILE_ACTIONS_ARE_OFF}`,
        `activities[1] "End".implementation[0]: file action "DirectoryDelete" is used by activity "End" (implementation, order 3); ${FILE_ACTIONS_ARE_OFF}`,
      ],
    );
    assert.doesNotThrow(() => compileScheme(withFiles), 'allowed by default: a stored scheme runs, its file actions failing while they are off');

    const alsoInvalid = { ...withFiles, activities: [...withFiles.activities, activity('Start')] };
    assert.throws(
      () => compileScheme(alsoInvalid, off),
      (error: unknown) =>
        error instanceof SchemeInvalidError &&
        error.code === 'WM_SCHEME_INVALID' &&
        error.problems.length === 4 &&
        error.problems[3]?.message.startsWith('file action "DirectoryDelete"') === true,
    );
  });

  it('a subprocess needs isFork', () => {
    assert.deepEqual(
      problemsOf(
        scheme({
          transitions: [
            transition('Fork', 'Start', 'End', {
              subprocess: { inOut: 'Start', copyStrategy: 'CopyAll', copyParameters: [], mergeStrategy: 'OverwriteAll', mergeParameters: [] },
            }),
          ],
        }),
      ),
      ['transitions[0] "Fork".subprocess: a subprocess definition needs isFork true'],
    );
  });

  it('an oversized scheme is refused', () => {
    const activities = Array.from({ length: 5001 }, (_, index) => activity(`A${index}`, { isInitial: index === 0 }));
    assert.deepEqual(problemsOf(scheme({ activities, transitions: [] })), [
      'activities: the scheme has 5001 activities; at most 5000 are accepted',
    ]);
  });

  it('the error message names the scheme', () => {
    assert.throws(
      () => compileScheme(scheme({ activities: [activity('End')], transitions: [] })),
      { message: "Scheme 'Test': activities: no activity is marked initial; exactly one must be" },
    );
  });
});
