/** The project's runnable scheme fixtures, driven through the engine (see fixture-runs.ts). */
import { projectSchemes } from '../support/scheme-fixtures.js';
import { describeFixtureRuns } from './fixture-runs.js';

describeFixtureRuns(projectSchemes);
