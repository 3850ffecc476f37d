/**
 * The facts a {@link WaymarkError} may carry, typed per code: `ErrorContextOf<'WM_INPUT_INVALID'>`
 * names the keys an input error may have, so a misspelt or drifting key (`parameter` for `field`)
 * fails the typecheck. Each key has one meaning and one type across all codes (`ErrorContextKeys`);
 * each code picks the keys it uses (`ERROR_CONTEXT_KEYS_BY_CODE` below, as a type).
 *
 * Context is for logs, tests and the dialect mappings; no dialect sends a context key as is
 * (the Workflow API reads `detail`, `credential`, `reason`, `retryAfterSeconds`, `routeNotFound`;
 * `/api/v1` reads `rule`), so renaming a key never changes an answer on the wire.
 */
import type { ErrorCode } from './codes.js';
import type { SchemeProblem } from './scheme-problem.js';

/** Every context key, with its one meaning. All optional: a code picks the ones it uses. */
export interface ErrorContextKeys {
  // --- requests
  /** The request field (body, query or path value) that is wrong, as the caller named it, e.g. `wfData.days`. */
  readonly field: string;
  /** A named input rule that was broken (`/api/v1` answers `OnlyTenantIdOrOrganizationIdAllowed` as its errorCode). */
  readonly rule: string;
  /** The type or form the field should have had, e.g. `Int32`. */
  readonly expected: string;
  /** The value that was refused (caller input: show it only as text). */
  readonly value: unknown;
  /** Names (fields, ids) that were asked for and are missing. */
  readonly missing: readonly string[];
  /** A key of caller JSON refused for its name (`__proto__`, `constructor`, `prototype`). */
  readonly key: string;
  /** The deepest nesting of caller JSON this server reads. */
  readonly maxDepth: number;
  /** The largest page a listing answers. */
  readonly maxPageSize: number;
  /** The limit, in bytes, a body went over. */
  readonly limit: number;
  /** The human detail a dialect may show beside its own text (the Workflow API's `message`). */
  readonly detail: string;
  /** For the Workflow API: the URL is no operation's, so it answers 404. */
  readonly routeNotFound: boolean;
  /** A Workflow API operation, or a service operation refused while the runtime is stopped. */
  readonly operation: string;
  /** The fastify (or @fastify/multipart) error code the classifier turned into this error. */
  readonly frameworkCode: string;
  /** The HTTP status fastify gave a client error whose code has a different one in the code table. */
  readonly httpStatus: number;
  /** A log level the caller gave. */
  readonly level: unknown;
  /** A file path: given on the command line, or of a source file a tool could not compile. */
  readonly path: string;
  /** A command-line flag or option, e.g. `--duration`. */
  readonly flag: string;
  /** A benchmark scenario, by name. */
  readonly scenario: string;
  /** The exit code of a child process. */
  readonly exitCode: number | null;

  // --- credentials
  /** Which credential of the Workflow API was refused: its `token` field or an OpenID Connect bearer token. */
  readonly credential: 'token' | 'bearer';
  /** Why a credential or a configuration value was refused (`missing`, `invalid`, or words). */
  readonly reason: string;
  /** Seconds until a client refused for too many failed attempts may try again. */
  readonly retryAfterSeconds: number;
  /** A permission of an API token, e.g. `workflowInstances:write`. */
  readonly permission: string;
  /** A host name that was refused. */
  readonly host: string;

  // --- schemes and instances
  readonly schemeCode: string | null;
  readonly schemeId: string;
  /** A version of a scheme. */
  readonly version: number;
  readonly schemeVersion: number;
  /** Every problem found in a scheme. */
  readonly problems: readonly SchemeProblem[];
  readonly instanceCount: number;
  readonly processId: string;
  /** The status of a process instance (engine's InstanceStatus). */
  readonly instanceStatus: number;
  readonly activityName: string;
  readonly state: string | null;
  readonly command: string;
  /** A parameter of a process (a scheme's parameter), never a request field (that is `field`). */
  readonly parameterName: string;
  /** The type a process parameter is declared with. */
  readonly type: string;
  readonly identityId: string | null;
  readonly impersonatedIdentityId: string | null;
  readonly actorName: string;
  readonly timerName: string;
  readonly timerType: string;
  readonly timerValue: string;
  /** An interval text that could not be read, e.g. `3 fortnights`. */
  readonly interval: string;
  readonly expression: string;
  /** The compare type of a built-in condition. */
  readonly compareType: string;

  // --- actions, callback servers and outbound HTTP
  /** The action (or condition, rule) that failed. */
  readonly action: string;
  /** The name of a thing the message names: a callback server, a form, an external action, a setting's entry. */
  readonly name: string | null;
  /** What kind of thing `name` is: `action`, `condition`, `rule`. */
  readonly kind: string;
  /** A callback server, by name. */
  readonly server: string;
  /** A callback server method, e.g. `ExecuteAction`. */
  readonly method: string;
  /** The HTTP status an outbound call was answered with. */
  readonly status: number;
  readonly url: string;
  /** An address (IP) a call would have reached. */
  readonly address: string;
  /** The most bytes of an answer read. */
  readonly maxBytes: number;
  /** What an outbound call was for, e.g. `HTTPRequest`. */
  readonly purpose: string;
  /** The id of the record the error is about (an outbox message, a key). */
  readonly id: string | number;

  // --- users, tenants, tokens, models
  readonly userId: string;
  readonly login: string | null;
  readonly credentialId: string;
  /** The lock stored, and the one a caller sent (a counter each update raises). */
  readonly lock: number;
  readonly expectedLock: number;
  readonly role: string;
  readonly tenantId: string | null;
  readonly slug: string;
  readonly tokenId: string;
  readonly wfModelId: string;

  // --- configuration and storage
  /** The configuration setting that is wrong, e.g. `PORT`. */
  readonly setting: string;
  /** An index into a list setting. */
  readonly index: number;
  /** What is wrong with a list setting's entry. */
  readonly problem: string;
  /** An allowlist entry. */
  readonly entry: string;
  /** Where a setting came from (an environment variable or a file). */
  readonly source: string;
  /** A database location (never with its password). */
  readonly location: string;
  readonly dataDir: string;
  /** A URL scheme, e.g. `mysql`. */
  readonly scheme: string;
  readonly migration: string;
  readonly unknownMigrations: readonly string[];
}

type Keys<K extends keyof ErrorContextKeys | keyof NoContextKey> = K;

/** The keys of the classifier's framework errors (src/errors/to-waymark-error.ts). */
type FrameworkKeys = Keys<'frameworkCode' | 'httpStatus'>;

/** The context keys each code may carry. */
interface ContextKeysByCode {
  WM_INPUT_INVALID: FrameworkKeys | Keys<'field' | 'rule' | 'expected' | 'value' | 'key' | 'maxDepth' | 'maxPageSize' | 'detail' | 'level' | 'path' | 'name' | 'tenantId' | 'slug' | 'wfModelId' | 'command' | 'parameterName' | 'schemeCode' | 'interval' | 'url' | 'flag' | 'scenario'>;
  WM_INPUT_MISSING: FrameworkKeys | Keys<'field' | 'missing'>;
  WM_BODY_TOO_LARGE: FrameworkKeys | Keys<'limit'>;
  WM_UNSUPPORTED_MEDIA_TYPE: FrameworkKeys;
  WM_CONFIG_INVALID: Keys<'setting' | 'value' | 'index' | 'problem' | 'entry' | 'source' | 'location' | 'dataDir' | 'scheme' | 'migration' | 'unknownMigrations' | 'reason'>;

  WM_SCHEME_INVALID: Keys<'schemeCode' | 'problems' | 'actorName' | 'timerName' | 'timerType' | 'timerValue'>;
  WM_SCHEME_UNSUPPORTED: Keys<'schemeCode' | 'problems' | 'field'>;
  WM_SCHEME_PARSE: Keys<'schemeCode' | 'problems'>;
  WM_SCHEME_NOT_FOUND: Keys<'schemeCode' | 'schemeId' | 'version'>;
  WM_SCHEME_IN_USE: Keys<'schemeCode' | 'instanceCount'>;
  WM_EXPRESSION_INVALID: Keys<'expression' | 'reason'>;

  WM_INSTANCE_NOT_FOUND: Keys<'processId' | 'detail' | 'missing'>;
  WM_INSTANCE_EXISTS: Keys<'processId'>;
  WM_INSTANCE_CONFLICT: Keys<'processId'>;
  WM_INSTANCE_NOT_ACTIVE: Keys<'processId' | 'instanceStatus'>;
  WM_TENANT_MISMATCH: Keys<'processId' | 'tenantId'>;

  WM_COMMAND_NOT_FOUND: Keys<'command' | 'schemeCode'>;
  WM_COMMAND_NOT_ALLOWED: Keys<'command' | 'processId' | 'identityId' | 'impersonatedIdentityId'>;
  WM_COMMAND_NOT_AVAILABLE: Keys<'command' | 'processId' | 'activityName'>;
  WM_COMMAND_PARAMETER_MISSING: Keys<'command' | 'parameterName'>;
  WM_STATE_NOT_FOUND: Keys<'state' | 'schemeCode'>;
  WM_STATE_NOT_SETTABLE: Keys<'state' | 'schemeCode'>;
  WM_ACTIVITY_NOT_FOUND: Keys<'processId' | 'activityName' | 'schemeCode' | 'schemeVersion'>;
  WM_PARAMETER_NOT_FOUND: Keys<'processId' | 'parameterName'>;
  WM_PARAMETER_READ_ONLY: Keys<'processId' | 'parameterName'>;
  WM_PARAMETER_TYPE: Keys<'parameterName' | 'type'>;

  WM_AUTO_LOOP_LIMIT: Keys<'processId'>;
  WM_ACTION_FAILED: Keys<'action' | 'schemeCode' | 'host' | 'address' | 'status' | 'compareType' | 'url' | 'server' | 'method' | 'name' | 'maxBytes' | 'purpose' | 'reason'>;
  WM_EXTERNAL_UNAVAILABLE: Keys<'kind' | 'name' | 'schemeCode'>;
  WM_EXPRESSION_FAILED: Keys<'expression' | 'reason'>;
  WM_RUNTIME_STOPPED: Keys<'operation'>;
  WM_CALLBACK_SERVER_NOT_FOUND: Keys<'name'>;
  WM_CALLBACK_SERVER_EXISTS: Keys<'name'>;

  WM_USER_NOT_FOUND: Keys<'userId'>;
  WM_USER_EXISTS: Keys<'userId' | 'login'>;
  WM_LOCK_CONFLICT: Keys<'userId' | 'lock' | 'expectedLock'>;
  WM_USER_API_BLOCKED: Keys<'noContext'>;
  WM_ROLE_REFUSED: Keys<'role'>;

  WM_UNAUTHORIZED: FrameworkKeys | Keys<'credential' | 'reason'>;
  WM_FORBIDDEN: FrameworkKeys | Keys<'permission' | 'tenantId' | 'wfModelId'>;
  WM_RATE_LIMITED: Keys<'retryAfterSeconds'>;
  WM_HOST_NOT_ALLOWED: Keys<'host'>;
  WM_NOT_FOUND: FrameworkKeys | Keys<'tenantId' | 'routeNotFound' | 'operation' | 'schemeCode' | 'name' | 'state' | 'tokenId' | 'credentialId' | 'userId' | 'wfModelId'>;
  WM_INTERNAL: Keys<'action' | 'processId' | 'id' | 'kind' | 'parameterName' | 'method' | 'path' | 'exitCode'>;
}

/** A key no error carries: the one key of codes without context, so that none other typechecks. */
interface NoContextKey {
  readonly noContext: never;
}

/** The context an error of code `C` may carry (for a union of codes, any of theirs). */
export type ErrorContextOf<C extends ErrorCode> = Readonly<Partial<Pick<ErrorContextKeys & NoContextKey, ContextKeysByCode[C]>>>;

/** The context of an error whose code is not known: any key, each with its one type. */
export type ErrorContext = ErrorContextOf<ErrorCode>;
