/**
 * When timers fall due, and which timers an instance has armed in its current activity.
 */
import { WaymarkError } from '../errors/index.js';
import type { CompiledScheme, CompiledTimer } from '../scheme/model.js';
import { parseTimerDate, type TimeOfDay } from '../scheme/index.js';
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

/**
 * When `timer` falls due if armed at `now`, from its compiled schedule:
 * - an interval (`Interval`, or a `Time` value that is a duration, as the vendor's sample
 *   `Timer.xml` writes `1m`): now + the interval;
 * - a time of day (`Time`, `HH:mm[:ss]`): the next time the clock in the timer's zone shows it
 *   (strictly after now);
 * - a date (`Date` at midnight, `DateAndTime` at its time) in the timer's zone, possibly in the
 *   past: then the timer is due at once;
 * - `Expression`: its value — a date (ISO text or Date) or a number of milliseconds from now;
 * - `Cron`: the compiled pattern's next run after now, in the timer's zone.
 * Throws WM_SCHEME_INVALID when the value gives no time.
 */
export function computeTimerDue(timer: CompiledTimer, now: Date, parameters: Readonly<Record<string, JsonValue>>): Date {
  const schedule = timer.schedule;
  switch (schedule.kind) {
    case 'Interval':
      return new Date(now.getTime() + schedule.milliseconds);
    case 'TimeOfDay': {
      const today = new Date(now.getTime() + offsetMinutes(now.getTime(), schedule.timeZone) * 60_000);
      for (let dayOffset = 0; dayOffset <= 2; dayOffset += 1) {
        const day = new Date(today.getTime() + dayOffset * DAY_MS);
        const candidate = zonedInstant(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), schedule.time, schedule.timeZone);
        if (candidate.getTime() > now.getTime()) return candidate;
      }
      throw timerError(timer, 'no next occurrence found');
    }
    case 'Date': {
      const { date } = schedule;
      return zonedInstant(date.year, date.month, date.day, date.time ?? MIDNIGHT, schedule.timeZone);
    }
    case 'Expression':
      return dueFromExpressionValue(timer, schedule.expression.evaluate(parameters), now, schedule.timeZone);
    case 'Cron': {
      const next = schedule.cron.nextRun(now);
      if (!next) throw timerError(timer, 'the pattern has no future run');
      return next;
    }
  }
}

const MIDNIGHT: TimeOfDay = { hours: 0, minutes: 0, seconds: 0 };

function dueFromExpressionValue(timer: CompiledTimer, value: unknown, now: Date, timeZone: string): Date {
  if (typeof value === 'bigint') value = Number(value);
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(now.getTime() + value);
  if (typeof value === 'string') {
    // A date the expression computed from the process's parameters: run-time data, not scheme text.
    const date = parseTimerDate(value);
    if (date) return zonedInstant(date.year, date.month, date.day, date.time ?? MIDNIGHT, timeZone);
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
