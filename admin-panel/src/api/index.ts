/**
 * The panel's connection to the server: one {@link ApiClient} for the whole app, the session it
 * sends, and the typed calls of each admin API area. Pages use these, never `fetch` directly.
 */
import { createApiClient, type ApiClient } from './client';
import { SessionApi, SessionState, type SignInReason } from './session';

export { ApiError, NetworkError, SessionExpiredError, describeError, errorFromResponse, type ApiProblem } from './errors';
export { createApiClient, withQuery, CSRF_HEADER, type ApiClient, type ApiClientOptions, type HttpMethod, type RequestOptions } from './client';
export { SessionApi, SessionState, type SessionInfo, type SignInReason } from './session';

type SessionLostListener = (reason: SignInReason) => void;
const sessionLostListeners = new Set<SessionLostListener>();

/** The session of this tab. */
export const sessionState = new SessionState(typeof localStorage === 'undefined' ? null : localStorage);

/** The app's API client. */
export const api: ApiClient = createApiClient({
  fetch: (...args) => fetch(...args),
  csrfToken: () => sessionState.csrfToken(),
  onSessionExpired: () => {
    sessionState.signedOut();
    for (const listener of sessionLostListeners) listener('expired');
  },
});

/** Sign-in, sign-out and the session check. */
export const session = new SessionApi(api, sessionState);

/** Called when a request finds the session gone; returns the unsubscribe function. */
export function onSessionLost(listener: SessionLostListener): () => void {
  sessionLostListeners.add(listener);
  return () => sessionLostListeners.delete(listener);
}
export { fetchReadiness, fetchServerInfo, type Readiness, type ServerInfo } from './server';
export {
  adminApi,
  INSTANCE_STATUSES,
  type AccessSettings,
  type BoundedCount,
  type ClusterNode,
  type DashboardOverview,
  type InstanceStatusName,
  type InstanceSummary,
  type RequestRate,
  type SchemeSummary,
} from './admin';
