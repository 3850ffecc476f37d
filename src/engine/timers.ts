/**
 * When timers fall due, and which timers an instance has armed in its current activity.
 */
import { Cron } from 'croner';
import { WaymarkError } from '../errors/index.js';
import type { CompiledScheme, CompiledTimer } from '../scheme/model.js';
import { parseInterval, parseTimeOfDay, parseTimerDate, type TimeOfDay } from '../scheme/index.js';
import type { ArmedTimer, JsonValue, ProcessInstance } from './types.js';

const DAY_MS = 86_400_000;

function timerError(timer: CompiledTimer, reason: string): WaymarkError<'WM_SCHEME_INVALID'> {
  return new WaymarkError('WM_SCHEME_INVALID', `Timer ${timer.name} (${timer.type} "${timer.value}"): ${reason}`, {
    timerName: timer.name,
    timerType: timer.type,
    timerValue: timer.value,
  });
}

/** Minutes to add to UTC to get the wall-clock time in `timeZone` at `instant`. */
function offsetMinutes(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instant));
  const field = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((part) => part.type === type)?.value);
  const wallClock = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  return Math.round((wallClock - Math.floor(instant / 1000) * 1000) / 60_000);
}

/** The instant at which the wall clock in `timeZone` shows the given date and time. */
function zonedInstant(year: number, month: number, day: number, time: TimeOfDay, timeZone: string): Date {
  const asUtc = Date.UTC(year, month - 1, day, time.hours, time.minutes, time.seconds);
  // Two passes settle the offset around daylight-saving changes.
  let instant = asUtc - offsetMinutes(asUtc, timeZone) * 60_000;
  instant = asUtc - offsetMinutes(instant, timeZone) * 60_000;
  return new Date(instant);
}

function checkTimeZone(timer: CompiledTimer): string {
  const timeZone = timer.timeZone ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw timerError(timer, `the time zone "${timeZone}" is not known`);
  }
  return timeZone;
}

/**
 * When `timer` falls due if armed at `now`:
 * - `Interval`: now + the interval (`10minutes`, `1d 2h`, or milliseconds);
 * - `Time` (`HH:mm[:ss]`): the next time the clock in the timer's zone shows it (strictly after
 *   now). A `Time` value that is not a time of day but an interval (the vendor's sample
 *   `Timer.xml` has `1m`) is treated as an interval;
 * - `Date` (`MM/DD/YYYY`): that day at midnight; `DateAndTime` (`MM/DD/YYYY HH:mm:ss`): that moment
 *   (both in the timer's zone, possibly in the past: then the timer is due at once);
 * - `Expression`: its value — a date (ISO text or Date) or a number of milliseconds from now;
 * - `Cron`: the pattern's next run after now, in the timer's zone.
 * Throws WM_SCHEME_INVALID when the value cannot give a time.
 */
export function computeTimerDue(timer: CompiledTimer, now: Date, parameters: Readonly<Record<string, JsonValue>>): Date {
  switch (timer.type) {
    case 'Interval':
      return new Date(now.getTime() + intervalOf(timer, timer.value));
    case 'Time': {
      const time = parseTimeOfDay(timer.value);
      if (!time) return new Date(now.getTime() + intervalOf(timer, timer.value));
      const timeZone = checkTimeZone(timer);
      const today = new Date(now.getTime() + offsetMinutes(now.getTime(), timeZone) * 60_000);
      for (let dayOffset = 0; dayOffset <= 2; dayOffset += 1) {
        const day = new Date(today.getTime() + dayOffset * DAY_MS);
        const candidate = zonedInstant(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), time, timeZone);
        if (candidate.getTime() > now.getTime()) return candidate;
      }
      throw timerError(timer, 'no next occurrence found');
    }
    case 'Date':
    case 'DateAndTime': {
      const date = parseTimerDate(timer.value);
      if (!date) throw timerError(timer, 'it is not a date (MM/DD/YYYY or MM/DD/YYYY HH:mm:ss)');
      const time = date.time ?? { hours: 0, minutes: 0, seconds: 0 };
      return zonedInstant(date.year, date.month, date.day, time, checkTimeZone(timer));
    }
    case 'Expression': {
      if (!timer.expression) throw timerError(timer, 'the expression was not compiled');
      const value = timer.expression.evaluate(parameters);
      return dueFromExpressionValue(timer, value, now);
    }
    case 'Cron': {
      let next: Date | null;
      try {
        next = new Cron(timer.value, { timezone: checkTimeZone(timer), paused: true }).nextRun(now);
      } catch (error) {
        if (error instanceof WaymarkError) throw error;
        throw timerError(timer, `it is not a cron pattern (${(error as Error).message})`);
      }
      if (!next) throw timerError(timer, 'the pattern has no future run');
      return next;
    }
  }
}

function intervalOf(timer: CompiledTimer, text: string): number {
  try {
    return parseInterval(text);
  } catch (error) {
    throw timerError(timer, (error as Error).message);
  }
}

function dueFromExpressionValue(timer: CompiledTimer, value: unknown, now: Date): Date {
  if (typeof value === 'bigint') value = Number(value);
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(now.getTime() + value);
  if (typeof value === 'string') {
    const date = parseTimerDate(value);
    if (date) return zonedInstant(date.year, date.month, date.day, date.time ?? { hours: 0, minutes: 0, seconds: 0 }, checkTimeZone(timer));
    if (!Number.isNaN(Date.parse(value))) return new Date(Date.parse(value));
  }
  throw timerError(timer, `the expression gave ${JSON.stringify(String(value))}, which is neither a date nor milliseconds`);
}

/** The names of the timers that trigger a transition out of `activityName`. */
export function timerNamesOf(scheme: CompiledScheme, activityName: string): string[] {
  const names: string[] = [];
  for (const transition of scheme.transitionsFrom.get(activityName) ?? []) {
    const name = transition.trigger.name;
    if (transition.trigger.type === 'Timer' && name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * The complete set of timers `instance` has armed in its current activity.
 * `entered` says whether the instance (re-)entered the activity in this step: then each timer
 * gets a fresh due time, unless it is `NotOverrideIfExists` and already armed. Otherwise armed
 * timers are kept (and missing ones armed). Timers the activity does not need are dropped;
 * `fired` names a timer that just fired and is not kept unless the activity was re-entered.
 */
export function armTimersFor(
  scheme: CompiledScheme,
  instance: ProcessInstance,
  now: Date,
  parameters: Readonly<Record<string, JsonValue>>,
  existing: readonly ArmedTimer[],
  entered: boolean,
  fired?: string,
): ArmedTimer[] {
  const armed: ArmedTimer[] = [];
  for (const name of timerNamesOf(scheme, instance.activityName)) {
    const timer = scheme.timers.get(name);
    if (!timer) throw new WaymarkError('WM_SCHEME_INVALID', `Timer ${name} is used by a transition but not declared`, { timerName: name });
    const current = existing.find((item) => item.name === name);
    if (!entered && name === fired) continue;
    if (current && (!entered || timer.notOverrideIfExists)) {
      armed.push({ processId: instance.id, name, dueAt: current.dueAt });
      continue;
    }
    armed.push({ processId: instance.id, name, dueAt: computeTimerDue(timer, now, parameters).toISOString() });
  }
  return armed;
}
