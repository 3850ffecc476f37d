export {
  createAccessControl,
  OIDC_FAILURE_MESSAGE,
  type AccessControl,
  type AccessControlDeps,
  type WorkflowApiCredentials,
} from './access-control.js';
export { adminSessionPlugin } from './admin-session-plugin.js';
export {
  issueAccessToken,
  verifyAccessToken,
  apiTokenFingerprint,
  WORKFLOW_API_CLIENT_ID,
  WORKFLOW_API_AUDIENCE,
  WORKFLOW_API_SCOPE,
  ACCESS_TOKEN_TYPE,
  type IssuedAccessToken,
  type AccessTokenVerdict,
} from './access-tokens.js';
export {
  SigningKeyRing,
  SIGNING_KEYS_SETTING,
  SIGNING_ALGORITHM,
  ACCESS_TOKEN_LIFETIME_SECONDS,
  CLOCK_SKEW_SECONDS,
  VERIFICATION_KEYS_MAX_AGE_MS,
  UNKNOWN_KID_READ_INTERVAL_MS,
  type SigningKeyRingOptions,
  type PublicSigningJwk,
  type ActiveSigningKey,
} from './signing-keys.js';
export { SettingsService, ACCESS_SETTINGS, ADMIN_USER_NAME, generateSecret } from './settings-service.js';
export { applyStartupSettings, beginStartupSettings, parseSwitch, type StartupSettingsInProgress } from './startup-settings.js';
export { ADMIN_SESSION_COOKIE, CSRF_HEADER, ADMIN_SESSION_LIFETIME_MS, readCookie, type AdminSessionInfo } from './admin-sessions.js';
export { FailureRateLimiter, DEFAULT_RATE_LIMIT, type RateLimitPolicy } from './rate-limiter.js';
export { secretsEqual } from './secret-compare.js';
export { trackRoutes, listRoutes, type RouteEntry } from './route-list.js';
export { redactUrlSecrets, serializeRequestForLog } from './url-redaction.js';
export { PublicOrigin, isLoopbackHostName, type PublicOriginOptions, type RequestAuthority } from './public-origin.js';
