/**
 * `timers`: many timers due at once. Needs the timer-firing runtime (a later issue); until it
 * exists the scenario reports itself as not yet runnable rather than measuring something else.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../scenario.js';

const RUNTIME_FOLDERS = ['src/runtime', 'src/scheduler'];
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** 100,000 timers due at once: time until all fired, lag p50/p99, each fired once. */
export const timersScenario: Scenario = {
  name: 'timers',
  description: 'N timers due at once: time until all fired, lag p50/p99, each fired once',
  async run(options) {
    const runtime = RUNTIME_FOLDERS.find((folder) => existsSync(join(projectRoot, folder)));
    return {
      scenario: 'timers',
      status: 'not yet runnable',
      reason:
        runtime === undefined
          ? 'no timer-firing runtime exists yet (src/runtime or src/scheduler); the store only lists due timers (getDueTimers)'
          : `${runtime} exists but the server under test does not start it yet (startServer mounts no runtime) and this scenario is not written against it yet`,
      measurements: [],
      parameters: { timers: options.timers },
    };
  },
};
