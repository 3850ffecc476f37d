/**
 * The Callback API: the client that calls the user's callback servers (actions, conditions,
 * actor rules, parameters, scheme generation, notifications), their settings, and the service
 * that configures them.
 */
export {
  CallbackClient,
  type CallbackClientOptions,
  type CallbackTestResult,
  type GenerateRequest,
  type NotificationMethod,
  type ParameterCallContext,
} from './callback-client.js';
export {
  CALLBACK_METHODS,
  CALLBACK_SERVERS_SETTING,
  CLASSIC_CALLBACK_METHODS,
  DEFAULT_CALLBACK_TIMEOUT_MS,
  ENVIRONMENT_SERVER_NAME,
  LIST_METHODS,
  OPT_IN_CALLBACK_METHODS,
  callbackServersFrom,
  isCallbackMethod,
  methodToken,
  methodUrl,
  parseCallbackServers,
  type CallbackMethod,
  type CallbackServer,
} from './callback-servers.js';
export {
  CallbackServerService,
  type CallbackMethodView,
  type CallbackServerChanges,
  type CallbackServerInput,
  type CallbackServerServiceOptions,
  type CallbackServerView,
} from './callback-server-service.js';
