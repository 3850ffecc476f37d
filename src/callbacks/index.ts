/** The Callback API client: user-provided actions, conditions and actor rules, and notifications. */
export { CallbackClient, type CallbackClientOptions } from './callback-client.js';
export {
  CALLBACK_METHODS,
  CALLBACK_SERVERS_SETTING,
  DEFAULT_CALLBACK_TIMEOUT_MS,
  callbackServersFrom,
  methodUrl,
  parseCallbackServers,
  type CallbackMethod,
  type CallbackServer,
} from './callback-servers.js';
