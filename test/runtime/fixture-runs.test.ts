/** The project's fixtures that need file actions, HTTP actions or timers, run by the runtime (see fixture-runs.ts). */
import { projectSchemes } from '../support/scheme-fixtures.js';
import { describeRuntimeFixtureRuns } from './fixture-runs.js';

describeRuntimeFixtureRuns(projectSchemes);
