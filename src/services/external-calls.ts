import { WaymarkError } from '../errors/index.js';
import type { ExternalCalls } from '../engine/types.js';

function unavailable(kind: string, name: string): WaymarkError {
  return new WaymarkError(
    'WM_EXTERNAL_UNAVAILABLE',
    `${kind} '${name}' is not built into Waymark and no callback server is configured to provide it`,
    { kind, name },
  );
}

/**
 * The ExternalCalls used while no callback server is configured: every call fails with
 * WM_EXTERNAL_UNAVAILABLE naming what was asked for, so the instance records why it stopped.
 */
export const noCallbackServer: ExternalCalls = {
  executeAction: async (name) => {
    throw unavailable('Action', name);
  },
  executeCondition: async (name) => {
    throw unavailable('Condition', name);
  },
  checkRule: async (rule) => {
    throw unavailable('Actor rule', rule);
  },
  getIdentities: async (rule) => {
    throw unavailable('Actor rule', rule);
  },
};
