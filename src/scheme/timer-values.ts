/**
 * The value syntax of timers: interval texts (`10minutes`, `1d 2h`), times of day (`08:30`),
 * dates (`12/31/2026`) and date-times. See docs/schemes.md, "Timers".
 */
import { WaymarkError } from '../errors/index.js';

const MILLISECONDS_PER_UNIT: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(ms|msec|msecs|millisecond|milliseconds)$/, 1],
  [/^(s|sec|secs|second|seconds)$/, 1000],
  [/^(m|min|mins|minute|minutes)$/, 60_000],
  [/^(h|hr|hrs|hour|hours)$/, 3_600_000],
  [/^(d|day|days)$/, 86_400_000],
  [/^(w|week|weeks)$/, 604_800_000],
];

/** Longest interval accepted: about 100 years. */
const MAX_INTERVAL_MS = 100 * 366 * 86_400_000;

function intervalError(text: string, reason: string): WaymarkError<'WM_INPUT_INVALID'> {
  return new WaymarkError('WM_INPUT_INVALID', `Interval "${text}" is not valid: ${reason}`, { interval: text });
}

/**
 * Parses an interval: a plain number of milliseconds (`60000`) or one or more
 * `<number><unit>` parts (`10minutes`, `1d 2h`, `30s`, `2 hours 5 min`, `1.5h`).
 * Returns milliseconds (> 0). Throws `WaymarkError('WM_INPUT_INVALID')` otherwise.
 */
export function parseInterval(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '') throw intervalError(text, 'it is empty');
  if (/^\d+$/.test(trimmed)) {
    const milliseconds = Number(trimmed);
    if (milliseconds <= 0) throw intervalError(text, 'it must be longer than zero');
    if (milliseconds > MAX_INTERVAL_MS) throw intervalError(text, 'it is longer than 100 years');
    return milliseconds;
  }
  const part = /\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*,?/y;
  let total = 0;
  let index = 0;
  while (index < trimmed.length) {
    part.lastIndex = index;
    const match = part.exec(trimmed);
    if (!match) {
      throw intervalError(text, `"${trimmed.slice(index)}" is not a number followed by a unit (ms, s, min, h, d, w)`);
    }
    const unit = match[2]!.toLowerCase();
    const factor = MILLISECONDS_PER_UNIT.find(([pattern]) => pattern.test(unit))?.[1];
    if (factor === undefined) throw intervalError(text, `"${match[2]}" is not a unit (ms, s, min, h, d, w)`);
    total += Number(match[1]) * factor;
    index = part.lastIndex;
  }
  total = Math.round(total);
  if (total <= 0) throw intervalError(text, 'it must be longer than zero');
  if (total > MAX_INTERVAL_MS) throw intervalError(text, 'it is longer than 100 years');
  return total;
}

/** True when `text` is an interval `parseInterval` accepts. */
export function isInterval(text: string): boolean {
  try {
    parseInterval(text);
    return true;
  } catch {
    return false;
  }
}

/** A time of day. */
export interface TimeOfDay {
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

/** Parses `HH:mm` or `HH:mm:ss` (24-hour); undefined when it is not one. */
export function parseTimeOfDay(text: string): TimeOfDay | undefined {
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  const seconds = Number(match[3] ?? '0');
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  return { hours, minutes, seconds };
}

/** A calendar date and optional time, as written (no time zone applied). */
export interface TimerDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly time?: TimeOfDay;
}

/**
 * Parses the vendor's `MM/DD/YYYY` (Date) or `MM/DD/YYYY HH:mm[:ss]` (DateAndTime), and also
 * ISO `YYYY-MM-DD[THH:mm[:ss]]`. Undefined when it is not a valid date.
 */
export function parseTimerDate(text: string): TimerDate | undefined {
  const trimmed = text.trim();
  const vendor = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\S+))?$/.exec(trimmed);
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T\s](\d{2}:\d{2}(?::\d{2})?))?$/.exec(trimmed);
  let year: number, month: number, day: number, timeText: string | undefined;
  if (vendor) {
    [month, day, year, timeText] = [Number(vendor[1]), Number(vendor[2]), Number(vendor[3]), vendor[4]];
  } else if (iso) {
    [year, month, day, timeText] = [Number(iso[1]), Number(iso[2]), Number(iso[3]), iso[4]];
  } else {
    return undefined;
  }
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    return undefined;
  }
  if (timeText === undefined) return { year, month, day };
  const time = parseTimeOfDay(timeText);
  return time ? { year, month, day, time } : undefined;
}
