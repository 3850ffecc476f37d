/** The shape of a bench scenario. */
import type { BenchOptions } from './options.js';
import type { Progress } from './progress.js';
import type { ScenarioReport } from './report.js';

/** One named scenario of `npm run bench`. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  run(options: BenchOptions, progress: Progress): Promise<ScenarioReport>;
}

/** Bytes to MiB, for RSS rows. */
export function mebibytes(bytes: number): number {
  return bytes / 1024 / 1024;
}

/** Thrown by a scenario whose subject does not exist yet (e.g. a route not mounted): reported as "not yet runnable". */
export class ScenarioNotRunnable extends Error {}
