/**
 * `getschememodel`: a stored scheme version as the vendor's JSON scheme model (its
 * `ProcessDefinition` serialized: `Name, DesignerSettings, Actors, Parameters, Commands, Timers,
 * Comments, Activities, Transitions, Localization, CodeActions, …, Id`). Waymark fills what its
 * model holds; what it does not keep (designer layout, comments, code actions, inlining,
 * annotations, timeouts) is given as empty values of the vendor's types, listed in
 * docs/workflow-api.md.
 */
import {
  formatTypedValue,
  type ActionCall,
  type ActivityDefinition,
  type ActorDefinition,
  type CommandDefinition,
  type ConditionDefinition,
  type ParameterDefinition,
  type SchemeDefinition,
  type TimerDefinition,
  type TransitionDefinition,
} from '../../scheme/index.js';
import type { StoredScheme } from '../../store/store.js';

/** Waymark keeps no designer layout: every element's designer settings are empty. */
const NO_DESIGNER_SETTINGS = {} as const;

function actorModel(actor: ActorDefinition) {
  return {
    Name: actor.name,
    DesignerSettings: NO_DESIGNER_SETTINGS,
    OriginalName: actor.name,
    OriginalSchemeCode: null,
    WasInlined: false,
    Rule: actor.rule,
    Value: actor.value,
    IsPredefined: false,
  };
}

function parameterModel(parameter: ParameterDefinition) {
  return {
    Name: parameter.name,
    DesignerSettings: NO_DESIGNER_SETTINGS,
    Type: parameter.type,
    Purpose: parameter.purpose,
    InitialValue: parameter.initialValue === undefined ? null : formatTypedValue(parameter.initialValue, parameter.type),
  };
}

function commandModel(command: CommandDefinition, parameters: ReadonlyMap<string, ParameterDefinition>) {
  return {
    Name: command.name,
    DesignerSettings: NO_DESIGNER_SETTINGS,
    InputParameters: command.inputParameters.map((input) => {
      const parameter = parameters.get(input.parameterName);
      return {
        Name: input.name,
        IsRequired: input.isRequired,
        DefaultValue: input.defaultValue === undefined ? null : formatTypedValue(input.defaultValue, parameter?.type ?? 'String'),
        Parameter: parameter ? parameterModel(parameter) : null,
        Comment: null,
      };
    }),
    Comment: null,
  };
}

function timerModel(timer: TimerDefinition) {
  return {
    Name: timer.name,
    DesignerSettings: NO_DESIGNER_SETTINGS,
    Type: timer.type,
    Value: timer.value,
    NotOverrideIfExists: timer.notOverrideIfExists,
  };
}

function actionModel(call: ActionCall) {
  return { ActionName: call.name, Order: call.order, ActionParameter: call.parameter };
}

function activityModel(activity: ActivityDefinition, schemeCode: string) {
  return {
    Name: activity.name,
    DesignerSettings: NO_DESIGNER_SETTINGS,
    OriginalName: activity.name,
    OriginalSchemeCode: null,
    WasInlined: false,
    SchemeCode: schemeCode,
    State: activity.state,
    IsInitial: activity.isInitial,
    IsFinal: activity.isFinal,
    IsForSetState: activity.isForSetState,
    IsAutoSchemeUpdate: activity.isAutoSchemeUpdate,
    IsState: activity.state !== null,
    HaveImplementation: activity.implementation.length > 0,
    HavePreExecutionImplementation: activity.preExecutionImplementation.length > 0,
    Implementation: activity.implementation.map(actionModel),
    PreExecutionImplementation: activity.preExecutionImplementation.map(actionModel),
    Annotations: [],
    ExceptionsHandlers: [],
  };
}

function conditionModel(condition: ConditionDefinition) {
  switch (condition.type) {
    case 'Expression':
      return { Type: 'Expression', Action: null, Expression: condition.expression, ResultOnPreExecution: null, ConditionInversion: condition.inverted };
    case 'Action':
      return {
        Type: 'Action',
        Action: { ActionName: condition.action, Order: 0, ActionParameter: condition.parameter },
        Expression: null,
        ResultOnPreExecution: null,
        ConditionInversion: condition.inverted,
      };
    default:
      return { Type: condition.type, Action: null, Expression: null, ResultOnPreExecution: null, ConditionInversion: false };
  }
}

interface ModelIndexes {
  readonly schemeCode: string;
  readonly activities: ReadonlyMap<string, ReturnType<typeof activityModel>>;
  readonly actors: ReadonlyMap<string, ReturnType<typeof actorModel>>;
  readonly commands: ReadonlyMap<string, ReturnType<typeof commandModel>>;
  readonly timers: ReadonlyMap<string, ReturnType<typeof timerModel>>;
}

function transitionModel(transition: TransitionDefinition, indexes: ModelIndexes) {
  const subprocess = transition.subprocess;
  const trigger = transition.trigger;
  const specified = subprocess === undefined ? [] : subprocess.inOut === 'Start' ? subprocess.copyParameters : subprocess.mergeParameters;
  return {
    Name: transition.name,
    DesignerSettings: NO_DESIGNER_SETTINGS,
    OriginalName: transition.name,
    OriginalSchemeCode: null,
    WasInlined: false,
    From: indexes.activities.get(transition.from) ?? null,
    To: indexes.activities.get(transition.to) ?? null,
    Classifier: transition.classifier,
    Trigger: {
      Type: trigger.type,
      Command: trigger.type === 'Command' && trigger.name !== undefined ? (indexes.commands.get(trigger.name) ?? null) : null,
      Timer: trigger.type === 'Timer' && trigger.name !== undefined ? (indexes.timers.get(trigger.name) ?? null) : null,
    },
    Conditions: transition.conditions.map(conditionModel),
    Restrictions: transition.restrictions.map((restriction) => ({ Type: restriction.type, Actor: indexes.actors.get(restriction.actor) ?? null })),
    AllowConcatenationType: transition.allowConcatenation,
    RestrictConcatenationType: transition.restrictConcatenation,
    ConditionsConcatenationType: transition.conditionsConcatenation,
    Annotations: [],
    IsFork: transition.isFork,
    MergeViaSetState: false,
    DisableParentStateControl: transition.disableParentStateControl,
    SubprocessInOutDefinition: subprocess?.inOut ?? null,
    SubprocessName: subprocess === undefined ? null : (subprocess.name ?? transition.name),
    SubprocessStartupParameterCopyStrategy: subprocess?.copyStrategy ?? null,
    SubprocessFinalizeParameterMergeStrategy: subprocess?.mergeStrategy ?? null,
    SubprocessSpecifiedParameters: specified.length > 0 ? specified.join(',') : null,
    IsAlwaysTransition: transition.conditions.some((condition) => condition.type === 'Always'),
    IsOtherwiseTransition: transition.conditions.some((condition) => condition.type === 'Otherwise'),
    IsConditionTransition: transition.conditions.some((condition) => condition.type === 'Expression' || condition.type === 'Action'),
  };
}

/**
 * A stored scheme version as the vendor's JSON scheme model. `isObsolete`: a newer version of the
 * scheme exists (the vendor marks such a scheme obsolete).
 */
export function schemeModel(stored: StoredScheme, isObsolete: boolean) {
  const definition: SchemeDefinition = stored.definition;
  const parameters = new Map(definition.parameters.map((parameter) => [parameter.name, parameter]));
  const indexes: ModelIndexes = {
    schemeCode: definition.code,
    activities: new Map(definition.activities.map((activity) => [activity.name, activityModel(activity, definition.code)])),
    actors: new Map(definition.actors.map((actor) => [actor.name, actorModel(actor)])),
    commands: new Map(definition.commands.map((command) => [command.name, commandModel(command, parameters)])),
    timers: new Map(definition.timers.map((timer) => [timer.name, timerModel(timer)])),
  };
  return {
    Id: stored.id,
    Name: definition.name,
    DesignerSettings: NO_DESIGNER_SETTINGS,
    Actors: [...indexes.actors.values()],
    Parameters: definition.parameters.map(parameterModel),
    Commands: [...indexes.commands.values()],
    Timers: [...indexes.timers.values()],
    Comments: [],
    Activities: [...indexes.activities.values()],
    Transitions: definition.transitions.map((transition) => transitionModel(transition, indexes)),
    Localization: definition.localization.map((entry) => ({
      Name: entry.objectName,
      DesignerSettings: NO_DESIGNER_SETTINGS,
      ObjectName: entry.objectName,
      Value: entry.value,
      Type: entry.type,
      Culture: entry.culture,
      IsDefault: entry.isDefault,
    })),
    CodeActions: [],
    CodeActionsCommonUsings: null,
    AdditionalParams: {},
    CanBeInlined: false,
    LogEnabled: definition.logEnabled,
    InlinedSchemes: [],
    Tags: [...definition.tags],
    DefiningParametersString: null,
    RootSchemeCode: null,
    RootSchemeId: null,
    IsObsolete: isObsolete,
    AllowedActivities: [],
    CalendarName: null,
  };
}
