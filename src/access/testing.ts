/**
 * Test helpers of the access area: a fresh app with the identity server, admin sign-in, one
 * guarded admin route pair and one Workflow API probe route. Not exported from the folder's index.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { isWaymarkError } from '../errors/index.js';
import { createLogger, type Logger } from '../logging/index.js';
import { ManualClock } from '../services/clock.js';
import { createSqliteStore } from '../store/index.js';
import type { Store } from '../store/store.js';
import { SIGNING_KEYS_SETTING } from './signing-keys.js';
import { createAccessControl, type AccessControl, type AccessControlDeps } from './access-control.js';
import { adminSessionPlugin } from './admin-session-plugin.js';
import { identityServerPlugin } from '../identity/identity-server.js';
import { trackRoutes } from './route-list.js';
import { serializeRequestForLog } from './url-redaction.js';
import type { RateLimitPolicy } from './rate-limiter.js';

/** The API token most tests use. */
export const TEST_API_TOKEN = 'test-api-token-7f3c9a1e5b2d4c6f';
/** The admin password most tests use. */
export const TEST_ADMIN_PASSWORD = 'correct horse battery staple';

/** What {@link buildAccessApp} returns. */
export interface AccessTestApp {
  readonly app: FastifyInstance;
  readonly access: AccessControl;
  readonly store: Store;
  readonly clock: ManualClock;
  /** Every log line written so far, raw. */
  readonly logText: () => string;
}

/** A logger that keeps raw lines in memory. */
export function capturingLogger(): { logger: Logger; logText: () => string } {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  return { logger, logText: () => lines.join('') };
}

/**
 * Builds a fresh app over an in-memory SQLite store. Routes: the identity server, admin sign-in,
 * `GET|POST /admin/api/ping` behind the admin guard, and `POST /workflowapi/probe` which calls
 * `checkWorkflowApi` with the `token` of the query or JSON body and answers 401 on refusal (429
 * with Retry-After for a client past the limit of wrong tokens).
 */
export async function buildAccessApp(options: {
  apiToken?: string;
  oidc?: boolean;
  adminPassword?: string | null;
  publicUrl?: string;
  clock?: ManualClock;
  store?: Store;
  rateLimit?: RateLimitPolicy;
  changes?: AccessControlDeps['changes'];
} = {}): Promise<AccessTestApp> {
  const clock = options.clock ?? new ManualClock('2026-03-01T10:00:00.000Z');
  const store = options.store ?? (await createSqliteStore({ filename: ':memory:' }));
  const { logger, logText } = capturingLogger();
  const access = await createAccessControl({ store, logger, clock, publicUrl: options.publicUrl, rateLimit: options.rateLimit, changes: options.changes });
  if (options.apiToken !== undefined) await access.settings.setApiToken(options.apiToken);
  if (options.oidc === true) await access.settings.setOidcEnabled(true);
  if (options.adminPassword !== null) await access.settings.setAdminPassword(options.adminPassword ?? TEST_ADMIN_PASSWORD);

  // As the server shell should: request URLs are logged without secret query parameters.
  const app = Fastify({ loggerInstance: logger.child({}, { serializers: { req: serializeRequestForLog } }) as FastifyBaseLogger });
  trackRoutes(app);
  await app.register(identityServerPlugin(access));
  await app.register(adminSessionPlugin(access));
  await app.register(async (admin) => {
    admin.addHook('preHandler', access.adminGuard);
    admin.get('/admin/api/ping', async () => ({ pong: true }));
    admin.post('/admin/api/ping', async () => ({ changed: true }));
  });
  app.post('/workflowapi/probe', async (request, reply) => {
    const query = request.query as { token?: string };
    const body = (request.body ?? {}) as { token?: string };
    try {
      await access.checkWorkflowApi({
        token: body.token ?? query.token,
        authorization: request.headers.authorization,
        client: request.ip,
      });
    } catch (error) {
      if (isWaymarkError(error, 'WM_UNAUTHORIZED')) return reply.code(401).send({ code: error.code, message: error.message });
      if (isWaymarkError(error, 'WM_RATE_LIMITED')) {
        return reply.code(429).header('retry-after', String(error.context.retryAfterSeconds)).send({ code: error.code, message: error.message });
      }
      throw error;
    }
    return { success: true };
  });
  await app.ready();
  return { app, access, store, clock, logText };
}

/** The newest stored signing key, imported, with its id (to forge tokens in refusal tests). */
export async function storedSigningKey(store: Store, index = 0): Promise<{ kid: string; privateKey: CryptoKey; publicJwk: JWK }> {
  const keys = (await store.getSetting(SIGNING_KEYS_SETTING)) as unknown as { kid: string; privateJwk: JWK }[];
  const key = keys[index];
  if (key === undefined) throw new Error('no stored signing key');
  const { kty, n, e } = key.privateJwk;
  return { kid: key.kid, privateKey: (await importJWK(key.privateJwk, 'RS256')) as CryptoKey, publicJwk: { kty, n, e } };
}

/** Signs arbitrary claims and header with a stored key (for forging tokens in tests). */
export async function signWith(
  privateKey: CryptoKey,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', ...header }).sign(privateKey);
}

/** Requests an access token with client_secret_post; returns the parsed reply. */
export async function requestToken(app: FastifyInstance, secret: string, extra: Record<string, string> = {}) {
  const response = await app.inject({
    method: 'POST',
    url: '/connect/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ client_id: 'workflowapi', client_secret: secret, grant_type: 'client_credentials', ...extra }).toString(),
  });
  return { response, body: response.json() as Record<string, unknown> };
}

/** Calls the probe route with a bearer token; returns the status. */
export async function probeWithBearer(app: FastifyInstance, accessToken: string): Promise<{ status: number; message: unknown }> {
  const response = await app.inject({ method: 'POST', url: '/workflowapi/probe', headers: { authorization: `Bearer ${accessToken}` }, payload: {} });
  return { status: response.statusCode, message: (response.json() as { message?: unknown }).message };
}
