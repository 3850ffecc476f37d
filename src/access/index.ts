export {
  createAccessControl,
  OIDC_FAILURE_MESSAGE,
  type AccessControl,
  type AccessControlDeps,
  type WorkflowApiCredentials,
} from './access-control.js';
export { adminSessionPlugin } from './admin-session-plugin.js';
export { identityServerPlugin } from '../identity/index.js';
export { SettingsService, ACCESS_SETTINGS, ADMIN_USER_NAME, generateSecret } from './settings-service.js';
export { applyStartupSettings, beginStartupSettings, parseSwitch, type StartupSettingsInProgress } from './startup-settings.js';
export { ADMIN_SESSION_COOKIE, CSRF_HEADER, ADMIN_SESSION_LIFETIME_MS, readCookie, type AdminSessionInfo } from './admin-sessions.js';
export { FailureRateLimiter, DEFAULT_RATE_LIMIT, type RateLimitPolicy } from './rate-limiter.js';
export { secretsEqual } from './secret-compare.js';
export { trackRoutes, listRoutes, type RouteEntry } from './route-list.js';
export { redactUrlSecrets, serializeRequestForLog } from './url-redaction.js';
export { PublicOrigin, isLoopbackHostName, type PublicOriginOptions, type RequestAuthority } from './public-origin.js';
