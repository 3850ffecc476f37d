/**
 * Compiles a timer's value into its schedule once, when the scheme is compiled: intervals in
 * milliseconds, times of day and dates parsed, the time zone checked, a cron pattern built into
 * its croner schedule, an expression type-checked. See docs/schemes.md, "Timers".
 */
import { Cron } from 'croner';
import { WaymarkError, isWaymarkError } from '../errors/index.js';
import { compileExpression } from './expressions.js';
import type { CompiledTimer, TimerDefinition, TimerSchedule } from './model.js';
import { parseInterval, parseTimeOfDay, parseTimerDate } from './timer-values.js';

/** What is wrong with a timer: its `value` or its `timeZone`. */
export interface TimerProblem {
  readonly field: 'value' | 'timeZone';
  readonly message: string;
}

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function messageOf(error: unknown): string {
  return isWaymarkError(error) || error instanceof Error ? error.message : String(error);
}

/**
 * The schedule of `timer`, or every problem with it. `parameterTypes` (declared parameter →
 * .NET type) type-checks an Expression timer.
 */
export function timerSchedule(
  timer: TimerDefinition,
  parameterTypes: ReadonlyMap<string, string>,
): { readonly schedule: TimerSchedule } | { readonly problems: readonly TimerProblem[] } {
  const problems: TimerProblem[] = [];
  const timeZone = timer.timeZone ?? 'UTC';
  if (timer.timeZone !== undefined && !isTimeZone(timer.timeZone)) {
    problems.push({ field: 'timeZone', message: `time zone "${timer.timeZone}" is not an IANA time zone` });
  }
  const refuse = (message: string): { readonly problems: readonly TimerProblem[] } => ({ problems: [{ field: 'value', message }, ...problems] });
  let schedule: TimerSchedule;
  switch (timer.type) {
    case 'Interval':
      try {
        schedule = { kind: 'Interval', milliseconds: parseInterval(timer.value) };
      } catch (error) {
        return refuse(messageOf(error));
      }
      break;
    case 'Time': {
      const time = parseTimeOfDay(timer.value);
      if (time) {
        schedule = { kind: 'TimeOfDay', time, timeZone };
        break;
      }
      // The vendor's samples write a duration as a Time value (Timer.xml: `1m`): it runs as an interval.
      try {
        schedule = { kind: 'Interval', milliseconds: parseInterval(timer.value) };
      } catch {
        return refuse(`Time "${timer.value}" is not a time of day (HH:mm or HH:mm:ss)`);
      }
      break;
    }
    case 'Date': {
      const date = parseTimerDate(timer.value);
      if (!date || date.time) return refuse(`Date "${timer.value}" is not a date (MM/DD/YYYY)`);
      schedule = { kind: 'Date', date, timeZone };
      break;
    }
    case 'DateAndTime': {
      const date = parseTimerDate(timer.value);
      if (!date) return refuse(`DateAndTime "${timer.value}" is not a date and time (MM/DD/YYYY HH:mm:ss)`);
      schedule = { kind: 'Date', date, timeZone };
      break;
    }
    case 'Cron':
      try {
        // Built once here; `nextRun` does not change it, so every instance's timer shares it.
        schedule = { kind: 'Cron', cron: new Cron(timer.value, { paused: true, timezone: isTimeZone(timeZone) ? timeZone : 'UTC' }) };
      } catch (error) {
        return refuse(`Cron pattern "${timer.value}" is not valid: ${messageOf(error)}`);
      }
      break;
    case 'Expression':
      try {
        schedule = { kind: 'Expression', expression: compileExpression(timer.value, parameterTypes), timeZone };
      } catch (error) {
        return refuse(messageOf(error));
      }
      break;
  }
  return problems.length > 0 ? { problems } : { schedule };
}

/**
 * Compiles one timer on its own (a scheme compiles its timers with {@link timerSchedule}).
 * Throws `WaymarkError('WM_SCHEME_INVALID')` naming the timer when its value or zone is wrong.
 */
export function compileTimer(timer: TimerDefinition, parameterTypes: ReadonlyMap<string, string> = new Map()): CompiledTimer {
  const result = timerSchedule(timer, parameterTypes);
  if ('problems' in result) {
    throw new WaymarkError('WM_SCHEME_INVALID', `Timer ${timer.name} (${timer.type} "${timer.value}"): ${result.problems.map((problem) => problem.message).join('; ')}`, {
      timerName: timer.name,
      timerType: timer.type,
      timerValue: timer.value,
    });
  }
  return { ...timer, schedule: result.schedule };
}
