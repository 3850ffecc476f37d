/** The project's VacationRequest fixture, driven through the engine (see vacation-request-runs.ts). */
import { projectSchemes } from '../support/scheme-fixtures.js';
import { describeVacationRequestRuns } from './vacation-request-runs.js';

describeVacationRequestRuns(projectSchemes);
