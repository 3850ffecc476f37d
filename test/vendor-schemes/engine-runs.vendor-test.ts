/** The vendor's runnable sample schemes, driven through the engine (see test/scenarios/). */
import { describeFixtureRuns } from '../scenarios/fixture-runs.js';
import { describeVacationRequestRuns } from '../scenarios/vacation-request-runs.js';
import { vendorSchemes } from './vendor-samples.js';

describeFixtureRuns(vendorSchemes);
describeVacationRequestRuns(vendorSchemes);
