/**
 * The vendor's wire shapes that more than one dialect sends: its ProcessInstance (the Workflow
 * API's answers and the Callback API's bodies) and its status names.
 */
export {
  callbackProcessInstanceShape,
  processInstanceShape,
  type CallbackInstanceFacts,
  type CallbackProcessInstance,
  type ProcessInstanceShape,
} from './process-instance-shape.js';
export { instanceStatusName, type InstanceStatusName } from './instance-status-name.js';
