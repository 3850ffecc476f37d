/**
 * Command-line options of `npm run bench`: which scenarios to run and how big.
 * Every load loop is bounded by both `durationSeconds` and a request count derived from it.
 */
import { WaymarkError } from '../src/errors/index.js';

/** What one bench run was asked to do. */
export interface BenchOptions {
  /** Scenario names to run, in order (empty = all). */
  readonly scenarios: readonly string[];
  /** Seconds of load per measurement (scenario and each ceiling). */
  readonly durationSeconds: number;
  /** Concurrent HTTP connections, the same for our server and the HTTP ceiling. */
  readonly connections: number;
  /** Requests in flight per connection, the same for our server and the HTTP ceiling. */
  readonly pipelining: number;
  /** Instances stored before the query scenario measures. */
  readonly instances: number;
  /** Timers due at once in the timers scenario. */
  readonly timers: number;
  /** Requests per second of the fixed-rate latency scenario. */
  readonly rate: number;
  /** Where results (JSON and Markdown) are written; null = do not write. */
  readonly resultsDir: string | null;
  /** Start servers under test with `--cpu-prof` into this directory; null = no profile. */
  readonly cpuProfileDir: string | null;
}

/** Defaults of a full run (`npm run bench`). */
export const DEFAULT_OPTIONS: BenchOptions = {
  scenarios: [],
  durationSeconds: 10,
  connections: 100,
  pipelining: 1,
  instances: 1_000_000,
  timers: 100_000,
  rate: 1000,
  resultsDir: 'bench/results',
  cpuProfileDir: null,
};

function positiveNumber(flag: string, text: string | undefined, integer: boolean): number {
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new WaymarkError('WM_INPUT_INVALID', `${flag} needs a positive ${integer ? 'whole number' : 'number'}, got '${text ?? ''}'`, { flag, value: text ?? null });
  }
  return value;
}

/**
 * Reads `[scenario ...] [--duration s] [--connections n] [--pipelining n] [--instances n]
 * [--timers n] [--rate n] [--results dir | --no-results] [--cpu-prof dir]`.
 * Unknown flags and scenario names throw WM_INPUT_INVALID naming what is accepted.
 */
export function parseBenchArguments(argv: readonly string[], knownScenarios: readonly string[]): BenchOptions {
  const scenarios: string[] = [];
  let options: BenchOptions = { ...DEFAULT_OPTIONS };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] as string;
    const next = (): string | undefined => argv[++index];
    switch (argument) {
      case '--duration':
        options = { ...options, durationSeconds: positiveNumber(argument, next(), false) };
        break;
      case '--connections':
        options = { ...options, connections: positiveNumber(argument, next(), true) };
        break;
      case '--pipelining':
        options = { ...options, pipelining: positiveNumber(argument, next(), true) };
        break;
      case '--instances':
        options = { ...options, instances: positiveNumber(argument, next(), true) };
        break;
      case '--timers':
        options = { ...options, timers: positiveNumber(argument, next(), true) };
        break;
      case '--rate':
        options = { ...options, rate: positiveNumber(argument, next(), true) };
        break;
      case '--results': {
        const directory = next();
        if (directory === undefined || directory.startsWith('--')) {
          throw new WaymarkError('WM_INPUT_INVALID', '--results needs a directory', { flag: argument });
        }
        options = { ...options, resultsDir: directory };
        break;
      }
      case '--no-results':
        options = { ...options, resultsDir: null };
        break;
      case '--cpu-prof': {
        const directory = next();
        if (directory === undefined || directory.startsWith('--')) {
          throw new WaymarkError('WM_INPUT_INVALID', '--cpu-prof needs a directory', { flag: argument });
        }
        options = { ...options, cpuProfileDir: directory };
        break;
      }
      default:
        if (argument.startsWith('-')) {
          throw new WaymarkError('WM_INPUT_INVALID', `Unknown option '${argument}' (expected --duration, --connections, --pipelining, --instances, --timers, --rate, --results, --no-results, --cpu-prof)`, { flag: argument });
        }
        if (!knownScenarios.includes(argument)) {
          throw new WaymarkError('WM_INPUT_INVALID', `Unknown scenario '${argument}' (expected one of: ${knownScenarios.join(', ')})`, { scenario: argument });
        }
        if (!scenarios.includes(argument)) scenarios.push(argument);
    }
  }
  return { ...options, scenarios };
}
