import type { JsonValue, ProcessInstance } from './types.js';

/** What differs between new instances; everything else starts blank. */
export type NewInstanceFields = Pick<
  ProcessInstance,
  | 'id'
  | 'schemeCode'
  | 'schemeId'
  | 'schemeVersion'
  | 'tenantId'
  | 'status'
  | 'activityName'
  | 'stateName'
  | 'parentProcessId'
  | 'rootProcessId'
  | 'startingTransitionName'
  | 'createdAt'
> & { readonly parameters: Record<string, JsonValue> };

/** A process instance that has taken no transition yet: no previous states, no error, revision 0. */
export function newInstance(fields: NewInstanceFields): ProcessInstance {
  return {
    ...fields,
    previousActivityName: null,
    previousStateName: null,
    previousActivityForDirect: null,
    previousStateForDirect: null,
    previousActivityForReverse: null,
    previousStateForReverse: null,
    errorMessage: null,
    lastTransitionAt: null,
    revision: 0,
  };
}
