import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Logger } from 'pino';
import { WaymarkError, type ErrorCode } from '../errors/index.js';
import { systemClock, type Clock } from '../services/clock.js';
import type { Store } from '../store/store.js';
import type { ChangeNotifier } from '../cluster/change-notifier.js';
import { apiTokenFingerprint, verifyAccessToken } from './access-tokens.js';
import {
  ADMIN_SESSION_COOKIE,
  AdminSessionStore,
  CSRF_HEADER,
  parseBasicAuthorization,
  readCookie,
  type AdminSessionInfo,
} from './admin-sessions.js';
import { PublicOrigin } from './public-origin.js';
import { FailureRateLimiter, type RateLimitPolicy } from './rate-limiter.js';
import { secretDigest, secretMatchesDigest, secretsEqual } from './secret-compare.js';
import { ADMIN_USER_NAME, SettingsService } from './settings-service.js';

/** The message of every refused OpenID Connect call (deliberately the same for every cause). */
export const OIDC_FAILURE_MESSAGE = 'OpenId Connect authentication for Workflow API failed';

/**
 * The context of a refused Workflow API call: which credential was refused (the `token` field, or
 * an OpenID Connect bearer token) and, for the token, whether it was missing or wrong. A dialect
 * answers each as its clients expect (the Workflow API: HTTP 200 for the token, 401 for a bearer).
 */
export type WorkflowApiRefusal =
  | { readonly credential: 'token'; readonly reason: 'missing' | 'invalid' }
  | { readonly credential: 'bearer' };

const TOKEN_MISSING: WorkflowApiRefusal = { credential: 'token', reason: 'missing' };
const TOKEN_INVALID: WorkflowApiRefusal = { credential: 'token', reason: 'invalid' };
const BEARER_REFUSED: WorkflowApiRefusal = { credential: 'bearer' };

/** What a Workflow API dialect passes for one call. */
export interface WorkflowApiCredentials {
  /** The `token` field the dialect parsed from the query, form or JSON body. */
  readonly token?: string | undefined;
  /** The raw `Authorization` header. */
  readonly authorization?: string | undefined;
  /**
   * The request origin (`http://host:port`), used as the accepted token issuer when no public URL
   * is configured. Optional: without it, the issuers tokens were issued under are accepted.
   */
  readonly origin?: string | undefined;
  /**
   * The client's address (`request.ip`): wrong tokens count against it, and a client with too many
   * of them is refused with WM_RATE_LIMITED. Optional for callers that are not HTTP requests.
   */
  readonly client?: string | undefined;
}

/** The failure limits of the access control: one per secret an attacker could guess. */
export interface AccessRateLimiters {
  /** Admin sign-ins: the login form and HTTP Basic on admin routes. */
  readonly adminPassword: FailureRateLimiter;
  /** The API token: the Workflow API `token` field and client authentication at `/connect/token`. */
  readonly apiToken: FailureRateLimiter;
}

/** Access control of the Workflow API and the admin area. */
export interface AccessControl {
  /**
   * Checks one Workflow API call; throws WaymarkError('WM_UNAUTHORIZED', …) on failure, and
   * WM_RATE_LIMITED (context `retryAfterSeconds`) for a client past the limit of wrong tokens.
   */
  checkWorkflowApi(request: WorkflowApiCredentials): Promise<void>;
  /**
   * True in token mode (an API token set, OpenID Connect off): every Workflow API call must carry
   * the token in its `token` field. A dialect uses it to decide whether a call without a token in
   * its URL can be refused before its body is read (no) or must be read, within the body limit,
   * to find one (yes).
   */
  tokenFieldRequired(): Promise<boolean>;
  /** fastify preHandler for admin routes (/admin/api/*): session cookie (+ CSRF header for changes) or HTTP Basic admin credentials; replies 401 JSON {error, message} otherwise. */
  adminGuard: preHandlerAsyncHookHandler;
  /** The access settings (token, OIDC switch, admin password, signing keys). */
  readonly settings: SettingsService;
  /** In-memory admin sessions. */
  readonly sessions: AdminSessionStore;
  /**
   * The live admin session of a request's cookie, or null: expired sessions and sessions signed in
   * with an earlier admin password are over.
   */
  currentSession(request: FastifyRequest): Promise<{ readonly sessionId: string; readonly info: AdminSessionInfo } | null>;
  /**
   * Changes the admin password and ends every admin session of this server but `keepSessionId`
   * (the session that asked for the change, if any). Sessions on other servers of a cluster, and
   * every session after a change made elsewhere (the CLI), end on their next request, when their
   * password stamp no longer matches.
   * @throws WaymarkError WM_INPUT_INVALID for a password the settings refuse.
   */
  changeAdminPassword(password: string, options?: { readonly keepSessionId?: string }): Promise<void>;
  /**
   * Failed attempts per client address, one limit per secret: a success with one secret (say the
   * API token) must not clear the count of guesses at another (the admin password).
   */
  readonly limiters: AccessRateLimiters;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The configured public URL without a trailing slash, or null. */
  readonly publicUrl: string | null;
  /** The origin links and issuers are built from: the public URL, or an allowed request Host. */
  readonly publicOrigin: PublicOrigin;
  /**
   * The issuer URL for a request: the public URL, or the request's own origin when its Host is
   * allowed ({@link PublicOrigin}); throws WaymarkError WM_HOST_NOT_ALLOWED otherwise.
   */
  issuerFor(request: FastifyRequest): string;
}

/** What {@link createAccessControl} needs. */
export interface AccessControlDeps {
  readonly store: Store;
  readonly publicUrl?: string | null | undefined;
  /** Without a public URL: the Host names issuers may be built from (`WAYMARK_ALLOWED_HOSTS`). */
  readonly allowedHosts?: readonly string[];
  /** The address the server binds to; a specific one is an allowed Host too. */
  readonly bindHost?: string;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Failure limit for sign-ins and token requests (10 per 5 minutes by default). */
  readonly rateLimit?: RateLimitPolicy;
  /**
   * True when the caller's start-up settings are still creating the first signing key and the admin
   * password (startServer: beside building the app). The access control then neither creates the
   * key nor warns that no admin password is set. Default false: it creates the key and waits.
   */
  readonly startupSecretsPending?: boolean;
  /**
   * The changes other nodes announce (the cluster node's notifier): a settings change there makes
   * this access control forget what it read of that setting at once, instead of within
   * ACCESS_SETTINGS_MAX_AGE_MS. Optional (a single node, tests).
   */
  readonly changes?: Pick<ChangeNotifier, 'onChange'>;
}

/** What an accepted Workflow API call's check answers when it needed no wait. */
const ACCEPTED: Promise<void> = Promise.resolve();
const REQUIRED: Promise<boolean> = Promise.resolve(true);
const NOT_REQUIRED: Promise<boolean> = Promise.resolve(false);

// Several plugins build their own access control over one store; start-up notices are logged once.
const announcedStores = new WeakSet<Store>();

/**
 * Builds the access control of one server: creates the first signing key when there is none
 * (unless told not to), and warns when the Workflow API is open (no API access token set).
 */
export async function createAccessControl(deps: AccessControlDeps): Promise<AccessControl> {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger.child({ component: 'access' });
  const settings = new SettingsService(deps.store, clock);
  const sessions = new AdminSessionStore(clock);
  const limiters: AccessRateLimiters = {
    adminPassword: new FailureRateLimiter(clock, deps.rateLimit),
    apiToken: new FailureRateLimiter(clock, deps.rateLimit),
  };
  const publicUrl = deps.publicUrl ? deps.publicUrl.replace(/\/+$/, '') : null;
  const publicOrigin = new PublicOrigin({
    publicUrl,
    ...(deps.allowedHosts === undefined ? {} : { allowedHosts: deps.allowedHosts }),
    ...(deps.bindHost === undefined ? {} : { bindHost: deps.bindHost }),
  });
  /** An issuer whose host the server answers to (a stored one may predate WAYMARK_ALLOWED_HOSTS). */
  const isAllowedIssuer = (issuer: string): boolean => {
    try {
      return publicOrigin.allowsHost(new URL(issuer).host);
    } catch {
      return false;
    }
  };
  // Kept for the life of the notifier, which is the life of the server.
  deps.changes?.onChange((change) => {
    if (change.kind === 'settings') settings.forgetRecentReads(change.key);
    else if (change.kind === 'resync') settings.forgetRecentReads();
  });

  const secretsPending = deps.startupSecretsPending === true;
  if (!secretsPending && (await settings.signingKeys.ensureKey())) logger.info('created the identity server signing key');
  if (!announcedStores.has(deps.store)) {
    announcedStores.add(deps.store);
    const apiToken = await settings.getApiToken();
    if (apiToken === null) {
      logger.warn('the Workflow API is open: no API access token is set (waymark settings set api-token, or WAYMARK_API_TOKEN)');
    } else {
      logger.info({ mode: (await settings.isOidcEnabled()) ? 'openid-connect' : 'token' }, 'Workflow API access is protected');
    }
    if (!secretsPending && !(await settings.hasAdminPassword())) logger.warn('no admin password is set; the admin area refuses every sign-in');
  }

  // The digest of the API token the calls are compared with, computed again only when the token changes.
  let apiTokenDigest: { readonly token: string; readonly digest: Buffer } | null = null;
  const digestOfApiToken = (token: string): Buffer => {
    if (apiTokenDigest?.token !== token) apiTokenDigest = { token, digest: secretDigest(token) };
    return apiTokenDigest.digest;
  };

  /**
   * Token mode (OpenID Connect off, `token` set): the call's `token` field must be that token.
   * Wrong tokens count against the client on the same limit as `/connect/token`'s client secret;
   * the check does not await, so a failure is recorded after it without a reservation.
   */
  const checkTokenField = (request: WorkflowApiCredentials, token: string): void => {
    if (request.token === undefined || request.token === '') {
      throw new WaymarkError('WM_UNAUTHORIZED', 'The Workflow API needs an access token: pass the "token" field.', TOKEN_MISSING);
    }
    const client = request.client;
    if (client !== undefined) {
      const retryAfterSeconds = limiters.apiToken.retryAfterSeconds(client);
      if (retryAfterSeconds !== null) throw tooManyAttempts(retryAfterSeconds);
    }
    if (!secretMatchesDigest(request.token, digestOfApiToken(token))) {
      if (client !== undefined) limiters.apiToken.recordFailure(client);
      throw new WaymarkError('WM_UNAUTHORIZED', 'The Workflow API access token is not valid.', TOKEN_INVALID);
    }
    if (client !== undefined) limiters.apiToken.succeeded(client);
  };

  const checkAfterReadingSettings = async (request: WorkflowApiCredentials): Promise<void> => {
    const token = await settings.getApiToken();
    if (token === null) return;
    if (await settings.isOidcEnabled()) {
      const bearer = /^Bearer +(\S+) *$/i.exec(request.authorization ?? '')?.[1];
      if (bearer === undefined) throw new WaymarkError('WM_UNAUTHORIZED', OIDC_FAILURE_MESSAGE, BEARER_REFUSED);
      const issuers =
        publicUrl !== null
          ? [publicUrl]
          : [...(request.origin ? [request.origin] : []), ...(await settings.knownIssuers())].filter(isAllowedIssuer);
      const verdict = await verifyAccessToken(bearer, {
        keys: settings.signingKeys,
        issuers,
        fingerprint: apiTokenFingerprint(token, await settings.tokenBindingSalt()),
        clock,
      });
      if (!verdict.valid) {
        logger.debug({ reason: verdict.reason }, 'refused a Workflow API access token');
        throw new WaymarkError('WM_UNAUTHORIZED', OIDC_FAILURE_MESSAGE, BEARER_REFUSED);
      }
      return;
    }
    checkTokenField(request, token);
  };

  // An open API and token mode are decided without waiting when their settings were read within
  // the last ACCESS_SETTINGS_MAX_AGE_MS (nearly every call under load), so a call does not wait for
  // reads whose values are already in memory; otherwise, and for OpenID Connect, the settings are
  // read (or the read under way is waited for) first.
  const checkWorkflowApi = (request: WorkflowApiCredentials): Promise<void> => {
    const token = settings.knownApiToken();
    if (token === null) return ACCEPTED;
    if (token !== undefined && settings.knownOidcEnabled() === false) {
      try {
        checkTokenField(request, token);
      } catch (error) {
        return Promise.reject(error);
      }
      return ACCEPTED;
    }
    return checkAfterReadingSettings(request);
  };

  // Like checkWorkflowApi, answered without waiting when the settings were read recently.
  const tokenFieldRequired = (): Promise<boolean> => {
    const token = settings.knownApiToken();
    const oidc = settings.knownOidcEnabled();
    if (token === null) return NOT_REQUIRED;
    if (token !== undefined && oidc !== undefined) return token !== null && !oidc ? REQUIRED : NOT_REQUIRED;
    return (async () => (await settings.getApiToken()) !== null && !(await settings.isOidcEnabled()))();
  };

  const currentSession = async (request: FastifyRequest): Promise<{ sessionId: string; info: AdminSessionInfo } | null> => {
    const sessionId = readCookie(request.headers.cookie, ADMIN_SESSION_COOKIE);
    if (sessionId === null) return null;
    // Read on every request: a password changed anywhere ends the sessions of the old one at once.
    const info = sessions.find(sessionId, await settings.adminPasswordStamp());
    return info === null ? null : { sessionId, info };
  };

  const changeAdminPassword = async (password: string, options: { readonly keepSessionId?: string } = {}): Promise<void> => {
    await settings.setAdminPassword(password);
    sessions.endAllAfterPasswordChange(await settings.adminPasswordStamp(), options.keepSessionId);
    logger.info('the admin password changed; other admin sessions have ended');
  };

  const adminGuard: preHandlerAsyncHookHandler = async (request, reply) => {
    const basic = request.headers.authorization;
    if (basic !== undefined && /^Basic /i.test(basic)) {
      // Reserved before the scrypt check, so parallel guesses cannot all reach it.
      const retryAfter = limiters.adminPassword.reserveAttempt(request.ip);
      if (retryAfter !== null) return refuseTooMany(reply, retryAfter);
      const credentials = parseBasicAuthorization(basic);
      const valid =
        credentials !== null &&
        // Both checks always run so a wrong user name costs as long as a wrong password.
        [secretsEqual(credentials.user, ADMIN_USER_NAME), await settings.verifyAdminPassword(credentials.password)].every(Boolean);
      if (!valid) {
        logger.info({ client: request.ip }, 'refused admin HTTP Basic credentials');
        return refuse(reply, 401, 'WM_UNAUTHORIZED', 'The admin credentials are not valid.');
      }
      limiters.adminPassword.succeeded(request.ip);
      return;
    }
    const session = await currentSession(request);
    if (session === null) {
      return refuse(reply, 401, 'WM_UNAUTHORIZED', 'Sign in to the admin area first (or use HTTP Basic admin credentials).');
    }
    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      const csrf = request.headers[CSRF_HEADER];
      if (typeof csrf !== 'string' || !secretsEqual(csrf, session.info.csrfToken)) {
        return refuse(reply, 403, 'WM_FORBIDDEN', `Changing requests need the session's CSRF token in the ${CSRF_HEADER} header.`);
      }
    }
  };

  return {
    checkWorkflowApi,
    tokenFieldRequired,
    adminGuard,
    settings,
    sessions,
    currentSession,
    changeAdminPassword,
    limiters,
    clock,
    logger,
    publicUrl,
    publicOrigin,
    issuerFor: (request) => publicOrigin.of(request),
  };
}

/** The refusal of a client that failed too often; `retryAfterSeconds` goes into a Retry-After header. */
export function tooManyAttempts(retryAfterSeconds: number): WaymarkError<'WM_RATE_LIMITED'> {
  return new WaymarkError('WM_RATE_LIMITED', `Too many failed attempts from this address; try again in ${retryAfterSeconds} seconds.`, {
    retryAfterSeconds,
  });
}

/** Replies with Waymark's admin error shape. */
export function refuse(reply: FastifyReply, status: number, error: ErrorCode, message: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send({ error, message });
}

/** Replies 429 with Retry-After. */
export function refuseTooMany(reply: FastifyReply, retryAfterSeconds: number): FastifyReply {
  reply.header('retry-after', String(retryAfterSeconds));
  return refuse(reply, 429, 'WM_RATE_LIMITED', `Too many failed attempts from this address; try again in ${retryAfterSeconds} seconds.`);
}
