/** The vendor-compatible Workflow API dialect (`/workflowapi`). */
export {
  workflowApiPlugin,
  WORKFLOW_API_DOCS_PATH,
  WORKFLOW_API_OPENAPI_PATH,
  type WorkflowApiAccess,
  type WorkflowApiOptions,
} from './workflow-api-plugin.js';
export { toEnvelopeFailure, successEnvelope, type Envelope } from './envelope.js';
export { OPERATIONS, type Operation } from './operations.js';
export { waymarkPlugin } from './waymark-plugin.js';
