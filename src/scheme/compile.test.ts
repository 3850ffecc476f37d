import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileScheme, SYSTEM_PARAMETER_NAMES, BUILT_IN_ACTIONS } from './compile.js';
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
