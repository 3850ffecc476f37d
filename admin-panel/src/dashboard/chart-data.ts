/**
 * Turns a per-second request series into what the Dashboard's chart draws: buckets of a few
 * seconds (a 15-minute series has 900 points, more than the chart has pixels to show), each the
 * average rate of its seconds, and the SVG path of the line and of the area under it.
 */

/** What the chart draws. */
export interface ChartData {
  /** Requests per second, one per bucket, oldest first. */
  readonly rates: readonly number[];
  /** The top of the y axis: the peak, rounded up to a "nice" number (at least 1). */
  readonly max: number;
  readonly peak: number;
  readonly average: number;
  readonly line: string;
  readonly area: string;
}

/** Buckets `perSecond` into at most `buckets` points and lays them out in `width` × `height`. */
export function chartData(perSecond: readonly number[], width: number, height: number, buckets = 90): ChartData {
  const size = Math.max(1, Math.ceil(perSecond.length / buckets));
  const rates: number[] = [];
  for (let start = 0; start < perSecond.length; start += size) {
    const slice = perSecond.slice(start, start + size);
    rates.push(slice.reduce((sum, value) => sum + value, 0) / slice.length);
  }
  const peak = rates.reduce((highest, rate) => Math.max(highest, rate), 0);
  const total = perSecond.reduce((sum, value) => sum + value, 0);
  const max = niceCeiling(peak);
  const step = rates.length > 1 ? width / (rates.length - 1) : 0;
  const points = rates.map((rate, index) => `${round(index * step)},${round(height - (rate / max) * height)}`);
  const line = points.length === 0 ? '' : `M${points.join(' L')}`;
  const area = points.length === 0 ? '' : `${line} L${round((rates.length - 1) * step)},${height} L0,${height} Z`;
  return { rates, max, peak, average: perSecond.length === 0 ? 0 : total / perSecond.length, line, area };
}

/** 1, 2, 5, 10, 20, 50, … : the smallest such number at or above `value` (1 at least). */
export function niceCeiling(value: number): number {
  if (!(value > 1)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const factor of [1, 2, 5, 10]) if (value <= factor * magnitude) return factor * magnitude;
  return 10 * magnitude;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
