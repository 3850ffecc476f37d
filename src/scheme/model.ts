/**
 * The scheme model: the plain-data definition (Waymark's native JSON format, what is stored)
 * and the compiled form the engine runs (indexes and pre-parsed expressions, built once).
 *
 * Names follow the vendor's model (see docs/schemes.md), in camelCase.
 */

import type { ActionArguments, ConditionArguments } from './action-arguments.js';
import type { TimeOfDay, TimerDate } from './timer-values.js';

/** A value stored as JSON (parameter values, parsed action parameters). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Where a parameter lives: only during one command, stored with the instance, or built in. */
export type ParameterPurpose = 'Temporary' | 'Persistence' | 'System';

/** A declared process parameter. `type` is the vendor's .NET type name (`String`, `Int32`, …) or a custom name. */
export interface ParameterDefinition {
  readonly name: string;
  readonly type: string;
  readonly purpose: ParameterPurpose;
  /** Already parsed to a JSON value of the declared type; absent when none was given. */
  readonly initialValue?: unknown;
}

/** Who may do something: a named rule (`isUser`, `InRole`, or one from a callback server) and its value. */
export interface ActorDefinition {
  readonly name: string;
  readonly rule: string;
  /** A literal (`Big Boss`) or a parameter reference (`@Manager`). */
  readonly value: string | null;
}

export interface CommandInputParameter {
  /** The name a caller uses. */
  readonly name: string;
  /** The process parameter it fills (`NameRef`). */
  readonly parameterName: string;
  readonly isRequired: boolean;
  readonly defaultValue?: unknown;
}

export interface CommandDefinition {
  readonly name: string;
  readonly inputParameters: readonly CommandInputParameter[];
}

export type TimerType = 'Interval' | 'Time' | 'Date' | 'DateAndTime' | 'Expression' | 'Cron';

export interface TimerDefinition {
  readonly name: string;
  readonly type: TimerType;
  /** As written: `10minutes`, `1d 2h`, `08:30:00`, `12/31/2026`, an expression, or a cron pattern. */
  readonly value: string;
  readonly notOverrideIfExists: boolean;
  /** IANA time zone for Time/Date/DateAndTime/Cron; UTC when absent. */
  readonly timeZone?: string;
}

/** One call of an action (built-in or from a callback server) with its raw parameter text. */
export interface ActionCall {
  readonly order: number;
  readonly name: string;
  /** The ActionParameter text as written (often JSON). */
  readonly parameter: string | null;
}

export interface ActivityDefinition {
  readonly name: string;
  /** The business state shown to users; several activities may share one. */
  readonly state: string | null;
  readonly isInitial: boolean;
  readonly isFinal: boolean;
  readonly isForSetState: boolean;
  readonly isAutoSchemeUpdate: boolean;
  /** Actions run when the process enters the activity, in `order`. */
  readonly implementation: readonly ActionCall[];
  /** Actions run during pre-execution (a dry run). Stored; not run by the engine yet. */
  readonly preExecutionImplementation: readonly ActionCall[];
}

export type TriggerType = 'Command' | 'Auto' | 'Timer';

export interface TriggerDefinition {
  readonly type: TriggerType;
  /** The command or timer name; absent for Auto. */
  readonly name?: string;
}

export type ConditionDefinition =
  | { readonly type: 'Always' }
  | { readonly type: 'Otherwise' }
  | { readonly type: 'Expression'; readonly expression: string; readonly inverted: boolean }
  | { readonly type: 'Action'; readonly action: string; readonly parameter: string | null; readonly inverted: boolean };

export interface RestrictionDefinition {
  readonly type: 'Allow' | 'Restrict';
  readonly actor: string;
}

export type Concatenation = 'And' | 'Or';
export type Classifier = 'NotSpecified' | 'Direct' | 'Reverse';

export type SubprocessCopyStrategy = 'CopyAll' | 'IgnoreAll' | 'CopySpecified' | 'IgnoreSpecified';
export type SubprocessMergeStrategy =
  | 'OverwriteAllNulls'
  | 'OverwriteAll'
  | 'OverwriteSpecified'
  | 'DontOverwriteSpecified';

/** Set on a fork transition: `Start` launches a subprocess, `Finalize` ends it and merges back. */
export interface SubprocessDefinition {
  readonly inOut: 'Start' | 'Finalize';
  /** A name for the subprocess (defaults to the transition name). */
  readonly name?: string;
  readonly copyStrategy: SubprocessCopyStrategy;
  /** Parameter names for CopySpecified / IgnoreSpecified. */
  readonly copyParameters: readonly string[];
  readonly mergeStrategy: SubprocessMergeStrategy;
  /** Parameter names for OverwriteSpecified / DontOverwriteSpecified. */
  readonly mergeParameters: readonly string[];
}

export interface TransitionDefinition {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly classifier: Classifier;
  readonly trigger: TriggerDefinition;
  readonly conditions: readonly ConditionDefinition[];
  readonly conditionsConcatenation: Concatenation;
  readonly restrictions: readonly RestrictionDefinition[];
  readonly allowConcatenation: Concatenation;
  readonly restrictConcatenation: Concatenation;
  readonly isFork: boolean;
  readonly subprocess?: SubprocessDefinition;
  readonly disableParentStateControl: boolean;
}

export type LocalizationType = 'State' | 'Command' | 'Parameter' | 'Action' | 'Condition' | 'Comment' | 'Scheme';

export interface LocalizationEntry {
  readonly type: LocalizationType;
  readonly objectName: string;
  readonly culture: string;
  readonly isDefault: boolean;
  readonly value: string;
}

/** What the scheme needs from a callback server: names that are neither built in nor runnable here. */
export interface ExternalNeeds {
  readonly actions: readonly string[];
  readonly conditions: readonly string[];
  readonly rules: readonly string[];
}

/**
 * A scheme in Waymark's native JSON format (`docs/schemes.md`, `docs/scheme.schema.json`).
 * This is what is stored; it is validated and compiled before use.
 */
export interface SchemeDefinition {
  /** The scheme code (unique key across versions), e.g. `VacationRequest`. */
  readonly code: string;
  /** Display name (the XML `Process Name`). */
  readonly name: string;
  readonly tags: readonly string[];
  readonly logEnabled: boolean;
  readonly parameters: readonly ParameterDefinition[];
  readonly actors: readonly ActorDefinition[];
  readonly commands: readonly CommandDefinition[];
  readonly timers: readonly TimerDefinition[];
  readonly activities: readonly ActivityDefinition[];
  readonly transitions: readonly TransitionDefinition[];
  readonly localization: readonly LocalizationEntry[];
  /** Filled by compilation: what must come from a callback server. */
  readonly externalNeeds?: ExternalNeeds;
}

/** A pre-parsed, type-checked expression. Evaluate with the process parameters by name. */
export interface CompiledExpression {
  /** As written in the scheme (`@Sum > 100`). */
  readonly source: string;
  /** The parameter names it reads (without `@`). */
  readonly parameterNames: readonly string[];
  /** Evaluates against parameter values; throws WaymarkError WM_EXPRESSION_FAILED on a runtime error. */
  evaluate(parameters: Readonly<Record<string, unknown>>): unknown;
}

/** A condition with its expression compiled, or a condition action with its parameter parsed. */
export type CompiledCondition =
  | { readonly type: 'Always' }
  | { readonly type: 'Otherwise' }
  | { readonly type: 'Expression'; readonly expression: CompiledExpression; readonly inverted: boolean }
  | {
      readonly type: 'Action';
      readonly action: string;
      /** The ActionParameter text as written (what a callback server receives). */
      readonly parameter: string | null;
      readonly inverted: boolean;
      /** The parameter parsed and checked, for a built-in condition action. */
      readonly arguments: ConditionArguments;
    };

/** An action call with its parameter parsed and checked (see `action-arguments.ts`). */
export interface CompiledActionCall extends ActionCall {
  readonly arguments: ActionArguments;
}

/** An activity whose Implementation actions are compiled and sorted by `order`. */
export interface CompiledActivity extends ActivityDefinition {
  readonly implementation: readonly CompiledActionCall[];
}

export interface CompiledTransition extends Omit<TransitionDefinition, 'conditions'> {
  readonly conditions: readonly CompiledCondition[];
  /** Position in the scheme's transition list: the order conditions are tried in. */
  readonly index: number;
}

/** A cron pattern compiled once (croner's `Cron`): the next run strictly after an instant, or null when there is none. */
export interface CronSchedule {
  nextRun(after: Date): Date | null;
}

/**
 * A timer's value, parsed when the scheme is compiled: the engine computes due times from it
 * without reading the text again. Zones are IANA names (UTC when the timer names none).
 */
export type TimerSchedule =
  | { readonly kind: 'Interval'; readonly milliseconds: number }
  | { readonly kind: 'TimeOfDay'; readonly time: TimeOfDay; readonly timeZone: string }
  | { readonly kind: 'Date'; readonly date: TimerDate; readonly timeZone: string }
  | { readonly kind: 'Expression'; readonly expression: CompiledExpression; readonly timeZone: string }
  | { readonly kind: 'Cron'; readonly cron: CronSchedule };

/** A timer with its value compiled into a schedule. */
export interface CompiledTimer extends TimerDefinition {
  readonly schedule: TimerSchedule;
}

/**
 * A scheme compiled once at the boundary: immutable, indexed, expressions parsed.
 * Nothing downstream re-parses text.
 */
export interface CompiledScheme {
  readonly definition: SchemeDefinition;
  readonly code: string;
  readonly initialActivity: CompiledActivity;
  readonly activities: ReadonlyMap<string, CompiledActivity>;
  readonly commands: ReadonlyMap<string, CommandDefinition>;
  readonly actors: ReadonlyMap<string, ActorDefinition>;
  readonly parameters: ReadonlyMap<string, ParameterDefinition>;
  readonly timers: ReadonlyMap<string, CompiledTimer>;
  /** Outgoing transitions by `from` activity, in scheme order. */
  readonly transitionsFrom: ReadonlyMap<string, readonly CompiledTransition[]>;
  readonly externalNeeds: ExternalNeeds;
}
