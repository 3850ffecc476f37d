/** Every scenario of `npm run bench`, in the order a full run executes them. */
import type { Scenario } from '../scenario.js';
import { createScenario } from './create.js';
import { engineScenario } from './engine.js';
import { executeScenario } from './execute.js';
import { latencyScenario } from './latency.js';
import { queryScenario } from './query.js';
import { timersScenario } from './timers.js';

/** All scenarios, by run order. */
export const SCENARIOS: readonly Scenario[] = [createScenario, executeScenario, queryScenario, latencyScenario, timersScenario, engineScenario];
