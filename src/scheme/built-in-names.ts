/**
 * The names Waymark provides itself: actions, condition actions and actor rules. Any other name
 * a scheme uses must come from a callback server (the scheme's `externalNeeds`).
 */

/** The file actions: they touch the server's disk and run only inside a configured sandbox folder. */
export const FILE_ACTIONS: ReadonlySet<string> = new Set([
  'FileWrite',
  'FileRead',
  'FileDelete',
  'DirectoryCreate',
  'DirectoryCompress',
  'FileUncompress',
  'FilesListRead',
  'DirectoryDelete',
]);

/** Actions Waymark runs itself; any other action name must come from a callback server. */
export const BUILT_IN_ACTIONS: ReadonlySet<string> = new Set([
  'SetParameter',
  'RemoveParameter',
  'StartLoopFor',
  'StartLoopForeach',
  'StartLoopForeachFromParameter',
  'HTTPRequest',
  ...FILE_ACTIONS,
  'Webhook',
]);


/** Condition actions Waymark evaluates itself. */
export const BUILT_IN_CONDITIONS: ReadonlySet<string> = new Set([
  'CheckParameter',
  'LoopIsNotCompletedAndBroken',
  'CheckAllSubprocessesCompleted',
  'CheckHTTPRequest',
]);

/** Actor rules Waymark checks itself. */
export const BUILT_IN_RULES: ReadonlySet<string> = new Set(['isUser', 'InRole']);

/** Why a file action is refused on a server without a sandbox folder, and what allows it. */
export const FILE_ACTIONS_ARE_OFF =
  "file actions touch the server's disk and are off by default: configure a sandbox folder (environment variable WAYMARK_FILE_SANDBOX) to allow them inside it.";
