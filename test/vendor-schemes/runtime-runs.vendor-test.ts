/** The vendor's samples with file actions, HTTP actions and a timer, run by the runtime (see test/runtime/fixture-runs.ts). */
import { describeRuntimeFixtureRuns } from '../runtime/fixture-runs.js';
import { vendorSchemes } from './vendor-samples.js';

describeRuntimeFixtureRuns(vendorSchemes);
